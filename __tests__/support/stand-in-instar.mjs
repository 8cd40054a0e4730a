#!/usr/bin/env node
// The test suite's stand-in for instar: it speaks instar's command line and
// forwards every call to the real qemu-img found on its PATH, the way real
// instar finds the qemu-img it imitates. A faithful stand-in must never
// diverge from qemu-img under the harness; STAND_IN_BUGS plants bugs the
// harness has to find. Plain JavaScript without dependencies (Node >= 20),
// because the harness runs it as an arbitrary executable. See STAND-IN.md.

import { spawn, spawnSync } from 'node:child_process'
import {
  accessSync,
  appendFileSync,
  closeSync,
  constants,
  openSync,
  readSync,
  writeSync
} from 'node:fs'
import path from 'node:path'

const BUGS = {
  'create-drops-lazy-refcounts': 'create ignores -o lazy_refcounts=on',
  'info-drops-field': 'info JSON lacks the top-level cluster-size on qcow2 images',
  'check-fails': 'check of a clean qcow2 image exits 3 reporting a corruption',
  hang: 'the subcommand STAND_IN_HANG (default info) sleeps forever with a sleeping child',
  segv: 'the subcommand STAND_IN_CRASH (default check) dies by SIGSEGV',
  panic: 'the subcommand STAND_IN_CRASH (default check) panics (exit 101)',
  'garbage-json': 'info --output json prints truncated JSON and exits 0',
  'convert-corrupt': 'convert changes guest data in its output',
  'measure-off': "measure's required is 4096 too high for qcow2 targets",
  'resize-ignores-shrink': 'resize drops --shrink',
  'amend-keeps-lazy': 'amend ignores lazy_refcounts options',
  'rebase-unsafe-rewrites': 'rebase -u performs a safe rebase',
  'commit-leaves-overlay': 'commit keeps the data in the overlay (qemu-img commit -d)',
  'map-merges': 'map merges the first two extents into one',
  'snapshot-apply-noop': 'snapshot -a does nothing and exits 0',
  'repair-leaves-leak': 'check --repair=all repairs leaks only and claims it is complete',
  'dd-skip-off-by-one': 'dd skips one input block too many when skip= is given',
  'unknown-option': 'create drops the -o options qemu-img rejects instead of failing',
  'create-rare-refcount': 'create with cluster_size=512 and refcount_bits=1 makes 2-bit refcounts'
}

/** Options that take a value, per subcommand (qemu-img's spellings plus instar's). */
const COMMON_VALUE_FLAGS = ['-f', '-t', '-T', '--object']
const VALUE_FLAGS = {
  info: ['--output'],
  check: ['--output', '-r'],
  convert: ['-O', '-o', '-B', '-F', '-l', '-S', '-r', '-m'],
  measure: ['-O', '-o', '-l', '--size', '--output'],
  create: ['-o', '-b', '-F'],
  resize: ['--preallocation'],
  amend: ['-o'],
  rebase: ['-b', '-F'],
  commit: ['-b', '-r'],
  map: ['--start-offset', '--max-length', '--output'],
  snapshot: ['-c', '-d', '-a'],
  dd: ['-O']
}

function fail(message, code = 2) {
  writeAll(2, `stand-in instar: ${message}\n`)
  process.exit(code)
}

/** Synchronous writes: the process exits right after, and a pipe may be non-blocking. */
function writeAll(fd, text) {
  const buf = Buffer.from(text)
  let done = 0
  while (done < buf.length) {
    try {
      done += writeSync(fd, buf, done)
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1)
    }
  }
}

