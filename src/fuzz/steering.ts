import {
  splitValue,
  valuesOfPair,
  type CellStats,
  type CoverageMap,
  type CoverageSpace,
  type SteeringWeights
} from '../findings/coverage.js'
import { valueText } from './coverage-space.js'
import type { Steering } from './iteration.js'
import type { OperationName } from './operation.js'
import { operation } from './operations/index.js'
import { SOURCE_KNOBS } from './source.js'

/**
 * The least weight a value gets, relative to the most wanted value of its
 * knob: steering favours, it never starves, so a bug in a well-covered
 * cell is still found.
 */
export const WEIGHT_FLOOR = 0.05

/** The source's knobs: drawn once per iteration by the source's own drawer. */
const SOURCE_KEYS = Object.keys(SOURCE_KNOBS)

/** How much a cell is wanted: 1 when it never ran, less the more it ran. */
function need(stats: CellStats | undefined): number {
  return 1 / (1 + (stats?.runs ?? 0)) ** 2
}

/** A mean in the making: the needs summed in the order they come (the weights depend on it). */
interface Mean {
  sum: number
  n: number
}

function addTo(into: Map<string, Mean>, key: string, x: number): void {
  const m = into.get(key) ?? { sum: 0, n: 0 }
  m.sum += x
  m.n++
  into.set(key, m)
}

const mean = (m: Mean): number => m.sum / m.n

/**
 * How much each value of an operation is wanted: its own need plus the
 * mean need of the pairs it can be drawn in, so a value whose pairs are
 * still uncovered is favoured even once it ran often.
 */
function valueNeeds(name: string, space: CoverageSpace, map: CoverageMap): Map<string, number> {
  const cells = space[name]
  const ran = map.operations[name]
  const pairs = new Map<string, Mean>()
  for (const pair of cells.pairs) {
    const n = need(ran?.pairs[pair])
    for (const v of valuesOfPair(pair)) addTo(pairs, v, n)
  }
  const out = new Map<string, number>()
  for (const v of cells.values) {
    const own = need(ran?.values[v])
    const p = pairs.get(v)
    // A value drawn alone (a raw create has no other knob) counts its own need twice.
    out.set(v, own + (p ? mean(p) : own))
  }
  return out
}

/** Needs by key and value text, scaled to weights in [WEIGHT_FLOOR, 1]; keys whose values are all equal are left out. */
function toWeights(
  needs: Map<string, Map<string, number>>
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {}
  for (const [key, values] of needs) {
    const most = Math.max(...values.values())
    const weights = Object.fromEntries(
      [...values].map(([v, n]) => [v, Number(Math.max(WEIGHT_FLOOR, n / most).toPrecision(3))])
    )
    if (Object.values(weights).some(w => w !== 1)) out[key] = weights
  }
  return out
}

/** Adds a value's need to the mean of its knob's value in `into`. */
function add(into: Map<string, Map<string, Mean>>, key: string, value: string, n: number) {
  if (!into.has(key)) into.set(key, new Map())
  addTo(into.get(key)!, value, n)
}

/**
 * The weights coverage steering gives the pickers of `pool`, from the
 * accumulated map: each operation's own knobs by its own needs, the
 * source's knobs by the mean need over the operations that read the
 * source (for info, check and map the source's format is their target).
 * Pure; every weight is in [WEIGHT_FLOOR, 1], rounded, so the table in
 * the summary is exactly what was drawn with. Empty for an empty map.
 */
export function steeringWeights(
  accumulated: CoverageMap,
  space: CoverageSpace,
  pool: readonly OperationName[]
): SteeringWeights {
  const out: SteeringWeights = {}
  const source = new Map<string, Map<string, Mean>>()
  for (const name of new Set(pool)) {
    const op = operation(name)
    const own = new Map<string, Map<string, Mean>>()
    for (const [cell, n] of valueNeeds(name, space, accumulated)) {
      const [key, value] = splitValue(cell)
      const fromSource =
        op.readsSource &&
        (SOURCE_KEYS.includes(key) || (key === 'target' && op.targetIsSourceFormat === true))
      if (!fromSource) add(own, key, value, n)
      else add(source, key === 'target' ? 'from' : key, value, n)
    }
    const weights = toWeights(meanNeeds(own))
    if (Object.keys(weights).length > 0) out[name] = weights
  }
  const weights = toWeights(meanNeeds(source))
  if (Object.keys(weights).length > 0) out.source = weights
  return out
}

function meanNeeds(needs: Map<string, Map<string, Mean>>): Map<string, Map<string, number>> {
  return new Map(
    [...needs].map(([key, values]) => [key, new Map([...values].map(([v, m]) => [v, mean(m)]))])
  )
}

/**
 * The pickers' steering from a weights table: a drawer without weights
 * draws as written (undefined), and a value the table does not name keeps
 * weight 1. Undefined for an empty table: the run is not steered.
 */
export function steeringFrom(weights: SteeringWeights | null): Steering | undefined {
  if (!weights || Object.keys(weights).length === 0) return undefined
  return drawer => {
    const table = weights[drawer]
    if (!table) return undefined
    return (key, value) => table[key]?.[valueText(value)] ?? 1
  }
}
