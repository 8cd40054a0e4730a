import { formatDuration } from '../util/duration.js'
import { inlineCode } from '../util/sanitise.js'
import type { IssueLink } from './finding.js'
import { renderJobSummary } from './job-summary.js'
import type { MergedReports } from './merge.js'
import type { RunInfo } from './report.js'

/**
 * The night of a shard matrix in one job summary and one summary.json:
 * the job summary of the merged campaign, then every shard with what it
 * ran, a missing shard named as missing, and the findings one shard could
 * not minimise that joined another shard's minimal case.
 */

/** A value in a table cell: a code span that a `|` cannot end. */
function code(text: string): string {
  return inlineCode(text).replace(/\|/g, '\\|')
}

function shardTable(merged: MergedReports, missing: readonly string[]): string[] {
  const rows = merged.shards.map(
    s =>
      `| ${s.shard} | ${s.seed} | ${s.iterations} | ${s.divergences} | ${s.findings} | ${formatDuration(s.elapsedSeconds)} | ${s.stoppedBy} | ${code(s.source)} |`
  )
  const absent = missing.map(
    shard =>
      `| ${shard} | – | – | – | – | – | **missing** | no report: the job failed or was cancelled |`
  )
  return [
    '### Shards',
    '',
    '| shard | seed | iterations | divergences | findings | time | stopped by | report |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
    ...absent,
    ''
  ]
}

function foldedLines(merged: MergedReports): string[] {
  const pairs = Object.entries(merged.folded)
  if (pairs.length === 0) return []
  return [
    `${pairs.length} finding${pairs.length === 1 ? '' : 's'} a shard could not minimise joined the minimal case another shard found: ${pairs.map(([from, into]) => `${code(from)} → ${code(into)}`).join(', ')}.`,
    ''
  ]
}

/** The job summary of a night: the merged campaign's, then its shards. */
export function renderNightSummary(
  merged: MergedReports,
  missing: readonly string[],
  links: ReadonlyMap<string, IssueLink>,
  run: RunInfo
): string {
  return [
    renderJobSummary(merged.result, links, run),
    ...shardTable(merged, missing),
    ...foldedLines(merged)
  ].join('\n')
}

/** What summary.json says about the night besides the campaign: its shards and the merged sections. */
export function nightSections(
  merged: MergedReports,
  missing: readonly string[]
): Record<string, unknown> {
  return {
    ...merged.sections,
    shards: merged.shards.map(s => ({
      shard: s.shard,
      seed: s.seed,
      iterations: s.iterations,
      divergences: s.divergences,
      findings: s.findings,
      elapsed_seconds: s.elapsedSeconds,
      stopped_by: s.stoppedBy,
      source: s.source
    })),
    missing_shards: missing,
    folded: merged.folded
  }
}