function plantedBugs() {
  const names = (process.env.STAND_IN_BUGS ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
  for (const n of names) {
    if (!(n in BUGS)) {
      fail(`unknown bug '${n}' in STAND_IN_BUGS; known: ${Object.keys(BUGS).join(', ')}`)
    }
  }
  return new Set(names)
}

/** Like real instar: the qemu-img it imitates is the first one on PATH. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return fail(
    `${name} not found on PATH (${process.env.PATH ?? ''}); the stand-in forwards to it`,
    127
  )
}

/** Ends like the child did: same exit status, or the same fatal signal. */
function exitLike(result) {
  if (result.error) fail(`could not run qemu-img: ${result.error.message}`, 127)
  if (result.signal) process.kill(process.pid, result.signal)
  process.exit(result.status ?? 1)
}

/** Runs qemu-img with our stdio: its output is ours, byte for byte. */
function forward(args) {
  exitLike(spawnSync(onPath('qemu-img'), args, { stdio: 'inherit' }))
}

/** Runs qemu-img keeping its stdout for rewriting; stderr still goes straight through. */
function capture(args) {
  const r = spawnSync(onPath('qemu-img'), args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 1 << 30
  })
  if (r.error) fail(`could not run qemu-img: ${r.error.message}`, 127)
  return r
}

function parseJson(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function jsonObject(text) {
  const v = parseJson(text)
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined
}

/** qemu-img's JSON layout (4-space indent), for output the stand-in rewrote. */
function printJson(value) {
  writeAll(1, `${JSON.stringify(value, null, 4)}\n`)
}

/**
 * Splits argv into options and positionals so flags can be renamed or
 * dropped without mistaking an option's value (a snapshot name, `-b ''`)
 * for a flag.
 */
function parse(args, valueFlags) {
  const tokens = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=')
      if (eq > 0) tokens.push({ name: a.slice(0, eq), value: a.slice(eq + 1) })
      else if (valueFlags.has(a) && i + 1 < args.length) tokens.push({ name: a, value: args[++i] })
      else tokens.push({ name: a })
    } else if (a.startsWith('-') && a.length > 1) {
      const flag = a.slice(0, 2)
      if (!valueFlags.has(flag)) tokens.push({ name: a })
      else if (a.length > 2) tokens.push({ name: flag, value: a.slice(2) })
      else if (i + 1 < args.length) tokens.push({ name: flag, value: args[++i] })
      else tokens.push({ name: flag })
    } else {
      tokens.push({ arg: a })
    }
  }
  return tokens
}

/** Back to qemu-img's argv: `--long=value`, `-s value`. */
function serialise(tokens) {
  return tokens.flatMap(t => {
    if ('arg' in t) return [t.arg]
    if (t.value === undefined) return [t.name]
    return t.name.startsWith('--') ? [`${t.name}=${t.value}`] : [t.name, t.value]
  })
}

const option = (tokens, name) => tokens.find(t => t.name === name)?.value
const positionals = tokens => tokens.filter(t => 'arg' in t).map(t => t.arg)
const without = (tokens, name) => tokens.filter(t => t.name !== name)

/** Removes `-o` keys matching `drop` (options may be comma-joined); empty `-o`s go too. */
function dropOptions(tokens, drop) {
  const out = []
  for (const t of tokens) {
    if (t.name !== '-o' || t.value === undefined) {
      out.push(t)
      continue
    }
    const kept = t.value.split(',').filter(kv => !drop(kv))
    if (kept.length > 0) out.push({ name: '-o', value: kept.join(',') })
  }
  return out
}

function isQcow2(file) {
  const magic = Buffer.alloc(4)
  try {
    const fd = openSync(file, 'r')
    try {
      readSync(fd, magic, 0, 4, 0)
    } finally {
      closeSync(fd)
    }
  } catch {
    return false
  }
  return magic.equals(Buffer.from([0x51, 0x46, 0x49, 0xfb]))
}

function hang() {
  // The child shares our process group and our stdout/stderr: a harness
  // that kills only us is left waiting on pipes the child holds open.
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
    stdio: ['ignore', 'inherit', 'inherit']
  })
  writeAll(2, `stand-in instar: hanging (planted bug), child pid ${child.pid}\n`)
  setInterval(() => {}, 1 << 30)
}

function crash(bugs) {
  if (bugs.has('segv')) {
    process.kill(process.pid, 'SIGSEGV')
    // Only reached if something caught the signal.
    process.abort()
  }
  writeAll(
    2,
    "thread 'main' panicked at src/main.rs:42:17:\n" +
      'called `Result::unwrap()` on an `Err` value: planted panic (stand-in instar)\n' +
      'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n'
  )
  process.exit(101)
}

