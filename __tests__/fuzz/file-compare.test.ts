import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compareFileBytes } from '../../src/fuzz/file-compare.js'
import { tempDir } from '../support/tools.js'

const { dir, cleanup } = tempDir('idf-bytes-')
afterAll(cleanup)

function files(a: Buffer, b: Buffer): [string, string] {
  const name = Math.random().toString(36).slice(2)
  const pa = path.join(dir, `${name}-instar`)
  const pb = path.join(dir, `${name}-qemu`)
  writeFileSync(pa, a)
  writeFileSync(pb, b)
  return [pa, pb]
}

const data = (n: number, seed = 1): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * seed + 7) & 0xff))

describe('compareFileBytes', () => {
  it('accepts identical files, larger than one read chunk', async () => {
    const a = data((1 << 20) + 4097)
    expect(await compareFileBytes(...files(a, Buffer.from(a)))).toBeNull()
  })

  it('accepts a longer file whose tail is all zero, on either side', async () => {
    const a = data(3000)
    const longer = Buffer.concat([a, Buffer.alloc((1 << 20) + 10)])
    expect(await compareFileBytes(...files(a, longer))).toBeNull()
    expect(await compareFileBytes(...files(longer, a))).toBeNull()
  })

  it('reports the first differing byte of the common prefix', async () => {
    const a = data((1 << 20) + 100)
    const b = Buffer.from(a)
    b[(1 << 20) + 3] ^= 0xff
    b[(1 << 20) + 50] ^= 0xff
    expect(await compareFileBytes(...files(a, b))).toEqual({
      kind: 'prefix_mismatch',
      offset: (1 << 20) + 3,
      instarByte: a[(1 << 20) + 3],
      qemuByte: b[(1 << 20) + 3],
      instarLength: a.length,
      qemuLength: b.length
    })
  })

  it('reports a non-zero byte in the longer file tail, naming the side', async () => {
    const a = data(512)
    const tail = Buffer.alloc(4096)
    tail[4000] = 1
    expect(await compareFileBytes(...files(a, Buffer.concat([a, tail])))).toEqual({
      kind: 'nonzero_tail',
      side: 'qemu',
      offset: 512 + 4000,
      instarLength: 512,
      qemuLength: 512 + 4096
    })
  })
})
