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
  rmSync,
  statSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import path from 'node:path'

/**
 * Bugs that exist so every finding type of the catalogue has a stand-in
 * behaviour that produces it (see STAND-IN.md for what each one does).
 */
const MORE_BUGS = {
  'info-writes-input': 'info rewrites the header of the image it reads (same bytes)',
  'info-wrong-compat': 'info JSON of a qcow2 image names the other compat level in format-specific',
  'check-rejects-vmdk': 'check of a vmdk image exits 2 reporting a corruption',
  'no-output': 'create, convert and dd report success and leave no output file',
  'measure-bitmaps': 'measure JSON has "bitmaps" where qemu-img has none, and the reverse',
  'measure-underestimates':
    "measure -O vmdk|vpc|vhdx leaves the format's metadata out of its figures",
  'resize-overshoots': 'resize makes the image 64 KiB larger than asked',
  'header-damage':
    'after STAND_IN_DAMAGE_AFTER (default create) succeeds, the image claims qcow2 version 99',
  'l1-damage':
    "after STAND_IN_DAMAGE_AFTER (default create) succeeds, the image's first L1 entry is unaligned",
  'sets-lazy-refcounts':
    'after STAND_IN_DAMAGE_AFTER (default create) succeeds, the image has lazy_refcounts=on',
  'amend-leaks': 'amend leaves a leaked cluster behind',
  noop: 'the subcommand STAND_IN_NOOP (default rebase) does nothing and exits 0',
  'map-not-array': 'map --output json prints an object holding the extents',
  'map-flips-zero': "map flips the first extent's zero flag",
  'snapshot-bad-table': 'snapshot -c leaves a header whose snapshot table offset is 0',
  'snapshot-list-differs': 'snapshot -l leaves out its header line',
  'repair-declines': 'check --repair changes nothing and reports "repair-incomplete": true',
  'repair-compresses': "check --repair marks the first data cluster's L2 entry compressed",
  'snapshot-keeps-lock':
    'snapshot -c returns while a process of its own still holds the image open',
  'repair-drops-data':
    'check --repair discards the first data cluster instead of fixing its refcount'
}

/** `garbage-json` on this call: JSON output is cut in half (set once argv is parsed). */
const GARBLE = { on: false }

/** What runs once a forwarded call succeeded, before the stand-in exits (planted damage). */
const AFTER_SUCCESS = []

const BUGS = {
  'create-drops-lazy-refcounts': 'create ignores -o lazy_refcounts=on',
  'info-drops-field': 'info JSON lacks the top-level cluster-size on qcow2 images',
  'check-fails': 'check of a clean qcow2 image exits 3 reporting a corruption',
  'check-fails-small-clusters':
    'check of a clean qcow2 image with 512-byte clusters exits 3 reporting a corruption',
  'hostile-stderr':
    'like check-fails, with markup in the first stderr line (</summary><img src=x>)',
  hang: 'the subcommand STAND_IN_HANG (default info) sleeps forever with a sleeping child (only with -O STAND_IN_HANG_OUTPUT when set)',
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
  'create-rare-refcount': 'create with cluster_size=512 and refcount_bits=1 makes 2-bit refcounts',
  ...MORE_BUGS
}

/** What `hostile-stderr` prints first: markup a job summary or an issue must not render. */
const HOSTILE_LINE =
  'ERROR </summary><img src=x onerror=alert(1)> @octocat fixes #1 | `rm -rf` <!--'

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

