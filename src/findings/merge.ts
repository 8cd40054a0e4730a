import { resourceFigures, type ResourceUse } from '../util/resources.js'
import {
  keepSample,
  type CampaignResult,
  type InconclusiveSample,
  type OperationStats
} from './campaign-result.js'
import { keptOccurrence, type Finding, type FindingStatus } from './finding.js'
import { mergeSections } from './merge-sections.js'
import { largestSubset } from './minimise.js'
import type { ReadReport } from './report-read.js'

/**
 * One night from its shards' reports: the unit is the bug, so the same
 * fingerprint from two shards is one finding with every occurrence, and a
 * finding one shard could not minimise joins the minimal case another
 * shard found for it. Counts add up; the shards are listed. Pure over the
 * reports read back (report-read.ts); the files travel at the edge
 * (report-folder.ts).
 */

/** What one shard ran, for the night's table. */
export interface ShardLine {
  shard: string
  seed: number
  iterations: number
  divergences: number
  findings: number
  elapsedSeconds: number
  stoppedBy: string
  /** Where its report came from (an artifact's name, a folder). */
  source: string
}

export interface MergedReports extends ReadReport {
  shards: ShardLine[]
  /** By fingerprint: the index of the report whose minimal case (and its files) the finding keeps. */
  caseFrom: Record<string, number>
  /** An unminimised finding folded into the minimal case it contains: its fingerprint to that one's. */
  folded: Record<string, string>
}

interface Kept {
  finding: Finding
  /** Index of the report its case comes from. */
  from: number
}

const STATUS_RANK: Record<FindingStatus, number> = { minimised: 0, 'as-drawn': 1, unminimised: 2 }

/** A minimised case beats one as drawn, which beats one cut short; then a confirmed one; then the first. */
function betterCase(a: Kept, b: Kept): boolean {
  const rank = STATUS_RANK[a.finding.status] - STATUS_RANK[b.finding.status]
  return rank < 0 || (rank === 0 && a.finding.confirmed && !b.finding.confirmed)
}

/** `into` keeps its case; the other's occurrences and runs are added to it. */
function absorb(into: Kept, other: Finding): Kept {
  const finding: Finding = {
    ...into.finding,
    runs: {
      confirm: into.finding.runs.confirm + other.runs.confirm,
      minimise: into.finding.runs.minimise + other.runs.minimise
    },
    // Full evidence for the first occurrences only, as a campaign keeps it.
    occurrences: [...into.finding.occurrences, ...other.occurrences].map((o, i) =>
      keptOccurrence(o, i)
    )
  }
  return { finding, from: into.from }
}

/** One finding per fingerprint: the best case of it, every shard's occurrences. */
function byFingerprint(reports: readonly ReadReport[]): Map<string, Kept> {
  const groups = new Map<string, Kept[]>()
  reports.forEach((r, from) => {
    for (const finding of r.result.findings)
      groups.set(finding.fingerprint, [
        ...(groups.get(finding.fingerprint) ?? []),
        { finding, from }
      ])
  })
  const merged = new Map<string, Kept>()
  for (const [fp, group] of groups) {
    const best = group.reduce((a, b) => (betterCase(b, a) ? b : a))
    const kept = group.filter(k => k !== best).reduce((a, k) => absorb(a, k.finding), best)
    merged.set(fp, kept)
  }
  return merged
}

/**
 * Folds every unminimised finding into the minimal case of the same
 * (type, operation, target) that it contains, as the confirmer attributes
 * an occurrence within one campaign: the bug already has its issue.
 */
function foldUnminimised(merged: Map<string, Kept>): Record<string, string> {
  const folded: Record<string, string> = {}
  const minimal = [...merged.values()].map(k => k.finding).filter(f => f.status === 'minimised')
  for (const [fp, kept] of [...merged]) {
    const f = kept.finding
    if (f.status !== 'unminimised') continue
    const family = minimal.filter(
      m => m.type === f.type && m.operation === f.operation && m.target === f.target
    )
    const into = largestSubset(family, f.options)
    if (!into) continue
    merged.set(into.fingerprint, absorb(merged.get(into.fingerprint)!, f))
    merged.delete(fp)
    folded[fp] = into.fingerprint
  }
  return folded
}

function addCounts(records: readonly Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {}
  for (const r of records) for (const [k, n] of Object.entries(r)) sum[k] = (sum[k] ?? 0) + n
  return sum
}

function addStats(
  records: readonly Record<string, OperationStats>[]
): Record<string, OperationStats> {
  const sum: Record<string, OperationStats> = {}
  for (const r of records)
    for (const [name, s] of Object.entries(r)) {
      const t = (sum[name] ??= { runs: 0, divergences: 0, inconclusive: 0, seconds: 0 })
      t.runs += s.runs
      t.divergences += s.divergences
      t.inconclusive += s.inconclusive
      t.seconds += s.seconds
    }
  return sum
}

/** The first samples of each type, in shard order, as many as a campaign keeps. */
function samples(all: readonly InconclusiveSample[]): InconclusiveSample[] {
  const kept: InconclusiveSample[] = []
  for (const s of all) keepSample(kept, s)
  return kept
}

/** CPU added up over the shards (the share recomputed from the sums), the largest peak memory. */
function resources(all: readonly ResourceUse[]): ResourceUse {
  return resourceFigures(
    all.reduce((a, r) => a + r.harnessCpuSeconds, 0),
    all.reduce((a, r) => a + r.toolsCpuSeconds, 0),
    Math.max(0, ...all.map(r => r.peakRssMb))
  )
}

