import { isObject } from '../util/json.js'
import {
  emptyCoverage,
  mergeCoverage as mergeMaps,
  parseCoverage,
  type CoverageMap
} from './coverage.js'
import {
  mergeVerification as mergeVerificationDocuments,
  type VerificationDocument
} from './verification.js'

/**
 * summary.json keys beyond the campaign's own (report-read.ts READ_KEYS),
 * merged across shards: one function per section whose meaning a generic
 * merge would get wrong, and a generic merge for the rest, so a section a
 * later version adds survives a merge instead of being dropped.
 */

/** Merges the values several shards wrote under one key (shards without it are left out). */
export type SectionMerge = (values: unknown[]) => unknown

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * The merge for a section nobody wrote one for: equal values stay as
 * they are, numbers add up (sections hold counts), lists are joined
 * without repeats, objects merge key by key; values that still disagree
 * (two versions, two timestamps) are all kept, in a list.
 */
export function mergeUnknown(values: unknown[]): unknown {
  if (values.length === 0) return undefined
  if (values.every(v => same(v, values[0]))) return values[0]
  if (values.every(v => typeof v === 'number')) return values.reduce((a, b) => a + b, 0)
  if (values.every(Array.isArray)) {
    const joined: unknown[] = []
    for (const item of values.flat()) if (!joined.some(j => same(j, item))) joined.push(item)
    return joined
  }
  if (values.every(isObject)) {
    const keys = [...new Set(values.flatMap(v => Object.keys(v)))]
    return Object.fromEntries(
      keys.map(k => [k, mergeUnknown(values.filter(v => k in v).map(v => v[k]))])
    )
  }
  return values.filter((v, i) => values.findIndex(w => same(v, w)) === i)
}

/**
 * `verification`: each shard re-checks its own slice of the open issues
 * (by issue number), so the night's verification is every shard's lists
 * joined in issue order (verification.ts mergeVerification).
 */
export function mergeVerification(values: unknown[]): unknown {
  const docs = values.filter(
    (v): v is VerificationDocument => isObject(v) && Array.isArray(v.still_reproduces)
  )
  return docs.length > 0 ? mergeVerificationDocuments(docs) : mergeUnknown(values)
}

/**
 * `coverage`: each shard keeps a chain of its own across nights, so the
 * shards' maps hold disjoint runs and add up, both this night's (`run`)
 * and the accumulated ones (coverage.ts mergeCoverage). The per-operation
 * shares are a view of a map against the pickers' space, which a merge
 * cannot recompute here; each shard's summary keeps its own, and the
 * night's are left out rather than added up wrongly.
 */
export function mergeCoverage(values: unknown[]): unknown {
  const maps = (key: 'run' | 'accumulated'): CoverageMap[] =>
    values.flatMap(v => {
      const map = isObject(v) ? parseCoverage(v[key]) : 'not a section'
      return typeof map === 'string' ? [] : [map]
    })
  const sum = (list: CoverageMap[]): CoverageMap => list.reduce(mergeMaps, emptyCoverage())
  return {
    steer: mergeUnknown(values.map(v => (isObject(v) ? v.steer : undefined))),
    restored_from: mergeUnknown(values.map(v => (isObject(v) ? v.restored_from : undefined))),
    run: sum(maps('run')),
    accumulated: sum(maps('accumulated'))
  }
}

/** The sections with a merge of their own; every other key goes through mergeUnknown. */
export const SECTION_MERGES: Readonly<Record<string, SectionMerge>> = {
  verification: mergeVerification,
  coverage: mergeCoverage
}

/**
 * Every section any shard wrote, merged by its own function or the
 * generic one. A shard whose section is null (it did not do that part)
 * is left out of the merge; a section every shard left null stays null.
 */
export function mergeSections(
  sections: readonly Record<string, unknown>[]
): Record<string, unknown> {
  const keys = [...new Set(sections.flatMap(s => Object.keys(s)))]
  return Object.fromEntries(
    keys.map(k => {
      const values = sections.map(s => s[k]).filter(v => v !== undefined && v !== null)
      if (values.length === 0) return [k, null]
      return [k, (SECTION_MERGES[k] ?? mergeUnknown)(values)]
    })
  )
}
