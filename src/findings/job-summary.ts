import { formatDuration } from '../util/duration.js'
import { inlineCode, prose } from '../util/sanitise.js'
import type { CampaignResult } from './campaign-result.js'
import { coverageSection } from './coverage-report.js'
import { describeValues, dimensionsAcross } from './dimensions.js'
import { issueCounts, type Finding, type IssueLink } from './finding.js'
import type { RunInfo } from './report.js'
import { FINDING_TYPES, isFindingType } from './types.js'
import { renderVerification } from './verification.js'

/**
 * Most characters of untrusted text one cell shows: a tool that prints
 * megabytes cannot push the summary past what GitHub accepts (the full
 * text is in the reports).
 */
const CELL = 600

/**
 * Untrusted text (tool output, summaries quoting it) in a table cell or a
 * one-line position: sanitised as issue bodies are (no HTML, mention,
 * cross-reference or code span can start), and `|` and line breaks kept
 * from breaking the table.
 */
function cell(text: string): string {
  const short = text.length > CELL ? `${text.slice(0, CELL)}…` : text
  return prose(short).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** Our own values (seeds, paths, commands) as code; backticks cannot close the span. */
function code(text: string): string {
  return text === '' ? '' : `\`${text.replace(/`/g, "'")}\``
}

function issueCell(link: IssueLink | undefined): string {
  if (!link) return 'dry-run'
  if (link.url && link.number !== null) return `[#${link.number}](${link.url}) ${link.action}`
  return link.action
}

function meaning(type: string): string {
  return isFindingType(type) ? FINDING_TYPES[type].meaning : ''
}

function headline(result: CampaignResult): string[] {
  const n = result.findings.length
  const words =
    n === 0
      ? 'no divergences'
      : `${n} finding${n === 1 ? '' : 's'} (${result.divergences} divergent runs)`
  const rate = result.elapsedSeconds > 0 ? (result.iterations / result.elapsedSeconds) * 60 : 0
  return [
    `## instar-diff-fuzz: ${words}`,
    '',
    `Seed ${code(String(result.seed))} · shard ${result.shard} · ${result.iterations} iterations in ${formatDuration(result.elapsedSeconds)} (${rate.toFixed(1)}/min) · stopped by ${result.stoppedBy}`,
    ''
  ]
}

function totals(
  result: CampaignResult,
  links: ReadonlyMap<string, IssueLink>,
  run: RunInfo
): string[] {
  const issues = issueCounts(links.values())
  const lines = [
    `instar: ${inlineCode(result.versions.instar)} · reference: ${inlineCode(result.versions.qemuImg)} at ${code(run.qemuImg.path)} (${run.qemuImg.source}${run.qemuImg.cacheHit ? ', cache hit' : ''}, ${run.qemuImg.seconds.toFixed(1)} s)`,
    '',
    '| iterations | divergences | findings | inconclusive | new issues | updated issues |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${result.iterations} | ${result.divergences} | ${result.findings.length} | ${result.inconclusive.total} | ${issues.created} | ${issues.updated} |`,
    ''
  ]
  const artifact = run.artifact
  if (artifact) {
    const name = artifact.url ? `[${cell(artifact.name)}](${artifact.url})` : code(artifact.name)
    lines.push(`Reports: ${name} (${Math.ceil(artifact.bytes / 1024)} KiB)`, '')
  }
  for (const w of run.warnings) lines.push(`> [!WARNING]`, `> ${cell(w)}`, '')
  return lines
}

function chart(result: CampaignResult): string[] {
  const runs = Object.values(result.operations).reduce((a, o) => a + o.runs, 0)
  if (runs === 0) return []
  const agreed = runs - result.divergences - result.inconclusive.total
  return [
    '```mermaid',
    'pie showData',
    '    title Outcomes of operation runs',
    `    "agreed" : ${Math.max(0, agreed)}`,
    `    "diverged" : ${result.divergences}`,
    `    "inconclusive" : ${result.inconclusive.total}`,
    '```',
    ''
  ]
}

