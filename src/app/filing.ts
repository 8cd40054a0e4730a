import type { CampaignResult } from '../findings/campaign-result.js'
import type { Finding, IssueLink } from '../findings/finding.js'
import type { RunInfo } from '../findings/report.js'
import { reproducerFor } from '../fuzz/repro/files.js'
import type { FilingResult } from '../github/tracker.js'
import type { Inputs } from '../inputs.js'
import { actionVersion } from './action-version.js'
import { uploadReportArtifact, type ArtifactLink } from './artifact.js'
import { apiTarget } from './github-env.js'
import { replayForRun } from './settings.js'

/**
 * What becomes of a run's findings at GitHub, for a campaign and for a
 * night merged from shards alike: whether issues are filed at all, the
 * links before and after filing, the annotations, and the verdict under
 * `fail-on`.
 */

type Env = Readonly<Record<string, string | undefined>>

/** A problem the run survived (or an error it reports): annotated, and listed in the summary. */
export type Warn = (title: string, message: string, level?: 'warning' | 'error') => void

/**
 * The run's warnings as they come: each is annotated at once (so it does
 * not scroll by) and kept, in order, for the job summary and the reports.
 */
export function warningList(ports: {
  annotate(level: 'error' | 'warning' | 'notice', title: string, message: string): void
}): { warn: Warn; warnings: string[] } {
  const warnings: string[] = []
  const warn: Warn = (title, message, level = 'warning') => {
    ports.annotate(level, title, message)
    warnings.push(message)
  }
  return { warn, warnings }
}

/**
 * Uploads the report folder as the artifact `name`, after the reports are
 * written and before issues are filed, so issues can link to it. Without
 * the service the run says so once and goes on: the reports are on disk
 * all the same.
 */
export async function shipReports(
  inputs: Pick<Inputs, 'uploadArtifact' | 'reportDir' | 'retentionDays'>,
  name: string,
  ports: {
    env: Env
    log(line: string): void
    group<T>(name: string, task: () => Promise<T>): Promise<T>
  },
  warn: Warn
): Promise<ArtifactLink | null> {
  if (!inputs.uploadArtifact) return null
  const upload = await ports.group('Report artifact', () =>
    uploadReportArtifact(inputs.reportDir, name, inputs.retentionDays, ports.env, ports.log)
  )
  if ('link' in upload) return upload.link
  warn(
    'Report artifact',
    `${name} was not uploaded: ${upload.problem}; the reports are in ${inputs.reportDir}`
  )
  return null
}

/** Why issues will not be filed this run, or null when they will. */
export function dryRunReason(
  inputs: Pick<Inputs, 'fileIssues' | 'token'>,
  env: Env
): string | null {
  if (!inputs.fileIssues) return null
  if (!inputs.token)
    return 'no token was given, so no issues were filed (dry run); pass `token:` or grant `issues: write`.'
  if (!env.GITHUB_REPOSITORY)
    return 'GITHUB_REPOSITORY is not set, so no issues were filed (dry run).'
  return null
}

/**
 * Whether a finding is news for `fail-on: new`: an issue was opened or
 * reopened for it, or it could not be filed (dry run, API failure,
 * unminimised) and no existing issue tracks it. Nothing new passes
 * silently, and a fork's pull request does not fail on known bugs.
 */
function isNews(link: IssueLink): boolean {
  if (link.action === 'created' || link.action === 'reopened' || link.action === 'capped')
    return true
  return (
    (link.action === 'dry-run' || link.action === 'failed' || link.action === 'unminimised') &&
    !link.tracked
  )
}

/** `fail-on`: `new` fails on news (isNews), `any` on any divergence, `never` never. */
export function failure(
  inputs: Pick<Inputs, 'failOn'>,
  result: CampaignResult,
  links: ReadonlyMap<string, IssueLink>
): string | null {
  if (inputs.failOn === 'never') return null
  if (inputs.failOn === 'any')
    return result.divergences > 0
      ? `${result.divergences} divergences in ${result.findings.length} findings`
      : null
  const fresh = [...links.values()].filter(isNews).length
  return fresh > 0 ? `${fresh} new, regressed or unfiled findings` : null
}

/** Links before any API call: what a finding is worth when nothing more happens. */
export function unfiledLinks(findings: Finding[], filing: boolean): Map<string, IssueLink> {
  return new Map(
    findings.map(f => [
      f.fingerprint,
      {
        number: null,
        url: null,
        action: f.status === 'unminimised' ? 'unminimised' : filing ? 'failed' : 'dry-run'
      }
    ])
  )
}

