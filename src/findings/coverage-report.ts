import {
  mergeCoverage,
  type CoverageMap,
  type CoverageSpace,
  type SteeringWeights
} from './coverage.js'

/** What a run knew about coverage before it started, for the reports. */
export interface CoverageInfo {
  steer: 'coverage' | 'uniform'
  /** The weights the pickers were steered with; null when they drew as written. */
  weights: SteeringWeights | null
  /** Where the accumulated map came from (a cache key, a file), or null: this run started from empty. */
  restoredFrom: string | null
  /** The map as restored, before this run. */
  restored: CoverageMap
  /** What the pickers can draw (fuzz/coverage-space.ts). */
  space: CoverageSpace
}

/** Covered cells out of the cells there are. */
export interface Share {
  covered: number
  total: number
}

/** One operation's coverage at a glance. */
export interface OperationView {
  values: Share
  pairs: Share
  /** Cells this run ran for the first time. */
  new: number
  /** Cells of the space never run, single values first. */
  neverRun: string[]
  /** Values that diverged, with how many divergences, most first. */
  diverged: Array<[string, number]>
}

/** The view of one operation, over the space, from the map before this run and this run's. */
export function operationView(
  name: string,
  space: CoverageSpace,
  restored: CoverageMap,
  run: CoverageMap
): OperationView {
  const before = restored.operations[name]
  const now = run.operations[name]
  const cells = space[name] ?? { values: [], pairs: [] }
  const ran = (kind: 'values' | 'pairs', c: string): boolean =>
    (before?.[kind][c]?.runs ?? 0) + (now?.[kind][c]?.runs ?? 0) > 0
  const share = (kind: 'values' | 'pairs'): Share => ({
    covered: cells[kind].filter(c => ran(kind, c)).length,
    total: cells[kind].length
  })
  const fresh = (kind: 'values' | 'pairs'): number =>
    Object.keys(now?.[kind] ?? {}).filter(c => !(before?.[kind][c]?.runs ?? 0)).length
  const diverged = new Map<string, number>()
  for (const op of [before, now])
    for (const [c, s] of Object.entries(op?.values ?? {}))
      if (s.divergences > 0) diverged.set(c, (diverged.get(c) ?? 0) + s.divergences)
  return {
    values: share('values'),
    pairs: share('pairs'),
    new: fresh('values') + fresh('pairs'),
    neverRun: [
      ...cells.values.filter(c => !ran('values', c)),
      ...cells.pairs.filter(c => !ran('pairs', c))
    ],
    diverged: [...diverged].sort((a, b) => b[1] - a[1])
  }
}

/** Each operation of the space, viewed. */
function coverageViews(info: CoverageInfo, run: CoverageMap): Record<string, OperationView> {
  return Object.fromEntries(
    Object.keys(info.space).map(name => [name, operationView(name, info.space, info.restored, run)])
  )
}

/** `summary.json` `coverage`: the views, where the map came from, this run's map and the accumulated one. */
export function coverageDocument(info: CoverageInfo, run: CoverageMap): Record<string, unknown> {
  return {
    steer: info.steer,
    restored_from: info.restoredFrom,
    operations: Object.fromEntries(
      Object.entries(coverageViews(info, run)).map(([name, v]) => [
        name,
        {
          values: v.values,
          pairs: v.pairs,
          new: v.new,
          never_run: v.neverRun,
          diverged: Object.fromEntries(v.diverged)
        }
      ])
    ),
    run,
    accumulated: mergeCoverage(info.restored, run)
  }
}

/** Cells named in one table cell before the rest is only counted. */
const LISTED = 4

function percent(s: Share): string {
  if (s.total === 0) return '–'
  // Floored: a space with one cell left is never shown as 100%.
  return `${s.covered}/${s.total} (${Math.floor((s.covered / s.total) * 100)}%)`
}

function listed(cells: string[], more: string): string {
  if (cells.length === 0) return '–'
  const shown = cells.slice(0, LISTED).map(c => `\`${c}\``)
  const rest = cells.length - shown.length
  return rest > 0 ? `${shown.join(', ')} +${rest} ${more}` : shown.join(', ')
}

function sum(views: OperationView[], kind: 'values' | 'pairs'): Share {
  return {
    covered: views.reduce((a, v) => a + v[kind].covered, 0),
    total: views.reduce((a, v) => a + v[kind].total, 0)
  }
}

/**
 * The job summary's coverage section: one row per operation with the
 * share of values and pairs covered so far, what this run added, the
 * first cells never run (values first) and the values that diverged, so
 * what the fuzzing has not reached yet shows at a glance.
 */
export function coverageSection(info: CoverageInfo, run: CoverageMap): string[] {
  const views = coverageViews(info, run)
  const list = Object.values(views)
  const campaigns = info.restored.campaigns + run.campaigns
  const from = info.restoredFrom
    ? `accumulated over ${campaigns} runs (restored from ${info.restoredFrom})`
    : 'this run only (nothing was restored)'
  const steer = info.weights ? 'steered towards what ran least' : `steer: ${info.steer}`
  const fresh = list.reduce((a, v) => a + v.new, 0)
  const lines = [
    '### Coverage of the option space',
    '',
    `Knob values ${percent(sum(list, 'values'))} and pairs of values ${percent(sum(list, 'pairs'))} of what the pickers can draw have run, ${from}; ${fresh} cell${fresh === 1 ? '' : 's'} ran for the first time in this run (${steer}). Every cell is in \`summary.json\` \`coverage\`.`,
    '',
    '| operation | values | pairs | new | never run | diverged |',
    '| --- | ---: | ---: | ---: | --- | --- |'
  ]
  for (const [name, v] of Object.entries(views)) {
    const diverged = v.diverged.map(([c, n]) => `${c} ×${n}`)
    lines.push(
      `| ${name} | ${percent(v.values)} | ${percent(v.pairs)} | ${v.new} | ${listed(v.neverRun, 'more')} | ${listed(diverged, 'more')} |`
    )
  }
  return [...lines, '']
}
