import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  openSync,
  closeSync,
  readSync,
  writeSync
} from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTool, type ToolResult } from '../../src/util/tool-runner.js'
import { instarEnv } from '../../src/fuzz/toolbox.js'
import { realQemuImg, STAND_IN, tempDir, waitFor } from './tools.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const qemuImgPath = realQemuImg()

/** Every test file under a folder. */
function testFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.test.ts'))
    .map(f => path.join(folder, f))
}
const qemuIoPath = path.join(path.dirname(qemuImgPath), 'qemu-io')
let dir: string
let cleanup: () => void

beforeAll(() => ({ dir, cleanup } = tempDir('idf-stand-in-')))
afterAll(() => cleanup())

interface CallOptions {
  bugs?: string
  env?: Record<string, string>
  cwd?: string
  timeoutMs?: number
}

/** The stand-in exactly as the harness starts it: reference qemu-img first on PATH. */
function instar(args: string[], o: CallOptions = {}): Promise<ToolResult> {
  return runTool(STAND_IN, args, {
    env: { ...instarEnv(qemuImgPath), STAND_IN_BUGS: o.bugs ?? '', ...o.env },
    cwd: o.cwd,
    timeoutMs: o.timeoutMs ?? 30_000,
    outputCap: 1 << 20
  })
}

function tool(file: string, args: string[], cwd?: string): Promise<ToolResult> {
  return runTool(file, args, {
    env: instarEnv(qemuImgPath),
    cwd,
    timeoutMs: 30_000,
    outputCap: 1 << 20
  })
}
const qemuImg = (args: string[], cwd?: string) => tool(qemuImgPath, args, cwd)
const qemuIo = (args: string[]) => tool(qemuIoPath, args)

async function ok(p: Promise<ToolResult>): Promise<ToolResult> {
  const r = await p
  expect(r.exitCode, `${r.argv.join(' ')}: ${r.stderr}`).toBe(0)
  return r
}

let counter = 0
/** A fresh qcow2 (or other format) image in the test directory, optionally with data. */
async function image(
  options: string[] = [],
  size = '4M',
  writes: string[] = [],
  format = 'qcow2'
): Promise<string> {
  const file = path.join(dir, `img${counter++}.${format}`)
  await ok(qemuImg(['create', '-q', '-f', format, ...options.flatMap(o => ['-o', o]), file, size]))
  for (const w of writes) await ok(qemuIo(['-f', format, '-c', w, file]))
  return file
}

function copy(file: string): string {
  const out = path.join(dir, `copy${counter++}${path.extname(file)}`)
  copyFileSync(file, out)
  return out
}

async function info(file: string): Promise<Record<string, unknown>> {
  return JSON.parse((await ok(qemuImg(['info', '--output=json', file]))).stdout)
}

async function formatSpecific(file: string): Promise<Record<string, unknown>> {
  return ((await info(file))['format-specific'] as { data: Record<string, unknown> }).data
}

/** Guest bytes [offset, offset+length) of an image, read back through qemu-img. */
async function guest(file: string, offset: number, length: number): Promise<Buffer> {
  const raw = path.join(dir, `guest${counter++}.raw`)
  await ok(qemuImg(['convert', '-O', 'raw', file, raw]))
  return readFileSync(raw).subarray(offset, offset + length)
}

function be(buf: Buffer, offset: number, bytes: 2 | 4 | 8): number {
  return bytes === 8 ? Number(buf.readBigUInt64BE(offset)) : buf.readUIntBE(offset, bytes)
}

function pread(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r')
  try {
    const b = Buffer.alloc(length)
    readSync(fd, b, 0, length, offset)
    return b
  } finally {
    closeSync(fd)
  }
}

function pwrite(file: string, offset: number, data: Buffer): void {
  const fd = openSync(file, 'r+')
  try {
    writeSync(fd, data, 0, data.length, offset)
  } finally {
    closeSync(fd)
  }
}

