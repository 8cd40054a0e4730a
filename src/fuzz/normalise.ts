/**
 * Every normaliser of the oracles, in one place: what two correct tools
 * may legitimately print or write differently (allocation, cache hints,
 * timestamps, temporary paths, host offsets, snapshot dates) is removed,
 * so that everything left must match exactly. JSON documents (info, map,
 * check, libyal reports) and, last, the one normaliser of bytes: qcow2
 * snapshot tables.
 */

import { open } from 'node:fs/promises'
import { isObject, parseJson } from '../util/json.js'

type Json = unknown

/** A deep copy with `keys` removed at every depth. */
export function stripKeys(value: Json, keys: ReadonlySet<string>): Json {
  if (Array.isArray(value)) return value.map(v => stripKeys(v, keys))
  if (!isObject(value)) return value
  const out: Record<string, Json> = {}
  for (const [k, v] of Object.entries(value)) if (!keys.has(k)) out[k] = stripKeys(v, keys)
  return out
}

/** Replaces every string equal to `from` (or containing it, with `substring`) by `to`. */
export function replaceStrings(value: Json, from: string, to: string, substring = false): Json {
  if (typeof value === 'string') {
    if (value === from) return to
    return substring && from !== '' ? value.split(from).join(to) : value
  }
  if (Array.isArray(value)) return value.map(v => replaceStrings(v, from, to, substring))
  if (!isObject(value)) return value
  const out: Record<string, Json> = {}
  for (const [k, v] of Object.entries(value)) out[k] = replaceStrings(v, from, to, substring)
  return out
}

/** Fields op `info` ignores at every level (the peer's KNOWN_DIVERGENCE_FIELDS and more). */
const INFO_STRIP = new Set([
  'actual-size',
  'disk size',
  'image-clusters',
  'fragmented-clusters',
  'allocated-clusters',
  'filename',
  'format-specific',
  'dirty-flag'
])

/** The peer's op-info normaliser (§5.2): compared after these fields are gone. */
export function normaliseInfo(doc: Json): Json {
  return stripKeys(doc, INFO_STRIP)
}

const READBACK_UNIVERSAL = [
  'actual-size',
  'dirty-flag',
  'refcount-block-cache-size',
  'l2-cache-size',
  'l2-cache-entry-size',
  'cache-clean-interval'
]
const READBACK_TARGET: Record<string, string[]> = {
  vmdk: ['cid', 'parent-cid'],
  vhdx: ['log-size']
}

/**
 * The readback normaliser for images both tools wrote (create, resize,
 * amend, rebase, commit): instar's integration-test normaliser, newest
 * version, including the snapshot dates and bitmap ordering the Python
 * peer's hand-synced copy lacks.
 */
export function normaliseReadback(doc: Json, target: string, imagePath: string): Json {
  const strip = new Set([...READBACK_UNIVERSAL, ...(READBACK_TARGET[target] ?? [])])
  let out = stripKeys(doc, strip)
  if (isObject(out)) {
    if (Array.isArray(out.children)) {
      out.children = out.children.map(child => {
        if (isObject(child) && isObject(child.info)) {
          const info = { ...child.info }
          delete info['virtual-size']
          return { ...child, info }
        }
        return child
      })
    }
    if (Array.isArray(out.snapshots)) {
      out.snapshots = out.snapshots.map(s => {
        if (!isObject(s)) return s
        const copy = { ...s }
        delete copy['date-sec']
        delete copy['date-nsec']
        return copy
      })
    }
    const fs = out['format-specific']
    if (isObject(fs) && isObject(fs.data) && Array.isArray(fs.data.bitmaps)) {
      const bitmaps = fs.data.bitmaps.map(b =>
        isObject(b) && Array.isArray(b.flags) ? { ...b, flags: [...b.flags].map(String).sort() } : b
      )
      bitmaps.sort((a, b) =>
        String(isObject(a) ? a.name : '').localeCompare(String(isObject(b) ? b.name : ''))
      )
      out = { ...out, 'format-specific': { ...fs, data: { ...fs.data, bitmaps } } }
    }
  }
  return replaceFilename(out, imagePath)
}

function replaceFilename(value: Json, imagePath: string): Json {
  if (Array.isArray(value)) return value.map(v => replaceFilename(v, imagePath))
  if (!isObject(value)) return value
  const out: Record<string, Json> = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'filename' && v === imagePath ? '$FILENAME' : replaceFilename(v, imagePath)
  }
  return out
}

/**
 * Where two JSON documents differ, as paths like `/format-specific/data/compat`,
 * in document order, at most `limit` of them.
 */
export function differingPaths(a: Json, b: Json, limit = 8, at = ''): string[] {
  if (Object.is(a, b)) return []
  if (Array.isArray(a) && Array.isArray(b)) {
    const paths: string[] = []
    const n = Math.max(a.length, b.length)
    for (let i = 0; i < n && paths.length < limit; i++) {
      paths.push(...differingPaths(a[i], b[i], limit - paths.length, `${at}/${i}`))
    }
    return paths
  }
  if (isObject(a) && isObject(b)) {
    const paths: string[] = []
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    for (const k of keys) {
      if (paths.length >= limit) break
      paths.push(...differingPaths(a[k], b[k], limit - paths.length, `${at}/${k}`))
    }
    return paths
  }
  return [at === '' ? '/' : at]
}