/** `--output json` (instar's) is `--output=json` (qemu-img's); true when JSON was asked for. */
function wantsJson(tokens) {
  return option(tokens, '--output') === 'json'
}

function info(tokens, bugs) {
  const json = wantsJson(tokens)
  const rewrite = json && (bugs.has('info-drops-field') || bugs.has('garbage-json'))
  if (!rewrite) forward(['info', ...serialise(tokens)])
  const r = capture(['info', ...serialise(tokens)])
  const doc = jsonObject(r.stdout)
  if (r.status !== 0 || doc === undefined) {
    writeAll(1, r.stdout)
    exitLike(r)
  }
  if (bugs.has('garbage-json')) {
    writeAll(1, r.stdout.slice(0, Math.floor(r.stdout.length / 2)))
    process.exit(0)
  }
  if (doc.format === 'qcow2') delete doc['cluster-size']
  printJson(doc)
  exitLike(r)
}

/** instar's check JSON always carries its counters, where qemu-img omits zeros. */
function withCounters(doc, repairing) {
  const counters = repairing
    ? ['corruptions', 'leaks', 'corruptions-fixed', 'leaks-fixed']
    : ['corruptions', 'leaks']
  const out = {}
  for (const [k, v] of Object.entries(doc)) {
    out[k] = v
    if (k === 'check-errors') for (const c of counters) out[c] = doc[c] ?? 0
  }
  for (const c of ['check-errors', ...counters]) out[c] ??= 0
  return out
}

function check(tokens, bugs) {
  let tier
  tokens = tokens.map(t => {
    if (t.name !== '--repair' && t.name !== '-r') return t
    tier = t.value ?? 'leaks'
    return { name: '-r', value: bugs.has('repair-leaves-leak') ? 'leaks' : tier }
  })
  const json = wantsJson(tokens)
  const planted = tier === undefined && bugs.has('check-fails')
  if (!json && !planted) forward(['check', ...serialise(tokens)])
  const r = capture(['check', ...serialise(tokens)])
  const image = positionals(tokens).at(-1)
  if (planted && r.status === 0 && isQcow2(image)) {
    writeAll(
      2,
      'ERROR cluster 0 refcount=0 reference=1\n\n1 errors were found on the image.\n' +
        'Data may be corrupted, or further writes to the image may corrupt it.\n'
    )
    process.exit(3)
  }
  let doc = json ? jsonObject(r.stdout) : undefined
  if (doc === undefined && json && tier !== undefined) {
    // qemu-img gives up some repairs ("need to rebuild refcount structures")
    // without a report; instar always reports, so describe the image as left.
    doc = jsonObject(capture(['check', ...serialise(without(tokens, '-r'))]).stdout)
  }
  if (doc === undefined) {
    writeAll(1, r.stdout)
    exitLike(r)
  }
  const out = withCounters(doc, tier !== undefined)
  if (tier !== undefined) {
    out['repair-incomplete'] = bugs.has('repair-leaves-leak')
      ? false
      : r.status !== 0 || out.corruptions > 0 || out.leaks > 0 || out['check-errors'] > 0
  }
  printJson(out)
  exitLike(r)
}

function convert(tokens, bugs) {
  tokens = tokens.map(t => (t.name === '--compress' ? { name: '-c' } : t))
  const args = ['convert', ...serialise(tokens)]
  if (!bugs.has('convert-corrupt')) forward(args)
  const r = spawnSync(onPath('qemu-img'), args, { stdio: 'inherit' })
  if (r.status === 0) {
    // Two patterns at guest offsets 0 and 512: no source can already hold
    // both, so guest data changes whatever the source and the target format.
    spawnSync(
      onPath('qemu-io'),
      [
        '-f',
        option(tokens, '-O') ?? 'raw',
        '-c',
        'write -P 0x5a 0 512',
        '-c',
        'write -P 0xa5 512 512',
        positionals(tokens).at(-1)
      ],
      { stdio: 'ignore' }
    )
  }
  exitLike(r)
}

/**
 * An upper bound on what `qemu-img convert -O <target>` writes for a disk
 * of `size` bytes: data rounded up to the format's allocation unit plus its
 * metadata (vpc also rounds the size up to a CHS geometry, up to ~2 MiB).
 */
