/**
 * The coverage of the option space, as plain JSON: for each operation,
 * every knob value (`key=value`, the target included) and every pair of
 * values drawn together in one case (`a=x b=y`, keys in alphabetical
 * order), with how often it ran, how often it diverged, and when it last
 * ran. One map per campaign; maps of several nights and shards add up with
 * `mergeCoverage`, which is pure, associative and commutative, so the
 * order in which shards and nights are merged never matters.
 */

/** One cell: runs, divergences, and the start of the last run that ran it. */
export interface CellStats {
  runs: number
  /** Confirmed divergences whose finding's minimal case holds this cell. */
  divergences: number
  /** ISO time the last campaign that ran this cell started. */
  last: string
}

export interface OperationCoverage {
  /** Runs of the operation counted here. */
  runs: number
  /** Single values, `key=value`. */
  values: Record<string, CellStats>
  /** Pairs of values of one case, `a=x b=y`. */
  pairs: Record<string, CellStats>
}

export interface CoverageMap {
  version: 1
  /** Campaigns added up in this map. */
  campaigns: number
  operations: Record<string, OperationCoverage>
}

/** The cells of one case: its values and every pair of them. */
export interface CaseCells {
  values: string[]
  pairs: string[]
}

/**
 * The cells that can be drawn at all, per operation (see
 * fuzz/coverage-space.ts): what "covered" is a share of, and what "never
 * run" lists.
 */
export type CoverageSpace = Record<string, CaseCells>

/**
 * Coverage steering: the weight each drawer (an operation, or `source`)
 * multiplies its picker's weight for a knob value by, by key and value
 * text. A missing entry is 1. Plain JSON, recorded in the summary and in
 * every finding, so `replay` can draw exactly what the run drew.
 */
export type SteeringWeights = Record<string, Record<string, Record<string, number>>>

/** Most cells kept per operation and kind when a map is read: bounds memory whatever a file holds. */
export const MAX_CELLS = 20_000

export function emptyCoverage(): CoverageMap {
  return { version: 1, campaigns: 0, operations: {} }
}

/** A cell's name: `key=value`, and pairs sorted by key so a pair has one name. */
export function cellsOf(entries: ReadonlyArray<readonly [string, string]>): CaseCells {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const values = sorted.map(([k, v]) => `${k}=${v}`)
  const pairs: string[] = []
  for (let i = 0; i < values.length; i++)
    for (let j = i + 1; j < values.length; j++) pairs.push(`${values[i]} ${values[j]}`)
  return { values, pairs }
}

/** The values a pair is made of. */
export function valuesOfPair(pair: string): [string, string] {
  const space = pair.indexOf(' ')
  return [pair.slice(0, space), pair.slice(space + 1)]
}

/** A cell's key and value text. */
export function splitValue(cell: string): [string, string] {
  const eq = cell.indexOf('=')
  return [cell.slice(0, eq), cell.slice(eq + 1)]
}

function operationOf(map: CoverageMap, operation: string): OperationCoverage {
  map.operations[operation] ??= { runs: 0, values: {}, pairs: {} }
  return map.operations[operation]
}

function bump(
  cells: Record<string, CellStats>,
  name: string,
  runs: number,
  divergences: number,
  last: string
): void {
  const c = (cells[name] ??= { runs: 0, divergences: 0, last: '' })
  c.runs += runs
  c.divergences += divergences
  if (last > c.last) c.last = last
}

/**
 * Counts one run of an operation into `map` (which the campaign owns and
 * changes in place: one run is a few dozen additions, no copy).
 */
export function countRun(
  map: CoverageMap,
  operation: string,
  cells: CaseCells,
  when: string
): void {
  const op = operationOf(map, operation)
  op.runs++
  for (const v of cells.values) bump(op.values, v, 1, 0, when)
  for (const p of cells.pairs) bump(op.pairs, p, 1, 0, when)
}

/** Counts a confirmed divergence on the cells of its finding's minimal case (a run already counted). */
export function countDivergence(map: CoverageMap, operation: string, cells: CaseCells): void {
  const op = operationOf(map, operation)
  for (const v of cells.values) bump(op.values, v, 0, 1, '')
  for (const p of cells.pairs) bump(op.pairs, p, 0, 1, '')
}

/**
 * Two maps added up: runs and divergences summed, the later `last` kept.
 * Pure (neither input changes), associative and commutative: the merge of
 * several shards' or nights' maps is the same in any order and grouping.
 */
