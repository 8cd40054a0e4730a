import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compareFileBytes } from '../../../src/fuzz/file-compare.js'
import {
  allocationExtents,
  differingPaths,
  infoFacts,
  libyalFacts,
  mapExtent,
  normaliseInfo,
  normaliseReadback,
  normaliseSnapshotTable,
  parseCheckMetrics,
  replaceStrings
} from '../../../src/fuzz/normalise.js'
import { corruptQcow2, REPAIR_CORRUPTIONS } from '../../../src/fuzz/qcow2-corrupt.js'
import { PYTHON_PARTS, pythonOracle } from '../../../src/fuzz/repro/python.js'
import { realQemuImg, tempDir } from '../../support/tools.js'

/**
 * The reproducers' inline python oracle must judge as the TypeScript
 * oracle does: each python function runs on the same inputs as its
 * original, in one python process, and must give the same answer.
 */

const { dir, cleanup } = tempDir('idf-python-oracle-')
afterAll(cleanup)
const oracle = path.join(dir, 'oracle.py')
writeFileSync(oracle, pythonOracle(PYTHON_PARTS)!)
const qemuImg = realQemuImg()

/** Calls python functions by name on JSON arguments; their results, as JSON. */
function python(calls: Array<[string, unknown[]]>): unknown[] {
  const out = execFileSync('python3', [oracle, 'fn'], {
    input: JSON.stringify(calls),
    encoding: 'utf8'
  })
  return JSON.parse(out) as unknown[]
}

function qemu(...args: string[]): string {
  return execFileSync(qemuImg, args, { encoding: 'utf8' })
}

function image(name: string, ...options: string[]): string {
  const file = path.join(dir, name)
  qemu('create', '-q', '-f', 'qcow2', ...options.flatMap(o => ['-o', o]), file, '4M')
  return file
}

describe('the python oracle against normalise.ts', () => {
  it('normalises and compares JSON documents the same way', () => {
    const base = image('base.qcow2')
    const overlay = image('overlay.qcow2', `backing_file=${base}`, 'backing_fmt=qcow2')
    qemu('snapshot', '-c', 'one', overlay)
    const info = JSON.parse(qemu('info', '--output=json', '--backing-chain', overlay)) as unknown[]
    const doc = JSON.parse(qemu('info', '--output=json', overlay)) as Record<string, unknown>
    const bitmaps = {
      ...doc,
      'format-specific': {
        type: 'qcow2',
        data: {
          bitmaps: [
            { name: 'b', flags: ['in-use', 'auto'] },
            { name: 'a', flags: [true, 'x'] },
            { flags: [] }
          ]
        }
      },
      children: [{ name: 'file', info: { 'virtual-size': 5, 'actual-size': 1 } }, 'odd']
    }
    const tricky = [
      [
        { a: 1, b: [1, 2, 3], c: { d: true } },
        { a: 1.0, b: [1, 2], c: { d: 1 }, e: null }
      ],
      [[1, { x: 'y' }], { 0: 1 }],
      [
        { k: Array.from({ length: 12 }, (_, i) => i) },
        { k: Array.from({ length: 12 }, (_, i) => -i - 1) }
      ],
      [null, null],
      ['s', 's']
    ]
    const map = JSON.parse(qemu('map', '--output=json', overlay)) as unknown[]
    const extents = [
      ...map,
      { start: 4, length: 1, depth: 0, present: true, zero: false, data: true, offset: 9 },
      { start: 5, length: 1, depth: 0, present: true, zero: false, data: true },
      { start: 'x' }
    ]
    const check = [
      qemu('check', '--output=json', overlay),
      '{"corruptions": 2, "leaks": true, "check-errors": 1.5}',
      '[1]',
      'not json'
    ]
    const calls: Array<[string, unknown[], unknown]> = [
      ...[...info, doc, bitmaps].map((d): [string, unknown[], unknown] => [
        'normalise_info',
        [d],
        normaliseInfo(d)
      ]),
      ...[...info, doc, bitmaps].flatMap(d =>
        ['qcow2', 'vmdk', 'vhdx'].map((t): [string, unknown[], unknown] => [
          'normalise_readback',
          [d, t, overlay],
          normaliseReadback(d, t, overlay)
        ])
      ),
      ['replace_strings', [doc, dir, '$DIR', true], replaceStrings(doc, dir, '$DIR', true)],
      ['replace_strings', [doc, overlay, '$X'], replaceStrings(doc, overlay, '$X')],
      ...tricky.map(([a, b]): [string, unknown[], unknown] => [
        'differing_paths',
        [a, b],
        differingPaths(a, b)
      ]),
      ...extents.flatMap(e =>
        ['qcow2', 'vpc'].map((f): [string, unknown[], unknown] => [
          'map_extent',
          [e, f],
          mapExtent(e, f)
        ])
      ),
      ['allocation_extents', [extents], allocationExtents(extents)],
      ['allocation_extents', [{ not: 'a list' }], allocationExtents({ not: 'a list' })],
      ...check.map((c): [string, unknown[], unknown] => [
        'check_metrics',
        [c],
        parseCheckMetrics(c)
      ])
    ]
    expect(python(calls.map(([fn, args]) => [fn, args]))).toEqual(
      calls.map(([, , expected]) => JSON.parse(JSON.stringify(expected ?? null)))
    )
  })

  it('reads libyal reports and info documents the same way', () => {
    const reports = [
      'QEMU Copy-On-Write (QCOW) image information:\n\tFormat version\t\t: 3\n\tMedia size\t\t: 4.0 MiB (4194304 bytes)\n\tCluster block size\t: 65536\n',
      'VMware Virtual Disk (VMDK) information:\n\tMedia size:\t\t1048576 bytes\n',
      'QEMU Copy-On-Write\nFormat version: 2\nCluster size: 512 bytes\n',
      'nothing here'
    ]
    const docs = [
      { 'virtual-size': 1, 'cluster-size': 2, 'format-specific': { data: { compat: '1.1' } } },
      { 'virtual-size': 3 },
      7
    ]
    const calls: Array<[string, unknown[], unknown]> = [
      ...reports.map((r): [string, unknown[], unknown] => ['libyal_facts', [r], libyalFacts(r)]),
      ...docs.map((d): [string, unknown[], unknown] => ['info_facts', [d], infoFacts(d)])
    ]
    expect(python(calls.map(([fn, args]) => [fn, args]))).toEqual(
      calls.map(([, , expected]) => JSON.parse(JSON.stringify(expected)))
    )
  })
})