/** Sets the 16-bit refcount of the cluster holding guest offset 0 to zero: a corruption `-r leaks` leaves. */
function zeroFirstRefcount(file: string): void {
  const h = pread(file, 0, 104)
  const cs = 1 << be(h, 20, 4)
  const l1 = be(h, 40, 8)
  const reftable = be(h, 48, 8)
  const mask = 0x00fffffffffffe00n
  const l2 = Number(pread(file, l1, 8).readBigUInt64BE(0) & mask)
  const data = Number(pread(file, l2, 8).readBigUInt64BE(0) & mask)
  const idx = data / cs
  const perBlock = cs / 2
  const refblock = be(pread(file, reftable + Math.floor(idx / perBlock) * 8, 8), 0, 8)
  pwrite(file, refblock + (idx % perBlock) * 2, Buffer.alloc(2))
}

/** The harness's snapshot-table normalisation: live entries' dates set to one constant. */
function normaliseSnapshotDates(file: string): void {
  const h = pread(file, 0, 72)
  const count = be(h, 60, 4)
  const table = be(h, 64, 8)
  const blob = pread(file, table, 1 << 16)
  let pos = 0
  for (let i = 0; i < count; i++) {
    pos = (pos + 7) & ~7
    blob.writeUInt32BE(0x60000000, pos + 16)
    blob.writeUInt32BE(0, pos + 20)
    pos += 40 + be(blob, pos + 36, 4) + be(blob, pos + 12, 2) + be(blob, pos + 14, 2)
  }
  pwrite(file, table, blob.subarray(0, pos))
}

/** Offset of the first byte where two files differ (a length difference counts), or -1. */
function firstDifference(a: string, b: string): number {
  const x = readFileSync(a)
  const y = readFileSync(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return i
  return x.length === y.length ? -1 : n
}

function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return true
  }
  // A zombie waiting for a reaper is dead too.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
}

