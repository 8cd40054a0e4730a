import { isObject } from '../util/json.js'
import { emptyCoverage, mergeCoverage, parseCoverage, type CoverageMap } from './coverage.js'
import { isVerificationDocument, mergeVerification } from './verification.js'

/**
 * summary.json keys beyond the campaign's own (report-read.ts READ_KEYS),
 * merged across shards: one function per section whose meaning a generic
 * merge would get wrong, and a generic merge for the rest, so a section a
 * later version adds survives a merge instead of being dropped.
 */

/**
 * Merges the values several shards wrote under one key (shards without it
 * are left out); `shards` names the shard that wrote each value.
 */
type SectionMerge = (values: unknown[], shards: string[]) => unknown

/** Whether every value is the same JSON (so any of them stands for all). */
function allSame(values: readonly unknown[]): boolean {
  const first = JSON.stringify(values[0])
  return values.every(v => JSON.stringify(v) === first)
}

/**
 * The merge for a section nobody wrote one for: equal values stay as
 * they are, numbers add up (sections hold counts), lists are joined
 * without repeats, objects merge key by key; values that still disagree
 * (two versions, two timestamps) are all kept, in a list.
 */
export function mergeUnknown(values: unknown[]): unknown {
  if (values.length === 0) return undefined
  // Values are compared as JSON text: each is stringified once, not per comparison.
  const texts = values.map(v => JSON.stringify(v))
  if (texts.every(t => t === texts[0])) return values[0]
  if (values.every(v => typeof v === 'number')) return values.reduce((a, b) => a + b, 0)
  if (values.every(Array.isArray)) {
    const seen = new Set<string>()
    const joined: unknown[] = []
    for (const item of values.flat()) {
      const text = JSON.stringify(item)
      if (seen.has(text)) continue
      seen.add(text)
      joined.push(item)
    }
    return joined
  }
  if (values.every(isObject)) {
    const keys = [...new Set(values.flatMap(v => Object.keys(v)))]
    return Object.fromEntries(
      keys.map(k => [k, mergeUnknown(values.filter(v => k in v).map(v => v[k]))])
    )
  }
  return values.filter((_, i) => texts.indexOf(texts[i]) === i)
}

/**
 * `verification`: each shard re-checks its own slice of the open issues
 * (by issue number), so the night's verification is every shard's lists
 * joined in issue order (verification.ts mergeVerification).
 */
function mergeVerificationSection(values: unknown[]): unknown {
  const docs = values.filter(isVerificationDocument)
  return docs.length > 0 ? mergeVerification(docs) : mergeUnknown(values)
}

/**
 * `coverage`: each shard keeps a chain of its own across nights, so the
 * shards' maps hold disjoint runs and add up, both this night's (`run`)
 * and the accumulated ones (coverage.ts mergeCoverage). The per-operation
 * shares are a view of a map against the pickers' space, which a merge
 * cannot recompute here; each shard's summary keeps its own, and the
 * night's are left out rather than added up wrongly.
 */
function mergeCoverageSection(values: unknown[]): unknown {
  const maps = (key: 'run' | 'accumulated'): CoverageMap[] =>
    values.flatMap(v => {
      const map = isObject(v) ? parseCoverage(v[key]) : 'not a section'
      return typeof map === 'string' ? [] : [map]
    })
  const sum = (list: CoverageMap[]): CoverageMap => list.reduce(mergeCoverage, emptyCoverage())
  return {
    steer: mergeUnknown(values.map(v => (isObject(v) ? v.steer : undefined))),
    restored_from: mergeUnknown(values.map(v => (isObject(v) ? v.restored_from : undefined))),
    run: sum(maps('run')),
    accumulated: sum(maps('accumulated'))
  }
}

/**
 * `steering`: the weights each shard's pickers drew with. Each shard
 * steers from its own coverage chain, so the shards' weights differ as
 * soon as their maps do, and adding them up (the generic merge) would show
 * weights no shard drew with. Sections all equal are kept as they are, so
 * the night's summary.json still gives `replay --weights` the weights
 * every shard drew with. Differing ones are kept per shard, by the shard's
 * `i/n`, under `weights_by_shard` beside the shards' mode, and the night
 * has no `weights`: no one table replays every shard (a finding's own
 * report holds its shard's).
 */
function mergeSteeringSection(values: unknown[], shards: string[]): unknown {
  if (allSame(values)) return values[0]
  return {
    mode: mergeUnknown(values.map(v => (isObject(v) ? v.mode : undefined))),
    weights_by_shard: Object.fromEntries(
      values.map((v, i) => [shards[i], isObject(v) ? (v.weights ?? null) : null])
    )
  }
}

/** The sections with a merge of their own; every other key goes through mergeUnknown. */
const SECTION_MERGES: Readonly<Record<string, SectionMerge>> = {
  verification: mergeVerificationSection,
  coverage: mergeCoverageSection,
  steering: mergeSteeringSection
}

/** Each report's shard (`i/n`), a repeated one told apart by its place in the list (`1/2 #3`). */
function shardNames(shards: readonly string[]): string[] {
  return shards.map((name, i) => (shards.indexOf(name) === i ? name : `${name} #${i + 1}`))
}

/**
 * Every section any shard wrote, merged by its own function or the
 * generic one; `shards` names the shard of each report (its `i/n`). A
 * shard whose section is null (it did not do that part) is left out of
 * the merge; a section every shard left null stays null.
 */
export function mergeSections(
  sections: readonly Record<string, unknown>[],
  shards: readonly string[]
): Record<string, unknown> {
  const names = shardNames(shards)
  const keys = [...new Set(sections.flatMap(s => Object.keys(s)))]
  return Object.fromEntries(
    keys.map(k => {
      const present = sections.flatMap((s, i) =>
        s[k] === undefined || s[k] === null ? [] : [{ value: s[k], shard: names[i] }]
      )
      if (present.length === 0) return [k, null]
      const merge = SECTION_MERGES[k] ?? mergeUnknown
      return [
        k,
        merge(
          present.map(p => p.value),
          present.map(p => p.shard)
        )
      ]
    })
  )
}
