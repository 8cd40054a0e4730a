import { open, type FileHandle } from 'node:fs/promises'
import { FixtureError } from './fixture.js'

/**
 * The peer's five corruption classes, with what `check -r` can do about
 * each: refcount_zero, refcount_too_high and stale_copied need tier `all`;
 * leaked_cluster is fixed by either tier; overlapping is only partly
 * repairable.
 */
export const REPAIR_CORRUPTIONS = [
  'refcount_zero',
  'refcount_too_high',
  'leaked_cluster',
  'stale_copied',
  'overlapping'
] as const

export type Corruption = (typeof REPAIR_CORRUPTIONS)[number]

const QCOW2_MAGIC = 0x514649fb
const HEADER_BYTES = 104
/** Host offset bits of an L1/L2 entry. */
const OFFSET_MASK = 0x00fffffffffffe00n
/** "Refcount is exactly one": the flag a stale_copied entry lies about. */
const OFLAG_COPIED = 1n << 63n

export interface CorruptionResult {
  corruption: Corruption
  /** Host offset of the data cluster whose bookkeeping was damaged. */
  dataOffset: number
}

async function readU64(fh: FileHandle, at: number): Promise<bigint> {
  const b = Buffer.alloc(8)
  await fh.read(b, 0, 8, at)
  return b.readBigUInt64BE(0)
}

async function writeU64(fh: FileHandle, at: number, value: bigint): Promise<void> {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(value)
  await fh.write(b, 0, 8, at)
}

function failed(message: string): FixtureError {
  return new FixtureError('corrupt qcow2', undefined, message)
}

/**
 * Damages a freshly written qcow2 (16-bit refcounts, guest data at offset
 * 0) in one of the peer's five ways, by editing L2 entries and refcount
 * blocks directly. The image must have its first L2 entry allocated; a
 * layout this cannot handle is a FixtureError (the case is inconclusive).
 */
export async function corruptQcow2(
  file: string,
  corruption: Corruption
): Promise<CorruptionResult> {
  const fh = await open(file, 'r+')
  try {
    const header = Buffer.alloc(HEADER_BYTES)
    await fh.read(header, 0, HEADER_BYTES, 0)
    if (header.readUInt32BE(0) !== QCOW2_MAGIC) throw failed('not a qcow2 image')
    const clusterSize = 2 ** header.readUInt32BE(20)
    const l1Size = header.readUInt32BE(36)
    const l1Offset = Number(header.readBigUInt64BE(40))
    const refTableOffset = Number(header.readBigUInt64BE(48))
    if (l1Size === 0) throw failed('the L1 table is empty')
    const l2Offset = Number((await readU64(fh, l1Offset)) & OFFSET_MASK)
    if (l2Offset === 0) throw failed('L1[0] is unallocated')
    const entryAt = (i: number): number => l2Offset + i * 8
    const l2 = [await readU64(fh, entryAt(0)), await readU64(fh, entryAt(1))]
    const host = (entry: bigint): number => Number(entry & OFFSET_MASK)
    if (host(l2[0]) === 0) throw failed('L2[0] is unallocated')

    const setRefcount = async (offset: number, value: number): Promise<void> => {
      const index = Math.floor(offset / clusterSize)
      const perBlock = clusterSize / 2
      const block = Number(await readU64(fh, refTableOffset + Math.floor(index / perBlock) * 8))
      if (block === 0) throw failed(`no refcount block covers offset ${offset}`)
      const b = Buffer.alloc(2)
      b.writeUInt16BE(value)
      await fh.write(b, 0, 2, block + (index % perBlock) * 2)
    }

    switch (corruption) {
      case 'refcount_zero':
        await setRefcount(host(l2[0]), 0)
        return { corruption, dataOffset: host(l2[0]) }
      case 'refcount_too_high':
        await writeU64(fh, entryAt(0), l2[0] & ~OFLAG_COPIED)
        await setRefcount(host(l2[0]), 2)
        return { corruption, dataOffset: host(l2[0]) }
      case 'leaked_cluster':
        await writeU64(fh, entryAt(0), 0n)
        return { corruption, dataOffset: host(l2[0]) }
      case 'stale_copied': {
        const i = host(l2[1]) !== 0 ? 1 : 0
        await writeU64(fh, entryAt(i), l2[i] | OFLAG_COPIED)
        await setRefcount(host(l2[i]), 2)
        return { corruption, dataOffset: host(l2[i]) }
      }
      case 'overlapping':
        await writeU64(fh, entryAt(1), l2[0])
        return { corruption, dataOffset: host(l2[0]) }
    }
  } finally {
    await fh.close()
  }
}