/** The extent fields map compares (not depth, compressed, offset or filename). */
export const MAP_COMPARE_FIELDS = ['start', 'length', 'present', 'zero', 'data'] as const

/**
 * Fields skipped per format. vpc: instar reports an unallocated BAT block
 * as present=false, qemu-img as present=true with zero=true.
 */
export const MAP_FIELD_SKIPS: Readonly<Record<string, readonly string[]>> = { vpc: ['present'] }

/** An extent reduced to the fields compared for this format. */
export function mapExtent(extent: unknown, format: string): Record<string, unknown> {
  const skips = MAP_FIELD_SKIPS[format] ?? []
  const e = isObject(extent) ? extent : {}
  const out: Record<string, unknown> = {}
  for (const f of MAP_COMPARE_FIELDS) if (!skips.includes(f)) out[f] = e[f]
  return out
}

/** What `qemu-img check --output=json` found (counters it omits are 0). */
export interface CheckMetrics {
  corruptions: number
  leaks: number
  checkErrors: number
}

/** The counters of a `qemu-img check --output=json` document, or null when it is not one. */
export function parseCheckMetrics(stdout: string): CheckMetrics | null {
  const doc = parseJson(stdout)
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null
  const d = doc as Record<string, unknown>
  const count = (k: string): number => (typeof d[k] === 'number' ? d[k] : 0)
  return {
    corruptions: count('corruptions'),
    leaks: count('leaks'),
    checkErrors: count('check-errors')
  }
}

/** No corruption, no leak, no check error. */
export function isClean(m: CheckMetrics): boolean {
  return m.corruptions === 0 && m.leaks === 0 && m.checkErrors === 0
}

const ALLOCATION_FIELDS = ['depth', 'present', 'zero', 'data'] as const

/**
 * A `qemu-img map --output=json` listing reduced to what the guest chain
 * looks like: host offsets and file names dropped, then neighbours that now
 * agree merged (qemu-img splits extents where host clusters are not
 * contiguous, and two correct writers may lay clusters out differently).
 */
export function allocationExtents(doc: unknown): Array<Record<string, unknown>> | null {
  if (!Array.isArray(doc)) return null
  const out: Array<Record<string, unknown>> = []
  for (const e of doc as Array<Record<string, unknown>>) {
    if (typeof e !== 'object' || e === null) return null
    const kept: Record<string, unknown> = { start: e.start, length: e.length }
    for (const f of ALLOCATION_FIELDS) kept[f] = e[f]
    const last = out.at(-1)
    if (
      last &&
      ALLOCATION_FIELDS.every(f => last[f] === kept[f]) &&
      (last.start as number) + (last.length as number) === kept.start
    ) {
      last.length = (last.length as number) + (kept.length as number)
    } else {
      out.push(kept)
    }
  }
  return out
}

/**
 * `key: value` lines of a libyal tool's report. The 2020 and 2021 releases
 * put the colon in different places (`Media size:\t\t4 MiB` vs
 * `Media size\t\t: 4 MiB`); splitting on the first colon handles both.
 */
export function parseLibyalReport(stdout: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key && value) fields[key] = value
  }
  return fields
}

/** Bytes of `1.0 MiB (1048576 bytes)`, `65536 bytes` or `65536`; undefined otherwise. */
export function libyalBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const m = /\((\d+) bytes\)/.exec(value) ?? /^(\d+)(?: bytes)?$/.exec(value)
  return m ? Number(m[1]) : undefined
}

/**
 * The facts a libyal report states reliably across releases, named as in
 * qemu-img/instar info JSON. Only these are compared: the size in bytes,
 * the qcow2 cluster size when the release prints it, and the qcow2 version
 * (which instar reports as `format-specific.data.compat`, a field op info
 * does not compare, so this is the one check libyal adds on its own).
 */
export function libyalFacts(stdout: string): Record<string, number | string> {
  const f = parseLibyalReport(stdout)
  const facts: Record<string, number | string> = {}
  const size = libyalBytes(f['media size'])
  if (size !== undefined) facts['virtual-size'] = size
  const cluster = libyalBytes(f['cluster block size'] ?? f['cluster size'])
  if (cluster !== undefined) facts['cluster-size'] = cluster
  const version = f['format version']
  if (/^QEMU Copy-On-Write/m.test(stdout) && (version === '2' || version === '3'))
    facts.compat = version === '2' ? '0.10' : '1.1'
  return facts
}

/** The same facts read from an info JSON document (instar's or qemu-img's). */
export function infoFacts(doc: unknown): Record<string, unknown> {
  const d = (doc ?? {}) as Record<string, unknown>
  const fs = d['format-specific'] as { data?: Record<string, unknown> } | undefined
  return {
    'virtual-size': d['virtual-size'],
    'cluster-size': d['cluster-size'],
    compat: fs?.data?.compat
  }
}

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
