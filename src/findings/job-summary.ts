import type { CampaignResult } from '../fuzz/campaign.js'
import { formatDuration } from '../util/duration.js'
import type { IssueLink } from './finding.js'
import type { RunInfo } from './report.js'

/** Keeps tool text from breaking a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function code(text: string): string {
  return text === '' ? '' : `\`${text.replace(/`/g, "'")}\``
}

function issueCell(link: IssueLink | undefined): string {
  if (!link) return 'dry-run'
  if (link.url && link.number !== null) return `[#${link.number}](${link.url}) ${link.action}`
  return link.action
}

/**
 * The job summary people read after a nightly run: the headline, totals, a
 * chart of outcomes, a table per operation, every finding with its issue
 * and a replay command, and what was inconclusive and why. The CLI prints
 * the same markdown.
 */
export function renderJobSummary(
  result: CampaignResult,
  links: Map<string, IssueLink>,
  run: RunInfo
): string {
  const lines: string[] = []
  const n = result.findings.length
  const headline =
    n === 0
      ? 'no divergences'
      : `${n} finding${n === 1 ? '' : 's'} (${result.divergences} divergent runs)`
  lines.push(`## instar-diff-fuzz: ${headline}`, '')
  const rate = result.elapsedSeconds > 0 ? (result.iterations / result.elapsedSeconds) * 60 : 0
  lines.push(
    `Seed ${code(String(result.seed))} · shard ${result.shard} · ${result.iterations} iterations in ${formatDuration(result.elapsedSeconds)} (${rate.toFixed(1)}/min) · stopped by ${result.stoppedBy}`,
    '',
    `instar: ${code(result.versions.instar)} · reference: ${code(result.versions.qemuImg)} at ${code(run.qemuImg.path)} (${run.qemuImg.source}${run.qemuImg.cacheHit ? ', cache hit' : ''}, ${run.qemuImg.seconds.toFixed(1)} s)`,
    ''
  )
  const actions = [...links.values()]
  const count = (a: string): number => actions.filter(l => l.action === a).length
  lines.push(
    '| iterations | divergences | findings | inconclusive | new issues | updated issues |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${result.iterations} | ${result.divergences} | ${n} | ${result.inconclusive.total} | ${count('created')} | ${count('commented') + count('reopened')} |`,
    ''
  )
  for (const w of run.warnings) lines.push(`> [!WARNING]`, `> ${cell(w)}`, '')

  const runs = Object.values(result.operations).reduce((a, o) => a + o.runs, 0)
  if (runs > 0) {
    const agreed = runs - result.divergences - result.inconclusive.total
    lines.push(
      '```mermaid',
      'pie showData',
      '    title Outcomes of operation runs',
      `    "agreed" : ${Math.max(0, agreed)}`,
      `    "diverged" : ${result.divergences}`,
      `    "inconclusive" : ${result.inconclusive.total}`,
      '```',
      ''
    )
  }

  lines.push(
    '### Operations',
    '',
    '| operation | runs | divergences | inconclusive | seconds | seconds/run |',
    '| --- | ---: | ---: | ---: | ---: | ---: |'
  )
  for (const [name, s] of Object.entries(result.operations)) {
    lines.push(
      `| ${name} | ${s.runs} | ${s.divergences} | ${s.inconclusive} | ${s.seconds.toFixed(1)} | ${s.runs ? (s.seconds / s.runs).toFixed(2) : '–'} |`
    )
  }
  lines.push('')

  if (n > 0) {
    lines.push(
      '### Findings',
      '',
      '| fingerprint | type | operation | target | options | seen | issue | replay |',
      '| --- | --- | --- | --- | --- | ---: | --- | --- |'
    )
    for (const f of result.findings) {
      lines.push(
        `| ${code(f.fingerprint)} | ${f.type} | ${f.operation} | ${f.target} | ${cell(f.options.join(' ')) || '–'} | ${f.occurrences.length} | ${issueCell(links.get(f.fingerprint))} | ${code(run.replayCommands[f.fingerprint] ?? '')} |`
      )
    }
    lines.push('')
    for (const f of result.findings) {
      lines.push(
        `<details><summary>${code(f.fingerprint)} ${f.type}: ${cell(f.occurrences[0].evidence.summary)}</summary>`,
        ''
      )
      lines.push(
        `First seen at seed ${f.occurrences[0].seed}, iteration ${f.occurrences[0].iteration}; options as picked: ${code(f.occurrences[0].originalOptions.join(' ')) || 'none'}.`,
        '',
        '</details>',
        ''
      )
    }
  }

  if (result.inconclusive.total > 0) {
    lines.push(
      '### Inconclusive (never filed as issues)',
      '',
      '| type | count | example |',
      '| --- | ---: | --- |'
    )
    for (const [type, c] of Object.entries(result.inconclusive.byType)) {
      const sample = result.inconclusiveSamples.find(s => s.type === type)
      const example = sample
        ? `${sample.operation}, seed ${sample.seed} iteration ${sample.iteration}: ${cell(sample.summary).slice(0, 200)}`
        : ''
      lines.push(`| ${type} | ${c} | ${example} |`)
    }
    lines.push('')
  }
  if (run.setupNotes.length > 0) {
    lines.push('### Setup', '', ...run.setupNotes.map(note => `- ${cell(note)}`), '')
  }
  return lines.join('\n')
}