export function mergeCoverage(a: CoverageMap, b: CoverageMap): CoverageMap {
  const out = emptyCoverage()
  out.campaigns = a.campaigns + b.campaigns
  for (const map of [a, b]) {
    for (const [name, op] of Object.entries(map.operations)) {
      const into = operationOf(out, name)
      into.runs += op.runs
      for (const [cell, s] of Object.entries(op.values))
        bump(into.values, cell, s.runs, s.divergences, s.last)
      for (const [cell, s] of Object.entries(op.pairs))
        bump(into.pairs, cell, s.runs, s.divergences, s.last)
    }
  }
  return out
}

/** What a map read back may keep: the operations there are, and the values their pickers can draw. */
export interface CoverageDomain {
  operations: readonly string[]
  value(operation: string, key: string, value: string): boolean
}

/**
 * The map without what `domain` refuses (an operation or a knob value no
 * picker draws any more, read back from an older version's file). Pure.
 */
export function pruneCoverage(map: CoverageMap, domain: CoverageDomain): CoverageMap {
  const out = emptyCoverage()
  out.campaigns = map.campaigns
  for (const [name, op] of Object.entries(map.operations)) {
    if (!domain.operations.includes(name)) continue
    const kept = (cell: string): boolean => domain.value(name, ...splitValue(cell))
    out.operations[name] = {
      runs: op.runs,
      values: Object.fromEntries(Object.entries(op.values).filter(([c]) => kept(c))),
      pairs: Object.fromEntries(
        Object.entries(op.pairs).filter(([p]) => valuesOfPair(p).every(kept))
      )
    }
  }
  return out
}

const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0

/** The shape of a value cell's name (`key=value`) and of a pair's (`a=x b=y`). */
const VALUE_CELL = /^[^\s=]+=\S*$/
const PAIR_CELL = /^[^\s=]+=\S* [^\s=]+=\S*$/

function readCells(value: unknown, pairs: boolean): Record<string, CellStats> {
  const out: Record<string, CellStats> = {}
  if (typeof value !== 'object' || value === null) return out
  const shape = pairs ? PAIR_CELL : VALUE_CELL
  let n = 0
  for (const [name, s] of Object.entries(value as Record<string, unknown>)) {
    if (n >= MAX_CELLS) break
    const c = s as Partial<CellStats> | null
    if (!shape.test(name) || !c || !count(c.runs) || !count(c.divergences)) continue
    out[name] = { runs: c.runs, divergences: c.divergences, last: String(c.last ?? '') }
    n++
  }
  return out
}

/**
 * A map read back from JSON (a cache entry, a `--coverage-file`, another
 * shard's summary), or why it cannot be: cells of the wrong shape are
 * left out, and at most MAX_CELLS of each kind per operation are kept.
 */
export function parseCoverage(value: unknown): CoverageMap | string {
  const doc = value as Partial<CoverageMap> | null
  if (typeof doc !== 'object' || doc === null) return 'not a JSON object'
  if (doc.version !== 1) return `version ${JSON.stringify(doc.version)} is not 1`
  if (typeof doc.operations !== 'object' || doc.operations === null) return 'no operations'
  const map = emptyCoverage()
  map.campaigns = count(doc.campaigns) ? doc.campaigns : 0
  for (const [name, op] of Object.entries(doc.operations)) {
    if (typeof op !== 'object' || op === null) continue
    map.operations[name] = {
      runs: count(op.runs) ? op.runs : 0,
      values: readCells(op.values, false),
      pairs: readCells(op.pairs, true)
    }
  }
  return map
}

/**
 * Steering weights read back from JSON: a bare table, or the `steering`
 * of a summary.json or a finding's report. Null when the document has
 * none; a message when a weight is not a positive number, or when the
 * document is a merged night whose shards drew with different weights
 * (merge-sections.ts), which no one table replays.
 */
export function parseWeights(value: unknown): SteeringWeights | null | string {
  if (typeof value !== 'object' || value === null) return 'not a JSON object'
  const doc = value as { steering?: { weights?: unknown; weights_by_shard?: unknown } }
  if (
    typeof doc.steering === 'object' &&
    doc.steering !== null &&
    'weights_by_shard' in doc.steering
  )
    return "the night's shards drew with different weights (steering.weights_by_shard): take a finding's own report"
  const table = 'steering' in doc ? (doc.steering?.weights ?? null) : value
  if (table === null) return null
  if (typeof table !== 'object') return 'the weights are not an object'
  for (const [drawer, keys] of Object.entries(table as Record<string, unknown>))
    for (const [key, values] of Object.entries((keys ?? {}) as Record<string, unknown>))
      for (const [v, w] of Object.entries((values ?? {}) as Record<string, unknown>))
        if (typeof w !== 'number' || !(w > 0) || !Number.isFinite(w))
          return `the weight of ${drawer} ${key}=${v} is ${JSON.stringify(w)}, not a positive number`
  return table as SteeringWeights
}
