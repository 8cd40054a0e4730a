import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compareFileBytes } from '../../src/fuzz/file-compare.js'
import { NORMALISED_DATE_SEC, normaliseSnapshotTable } from '../../src/fuzz/normalise.js'
import { realQemuImg, tempDir } from '../support/tools.js'

const qemuImg = realQemuImg()
const { dir, cleanup } = tempDir('idf-snaptable-')
afterAll(cleanup)

const run = (...args: string[]) => execFileSync(qemuImg, args, { stdio: 'pipe' })

/** Two copies of one image, each given the same snapshots by qemu-img at different moments. */
function twins(names: string[]): [string, string] {
  const base = path.join(dir, 'base.qcow2')
  run('create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096', base, '4M')
  const a = path.join(dir, 'a.qcow2')
  const b = path.join(dir, 'b.qcow2')
  copyFileSync(base, a)
  copyFileSync(base, b)
  for (const name of names) {
    run('snapshot', '-c', name, a)
    run('snapshot', '-c', name, b)
  }
  return [a, b]
}

describe('normaliseSnapshotTable', () => {
  it('makes tables written at different moments byte-identical, and only the dates change', async () => {
    // Odd name lengths leave padding between the entries.
    const [a, b] = twins(['alpha', 'snap with spaces', 'snäp-名前', 'L'.repeat(255)])
    // Stale bytes in the padding after the first entry (a writer may leave them).
    const image = readFileSync(a)
    const table = Number(image.readBigUInt64BE(64))
    const end =
      40 +
      image.readUInt32BE(table + 36) +
      image.readUInt16BE(table + 12) +
      image.readUInt16BE(table + 14)
    expect(end % 8).not.toBe(0)
    image.fill(0xee, table + end, table + ((end + 7) & ~7))
    writeFileSync(a, image)
    const before = readFileSync(a)
    const pad = ((end + 7) & ~7) - end
    // The first difference is in the table (a date or the pad), nowhere before it.
    const diff = await compareFileBytes(a, b)
    expect(diff?.kind).toBe('prefix_mismatch')
    expect(diff!.offset).toBeGreaterThanOrEqual(table)
    expect(await normaliseSnapshotTable(a)).toEqual({ ok: true, entries: 4 })
    expect(await normaliseSnapshotTable(b)).toEqual({ ok: true, entries: 4 })
    expect(await compareFileBytes(a, b)).toBeNull()
    // qemu-img still reads it, and every date is the fixed instant.
    const info = JSON.parse(
      execFileSync(qemuImg, ['info', '--output=json', a], { encoding: 'utf8' })
    )
    expect(info.snapshots.map((s: { name: string }) => s.name)).toEqual([
      'alpha',
      'snap with spaces',
      'snäp-名前',
      'L'.repeat(255)
    ])
    for (const s of info.snapshots) expect(s['date-sec']).toBe(NORMALISED_DATE_SEC)
    const after = readFileSync(a)
    let changed = 0
    for (let k = 0; k < after.length; k++) if (after[k] !== before[k]) changed++
    // Every pad byte we filled, and at most the four entries' dates besides.
    expect(changed).toBeGreaterThanOrEqual(pad)
    expect(changed).toBeLessThanOrEqual(4 * 8 + pad)
  })

  it('leaves an image without snapshots alone', async () => {
    const [a] = twins([])
    const before = readFileSync(a)
    expect(await normaliseSnapshotTable(a)).toEqual({ ok: true, entries: 0 })
    expect(readFileSync(a).equals(before)).toBe(true)
  })

  it('refuses what is not a qcow2 image, and a table that runs off the end', async () => {
    const junk = path.join(dir, 'junk')
    writeFileSync(junk, Buffer.alloc(4096, 0x41))
    expect(await normaliseSnapshotTable(junk)).toEqual({ ok: false, reason: 'not a qcow2 header' })
    const [a] = twins(['alpha'])
    const image = readFileSync(a)
    // Claim 100000 snapshots: the walk leaves the 1 MiB it reads.
    image.writeUInt32BE(100000, 60)
    writeFileSync(a, image)
    const r = await normaliseSnapshotTable(a)
    expect(r.ok).toBe(false)
  })
})