function fullyAllocated(target, size) {
  const MiB = 1 << 20
  const up = (n, unit) => Math.ceil(n / unit) * unit
  if (target === 'vmdk') return up(size, 64 * 1024) + 2 * up(size / 16384, 65536) + MiB
  if (target === 'vpc') {
    const blocks = Math.ceil((size + 2 * MiB) / (2 * MiB))
    return blocks * 2 * MiB + blocks * 512 + up(blocks * 4, 512) + 64 * 1024
  }
  return up(size, 32 * MiB) + 8 * MiB + up((size / (32 * MiB)) * 8, MiB)
}

function measure(tokens, bugs) {
  const target = option(tokens, '-O')
  if (target === 'vmdk' || target === 'vpc' || target === 'vhdx') {
    // qemu-img cannot measure these: answer from the source's size.
    const source = positionals(tokens).at(-1)
    const fmt = option(tokens, '-f')
    const r = capture(['info', '--output=json', ...(fmt ? ['-f', fmt] : []), source])
    const size = parseJson(r.stdout)?.['virtual-size']
    if (r.status !== 0) exitLike(r)
    if (typeof size !== 'number') fail(`qemu-img info gave no virtual-size for ${source}`, 1)
    const fully = fullyAllocated(target, size)
    const doc = { required: fully, 'fully-allocated': fully }
    if (wantsJson(tokens)) printJson(doc)
    else writeAll(1, `required size: ${doc.required}\nfully allocated size: ${fully}\n`)
    process.exit(0)
  }
  const args = ['measure', ...serialise(tokens)]
  if (!(bugs.has('measure-off') && target === 'qcow2' && wantsJson(tokens))) forward(args)
  const r = capture(args)
  const doc = parseJson(r.stdout)
  if (r.status !== 0 || typeof doc?.required !== 'number') {
    writeAll(1, r.stdout)
    exitLike(r)
  }
  doc.required += 4096
  printJson(doc)
  exitLike(r)
}

/** Planted `unknown-option`: drop each -o key qemu-img calls invalid and try again. */
function createAcceptingAnything(tokens) {
  for (;;) {
    const r = spawnSync(onPath('qemu-img'), ['create', ...serialise(tokens)], {
      stdio: ['ignore', 'inherit', 'pipe'],
      encoding: 'utf8'
    })
    const bad = /Invalid parameter '([^']+)'/.exec(r.stderr ?? '')
    const next = bad ? dropOptions(tokens, kv => kv.split('=')[0] === bad[1]) : tokens
    if (
      r.status === 0 ||
      (next.length === tokens.length && serialise(next).join('\0') === serialise(tokens).join('\0'))
    ) {
      writeAll(2, r.stderr ?? '')
      exitLike(r)
    }
    tokens = next
  }
}

/** The -o options of a command line, one `key=value` each (options may be comma-joined). */
function optionsGiven(tokens) {
  return tokens
    .filter(t => t.name === '-o' && t.value !== undefined)
    .flatMap(t => t.value.split(','))
}

function create(tokens, bugs) {
  const given = optionsGiven(tokens)
  if (
    bugs.has('create-rare-refcount') &&
    given.includes('cluster_size=512') &&
    given.includes('refcount_bits=1')
  ) {
    tokens = dropOptions(tokens, kv => kv === 'refcount_bits=1')
    tokens.push({ name: '-o', value: 'refcount_bits=2' })
  }
  if (bugs.has('create-drops-lazy-refcounts')) {
    tokens = dropOptions(tokens, kv => kv === 'lazy_refcounts=on')
  }
  if (bugs.has('unknown-option')) createAcceptingAnything(tokens)
  forward(['create', ...serialise(tokens)])
}

function amend(tokens, bugs) {
  if (bugs.has('amend-keeps-lazy')) {
    tokens = dropOptions(tokens, kv => kv.startsWith('lazy_refcounts='))
    // Nothing left to change: instar "succeeds" without touching the image.
    if (option(tokens, '-o') === undefined) process.exit(0)
  }
  forward(['amend', ...serialise(tokens)])
}

