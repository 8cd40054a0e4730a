import type { Occurrence } from './finding.js'

/** One dimension of the cases a finding was seen in, with how often each value came up. */
export interface DimensionCount {
  key: string
  /** Most frequent first. */
  values: Array<{ value: string; count: number }>
}

/**
 * What the occurrences of a finding share and where they differ, knob by
 * knob (and size): `cluster_size: 512 ×48`, `size: 1M ×9, 4M ×15`. A
 * maintainer sees at once which dimensions the bug always came with.
 */
export function dimensionsAcross(occurrences: readonly Occurrence[]): DimensionCount[] {
  const counts = new Map<string, Map<string, number>>()
  for (const o of occurrences)
    for (const [key, value] of Object.entries(o.dimensions ?? {})) {
      const values = counts.get(key) ?? new Map<string, number>()
      values.set(value, (values.get(value) ?? 0) + 1)
      counts.set(key, values)
    }
  return [...counts].map(([key, values]) => ({
    key,
    values: [...values]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
  }))
}

/** `512 ×48, 4096 ×3`: one dimension's values in words. */
export function describeValues(d: DimensionCount): string {
  return d.values.map(v => `${v.value} ×${v.count}`).join(', ')
}