function plantedBugs(sub) {
  const names = (process.env.STAND_IN_BUGS ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
  for (const n of names) {
    if (!(n in BUGS)) {
      fail(`unknown bug '${n}' in STAND_IN_BUGS; known: ${Object.keys(BUGS).join(', ')}`)
    }
  }
  const versionOnly = sub === '--version' || sub === '-V'
  return versionOnly || firstCallOnly() ? new Set(names) : new Set()
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
  if (result.status === 0) for (const hook of AFTER_SUCCESS) hook()
  process.exit(result.status ?? 1)
}

/** Runs qemu-img with our stdio: its output is ours, byte for byte. */
function forward(args) {
  if (GARBLE.on) {
    const r = capture(args)
    writeAll(1, halfOf(r.stdout))
    exitLike(r)
  }
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
  const text = `${JSON.stringify(value, null, 4)}\n`
  writeAll(1, GARBLE.on ? halfOf(text) : text)
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

/** A qcow2 image's cluster size from its header (cluster_bits at byte 20), or null. */
function qcow2ClusterSize(file) {
  if (!isQcow2(file)) return null
  const header = Buffer.alloc(24)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, header, 0, 24, 0)
  } finally {
    closeSync(fd)
  }
  return 2 ** header.readUInt32BE(20)
}

