import type { CampaignResult } from '../findings/campaign-result.js'
import type { Finding, IssueLink } from '../findings/finding.js'
import { writeReports, type RunInfo } from '../findings/report.js'
import { runCampaign } from '../fuzz/campaign.js'
import { randomMasterSeed } from '../fuzz/rng.js'
import type { FilingResult } from '../github/tracker.js'
import type { Inputs } from '../inputs.js'
import { prepareKvm } from '../qemu/kvm.js'
import { provisionQemu, type QemuSetup } from '../qemu/provision.js'
import { steeringFrom } from '../fuzz/steering.js'
import { saveCoverage, startCoverage, type CoverageStart } from './coverage.js'
import { campaignConfig, replayCommand, runInfo } from './settings.js'
import { cancelOnSignals } from './signals.js'

/**
 * What the pipeline needs from the place it runs in: the action's log
 * and annotations (@actions/core), or the CLI's stderr. Plain functions,
 * so tests and the two entry points give their own.
 */
export interface PipelinePorts {
  log(line: string): void
  /**
   * One line with a title that must not scroll by: an annotation on a
   * runner. `warning`: a problem the run survived; `error`: something
   * could not be done (reports not written); `error`/`notice` also mark
   * each new or regressed finding.
   */
  annotate(level: 'error' | 'warning' | 'notice', title: string, message: string): void
  /** A collapsible phase of the log. */
  group<T>(name: string, task: () => Promise<T>): Promise<T>
  /** GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_API_URL, ... (process.env on a runner). */
  env: Readonly<Record<string, string | undefined>>
  /** instar's path as the user wrote it, for commands that are shown. */
  instarPath: string
  /** Prepare /dev/kvm (runners); the CLI leaves the machine alone. */
  prepareKvm: boolean
  /** The master seed, as soon as it is drawn (the action's `seed` output survives a crash). */
  seedChosen?(seed: number): void
}

/** Everything one run did, immutable once the pipeline returns it. */
export interface RunReport {
  readonly inputs: Inputs
  readonly seed: number
  readonly qemu: QemuSetup
  readonly result: CampaignResult
  readonly info: RunInfo
  /** Each finding's issue (or why there is none), by fingerprint. */
  readonly links: ReadonlyMap<string, IssueLink>
  readonly warnings: readonly string[]
  readonly cancelled: boolean
  /** Why the step fails under `fail-on`, or null. */
  readonly failure: string | null
}

function runUrl(env: PipelinePorts['env']): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env
  return GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
    ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
    : ''
}

