import { open } from 'node:fs/promises'

/** The instant every snapshot date is rewritten to (the peer's value). */
export const NORMALISED_DATE_SEC = 0x60000000

const QCOW2_MAGIC = 0x514649fb
const HEADER_BYTES = 72
/** The peer reads at most this much of the table; 16 entries fit many times over. */
const TABLE_READ_LIMIT = 1 << 20
/** Fixed part of a snapshot table entry, before extra data, id and name. */
const ENTRY_FIXED_BYTES = 40

export type TableNormalisation = { ok: true; entries: number } | { ok: false; reason: string }

/**
 * Rewrites a qcow2 snapshot table in place so that two images whose
 * snapshots were taken at different moments compare equal byte for byte:
 * every entry's date (`date_sec`, `date_nsec`) becomes one fixed instant
 * and the alignment padding before each entry is zeroed (writers may leave
 * stale bytes there). As in the peer, the padding after the last entry is
 * left alone. A table that cannot be walked is reported, not guessed at.
 */
export async function normaliseSnapshotTable(file: string): Promise<TableNormalisation> {
  const fh = await open(file, 'r+')
  try {
    const header = Buffer.alloc(HEADER_BYTES)
    const { bytesRead } = await fh.read(header, 0, HEADER_BYTES, 0)
    if (bytesRead < HEADER_BYTES || header.readUInt32BE(0) !== QCOW2_MAGIC)
      return { ok: false, reason: 'not a qcow2 header' }
    const count = header.readUInt32BE(60)
    const tableOffset = Number(header.readBigUInt64BE(64))
    if (count === 0) return { ok: true, entries: 0 }
    if (tableOffset === 0) return { ok: false, reason: `${count} snapshots but no table offset` }

    const table = Buffer.alloc(TABLE_READ_LIMIT)
    const read = (await fh.read(table, 0, TABLE_READ_LIMIT, tableOffset)).bytesRead
    let pos = 0
    for (let i = 0; i < count; i++) {
      const aligned = (pos + 7) & ~7
      if (aligned > read) return { ok: false, reason: `entry ${i} starts past the table read` }
      table.fill(0, pos, aligned)
      pos = aligned
      if (pos + ENTRY_FIXED_BYTES > read) return { ok: false, reason: `entry ${i} is truncated` }
      table.writeUInt32BE(NORMALISED_DATE_SEC, pos + 16)
      table.writeUInt32BE(0, pos + 20)
      const idLength = table.readUInt16BE(pos + 12)
      const nameLength = table.readUInt16BE(pos + 14)
      const extra = table.readUInt32BE(pos + 36)
      pos += ENTRY_FIXED_BYTES + extra + idLength + nameLength
      if (pos > read) return { ok: false, reason: `entry ${i} runs past the table read` }
    }
    await fh.write(table, 0, pos, tableOffset)
    return { ok: true, entries: count }
  } finally {
    await fh.close()
  }
}
