import type { CampaignResult } from '../findings/campaign-result.js'
import type { IssueLink } from '../findings/finding.js'
import { writeReports, type RunInfo } from '../findings/report.js'
import type { Reproducer } from '../findings/reproducer.js'
import type { VerificationReport } from '../findings/verification.js'
import { runCampaign } from '../fuzz/campaign.js'
import { writeReproducers } from '../fuzz/repro/files.js'
import { randomMasterSeed } from '../fuzz/rng.js'
import { steeringFrom } from '../fuzz/steering.js'
import type { ApiUsage } from '../github/client.js'
import type { Inputs } from '../inputs.js'
import { prepareKvm } from '../qemu/kvm.js'
import { provisionQemu, type QemuSetup } from '../qemu/provision.js'
import { shardArtifactName, type ArtifactLink } from './artifact.js'
import { saveCoverage, startCoverage, type CoverageStart } from './coverage.js'
import {
  announce,
  cancelledRun,
  dryRunReason,
  failure,
  fileIssues,
  reportGuard,
  shipReports,
  unfiledLinks,
  warningList,
  type Warn
} from './filing.js'
import { runUrl } from './github-env.js'
import { campaignConfig, runInfo } from './settings.js'
import { cancelOnSignals } from './signals.js'
import {
  recheckOpenIssues,
  settleVerification,
  timeLeft,
  type PendingVerification
} from './verification.js'

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
  /**
   * A collapsible phase of the log. Every phase of runPipeline runs inside
   * one (a new phase too), so the log reads as its list of phases.
   */
  group<T>(name: string, task: () => Promise<T>): Promise<T>
  /**
   * Debug mode only (a re-run with debug logging: RUNNER_DEBUG=1): every
   * setup command with its output, every GitHub API request. Absent
   * otherwise, so nothing is even formatted.
   */
  debug?: (line: string) => void
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
  /** What re-verifying the open issues said (null when it did not run). */
  readonly verification: VerificationReport | null
  /** Each finding's standalone reproducer (findings/<fingerprint>/repro.sh), by fingerprint. */
  readonly reproducers: ReadonlyMap<string, Reproducer>
  readonly warnings: readonly string[]
  readonly cancelled: boolean
  /** Why the step fails under `fail-on`, or null. */
  readonly failure: string | null
}

/**
 * The reference qemu-img, then (on a runner) KVM for instar: each a phase
 * of its own in the log. Provisioning's warnings are annotations titled
 * `qemu-img`; a KVM problem is returned for the caller to warn about.
 */
async function setUpMachine(
  inputs: Inputs,
  ports: PipelinePorts
): Promise<{ qemu: QemuSetup; setupNotes: string[]; kvmProblem: string | null }> {
  const machine = { debug: ports.debug }
  const qemu = await ports.group('Reference qemu-img', () =>
    provisionQemu(inputs.qemuImg, ports.log, {
      ...machine,
      warn: line => ports.annotate('warning', 'qemu-img', line)
    })
  )
  if (!ports.prepareKvm) return { qemu, setupNotes: [...qemu.notes], kvmProblem: null }
  const kvm = await ports.group('KVM', () => prepareKvm(ports.log, machine))
  const problem = kvm.state === 'missing' || kvm.state === 'inaccessible'
  return { qemu, setupNotes: [...qemu.notes, kvm.note], kvmProblem: problem ? kvm.note : null }
}

/** What the campaign phase leaves for delivery. */
interface Fuzzed {
  seed: number
  result: CampaignResult
  pending: PendingVerification | null
  /** The coverage map as restored, and the weights the pickers were steered with. */
  coverage: CoverageStart
  /** Requests verification sent (its listing, later its verdicts). */
  verificationRequests: ApiUsage
  signal: AbortSignal
}

/**
 * The seed, re-verifying the open issues this shard owns (within its
 * share of the time box), then the campaign in what is left of it.
 */
async function fuzz(
  inputs: Inputs,
  qemu: QemuSetup,
  ports: PipelinePorts,
  warn: Warn
): Promise<Fuzzed> {
  const seed = inputs.seed ?? randomMasterSeed()
  ports.seedChosen?.(seed)
  ports.log(
    `seed: ${seed} · operations: ${inputs.operations.join(', ')} · duration ${inputs.durationSeconds} s · jobs ${inputs.jobs} · shard ${inputs.shard.index}/${inputs.shard.count}`
  )
  const { signal } = cancelOnSignals(ports.log)
  const coverage = await ports.group('Coverage map', () =>
    startCoverage(inputs, ports.env, ports.log, m => warn('Coverage', m))
  )
  const config = {
    ...campaignConfig(inputs, qemu, seed, signal, ports.log, ports.env),
    steering: steeringFrom(coverage.info.weights)
  }
  // Re-running the stored cases only reads issues: a shard that leaves filing to
  // the filing step (file-issues: false) verifies too, and that step writes the verdicts.
  const verifying = inputs.verifyOpen && Boolean(inputs.token && ports.env.GITHUB_REPOSITORY)
  const usage: ApiUsage = { requests: 0 }
  const pending = verifying
    ? await recheckOpenIssues(inputs, config, { ...ports, warn, usage })
    : null
  const result = await ports.group('Campaign', () => runCampaign(timeLeft(config, pending)))
  ports.log(
    `campaign done: ${result.iterations} iterations, ${result.divergences} divergences, ${result.findings.length} findings, ${result.inconclusive.total} inconclusive`
  )
  return { seed, result, pending, signal, coverage, verificationRequests: usage }
}

/** What delivery made of the findings: their issues and verification's verdicts. */
interface Delivered {
  links: Map<string, IssueLink>
  /** GitHub API requests filing sent, retries included (verification counts its own). */
  filingRequests: number
  artifact: ArtifactLink | null
  verification: VerificationReport | null
  reproducers: ReadonlyMap<string, Reproducer>
  info: RunInfo
}