function map(tokens, bugs) {
  const args = ['map', ...serialise(tokens)]
  if (!(bugs.has('map-merges') && wantsJson(tokens))) forward(args)
  const r = capture(args)
  const extents = parseJson(r.stdout)
  if (r.status !== 0 || !Array.isArray(extents) || extents.length < 2) {
    writeAll(1, r.stdout)
    exitLike(r)
  }
  const [a, b, ...rest] = extents
  printJson([{ ...a, length: a.length + b.length }, ...rest])
  exitLike(r)
}

/**
 * qemu-img's snapshot discards the clusters it frees; instar leaves them
 * alone, which is what `file.discard=ignore` asks of qemu-img.
 */
function snapshot(tokens, bugs) {
  const action = tokens.find(t => ['-c', '-d', '-a'].includes(t.name))
  if (!action) forward(['snapshot', ...serialise(tokens)])
  if (action.name === '-a' && bugs.has('snapshot-apply-noop')) process.exit(0)
  const image = positionals(tokens).at(-1)
  // --image-opts replaces both the path and -f.
  const rest = tokens.filter(
    t => t !== action && t.name !== '-f' && !('arg' in t && t.arg === image)
  )
  const opts = `driver=qcow2,file.filename=${image.replaceAll(',', ',,')},file.discard=ignore`
  forward(['snapshot', ...serialise(rest), action.name, action.value, '--image-opts', opts])
}

function dd(tokens, bugs) {
  if (bugs.has('dd-skip-off-by-one')) {
    tokens = tokens.map(t => {
      const m = 'arg' in t ? /^skip=(\d+)$/.exec(t.arg) : null
      return m && Number(m[1]) > 0 ? { arg: `skip=${Number(m[1]) + 1}` } : t
    })
  }
  forward(['dd', ...serialise(tokens)])
}

function main() {
  const argv = process.argv.slice(2)
  const bugs = plantedBugs()
  if (process.env.STAND_IN_LOG)
    appendFileSync(process.env.STAND_IN_LOG, `${JSON.stringify(argv)}\n`)
  const [sub, ...rest] = argv
  if (sub === undefined) fail('usage: stand-in-instar <subcommand> [options] (instar command line)')
  if (sub === '--version' || sub === '-V') {
    const r = capture(['--version'])
    writeAll(1, `instar 0.0.0-stand-in (imitating ${r.stdout.split('\n')[0].trim()})\n`)
    process.exit(r.status === 0 ? 0 : 1)
  }
  if (bugs.has('hang') && sub === (process.env.STAND_IN_HANG || 'info')) return hang()
  if ((bugs.has('segv') || bugs.has('panic')) && sub === (process.env.STAND_IN_CRASH || 'check')) {
    crash(bugs)
  }
  if (!(sub in VALUE_FLAGS)) forward(argv)
  const valueFlags = new Set([...COMMON_VALUE_FLAGS, ...VALUE_FLAGS[sub]])
  // resize's size is always last and may start with a dash (`-512K`).
  const sizeLast = sub === 'resize' && rest.length > 0
  let tokens = parse(sizeLast ? rest.slice(0, -1) : rest, valueFlags)
  if (sizeLast) tokens.push({ arg: rest.at(-1) })
  switch (sub) {
    case 'info':
      return info(tokens, bugs)
    case 'check':
      return check(tokens, bugs)
    case 'convert':
      return convert(tokens, bugs)
    case 'measure':
      return measure(tokens, bugs)
    case 'create':
      return create(tokens, bugs)
    case 'resize':
      if (bugs.has('resize-ignores-shrink')) tokens = without(tokens, '--shrink')
      return forward(['resize', ...serialise(tokens)])
    case 'amend':
      return amend(tokens, bugs)
    case 'rebase':
      if (bugs.has('rebase-unsafe-rewrites')) tokens = without(tokens, '-u')
      return forward(['rebase', ...serialise(tokens)])
    case 'commit':
      if (bugs.has('commit-leaves-overlay')) tokens = [{ name: '-d' }, ...tokens]
      return forward(['commit', ...serialise(tokens)])
    case 'map':
      return map(tokens, bugs)
    case 'snapshot':
      return snapshot(tokens, bugs)
    case 'dd':
      return dd(tokens, bugs)
  }
}

main()