/** Whether the planted hang applies to this call: its subcommand, and its -O format when one is named. */
function hangs(sub, argv) {
  if (sub !== (process.env.STAND_IN_HANG || 'info')) return false
  const output = process.env.STAND_IN_HANG_OUTPUT
  if (!output) return true
  const at = argv.indexOf('-O')
  return at >= 0 && argv[at + 1] === output
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
  if (bugs.has('info-writes-input')) rewriteHeader(positionals(tokens).at(-1))
  if (json && bugs.has('info-wrong-compat')) wrongCompat(tokens)
  const rewrite = json && bugs.has('info-drops-field')
  if (!rewrite) forward(['info', ...serialise(tokens)])
  const r = capture(['info', ...serialise(tokens)])
  const doc = jsonObject(r.stdout)
  if (r.status !== 0 || doc === undefined) {
    writeAll(1, r.stdout)
    exitLike(r)
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
  if (tier === undefined && bugs.has('check-rejects-vmdk')) rejectVmdk(tokens)
  if (tier !== undefined && bugs.has('repair-declines')) declineRepair(tokens)
  const image = positionals(tokens).at(-1)
  const hostile = bugs.has('hostile-stderr')
  const planted =
    tier === undefined &&
    (bugs.has('check-fails') ||
      hostile ||
      (bugs.has('check-fails-small-clusters') && qcow2ClusterSize(image) === 512))
  if (!json && !planted) forward(['check', ...serialise(tokens)])
  const r = capture(['check', ...serialise(tokens)])
  if (planted && r.status === 0 && isQcow2(image)) {
    if (hostile) writeAll(2, `${HOSTILE_LINE}\n`)
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
    const fully = bugs.has('measure-underestimates') ? size : fullyAllocated(target, size)
    const doc = { required: fully, 'fully-allocated': fully }
    if (wantsJson(tokens)) printJson(doc)
    else writeAll(1, `required size: ${doc.required}\nfully allocated size: ${fully}\n`)
    process.exit(0)
  }
  const args = ['measure', ...serialise(tokens)]
  const off = bugs.has('measure-off') && target === 'qcow2'
  if (!((off || bugs.has('measure-bitmaps')) && wantsJson(tokens))) forward(args)
  const r = capture(args)
  const doc = parseJson(r.stdout)
  if (r.status !== 0 || typeof doc?.required !== 'number') {
    writeAll(1, r.stdout)
    exitLike(r)
  }
  if (off) doc.required += 4096
  if (bugs.has('measure-bitmaps')) toggleBitmaps(doc)
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
  const rewrites = ['map-merges', 'map-not-array', 'map-flips-zero'].some(b => bugs.has(b))
  if (!(rewrites && wantsJson(tokens))) forward(args)
  const r = capture(args)
  let extents = parseJson(r.stdout)
  if (r.status !== 0 || !Array.isArray(extents) || extents.length < 2) {
    writeAll(1, r.stdout)
    exitLike(r)
  }
  if (bugs.has('map-merges')) {
    const [a, b, ...rest] = extents
    extents = [{ ...a, length: a.length + b.length }, ...rest]
  }
  if (bugs.has('map-flips-zero')) extents[0] = { ...extents[0], zero: !extents[0].zero }
  printJson(bugs.has('map-not-array') ? { extents } : extents)
  exitLike(r)
}

/**
 * qemu-img's snapshot discards the clusters it frees; instar leaves them
 * alone, which is what `file.discard=ignore` asks of qemu-img.
 */
function snapshot(tokens, bugs) {
  const action = tokens.find(t => ['-c', '-d', '-a'].includes(t.name))
  if (!action && bugs.has('snapshot-list-differs')) listWithoutHeader(tokens)
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

// ---------------------------------------------------------------------------
// More planted bugs (MORE_BUGS): one behaviour each, so that every finding
// type of the catalogue has something instar could really do that makes it.
// ---------------------------------------------------------------------------

/**
 * STAND_IN_ONCE=<file>: the bugs are planted only in the call that creates
 * the file, so a divergence does not come back when the case is re-run (a
 * flaky bug).
 */
function firstCallOnly() {
  const marker = process.env.STAND_IN_ONCE
  if (!marker) return true
  try {
    closeSync(openSync(marker, 'wx'))
    return true
  } catch {
    return false
  }
}

function halfOf(text) {
  return text.slice(0, Math.floor(text.length / 2))
}

function readAt(file, offset, length) {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(length)
    readSync(fd, buf, 0, length, offset)
    return buf
  } finally {
    closeSync(fd)
  }
}

function writeAt(file, offset, buf) {
  const fd = openSync(file, 'r+')
  try {
    writeSync(fd, buf, 0, buf.length, offset)
  } finally {
    closeSync(fd)
  }
}

function u64(value) {
  const buf = Buffer.alloc(8)
  buf.writeBigUInt64BE(value)
  return buf
}

/** The file a subcommand writes: dd's `of=`, else the last positional. */
function imageOf(sub, tokens) {
  const args = positionals(tokens)
  if (sub === 'dd') return args.find(a => a.startsWith('of='))?.slice(3)
  // create and resize end with the size.
  return sub === 'create' || sub === 'resize' ? args.at(-2) : args.at(-1)
}

/** qemu-img info of a file as an object; the stand-in fails when there is none. */
function infoOf(file) {
  const r = capture(['info', '--output=json', file])
  const doc = r.status === 0 ? jsonObject(r.stdout) : undefined
  if (doc === undefined) exitLike(r.status === 0 ? { status: 1 } : r)
  return doc
}

/** The backing file an image names, as a path. */
function backingOf(file) {
  const doc = infoOf(file)
  const name = doc['full-backing-filename'] ?? doc['backing-filename']
  if (typeof name !== 'string') fail(`${file} has no backing file to damage`, 1)
  return path.resolve(path.dirname(file), name)
}

const QCOW2_OFFSET_MASK = 0x00fffffffffffe00n

/** The file offset of the first L1 entry and of the first L2 entry (0 when unallocated). */
function firstEntries(file) {
  const header = readAt(file, 0, 104)
  const l1 = Number(header.readBigUInt64BE(40))
  const l2 = Number(readAt(file, l1, 8).readBigUInt64BE(0) & QCOW2_OFFSET_MASK)
  return { l1, l2 }
}

/** L1[0] points into the middle of a cluster: qemu-img opens the image but cannot read its data. */
function misalignL1(file) {
  const { l1 } = firstEntries(file)
  writeAt(file, l1, u64(readAt(file, l1, 8).readBigUInt64BE(0) | 0x200n))
}

/**
 * L2[0] loses its COPIED flag and gains the compressed one: qemu-img check
 * still counts the cluster right, but reading it means inflating bytes
 * that were never deflated.
 */
function markCompressed(file) {
  const { l2 } = firstEntries(file)
  if (l2 === 0) return
  const entry = readAt(file, l2, 8).readBigUInt64BE(0)
  if (entry === 0n) return
  writeAt(file, l2, u64((entry & ~(1n << 63n)) | (1n << 62n)))
}

/** Forgets the first data cluster in L2 and frees it: a clean image that lost its data. */
function dropFirstCluster(file) {
  const { l2 } = firstEntries(file)
  if (l2 !== 0) writeAt(file, l2, Buffer.alloc(8))
  quietly(['check', '-r', 'leaks', file])()
}

/** Writes a cluster of data, then forgets it in L2: a leaked cluster. */
function leakCluster(file) {
  spawnSync(onPath('qemu-io'), ['-f', 'qcow2', '-c', 'write -P 1 0 64k', file], {
    stdio: 'ignore'
  })
  const { l2 } = firstEntries(file)
  if (l2 !== 0) writeAt(file, l2, Buffer.alloc(8))
}

/** Runs a qemu-img call after the forwarded one, its output discarded. */
function quietly(args) {
  return () => spawnSync(onPath('qemu-img'), args, { stdio: 'ignore' })
}

/** Registers the damage the planted bugs do once the forwarded call succeeded. */
function armAfterSuccess(sub, tokens, bugs) {
  const image = () => imageOf(sub, tokens)
  const repairing = tokens.some(t => t.name === '--repair' || t.name === '-r')
  const when = (bug, applies, hook) => {
    if (bugs.has(bug) && applies) AFTER_SUCCESS.push(hook)
  }
  when('no-output', ['create', 'convert', 'dd'].includes(sub), () =>
    rmSync(image(), { force: true })
  )
  when('resize-overshoots', sub === 'resize', () =>
    quietly(['resize', '-f', option(tokens, '-f') ?? 'raw', image(), '+64K'])()
  )
  when('amend-leaks', sub === 'amend', () => leakCluster(image()))
  when('snapshot-bad-table', sub === 'snapshot' && option(tokens, '-c') !== undefined, () =>
    writeAt(image(), 64, Buffer.alloc(8))
  )
  when('repair-compresses', sub === 'check' && repairing, () => markCompressed(image()))
  when('repair-drops-data', sub === 'check' && repairing, () => dropFirstCluster(image()))
  when('snapshot-keeps-lock', sub === 'snapshot' && option(tokens, '-c') !== undefined, () =>
    keepLocked(image())
  )
  if (sub !== (process.env.STAND_IN_DAMAGE_AFTER || 'create')) return
  const target = () =>
    process.env.STAND_IN_DAMAGE_FILE === 'backing' ? backingOf(image()) : image()
  when('header-damage', true, () => writeAt(target(), 4, Buffer.from([0, 0, 0, 99])))
  when('l1-damage', true, () => misalignL1(target()))
  when('sets-lazy-refcounts', true, () =>
    quietly(['amend', '-f', 'qcow2', '-o', 'lazy_refcounts=on', target()])()
  )
}

/**
 * `snapshot-keeps-lock`, as an instar whose guest outlives the command
 * would: a detached qemu-io keeps the image open read-write (and locked)
 * until the image is deleted. The stand-in returns only once the lock is
 * held, so the next writer is refused every time.
 */
function keepLocked(file) {
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const { spawn } = require('node:child_process')
       const fs = require('node:fs')
       const [qemuIo, file] = process.argv.slice(1)
       const io = spawn(qemuIo, ['-f', 'qcow2', '-c', 'sleep 600000', file], { stdio: 'ignore' })
       io.on('exit', () => process.exit(0))
       const gone = () => { if (!fs.existsSync(file)) io.kill('SIGKILL') }
       fs.watch(require('node:path').dirname(file), gone)
       gone()`,
      onPath('qemu-io'),
      file
    ],
    { detached: true, stdio: 'ignore' }
  )
  holder.unref()
  const until = Date.now() + 20_000
  while (Date.now() < until) {
    const r = spawnSync(onPath('qemu-img'), ['info', file], { encoding: 'utf8' })
    if (/lock/.test(r.stderr ?? '')) break
  }
  writeAll(2, `stand-in instar: the image stays locked by pid ${holder.pid}\n`)
}

/** `info-writes-input`: the header is written back unchanged, as a read-write open would. */
function rewriteHeader(file) {
  writeAt(file, 0, readAt(file, 0, 512))
}

/** `info-wrong-compat`: 1.1 reads 0.10 and the reverse (info's own comparison ignores it). */
function wrongCompat(tokens) {
  const r = capture(['info', ...serialise(tokens)])
  const data = jsonObject(r.stdout)?.['format-specific']?.data
  if (r.status !== 0 || typeof data?.compat !== 'string') {
    writeAll(1, r.stdout)
    exitLike(r)
  }
  const doc = jsonObject(r.stdout)
  doc['format-specific'].data.compat = data.compat === '1.1' ? '0.10' : '1.1'
  printJson(doc)
  exitLike(r)
}

function toggleBitmaps(doc) {
  if ('bitmaps' in doc) delete doc.bitmaps
  else doc.bitmaps = 0
}

/** `snapshot-list-differs`: `snapshot -l` without its "Snapshot list:" line. */
function listWithoutHeader(tokens) {
  const r = capture(['snapshot', ...serialise(tokens)])
  writeAll(1, r.status === 0 ? r.stdout.split('\n').slice(1).join('\n') : r.stdout)
  exitLike(r)
}

function rejectVmdk(tokens) {
  const image = positionals(tokens).at(-1)
  if (formatByMagic(image) !== 'vmdk') return
  writeAll(2, 'ERROR grain table 0 is corrupt\n1 errors were found on the image.\n')
  process.exit(2)
}

/** `repair-declines`: nothing repaired, and the report says so. */
function declineRepair(tokens) {
  const image = positionals(tokens).at(-1)
  const r = capture(['check', '--output=json', image])
  const doc = jsonObject(r.stdout) ?? {}
  printJson({ ...withCounters(doc, true), 'repair-incomplete': true })
  process.exit(r.status === 0 ? 0 : 3)
}

// ---------------------------------------------------------------------------
// Realistic mode (STAND_IN_MODE=realistic): instar's documented differences
// from qemu-img, not bugs. The pickers and oracles steer around each of
// them on purpose, so a campaign over every operation in this mode reports
// nothing; __tests__/fuzz/realistic.test.ts shows each one would be a
// divergence without its exclusion.
// ---------------------------------------------------------------------------

/** The image format a file's magic names; 'raw' when it names none. */
function formatByMagic(file) {
  let head
  let size
  try {
    size = statSync(file).size
    head = readAt(file, 0, 512)
  } catch {
    return undefined
  }
  const at = (text, offset = 0) =>
    head.subarray(offset, offset + text.length).toString('latin1') === text
  if (head.subarray(0, 4).equals(Buffer.from([0x51, 0x46, 0x49, 0xfb]))) return 'qcow2'
  if (at('KDMV') || at('# Disk DescriptorFile')) return 'vmdk'
  if (at('conectix')) return 'vpc'
  if (at('vhdxfile')) return 'vhdx'
  if (at('QED\0') || at('<<< ') || at('LUKS')) return 'other'
  if (size >= 512 && readAt(file, size - 512, 8).toString('latin1') === 'conectix') return 'vpc'
  return 'raw'
}

function hasPartitionTable(file) {
  const sig = readAt(file, 510, 2)
  return sig[0] === 0x55 && sig[1] === 0xaa
}

/**
 * Notes in STAND_IN_LOG that a realistic difference applied to this call,
 * so a test can tell which ones a campaign met.
 */
function quirk(name) {
  if (process.env.STAND_IN_LOG)
    appendFileSync(process.env.STAND_IN_LOG, `${JSON.stringify({ quirk: name })}\n`)
}

function refuse(name, message) {
  quirk(name)
  writeAll(2, `instar: ${message}\n`)
  process.exit(1)
}

/** `-o` options as key → value. */
function createOptions(tokens) {
  const out = new Map()
  for (const t of tokens)
    if (t.name === '-o' && t.value !== undefined)
      for (const kv of t.value.split(','))
        out.set(kv.split('=')[0], kv.split('=').slice(1).join('='))
  return out
}

/**
 * create: compat is hard-coded to 1.1 and compression_type=zstd is
 * accepted but ignored (both dropped), the vhdx default block size is
 * 8 MiB, vpc sizes are exact (no CHS rounding), and extended L2 entries
 * are never preallocated.
 */
function realisticCreate(tokens) {
  const fmt = option(tokens, '-f')
  const opts = createOptions(tokens)
  const prealloc = opts.get('preallocation')
  if (opts.get('extended_l2') === 'on' && ['metadata', 'falloc', 'full'].includes(prealloc))
    refuse('create-extended-l2-prealloc', 'preallocation is not supported with extended L2 entries')
  if (opts.has('compat')) quirk('create-compat')
  if (opts.has('compression_type')) quirk('create-zstd')
  const out = dropOptions(tokens, kv => /^(compat|compression_type)=/.test(kv))
  if (fmt === 'vhdx' && !opts.has('block_size')) {
    quirk('create-vhdx-block-size')
    return [{ name: '-o', value: 'block_size=8M' }, ...out]
  }
  if (fmt === 'vpc' && !opts.has('force_size')) {
    quirk('create-vpc-size')
    return [{ name: '-o', value: 'force_size=on' }, ...out]
  }
  return out
}

/** info and map: a file with no image header and no partition table is "unknown format". */
function refuseUnknownFormat(tokens) {
  const file = positionals(tokens).at(-1)
  if (formatByMagic(file) === 'raw' && !hasPartitionTable(file))
    refuse('unknown-format', `${file}: unknown format (no image header and no partition table)`)
}

/**
 * map: a raw file (with a partition table) is one allocated extent, where
 * qemu-img walks its holes; an unallocated vpc block is not present, where
 * qemu-img calls it present and zero.
 */
function realisticMap(tokens) {
  const file = positionals(tokens).at(-1)
  const format = formatByMagic(file)
  if (!wantsJson(tokens) || (format !== 'raw' && format !== 'vpc')) return tokens
  if (format === 'raw') {
    quirk('map-raw-one-extent')
    const size = statSync(file).size
    const start = Number(option(tokens, '--start-offset') ?? 0)
    const length = Math.min(Number(option(tokens, '--max-length') ?? size), size - start)
    printJson([{ start, length, depth: 0, present: true, zero: false, data: true, offset: start }])
    process.exit(0)
  }
  const r = capture(['map', ...serialise(tokens)])
  const extents = parseJson(r.stdout)
  if (r.status !== 0 || !Array.isArray(extents)) {
    writeAll(1, r.stdout)
    exitLike(r)
  }
  if (extents.some(e => e.zero && !e.data)) quirk('map-vpc-present')
  printJson(extents.map(e => (e.zero && !e.data ? { ...e, present: false } : e)))
  exitLike(r)
}

/** The "Leaked cluster N refcount=R reference=F" lines of a plain check with F > 0. */
function referencedLeaks(file) {
  const r = spawnSync(onPath('qemu-img'), ['check', file], { encoding: 'utf8' })
  return `${r.stdout}${r.stderr}`.match(/Leaked cluster \d+ refcount=\d+ reference=[1-9]/g) ?? []
}

/**
 * check: instar checks vmdk, vpc and vhdx, so where qemu-img has no check
 * for the format (exit 63) instar finds the image clean; its leaks tier
 * frees only clusters nothing references, and calls that complete for its
 * tier.
 */
function realisticCheck(tokens) {
  const file = positionals(tokens).at(-1)
  const format = formatByMagic(file)
  const repair = tokens.find(t => t.name === '--repair' || t.name === '-r')
  if (repair === undefined && ['vmdk', 'vpc', 'vhdx'].includes(format)) {
    const r = spawnSync(onPath('qemu-img'), ['check', ...serialise(tokens)], { encoding: 'utf8' })
    if (r.status !== 63) {
      writeAll(1, r.stdout ?? '')
      writeAll(2, r.stderr ?? '')
      exitLike(r)
    }
    quirk('check-other-formats')
    if (wantsJson(tokens)) printJson(withCounters({ filename: file, format }, false))
    else writeAll(1, 'No errors were found on the image.\n')
    process.exit(0)
  }
  const tier = repair?.value ?? 'leaks'
  if (repair === undefined || tier !== 'leaks' || referencedLeaks(file).length === 0) return tokens
  quirk('repair-leaks-narrower')
  const r = capture(['check', '--output=json', file])
  printJson({ ...withCounters(jsonObject(r.stdout) ?? {}, true), 'repair-incomplete': false })
  process.exit(r.status === 0 ? 0 : 3)
}

/** amend: no compat=0.10 downgrade of an image with zstd or a refcount width other than 16. */
function refuseDowngrade(tokens) {
  if (createOptions(tokens).get('compat') !== '0.10') return
  const data = infoOf(positionals(tokens).at(-1))['format-specific']?.data ?? {}
  if (data['compression-type'] === 'zstd')
    refuse('amend-downgrade', 'cannot downgrade to compat=0.10: the image uses zstd compression')
  if (data['refcount-bits'] !== undefined && data['refcount-bits'] !== 16)
    refuse(
      'amend-downgrade',
      'cannot downgrade to compat=0.10: refcount widths other than 16 need compat=1.1'
    )
}

/**
 * snapshot: 16 snapshots at most, names of 1 to 255 bytes, 16-bit
 * refcounts only, no bitmaps or external data file, and (no refcount
 * block growth) no 512-byte-cluster image above 4 MiB.
 */
function refuseSnapshot(tokens) {
  const action = tokens.find(t => ['-c', '-d', '-a'].includes(t.name))
  if (!action) return
  const doc = infoOf(positionals(tokens).at(-1))
  const data = doc['format-specific']?.data ?? {}
  if (data['refcount-bits'] !== 16) refuse('snapshot-limits', 'snapshots need 16-bit refcounts')
  if (data.bitmaps?.length || data['data-file'] || doc.encrypted)
    refuse('snapshot-limits', 'unsupported image feature for snapshots')
  if (action.name !== '-c') return
  const bytes = Buffer.byteLength(action.value ?? '')
  if (bytes === 0 || bytes > 255)
    refuse('snapshot-limits', `snapshot names are 1 to 255 bytes (got ${bytes})`)
  if ((doc.snapshots?.length ?? 0) >= 16)
    refuse('snapshot-limits', 'the snapshot table is full (16 snapshots)')
  if (doc['cluster-size'] === 512 && doc['virtual-size'] > 4 << 20)
    refuse('snapshot-limits', 'allocation failed: refcount blocks cannot grow')
}

/** resize: no 2 MiB clusters (32 MiB scratch), no metadata preallocation, no preallocated extended L2. */
function refuseResize(tokens) {
  if (option(tokens, '-f') !== 'qcow2') return
  const doc = infoOf(positionals(tokens).at(-2))
  const prealloc = option(tokens, '--preallocation')
  if (doc['cluster-size'] >= 2 << 20)
    refuse('resize-limits', '2 MiB clusters overflow the 32 MiB resize scratch area')
  if (prealloc === 'metadata')
    refuse('resize-limits', 'metadata preallocation is not supported on resize')
  if (
    doc['format-specific']?.data?.['extended-l2'] &&
    (prealloc === 'falloc' || prealloc === 'full')
  )
    refuse('resize-limits', 'preallocation is not supported with extended L2 entries')
}

/** commit: qcow2 clusters of 64 KiB at most (guest table limits), no `-b` for vmdk. */
function refuseCommit(tokens) {
  const doc = infoOf(positionals(tokens).at(-1))
  if (doc.format === 'vmdk' && option(tokens, '-b') !== undefined)
    refuse('commit-limits', 'commit -b is not supported for vmdk')
  if (doc.format === 'qcow2' && doc['cluster-size'] > 65536)
    refuse('commit-limits', 'clusters above 64 KiB exceed the guest table limits')
}

/** dd: an empty window into vmdk writes a zero-capacity disk, into vhdx an empty file; exit 0. */
function realisticDd(tokens) {
  const target = option(tokens, '-O')
  if (target !== 'vmdk' && target !== 'vhdx') return tokens
  const operand = key =>
    positionals(tokens)
      .find(a => a.startsWith(`${key}=`))
      ?.slice(key.length + 1)
  const size = infoOf(operand('if'))['virtual-size']
  const bs = Number(operand('bs') ?? 512)
  const count = operand('count')
  const end = count === undefined ? size : Math.min(Number(count) * bs, size)
  if (end - Number(operand('skip') ?? 0) * bs > 0) return tokens
  quirk('dd-empty-window')
  if (target === 'vhdx') writeFileSync(operand('of'), '')
  else exitLike(spawnSync(onPath('qemu-img'), ['create', '-q', '-f', 'vmdk', operand('of'), '0']))
  process.exit(0)
}

function realistic(sub, tokens) {
  switch (sub) {
    case 'create':
      return realisticCreate(tokens)
    case 'info':
      refuseUnknownFormat(tokens)
      return tokens
    case 'map':
      refuseUnknownFormat(tokens)
      return realisticMap(tokens)
    case 'check':
      return realisticCheck(tokens)
    case 'amend':
      refuseDowngrade(tokens)
      return tokens
    case 'snapshot':
      refuseSnapshot(tokens)
      return tokens
    case 'resize':
      refuseResize(tokens)
      return tokens
    case 'commit':
      refuseCommit(tokens)
      return tokens
    case 'dd':
      return realisticDd(tokens)
    default:
      return tokens
  }
}

function main() {
  const argv = process.argv.slice(2)
  const bugs = plantedBugs(argv[0])
  if (process.env.STAND_IN_LOG)
    appendFileSync(process.env.STAND_IN_LOG, `${JSON.stringify(argv)}\n`)
  const [sub, ...rest] = argv
  if (sub === undefined) fail('usage: stand-in-instar <subcommand> [options] (instar command line)')
  if (sub === '--version' || sub === '-V') {
    const r = capture(['--version'])
    writeAll(1, `instar 0.0.0-stand-in (imitating ${r.stdout.split('\n')[0].trim()})\n`)
    process.exit(r.status === 0 ? 0 : 1)
  }
  if (bugs.has('hang') && hangs(sub, rest)) return hang()
  if ((bugs.has('segv') || bugs.has('panic')) && sub === (process.env.STAND_IN_CRASH || 'check')) {
    crash(bugs)
  }
  if (process.env.STAND_IN_MODE && process.env.STAND_IN_MODE !== 'realistic') {
    fail(`unknown STAND_IN_MODE '${process.env.STAND_IN_MODE}'; known: realistic`)
  }
  if (!(sub in VALUE_FLAGS)) forward(argv)
  const valueFlags = new Set([...COMMON_VALUE_FLAGS, ...VALUE_FLAGS[sub]])
  // resize's size is always last and may start with a dash (`-512K`).
  const sizeLast = sub === 'resize' && rest.length > 0
  let tokens = parse(sizeLast ? rest.slice(0, -1) : rest, valueFlags)
  if (sizeLast) tokens.push({ arg: rest.at(-1) })
  GARBLE.on =
    bugs.has('garbage-json') &&
    sub === (process.env.STAND_IN_GARBAGE || 'info') &&
    wantsJson(tokens)
  if (process.env.STAND_IN_MODE === 'realistic') tokens = realistic(sub, tokens)
  armAfterSuccess(sub, tokens, bugs)
  if (bugs.has('noop') && sub === (process.env.STAND_IN_NOOP || 'rebase')) process.exit(0)
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