/**
 * Files a run's findings (a campaign's, or a night merged from shards)
 * through the tracker, as the log's `Issues` phase; what the API refused
 * is a warning each, and the findings' links are returned.
 */
export function fileIssues(
  inputs: Pick<Inputs, 'token' | 'labels' | 'maxNewIssues' | 'onClosed'>,
  report: { result: CampaignResult; info: RunInfo; seed: number },
  ports: {
    env: Env
    log(line: string): void
    debug?: (line: string) => void
    group<T>(name: string, task: () => Promise<T>): Promise<T>
  },
  where: { signal: AbortSignal; warn: Warn }
): Promise<FilingResult> {
  return ports.group('Issues', async () => {
    const filed = await fileThroughTracker(inputs, report, ports, where.signal)
    for (const w of filed.warnings) where.warn('Issues', w)
    return filed
  })
}

async function fileThroughTracker(
  inputs: Pick<Inputs, 'token' | 'labels' | 'maxNewIssues' | 'onClosed'>,
  report: { result: CampaignResult; info: RunInfo; seed: number },
  ports: { env: Env; log(line: string): void; debug?: (line: string) => void },
  signal: AbortSignal
): Promise<FilingResult> {
  // Octokit is loaded only when there is something to file (see script/bundle.mjs).
  const { fileFindings } = await import('../github/tracker.js')
  const filed = await fileFindings(report.result.findings, {
    token: inputs.token,
    ...apiTarget(ports.env),
    labels: inputs.labels,
    maxNewIssues: inputs.maxNewIssues,
    onClosed: inputs.onClosed,
    runUrl: report.info.runUrl,
    artifactUrl: report.info.artifact?.url,
    seed: report.seed,
    versions: report.result.versions,
    replayCommand: f => report.info.replayCommands[f.fingerprint],
    replayFor: replayForRun(report.info),
    reproducer: f => reproducerFor(f, report.info.timeoutSeconds) ?? undefined,
    action: actionVersion(ports.env),
    signal,
    log: ports.log,
    debug: ports.debug
  })
  ports.log(`issues: ${filingCounts(filed.links)} in ${filed.requests} GitHub API requests`)
  return filed
}

/** `2 created, 1 commented`: how the filing went, for the log. */
function filingCounts(links: ReadonlyMap<string, IssueLink>): string {
  const counts = new Map<string, number>()
  for (const l of links.values()) counts.set(l.action, (counts.get(l.action) ?? 0) + 1)
  return [...counts].map(([action, n]) => `${n} ${action}`).join(', ')
}

/** The warning of a run cancelled before filing: nothing filed, everything reported. */
export function cancelledRun(result: CampaignResult): string {
  const n = result.findings.length
  return `The run was cancelled: its ${n} finding${n === 1 ? ' was' : 's were'} not filed (a cancelled run files nothing); ${n === 1 ? 'it is' : 'they are'} in the reports and the job summary.`
}

/**
 * Runs report writes; what cannot be written (a full disk, a read-only
 * folder) is said once, as an error line, and never thrown: the findings
 * are still in memory, in the job summary, and filed as issues.
 */
export function reportGuard(
  dir: string,
  result: CampaignResult,
  error: (line: string) => void
): (write: () => Promise<void>) => Promise<void> {
  let said = false
  return async write => {
    try {
      await write()
    } catch (e) {
      if (said) return
      said = true
      const why = e instanceof Error ? e.message : String(e)
      error(
        `could not write the reports to ${dir} (${why}); the ${result.findings.length} findings are in the job summary and filed as issues all the same`
      )
    }
  }
}

/** One annotation per finding that is news: new issues are errors, known ones notices. */
export function announce(
  report: { result: CampaignResult; links: ReadonlyMap<string, IssueLink> },
  ports: { annotate(level: 'error' | 'warning' | 'notice', title: string, message: string): void }
): void {
  for (const f of report.result.findings) {
    const link = report.links.get(f.fingerprint)
    if (!link || !isNews(link)) continue
    const where = link.url ? ` ${link.url}` : ''
    const title = `${link.action === 'reopened' ? 'Regression' : 'New finding'}: ${f.type}`
    ports.annotate(
      link.action === 'reopened' || link.action === 'created' ? 'error' : 'notice',
      title,
      `${f.operation} ${f.target} [${f.options.join(' ')}] (${f.fingerprint}, ${link.action})${where}: ${f.evidence.summary.slice(0, 300)}`
    )
  }
}