function operationTable(result: CampaignResult): string[] {
  const lines = [
    '### Operations',
    '',
    '| operation | runs | divergences | inconclusive | seconds | seconds/run |',
    '| --- | ---: | ---: | ---: | ---: | ---: |'
  ]
  for (const [name, s] of Object.entries(result.operations))
    lines.push(
      `| ${name} | ${s.runs} | ${s.divergences} | ${s.inconclusive} | ${s.seconds.toFixed(1)} | ${s.runs ? (s.seconds / s.runs).toFixed(2) : '–'} |`
    )
  return [...lines, '']
}

function findingDetails(f: Finding): string[] {
  const first = f.occurrences[0]
  const dims = dimensionsAcross(f.occurrences)
    .map(d => `${d.key}: ${describeValues(d)}`)
    .join('; ')
  const minimised =
    f.status === 'unminimised'
      ? ' Minimisation was cut short: reported here, never opened as a new issue.'
      : ''
  return [
    `<details><summary>${code(f.fingerprint)} ${f.type}: ${cell(f.evidence.summary)}</summary>`,
    '',
    `${meaning(f.type)}${minimised} First seen at seed ${first.seed}, iteration ${first.iteration}; options as drawn: ${code(first.originalOptions.join(' ')) || 'none'}. Across ${f.occurrences.length} occurrence${f.occurrences.length === 1 ? '' : 's'}: ${cell(dims) || 'no knobs'}.`,
    '',
    '</details>',
    ''
  ]
}

function findingTables(
  result: CampaignResult,
  links: ReadonlyMap<string, IssueLink>,
  run: RunInfo
): string[] {
  if (result.findings.length === 0) return []
  const lines = [
    '### Findings',
    '',
    '| fingerprint | type | operation | target | options | status | seen | issue | replay |',
    '| --- | --- | --- | --- | --- | --- | ---: | --- | --- |'
  ]
  for (const f of result.findings)
    lines.push(
      `| ${code(f.fingerprint)} | ${f.type} | ${f.operation} | ${f.target} | ${cell(f.options.join(' ')) || '–'} | ${f.status} | ${f.occurrences.length} | ${issueCell(links.get(f.fingerprint))} | ${code(run.replayCommands[f.fingerprint] ?? '')} |`
    )
  lines.push('')
  const c = result.confirmation
  lines.push(
    `Confirming and minimising cost ${c.confirmRuns} confirmation runs and ${c.minimiseRuns} minimisation runs; ${c.attributed} occurrences were matched to a known finding without a run.${c.skippedKnownHangs > 0 ? ` ${c.skippedKnownHangs} cases were not run: they contain a hang already found, and would only have waited out the timeout again.` : ''}`,
    ''
  )
  return [...lines, ...result.findings.flatMap(findingDetails)]
}

function inconclusiveTable(result: CampaignResult): string[] {
  if (result.inconclusive.total === 0) return []
  const lines = [
    '### Inconclusive (never filed as issues)',
    '',
    '| type | count | meaning | example |',
    '| --- | ---: | --- | --- |'
  ]
  for (const [type, c] of Object.entries(result.inconclusive.byType)) {
    const sample = result.inconclusiveSamples.find(s => s.type === type)
    const example = sample
      ? `${sample.operation}, seed ${sample.seed} iteration ${sample.iteration}: ${cell(sample.summary.slice(0, 200))}`
      : ''
    lines.push(`| ${type} | ${c} | ${meaning(type)} | ${example} |`)
  }
  return [...lines, '']
}

/**
 * The job summary people read after a nightly run: the headline, totals, a
 * chart of outcomes, a table per operation, every finding with its issue,
 * its status and a replay command, and what was inconclusive and why. The
 * CLI prints the same markdown. Everything the tools printed goes through
 * the sanitiser issue bodies use.
 */
export function renderJobSummary(
  result: CampaignResult,
  links: ReadonlyMap<string, IssueLink>,
  run: RunInfo
): string {
  const setup =
    run.setupNotes.length > 0
      ? ['### Setup', '', ...run.setupNotes.map(note => `- ${cell(note)}`), '']
      : []
  return [
    ...headline(result),
    ...totals(result, links, run),
    ...chart(result),
    ...operationTable(result),
    ...findingTables(result, links, run),
    ...inconclusiveTable(result),
    ...(run.verification ? renderVerification(run.verification) : []),
    ...(run.coverage && result.coverage ? coverageSection(run.coverage, result.coverage) : []),
    ...setup
  ].join('\n')
}