/**
 * Everything after the campaign: the reports on disk before any network
 * call, the issues, verification's verdicts, and the reports again with
 * what filing did. What cannot be written is said once; the findings are
 * still filed from memory.
 */
async function deliver(
  inputs: Inputs,
  setup: { qemu: QemuSetup; setupNotes: string[] },
  fuzzed: Fuzzed,
  ports: PipelinePorts,
  warnings: { list: string[]; warn: Warn }
): Promise<Delivered> {
  const { result, pending, signal } = fuzzed
  const { warn } = warnings
  // Why nothing is filed this run (a dry run the user did not ask for), or null.
  const dryRun = dryRunReason(inputs, ports.env)
  if (dryRun) warn('Dry run', dryRun)
  for (const problem of result.problems) warn('Disk full', problem, 'error')
  for (const w of result.warnings ?? []) warn('Tools', w)
  // A cancelled run files nothing; what it found is reported as not filed.
  const wanted = inputs.fileIssues && dryRun === null
  const filing = wanted && !signal.aborted
  if (wanted && !filing && result.findings.length > 0) warn('Cancelled', cancelledRun(result))
  const state: Omit<Delivered, 'info' | 'reproducers'> = {
    links: unfiledLinks(result.findings, wanted),
    artifact: null,
    verification: null,
    filingRequests: 0
  }
  const infoNow = (): RunInfo =>
    runInfo(inputs, setup.qemu, result, {
      instarPath: ports.instarPath,
      runUrl: runUrl(ports.env),
      setupNotes: setup.setupNotes,
      warnings: [...warnings.list],
      verification: state.verification,
      artifact: state.artifact,
      apiRequests: state.filingRequests + fuzzed.verificationRequests.requests,
      coverage: fuzzed.coverage.info
    })
  const guard = reportGuard(inputs.reportDir, result, line => warn('Reports', line, 'error'))
  const saveReports = (): Promise<void> =>
    guard(() => writeReports(inputs.reportDir, result, state.links, infoNow()))
  const settle = (write: boolean): Promise<VerificationReport> => {
    const run = { result, links: state.links, runUrl: runUrl(ports.env) }
    return settleVerification(pending!, inputs, run, { ...ports, warn, signal }, write)
  }
  // Verdicts that this run does not write go into its reports (and its
  // artifact, for the filing step to write); written ones wait for the issues.
  if (pending && !filing) state.verification = await settle(false)
  await ports.group('Reports', saveReports)
  const reproducers = await saveReproducers(inputs, setup.qemu, result, ports, warn)
  const artifactName = shardArtifactName(inputs.artifactName, inputs.shard)
  state.artifact = await shipReports(inputs, artifactName, ports, warn)
  if (filing && result.findings.length > 0) {
    const report = { result, info: infoNow(), seed: fuzzed.seed }
    const filed = await fileIssues(inputs, report, ports, { signal, warn })
    state.links = new Map([...state.links, ...filed.links])
    state.filingRequests += filed.requests
    await saveReports()
  }
  if (pending && filing) {
    state.verification = await settle(true)
    await saveReports()
  }
  if (result.coverage)
    await saveCoverage(fuzzed.coverage, result.coverage, ports, m => warn('Coverage', m))
  return { ...state, reproducers, info: infoNow() }
}

/**
 * Writes findings/<fingerprint>/ (repro.sh, the source image, the outputs)
 * with the reports, before any network call; a failure is one warning and
 * costs no finding.
 */
async function saveReproducers(
  inputs: Inputs,
  qemu: QemuSetup,
  result: CampaignResult,
  ports: PipelinePorts,
  warn: Warn
): Promise<ReadonlyMap<string, Reproducer>> {
  if (result.findings.length === 0) return new Map()
  const { reproducers, warning } = await ports.group('Reproducers', () =>
    writeReproducers(inputs.reportDir, result.findings, {
      paths: { instar: inputs.instar, qemuImg: qemu.qemuImg, qemuIo: qemu.qemuIo },
      qemuVersion: qemu.version,
      timeoutSeconds: inputs.timeoutSeconds
    })
  )
  if (warning) warn('Reproducers', warning)
  return reproducers
}

/**
 * The one flow the action and the CLI share: inputs, then the reference
 * qemu-img, the campaign, the reports (on disk before any network call),
 * the issues, and the verdict. Returns what happened; the adapters set
 * outputs, write summaries and exit codes from it.
 */
export async function runPipeline(inputs: Inputs, ports: PipelinePorts): Promise<RunReport> {
  const { warn, warnings } = warningList(ports)
  ports.debug?.(`inputs: ${JSON.stringify({ ...inputs, token: inputs.token ? '***' : '' })}`)
  const { qemu, setupNotes, kvmProblem } = await setUpMachine(inputs, ports)
  // Provisioning already annotated its warnings; the summary repeats them.
  warnings.push(...qemu.warnings)
  if (kvmProblem) warn('KVM', kvmProblem)
  const fuzzed = await fuzz(inputs, qemu, ports, warn)
  const { links, verification, reproducers, info } = await deliver(
    inputs,
    { qemu, setupNotes },
    fuzzed,
    ports,
    {
      list: warnings,
      warn
    }
  )
  const cancelled = fuzzed.signal.aborted
  const report: RunReport = {
    inputs,
    seed: fuzzed.seed,
    qemu,
    result: fuzzed.result,
    info,
    links,
    verification,
    reproducers,
    warnings: [...warnings],
    cancelled,
    failure: cancelled ? 'the run was cancelled' : failure(inputs, fuzzed.result, links)
  }
  announce(report, ports)
  return report
}
