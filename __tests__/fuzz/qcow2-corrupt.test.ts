import { execFileSync, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FixtureError } from '../../src/fuzz/fixture.js'
import { corruptQcow2, REPAIR_CORRUPTIONS } from '../../src/fuzz/qcow2-corrupt.js'
import { realQemuImg, tempDir } from '../support/tools.js'

const qemuImg = realQemuImg()
const qemuIo = path.join(path.dirname(qemuImg), 'qemu-io')
const { dir, cleanup } = tempDir('idf-corrupt-')
afterAll(cleanup)

function image(name: string, clusterSize: number): string {
  const file = path.join(dir, name)
  execFileSync(qemuImg, [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-o',
    `cluster_size=${clusterSize}`,
    file,
    '1M'
  ])
  execFileSync(
    qemuIo,
    ['-f', 'qcow2', '-c', 'write -P 0xaa 0 64k', '-c', 'write -P 0xbb 64k 64k', file],
    {
      stdio: 'pipe'
    }
  )
  return file
}

function counters(file: string): { corruptions: number; leaks: number } {
  const r = spawnSync(qemuImg, ['check', '--output=json', file], { encoding: 'utf8' })
  const doc = JSON.parse(r.stdout)
  return { corruptions: doc.corruptions ?? 0, leaks: doc.leaks ?? 0 }
}

/** What qemu-img check finds after each class (the same at every cluster size). */
const EXPECTED = {
  refcount_zero: { corruptions: 2, leaks: 0 },
  refcount_too_high: { corruptions: 0, leaks: 1 },
  leaked_cluster: { corruptions: 0, leaks: 1 },
  stale_copied: { corruptions: 1, leaks: 1 },
  overlapping: { corruptions: 1, leaks: 1 }
}

describe('corruptQcow2', () => {
  for (const cs of [512, 65536]) {
    it(`damages a ${cs}-byte-cluster image the way qemu-img check sees each class`, async () => {
      for (const c of REPAIR_CORRUPTIONS) {
        const file = image(`${c}-${cs}.qcow2`, cs)
        expect(counters(file)).toEqual({ corruptions: 0, leaks: 0 })
        const r = await corruptQcow2(file, c)
        expect(r.corruption).toBe(c)
        expect(r.dataOffset % cs).toBe(0)
        expect([c, counters(file)]).toEqual([c, EXPECTED[c]])
      }
    })
  }

  it('refuses images it cannot damage as asked, as a fixture failure', async () => {
    const empty = path.join(dir, 'empty.qcow2')
    execFileSync(qemuImg, ['create', '-q', '-f', 'qcow2', empty, '1M'])
    await expect(corruptQcow2(empty, 'leaked_cluster')).rejects.toBeInstanceOf(FixtureError)
    const junk = path.join(dir, 'junk.qcow2')
    writeFileSync(junk, Buffer.alloc(512))
    await expect(corruptQcow2(junk, 'refcount_zero')).rejects.toThrow(/not a qcow2/)
  })
})
