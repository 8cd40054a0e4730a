/**
 * Normalisers for `qemu-img info --output=json` documents: they remove what
 * legitimately differs between two correct images (allocation, cache hints,
 * timestamps, temporary paths) so that everything left must match exactly.
 */

import { isObject } from '../util/json.js'

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