/** A cancelled shard makes a cancelled night; then a full disk; then the time box. */
function stoppedBy(all: readonly CampaignResult['stoppedBy'][]): CampaignResult['stoppedBy'] {
  return (['cancelled', 'no-space', 'duration'] as const).find(v => all.includes(v)) ?? 'iterations'
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)]

/** Shards that ran other tool versions than the first are worth a line. */
function versionWarnings(results: readonly CampaignResult[]): string[] {
  const first = results[0]?.versions
  return results
    .filter(r => r.versions.instar !== first.instar || r.versions.qemuImg !== first.qemuImg)
    .map(
      r =>
        `shard ${r.shard} ran instar ${r.versions.instar} and ${r.versions.qemuImg}, not ${first.instar} and ${first.qemuImg} like shard ${results[0].shard}`
    )
}

function shardLine(r: ReadReport, source: string): ShardLine {
  const { result } = r
  return {
    shard: result.shard,
    seed: result.seed,
    iterations: result.iterations,
    divergences: result.divergences,
    findings: result.findings.length,
    elapsedSeconds: result.elapsedSeconds,
    stoppedBy: result.stoppedBy,
    source
  }
}

/** The night's totals over every shard's result, with the merged findings. */
function nightResult(results: readonly CampaignResult[], findings: Finding[]): CampaignResult {
  const sum = (pick: (r: CampaignResult) => number): number =>
    results.reduce((a, r) => a + pick(r), 0)
  return {
    seed: results[0]?.seed ?? 0,
    shard: results.map(r => r.shard).join(', '),
    startedAt:
      results
        .map(r => r.startedAt)
        .filter(Boolean)
        .sort()[0] ?? '',
    elapsedSeconds: Math.max(0, ...results.map(r => r.elapsedSeconds)),
    iterations: sum(r => r.iterations),
    cutShort: sum(r => r.cutShort),
    divergences: sum(r => r.divergences),
    inconclusive: {
      total: sum(r => r.inconclusive.total),
      byType: addCounts(results.map(r => r.inconclusive.byType as Record<string, number>))
    },
    inconclusiveSamples: samples(results.flatMap(r => r.inconclusiveSamples)),
    operations: addStats(results.map(r => r.operations)),
    findings,
    versions: results[0]?.versions ?? { instar: '', qemuImg: '' },
    spawns: addCounts(results.map(r => r.spawns)),
    stoppedBy: stoppedBy(results.map(r => r.stoppedBy)),
    // A shard's problems reach its summary.json as warnings (merged below),
    // so a report read back has none (report-read.ts) and neither has the night.
    problems: [],
    resources: resources(results.map(r => r.resources)),
    confirmation: {
      confirmRuns: sum(r => r.confirmation.confirmRuns),
      minimiseRuns: sum(r => r.confirmation.minimiseRuns),
      attributed: sum(r => r.confirmation.attributed),
      skippedKnownHangs: sum(r => r.confirmation.skippedKnownHangs)
    }
  }
}

/**
 * Merges the shards' reports into the night's: one finding per
 * fingerprint (most occurrences first), counts added, each shard's
 * warnings named by shard, the settings of the first shard (the matrix
 * runs one configuration) with every operation any shard ran.
 */
export function mergeReports(
  shards: readonly { source: string; report: ReadReport }[]
): MergedReports {
  const reports = shards.map(s => s.report)
  const merged = byFingerprint(reports)
  const folded = foldUnminimised(merged)
  const kept = [...merged.values()].sort(
    (a, b) =>
      b.finding.occurrences.length - a.finding.occurrences.length ||
      a.finding.fingerprint.localeCompare(b.finding.fingerprint)
  )
  const results = reports.map(r => r.result)
  const first = reports[0]
  return {
    result: nightResult(
      results,
      kept.map(k => k.finding)
    ),
    replayCommands: Object.fromEntries(
      kept.flatMap(k => {
        const command = reports[k.from].replayCommands[k.finding.fingerprint]
        return command === undefined ? [] : [[k.finding.fingerprint, command]]
      })
    ),
    settings: {
      instarPath: first?.settings.instarPath,
      operations: unique(reports.flatMap(r => r.settings.operations)),
      timeoutSeconds: first?.settings.timeoutSeconds ?? 0,
      durationSeconds: first?.settings.durationSeconds ?? 0,
      jobs: first?.settings.jobs ?? 0,
      minimize: first?.settings.minimize ?? true
    },
    qemuImg: first?.qemuImg ?? { path: '', source: '', cacheHit: false, seconds: 0 },
    setupNotes: unique(reports.flatMap(r => r.setupNotes)),
    warnings: unique([
      ...versionWarnings(results),
      ...reports.flatMap(r => r.warnings.map(w => `shard ${r.result.shard}: ${w}`))
    ]),
    sections: mergeSections(
      reports.map(r => r.sections),
      results.map(r => r.shard)
    ),
    shards: shards.map(s => shardLine(s.report, s.source)),
    caseFrom: Object.fromEntries(kept.map(k => [k.finding.fingerprint, k.from])),
    folded
  }
}

/**
 * The shards of `expected` (or of the largest `n` the shards name) that
 * sent no report, as `i/n`: a shard that failed or was cancelled.
 */
export function missingShards(present: readonly string[], expected: number | null): string[] {
  const parsed = present.map(s => /^(\d+)\/(\d+)$/.exec(s)).filter(m => m !== null)
  const count = expected ?? Math.max(0, ...parsed.map(m => Number(m[2])))
  const have = new Set(parsed.filter(m => Number(m[2]) === count).map(m => Number(m[1])))
  return Array.from({ length: count }, (_, i) => i + 1)
    .filter(i => !have.has(i))
    .map(i => `${i}/${count}`)
}