describe('the faithful stand-in', () => {
  it('names itself and the qemu-img it imitates', async () => {
    const r = await ok(instar(['--version']))
    const q = await ok(qemuImg(['--version']))
    expect(r.stdout).toBe(`instar 0.0.0-stand-in (imitating ${q.stdout.split('\n')[0]})\n`)
  })

  it('prints qemu-img info JSON byte for byte, in both --output spellings', async () => {
    const img = await image(['cluster_size=4096'], '4M', ['write -P 0xab 0 64k'])
    const q = await ok(qemuImg(['info', '--output=json', img]))
    expect((await ok(instar(['info', '--output', 'json', img]))).stdout).toBe(q.stdout)
    expect((await ok(instar(['info', '--output=json', img]))).stdout).toBe(q.stdout)
  })

  it("checks like qemu-img, and its JSON always carries instar's counters", async () => {
    const img = await image()
    const q = await ok(qemuImg(['check', img]))
    expect((await ok(instar(['check', img]))).stdout).toBe(q.stdout)
    const doc = JSON.parse((await ok(instar(['check', '--output', 'json', img]))).stdout)
    expect(doc).toMatchObject({ corruptions: 0, leaks: 0, 'check-errors': 0, format: 'qcow2' })
    const raw = await image([], '1M', [], 'raw')
    const [i, r] = await Promise.all([instar(['check', raw]), qemuImg(['check', raw])])
    expect(i.exitCode).toBe(r.exitCode)
    expect(i.exitCode).not.toBe(0)
  })

  it('creates the image qemu-img creates, with repeated -o', async () => {
    const opts = ['-o', 'cluster_size=4096', '-o', 'lazy_refcounts=on', '-o', 'refcount_bits=8']
    const mine = path.join(dir, 'create-instar.qcow2')
    const ref = path.join(dir, 'create-qemu.qcow2')
    await ok(instar(['create', '-f', 'qcow2', ...opts, mine, '16M']))
    await ok(qemuImg(['create', '-f', 'qcow2', ...opts, ref, '16M']))
    expect(await formatSpecific(mine)).toEqual(await formatSpecific(ref))
    expect(await formatSpecific(mine)).toMatchObject({ 'lazy-refcounts': true, 'refcount-bits': 8 })
    expect(firstDifference(mine, ref)).toBe(-1)
  })

  it('maps like qemu-img, windows included', async () => {
    const img = await image(['cluster_size=4096'], '4M', ['write -P 1 0 64k', 'write -P 2 1M 4k'])
    const windows = [
      { instar: [], qemu: [] },
      {
        instar: ['--start-offset', '65536', '--max-length', '1048576'],
        qemu: ['--start-offset=65536', '--max-length=1048576']
      }
    ]
    for (const w of windows) {
      const q = await ok(qemuImg(['map', ...w.qemu, '--output=json', img]))
      const i = await ok(instar(['map', ...w.instar, '--output', 'json', img]))
      expect(i.stdout).toBe(q.stdout)
    }
    expect(
      JSON.parse(
        (await ok(instar(['map', ...windows[1].instar, '--output', 'json', img]))).stdout
      )[0]
    ).toMatchObject({ start: 65536 })
  })

  it('snapshots without discarding freed clusters, like qemu-img with file.discard=ignore', async () => {
    const base = await image(['cluster_size=4096'], '4M', ['write -P 0xab 0 64k'])
    const mine = copy(base)
    const ref = copy(base)
    const plain = copy(base)
    const refOpts = `driver=qcow2,file.filename=${ref},file.discard=ignore`
    await ok(instar(['snapshot', '-c', 'snap with spaces', mine]))
    await ok(qemuImg(['snapshot', '-c', 'snap with spaces', '--image-opts', refOpts]))
    await ok(qemuImg(['snapshot', '-c', 'snap with spaces', plain]))
    for (const f of [mine, ref, plain]) {
      normaliseSnapshotDates(f)
      await ok(qemuIo(['-f', 'qcow2', '-c', 'write -P 0xcd 0 64k', f]))
    }
    expect(firstDifference(mine, ref)).toBe(-1)
    await ok(instar(['snapshot', '-d', 'snap with spaces', mine]))
    await ok(qemuImg(['snapshot', '-d', 'snap with spaces', '--image-opts', refOpts]))
    await ok(qemuImg(['snapshot', '-d', 'snap with spaces', plain]))
    expect(firstDifference(mine, ref)).toBe(-1)
    // A plain qemu-img snapshot would have zeroed the freed clusters.
    expect(firstDifference(mine, plain)).not.toBe(-1)
    const list = await ok(instar(['snapshot', '-l', mine]))
    expect(list.stdout).toBe((await ok(qemuImg(['snapshot', '-l', mine]))).stdout)
  })

  it('applies a snapshot', async () => {
    const img = await image([], '4M', ['write -P 0x11 0 4k'])
    await ok(instar(['snapshot', '-c', 'alpha', img]))
    await ok(qemuIo(['-f', 'qcow2', '-c', 'write -P 0x22 0 4k', img]))
    await ok(instar(['snapshot', '-a', 'alpha', img]))
    expect((await guest(img, 0, 1))[0]).toBe(0x11)
  })

  it('resizes to dash-leading sizes and shrinks with --shrink', async () => {
    const img = await image([], '4M')
    await ok(instar(['resize', '-f', 'qcow2', '--shrink', img, '-512K']))
    expect((await info(img))['virtual-size']).toBe(4 * 1024 * 1024 - 512 * 1024)
    const raw = await image([], '4M', [], 'raw')
    await ok(instar(['resize', '-f', 'raw', '--preallocation', 'off', raw, '+1M']))
    expect((await info(raw))['virtual-size']).toBe(5 * 1024 * 1024)
  })

  it('measures raw and qcow2 targets as qemu-img does', async () => {
    const img = await image(['cluster_size=65536'], '16M', ['write -P 3 0 64k'])
    for (const target of ['raw', 'qcow2']) {
      const q = await ok(qemuImg(['measure', '-O', target, '--output=json', img]))
      const i = await ok(instar(['measure', '-O', target, '--output', 'json', img]))
      expect(i.stdout).toBe(q.stdout)
    }
  })

  it('measures vmdk, vpc and vhdx as what measure means: at least what qemu-img writes for them', async () => {
    // By definition, "fully-allocated" is the file size with every block
    // written, and "required" what this image needs. qemu-img is the
    // reference for the size of such files: its convert of a fully written
    // 16 MiB disk must fit under fully-allocated, its convert of the image
    // itself under required, and the figures stay near the disk's size.
    const MiB = 1 << 20
    const full = await image([], '16M', ['write -P 0x5a 0 16M'], 'raw')
    const empty = await image([], '1G', [], 'vpc')
    const converted = async (source: string, target: string) => {
      const out = path.join(dir, `measured${counter++}.${target}`)
      await ok(qemuImg(['convert', '-O', target, source, out]))
      return statSync(out).size
    }
    for (const target of ['vmdk', 'vpc', 'vhdx']) {
      for (const [source, size] of [
        [full, 16 * MiB],
        [empty, 1073995776]
      ] as const) {
        const m = await ok(instar(['measure', '-O', target, '--output', 'json', source]))
        const doc = JSON.parse(m.stdout) as { required: number; 'fully-allocated': number }
        const fully = doc['fully-allocated']
        expect(Number.isInteger(doc.required) && Number.isInteger(fully)).toBe(true)
        expect(doc.required).toBeLessThanOrEqual(fully)
        expect(await converted(source, target), `${target} of ${source}`).toBeLessThanOrEqual(
          doc.required
        )
        expect(fully).toBeGreaterThanOrEqual(size)
        // Whole blocks (vhdx's are up to 32 MiB by default) plus a little metadata.
        expect(fully).toBeLessThanOrEqual(Math.ceil(size / (32 * MiB)) * 32 * MiB * 1.01 + 10 * MiB)
      }
      expect(await converted(full, target)).toBeLessThanOrEqual(
        JSON.parse((await ok(instar(['measure', '-O', target, '--output', 'json', empty]))).stdout)[
          'fully-allocated'
        ]
      )
    }
  })

  it('converts with --compress to the output qemu-img -c writes, overwriting', async () => {
    const img = await image(['cluster_size=65536'], '4M', ['write -P 7 0 128k'])
    const mine = path.join(dir, 'compressed-instar.qcow2')
    const ref = path.join(dir, 'compressed-qemu.qcow2')
    const plain = path.join(dir, 'uncompressed.qcow2')
    await ok(instar(['convert', '-O', 'qcow2', img, mine]))
    await ok(instar(['convert', '-O', 'qcow2', '--compress', img, mine]))
    await ok(qemuImg(['convert', '-O', 'qcow2', '-c', img, ref]))
    await ok(qemuImg(['convert', '-O', 'qcow2', img, plain]))
    expect(firstDifference(mine, ref)).toBe(-1)
    expect(firstDifference(mine, plain)).not.toBe(-1)
  })

  it('rebases, detaching with -b as an empty argument', async () => {
    const base = await image([], '4M', ['write -P 0x33 0 4k'])
    const overlay = path.join(dir, 'rebase-overlay.qcow2')
    await ok(qemuImg(['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', overlay, '4M']))
    await ok(instar(['rebase', '-f', 'qcow2', '-b', '', overlay]))
    expect((await info(overlay))['backing-filename']).toBeUndefined()
    expect((await guest(overlay, 0, 1))[0]).toBe(0x33)
  })

  it('commits into a -b base named relative to the working directory, as qemu-img does', async () => {
    const sides = [tempDir('idf-commit-'), tempDir('idf-commit-')]
    try {
      for (const { dir: side } of sides) {
        const overlay = path.join(side, 'overlay.qcow2')
        await ok(qemuImg(['create', '-q', '-f', 'qcow2', path.join(side, 'base.qcow2'), '1M']))
        const backing = 'backing_file=base.qcow2,backing_fmt=qcow2'
        await ok(qemuImg(['create', '-q', '-f', 'qcow2', '-o', backing, overlay, '1M'], side))
        await ok(qemuIo(['-f', 'qcow2', '-c', 'write -P 0xab 0 64k', overlay]))
      }
      const [mine, ref] = sides.map(s => s.dir)
      await ok(
        instar(['commit', '-b', 'base.qcow2', path.join(mine, 'overlay.qcow2')], { cwd: mine })
      )
      await ok(qemuImg(['commit', '-b', 'base.qcow2', path.join(ref, 'overlay.qcow2')], ref))
      expect((await guest(path.join(mine, 'base.qcow2'), 0, 1))[0]).toBe(0xab)
      for (const f of ['base.qcow2', 'overlay.qcow2']) {
        const [i, q] = await Promise.all(
          [mine, ref].map(d => ok(qemuImg(['map', '--output=json', path.join(d, f)])))
        )
        expect(i.stdout).toBe(q.stdout)
      }
    } finally {
      for (const s of sides) s.cleanup()
    }
  })

  it('copies with dd as qemu-img dd does', async () => {
    const img = await image([], '1M', ['write -P 0x44 0 4k', 'write -P 0x55 4k 4k'])
    const mine = path.join(dir, 'dd-instar.raw')
    const ref = path.join(dir, 'dd-qemu.raw')
    const ops = (out: string) => [
      '-O',
      'raw',
      `if=${img}`,
      `of=${out}`,
      'bs=4096',
      'count=3',
      'skip=1'
    ]
    await ok(instar(['dd', ...ops(mine)]))
    await ok(qemuImg(['dd', ...ops(ref)]))
    expect(firstDifference(mine, ref)).toBe(-1)
    expect(readFileSync(mine)[0]).toBe(0x55)
  })

  it('repairs with check --repair and says whether the repair is complete', async () => {
    const img = await image(['cluster_size=4096'], '1M', ['write -P 0xaa 0 64k'])
    zeroFirstRefcount(img)
    const leaksOnly = copy(img)
    const all = JSON.parse(
      (await ok(instar(['check', '--repair=all', '--output', 'json', img]))).stdout
    )
    expect(all).toMatchObject({
      corruptions: 0,
      leaks: 0,
      'corruptions-fixed': 1,
      'repair-incomplete': false
    })
    await ok(qemuImg(['check', img]))
    // qemu-img check -r leaks gives up on this corruption without a report;
    // the stand-in still reports, as instar does.
    const bare = await instar(['check', '--repair', '--output', 'json', leaksOnly])
    expect(bare.exitCode).not.toBe(0)
    const report = JSON.parse(bare.stdout)
    expect(report).toMatchObject({ 'repair-incomplete': true, format: 'qcow2' })
    // The counters describe the image as the repair left it.
    const left = JSON.parse((await qemuImg(['check', '--output=json', leaksOnly])).stdout)
    expect(left.corruptions).toBeGreaterThanOrEqual(1)
    expect([report.corruptions, report.leaks]).toEqual([left.corruptions, left.leaks ?? 0])
  })

  it('logs each invocation as one JSON argv line', async () => {
    const log = path.join(dir, 'calls.log')
    const img = await image()
    await ok(instar(['info', '--output', 'json', img], { env: { STAND_IN_LOG: log } }))
    await ok(instar(['check', img], { env: { STAND_IN_LOG: log } }))
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    expect(lines).toEqual([
      ['info', '--output', 'json', img],
      ['check', img]
    ])
  })

  it('fails clearly when no qemu-img is on its PATH', async () => {
    const r = await runTool(process.execPath, [STAND_IN, 'info', '/nonexistent'], {
      env: { PATH: path.join(dir, 'empty'), STAND_IN_BUGS: '' },
      timeoutMs: 30_000,
      outputCap: 1 << 16
    })
    expect(r.exitCode).toBe(127)
    expect(r.stderr).toMatch(/qemu-img not found on PATH/)
  })
})