describe('the python oracle against the byte-level helpers', () => {
  it('normalises a snapshot table to the same bytes', async () => {
    const file = image('snaps.qcow2', 'cluster_size=4096')
    for (const name of ['alpha', 'snap with spaces', 'L'.repeat(255)])
      qemu('snapshot', '-c', name, file)
    const copy = path.join(dir, 'snaps-copy.qcow2')
    copyFileSync(file, copy)
    expect(await normaliseSnapshotTable(file)).toEqual({ ok: true, entries: 3 })
    expect(python([['normalise_snapshot_table', [copy]]])).toEqual([null])
    expect(readFileSync(copy).equals(readFileSync(file))).toBe(true)
    expect(python([['normalise_snapshot_table', [path.join(dir, 'base.qcow2')]]])).toEqual([null])
    writeFileSync(path.join(dir, 'junk'), 'not qcow2')
    expect(python([['normalise_snapshot_table', [path.join(dir, 'junk')]]])).toEqual([
      'not a qcow2 header'
    ])
  })

  it('finds the same first difference between two files', async () => {
    const files = {
      a: Buffer.from([1, 2, 3, 4]),
      b: Buffer.from([1, 2, 9, 4, 0, 0]),
      c: Buffer.from([1, 2, 3, 4, 0, 0, 7]),
      d: Buffer.from([1, 2, 3, 4, 0, 0])
    }
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes)
    const pairs = [
      ['a', 'b'],
      ['a', 'c'],
      ['c', 'a'],
      ['a', 'd'],
      ['d', 'a']
    ].map(p => p.map(n => path.join(dir, n)))
    const expected = await Promise.all(pairs.map(([x, y]) => compareFileBytes(x, y)))
    expect(python(pairs.map(p => ['compare_file_bytes', p]))).toEqual(expected)
  })

  it("damages a qcow2 the same way in each of repair's five classes", async () => {
    const written = image('written.qcow2', 'cluster_size=4096')
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 170 0 65536', written])
    const pairs = REPAIR_CORRUPTIONS.map(corruption => {
      const [ts, py] = ['ts', 'py'].map(side => path.join(dir, `${corruption}.${side}.qcow2`))
      copyFileSync(written, ts)
      copyFileSync(written, py)
      return { corruption, ts, py }
    })
    const offsets = await Promise.all(
      pairs.map(async p => (await corruptQcow2(p.ts, p.corruption)).dataOffset)
    )
    expect(python(pairs.map(p => ['corrupt_qcow2', [p.py, p.corruption]]))).toEqual(offsets)
    for (const p of pairs) expect(readFileSync(p.py).equals(readFileSync(p.ts))).toBe(true)
  })
})