/** Why issues will not be filed this run, or null when they will. */
function dryRunReason(inputs: Inputs, env: PipelinePorts['env']): string | null {
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
function failure(
  inputs: Inputs,
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
function unfiledLinks(findings: Finding[], filing: boolean): Map<string, IssueLink> {
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

async function fileIssues(
  inputs: Inputs,
  report: { result: CampaignResult; info: RunInfo; seed: number },
  ports: PipelinePorts,
  signal: AbortSignal
): Promise<FilingResult> {
  const [owner, repo] = ports.env.GITHUB_REPOSITORY!.split('/')
  // Octokit is loaded only when there is something to file (see script/bundle.mjs).
  const { fileFindings } = await import('../github/tracker.js')
  return fileFindings(report.result.findings, {
    token: inputs.token,
    apiUrl: ports.env.GITHUB_API_URL || 'https://api.github.com',
    owner,
    repo,
    labels: inputs.labels,
    maxNewIssues: inputs.maxNewIssues,
    onClosed: inputs.onClosed,
    runUrl: report.info.runUrl,
    seed: report.seed,
    versions: report.result.versions,
    replayCommand: f => report.info.replayCommands[f.fingerprint],
    replayFor: at =>
      replayCommand(inputs, at, ports.instarPath, report.info.coverage.weights !== null),
    signal,
    log: ports.log
  })
}

/** One annotation per finding that is news: new issues are errors, known ones notices. */
function announce(report: RunReport, ports: PipelinePorts): void {
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

/**
 * The coverage map restored (a log group of its own), then the campaign
 * steered by it: the weights are fixed before the first iteration, so a
 * replay with the same weights draws the same.
 */
async function steeredCampaign(
  inputs: Inputs,
  qemu: QemuSetup,
  seed: number,
  signal: AbortSignal,
  ports: PipelinePorts,
  warn: (message: string) => void
): Promise<{ coverage: CoverageStart; result: CampaignResult }> {
  const coverage = await ports.group('Coverage map', () =>
    startCoverage(inputs, ports.env, ports.log, warn)
  )
  const config = campaignConfig(inputs, qemu, seed, signal, ports.log, ports.env)
  const result = await ports.group('Campaign', () =>
    runCampaign({ ...config, steering: steeringFrom(coverage.info.weights) })
  )
  return { coverage, result }
}

/**
 * The one flow the action and the CLI share: inputs, then the reference
 * qemu-img, the campaign, the reports (on disk before any network call),
 * the issues, and the verdict. Returns what happened; the adapters set
 * outputs, write summaries and exit codes from it.
 */
export async function runPipeline(inputs: Inputs, ports: PipelinePorts): Promise<RunReport> {
  const warnings: string[] = []
  const warn = (title: string, message: string, level: 'warning' | 'error' = 'warning'): void => {
    ports.annotate(level, title, message)
    warnings.push(message)
  }
  const qemu = await ports.group('Reference qemu-img', () =>
    provisionQemu(inputs.qemuImg, ports.log)
  )
  // Provisioning already sent its warnings to the log; the summary repeats them.
  warnings.push(...qemu.warnings)
  const setupNotes = [...qemu.notes]
  if (ports.prepareKvm) {
    const kvm = await prepareKvm(ports.log)
    setupNotes.push(kvm.note)
    if (kvm.state === 'missing' || kvm.state === 'inaccessible') warn('KVM', kvm.note)
  }

  const seed = inputs.seed ?? randomMasterSeed()
  ports.seedChosen?.(seed)
  ports.log(
    `seed: ${seed} · operations: ${inputs.operations.join(', ')} · duration ${inputs.durationSeconds} s · jobs ${inputs.jobs} · shard ${inputs.shard.index}/${inputs.shard.count}`
  )
  const cancel = cancelOnSignals(ports.log)
  const { coverage, result } = await steeredCampaign(inputs, qemu, seed, cancel.signal, ports, m =>
    warn('Coverage', m)
  )
  ports.log(
    `campaign done: ${result.iterations} iterations, ${result.divergences} divergences, ${result.findings.length} findings, ${result.inconclusive.total} inconclusive`
  )

  const reason = dryRunReason(inputs, ports.env)
  if (reason) warn('Dry run', reason)
  const filing = inputs.fileIssues && reason === null && !cancel.signal.aborted
  const infoNow = (): RunInfo =>
    runInfo(inputs, qemu, result, {
      instarPath: ports.instarPath,
      runUrl: runUrl(ports.env),
      setupNotes,
      warnings: [...warnings],
      coverage: coverage.info
    })
  for (const problem of result.problems) warn('Disk full', problem, 'error')
  let links = unfiledLinks(result.findings, filing)
  // What cannot be written is said once; the findings are still filed from memory.
  const saveReports = async (): Promise<void> => {
    try {
      await writeReports(inputs.reportDir, result, links, infoNow())
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      const line = `could not write the reports to ${inputs.reportDir} (${why}); the ${result.findings.length} findings are in the job summary and filed as issues all the same`
      if (!warnings.includes(line)) warn('Reports', line, 'error')
    }
  }
  await ports.group('Reports', saveReports)

  if (filing && result.findings.length > 0) {
    const filed = await ports.group('Issues', () =>
      fileIssues(inputs, { result, info: infoNow(), seed }, ports, cancel.signal)
    )
    links = new Map([...links, ...filed.links])
    for (const w of filed.warnings) warn('Issues', w)
    await saveReports()
  }
  await saveCoverage(coverage, result.coverage, ports, m => warn('Coverage', m))
  const cancelled = cancel.signal.aborted
  const report: RunReport = {
    inputs,
    seed,
    qemu,
    result,
    info: infoNow(),
    links,
    warnings: [...warnings],
    cancelled,
    failure: cancelled ? 'the run was cancelled' : failure(inputs, result, links)
  }
  announce(report, ports)
  return report
}