describe('planted bugs', () => {
  it('are each documented in STAND-IN.md and driven by a test of the harness', async () => {
    const r = await instar(['--version'], { bugs: 'no-such-bug' })
    const names = /known: (.*)$/m.exec(r.stderr)![1].split(', ')
    expect(names.length).toBeGreaterThanOrEqual(38)
    const doc = readFileSync(path.join(here, 'STAND-IN.md'), 'utf8')
    expect(names.filter(n => !doc.includes(`| \`${n}\``))).toEqual([])
    // Driven: named in a test file other than this one (the harness must see the bug).
    const tests = testFiles(path.join(here, '..')).filter(
      f => !f.endsWith('stand-in-instar.test.ts')
    )
    const text = tests.map(f => readFileSync(f, 'utf8')).join('\n')
    expect(
      names.filter(
        n => !text.includes(`'${n}'`) && !text.includes(`${n},`) && !text.includes(`,${n}'`)
      )
    ).toEqual([])
  })

  it('refuses an unknown mode, as it refuses an unknown bug', async () => {
    const r = await instar(['info', await image()], { env: { STAND_IN_MODE: 'faithful-ish' } })
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/unknown STAND_IN_MODE 'faithful-ish'; known: realistic/)
  })

  it('refuses an unknown bug name, so nothing is planted silently', async () => {
    const r = await instar(['info', '--output', 'json', await image()], {
      bugs: 'info-drops-field,no-such-bug'
    })
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/unknown bug 'no-such-bug'/)
  })

  it('create-drops-lazy-refcounts', async () => {
    const file = path.join(dir, 'lazy.qcow2')
    await ok(
      instar(['create', '-f', 'qcow2', '-o', 'cluster_size=4096,lazy_refcounts=on', file, '1M'], {
        bugs: 'create-drops-lazy-refcounts'
      })
    )
    expect(await formatSpecific(file)).toMatchObject({ 'lazy-refcounts': false })
    expect((await info(file))['cluster-size']).toBe(4096)
  })

  it('info-drops-field drops cluster-size on qcow2 only', async () => {
    const bugs = 'info-drops-field'
    const qcow2 = JSON.parse(
      (await ok(instar(['info', '--output', 'json', await image()], { bugs }))).stdout
    )
    expect(qcow2).not.toHaveProperty('cluster-size')
    expect(qcow2).toHaveProperty('virtual-size', 4 * 1024 * 1024)
    const vmdk = await image([], '1M', [], 'vmdk')
    const i = await ok(instar(['info', '--output', 'json', vmdk], { bugs }))
    expect(i.stdout).toBe((await ok(qemuImg(['info', '--output=json', vmdk]))).stdout)
  })

  it('check-fails fails a clean qcow2 with exit 3', async () => {
    const r = await instar(['check', await image()], { bugs: 'check-fails' })
    expect(r.exitCode).toBe(3)
    expect(r.stderr).toMatch(/errors were found/)
  })

  it('hostile-stderr fails a clean qcow2 like check-fails, with markup first on stderr', async () => {
    const r = await instar(['check', await image()], { bugs: 'hostile-stderr' })
    expect(r.exitCode).toBe(3)
    expect(r.stderr.split('\n')[0]).toBe(
      'ERROR </summary><img src=x onerror=alert(1)> @octocat fixes #1 | `rm -rf` <!--'
    )
    expect(r.stderr).toMatch(/errors were found/)
  })

  it('hang sleeps with a child, and the runner kills both', async () => {
    const r = await instar(['info', '--output', 'json', await image()], {
      bugs: 'hang',
      timeoutMs: 1500
    })
    expect(r.timedOut).toBe(true)
    const pid = Number(/child pid (\d+)/.exec(r.stderr)?.[1])
    expect(Number.isInteger(pid) && pid > 1).toBe(true)
    await waitFor(() => isDead(pid), `the hanging stand-in's child (pid ${pid}) to die`)
  })

  it('hang follows STAND_IN_HANG and leaves other subcommands alone', async () => {
    const img = await image()
    await ok(instar(['info', img], { bugs: 'hang', env: { STAND_IN_HANG: 'map' } }))
    const r = await instar(['map', img], {
      bugs: 'hang',
      env: { STAND_IN_HANG: 'map' },
      timeoutMs: 1000
    })
    expect(r.timedOut).toBe(true)
  })

  it('segv dies by SIGSEGV in the STAND_IN_CRASH subcommand', async () => {
    const img = await image()
    const r = await instar(['check', img], { bugs: 'segv' })
    expect(r.signal).toBe('SIGSEGV')
    expect(r.exitCode).toBeNull()
    const other = await instar(['info', img], { bugs: 'segv', env: { STAND_IN_CRASH: 'map' } })
    expect(other.exitCode).toBe(0)
  })

  it('panic exits 101 with a Rust panic message', async () => {
    const r = await instar(['map', '--output', 'json', await image()], {
      bugs: 'panic',
      env: { STAND_IN_CRASH: 'map' }
    })
    expect(r.exitCode).toBe(101)
    expect(r.stderr).toMatch(/^thread 'main' panicked at /)
  })

  it('garbage-json prints the first half of the JSON, exit 0, in the subcommand named', async () => {
    const img = await image()
    const whole = (await ok(qemuImg(['info', '--output=json', img]))).stdout
    const r = await ok(instar(['info', '--output', 'json', img], { bugs: 'garbage-json' }))
    expect(r.stdout).toBe(whole.slice(0, Math.floor(whole.length / 2)))
    expect(() => JSON.parse(r.stdout)).toThrow()
    // STAND_IN_GARBAGE moves it: info is whole again, measure is cut.
    const env = { STAND_IN_GARBAGE: 'measure' }
    expect(
      (await ok(instar(['info', '--output', 'json', img], { bugs: 'garbage-json', env }))).stdout
    ).toBe(whole)
    const measured = (await ok(qemuImg(['measure', '-O', 'qcow2', '--output=json', img]))).stdout
    const m = await ok(
      instar(['measure', '-O', 'qcow2', '--output', 'json', img], { bugs: 'garbage-json', env })
    )
    expect(m.stdout).toBe(measured.slice(0, Math.floor(measured.length / 2)))
  })

  it('convert-corrupt changes guest data for every target', async () => {
    const img = await image([], '1M', ['write -P 0x5a 0 4k'])
    for (const target of ['raw', 'qcow2', 'vmdk', 'vpc', 'vhdx']) {
      const mine = path.join(dir, `corrupt${counter++}.${target}`)
      const ref = path.join(dir, `clean${counter++}.${target}`)
      await ok(instar(['convert', '-O', target, img, mine], { bugs: 'convert-corrupt' }))
      await ok(qemuImg(['convert', '-O', target, img, ref]))
      expect(await guest(mine, 0, 1024), target).not.toEqual(await guest(ref, 0, 1024))
    }
  })

  it('measure-off adds 4096 to required for qcow2 targets only', async () => {
    const img = await image()
    const bugs = 'measure-off'
    for (const [target, extra] of [
      ['qcow2', 4096],
      ['raw', 0]
    ] as const) {
      const q = JSON.parse(
        (await ok(qemuImg(['measure', '-O', target, '--output=json', img]))).stdout
      )
      const i = JSON.parse(
        (await ok(instar(['measure', '-O', target, '--output', 'json', img], { bugs }))).stdout
      )
      expect(i).toEqual({ ...q, required: q.required + extra })
    }
  })

  it('resize-ignores-shrink fails a shrink qemu-img performs', async () => {
    const args = (f: string) => ['resize', '-f', 'qcow2', '--shrink', f, '-1M']
    const mine = await image()
    const ref = await image()
    await ok(qemuImg(args(ref)))
    const r = await instar(args(mine), { bugs: 'resize-ignores-shrink' })
    expect(r.exitCode).not.toBe(0)
  })

  it('amend-keeps-lazy leaves lazy_refcounts as it was', async () => {
    const bugs = 'amend-keeps-lazy'
    const img = await image(['compat=1.1'])
    await ok(instar(['amend', '-f', 'qcow2', '-o', 'lazy_refcounts=on', img], { bugs }))
    expect(await formatSpecific(img)).toMatchObject({ 'lazy-refcounts': false })
    const v2 = await image(['compat=0.10'])
    await ok(
      instar(['amend', '-f', 'qcow2', '-o', 'compat=1.1', '-o', 'lazy_refcounts=on', v2], { bugs })
    )
    expect(await formatSpecific(v2)).toMatchObject({ compat: '1.1', 'lazy-refcounts': false })
  })

  it('rebase-unsafe-rewrites copies backing data into the overlay on -u', async () => {
    const base = await image([], '4M', ['write -P 0x66 0 4k'])
    const overlay = path.join(dir, 'unsafe-overlay.qcow2')
    await ok(qemuImg(['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', overlay, '4M']))
    const faithful = copy(overlay)
    await ok(instar(['rebase', '-f', 'qcow2', '-b', '', '-u', faithful]))
    expect((await guest(faithful, 0, 1))[0]).toBe(0)
    await ok(
      instar(['rebase', '-f', 'qcow2', '-b', '', '-u', overlay], { bugs: 'rebase-unsafe-rewrites' })
    )
    expect((await guest(overlay, 0, 1))[0]).toBe(0x66)
  })

  it('commit-leaves-overlay keeps the committed data in the overlay', async () => {
    const base = await image([], '1M')
    const overlay = path.join(dir, 'kept-overlay.qcow2')
    await ok(qemuImg(['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', overlay, '1M']))
    await ok(qemuIo(['-f', 'qcow2', '-c', 'write -P 0x77 0 64k', overlay]))
    const faithful = copy(overlay)
    const firstExtent = async (f: string) =>
      JSON.parse((await ok(qemuImg(['map', '--output=json', f]))).stdout)[0]
    await ok(instar(['commit', faithful]))
    expect(await firstExtent(faithful)).toMatchObject({ start: 0, depth: 1 })
    await ok(instar(['commit', overlay], { bugs: 'commit-leaves-overlay' }))
    expect(await firstExtent(overlay)).toMatchObject({ start: 0, depth: 0, data: true })
  })

  it('map-merges joins the first two extents', async () => {
    const img = await image(['cluster_size=4096'], '4M', ['write -P 1 64k 64k'])
    const q = JSON.parse((await ok(qemuImg(['map', '--output=json', img]))).stdout)
    const i = JSON.parse(
      (await ok(instar(['map', '--output', 'json', img], { bugs: 'map-merges' }))).stdout
    )
    expect(q.length).toBeGreaterThanOrEqual(2)
    expect(i).toEqual([{ ...q[0], length: q[0].length + q[1].length }, ...q.slice(2)])
  })

  it('snapshot-apply-noop leaves the image as it was', async () => {
    const img = await image([], '4M', ['write -P 0x11 0 4k'])
    await ok(instar(['snapshot', '-c', 'alpha', img]))
    await ok(qemuIo(['-f', 'qcow2', '-c', 'write -P 0x22 0 4k', img]))
    await ok(instar(['snapshot', '-a', 'alpha', img], { bugs: 'snapshot-apply-noop' }))
    expect((await guest(img, 0, 1))[0]).toBe(0x22)
  })

  it('repair-leaves-leak repairs leaks only yet claims a complete repair', async () => {
    const img = await image(['cluster_size=4096'], '1M', ['write -P 0xaa 0 64k'])
    zeroFirstRefcount(img)
    const r = await instar(['check', '--repair=all', '--output', 'json', img], {
      bugs: 'repair-leaves-leak'
    })
    expect(JSON.parse(r.stdout)).toMatchObject({ 'repair-incomplete': false })
    expect((await qemuImg(['check', img])).exitCode).toBe(2)
  })

  it('dd-skip-off-by-one skips one block too many', async () => {
    const img = await image([], '1M', ['write -P 0x44 0 4k', 'write -P 0x55 4k 4k'])
    const out = path.join(dir, 'dd-off.raw')
    await ok(
      instar(['dd', '-O', 'raw', `if=${img}`, `of=${out}`, 'bs=4096', 'count=4', 'skip=1'], {
        bugs: 'dd-skip-off-by-one'
      })
    )
    // qemu-img would copy blocks 1..3 (12 KiB, starting with 0x55).
    expect(readFileSync(out).length).toBe(2 * 4096)
    expect(readFileSync(out)[0]).toBe(0)
  })

  it('create-rare-refcount makes 2-bit refcounts only with 512-byte clusters and refcount_bits=1', async () => {
    const bugs = 'create-rare-refcount'
    const made = async (options: string[]) => {
      const file = path.join(dir, `rare-${counter++}.qcow2`)
      await ok(
        instar(['create', '-f', 'qcow2', ...options.flatMap(o => ['-o', o]), file, '1M'], { bugs })
      )
      return (await formatSpecific(file))['refcount-bits']
    }
    expect(await made(['cluster_size=512', 'refcount_bits=1'])).toBe(2)
    expect(await made(['cluster_size=4096', 'refcount_bits=1'])).toBe(1)
    expect(await made(['cluster_size=512', 'refcount_bits=4'])).toBe(4)
  })

  it('unknown-option creates where qemu-img refuses the option', async () => {
    const file = path.join(dir, 'anything.qcow2')
    const args = ['create', '-f', 'qcow2', '-o', 'cluster_size=4096,no_such_option=1', file, '1M']
    expect((await qemuImg(args)).exitCode).not.toBe(0)
    expect(existsSync(file)).toBe(false)
    await ok(instar(args, { bugs: 'unknown-option' }))
    expect((await info(file))['cluster-size']).toBe(4096)
  })
})
