import os from 'node:os'
import path from 'node:path'
import type { FilingInputs } from '../filing-inputs.js'
import type { IssueLink } from '../findings/finding.js'
import { mergeReports, missingShards, type MergedReports } from '../findings/merge.js'
import { nightSections } from '../findings/night-summary.js'
import { writeReports, type RunInfo } from '../findings/report.js'
import { copyShardFiles, loadReportFolder } from '../findings/report-folder.js'
import type { ReadReport } from '../findings/report-read.js'
import {
  isVerificationDocument,
  reportFromDocument,
  verificationDocument,
  type VerificationReport
} from '../findings/verification.js'
import { downloadShardArtifacts, type ArtifactLink } from './artifact.js'
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
import type { PipelinePorts } from './pipeline.js'
import { cancelOnSignals } from './signals.js'
import { applyNightVerdicts } from './verification.js'

/**
 * The filing step of a shard matrix (fan-in): this run's shard reports
 * (downloaded artifacts, or folders given), merged into one night, written
 * before any network call, uploaded as one artifact, and filed through the
 * same tracker as a single campaign: one issue per new fingerprint, at most
 * one comment per issue per night. `cli.js merge` runs the same code with
 * the folders it is given and without GitHub.
 */

export type FilingPorts = Pick<PipelinePorts, 'log' | 'annotate' | 'group' | 'env'>

/** Everything the night's filing did, immutable once returned. */
export interface NightReport {
  readonly inputs: FilingInputs
  readonly merged: MergedReports
  /** Shards (`i/n`) that sent no report. */
  readonly missing: readonly string[]
  readonly info: RunInfo
  readonly links: ReadonlyMap<string, IssueLink>
  readonly warnings: readonly string[]
  /** Why the step fails under `fail-on`, or null. */
  readonly failure: string | null
}

interface ShardFolder {
  dir: string
  /** The artifact's name, or the folder as given. */
  source: string
}

/** A shard's folder with its report read back. */
type LoadedShard = ShardFolder & { report: ReadReport }

/**
 * The folders given, or this run's shard artifacts downloaded under
 * RUNNER_TEMP, with the matrix's size as the artifacts' names tell it.
 */
async function shardFolders(
  inputs: FilingInputs,
  env: FilingPorts['env'],
  warn: Warn
): Promise<{ folders: ShardFolder[]; shardCount: number | null; unavailable: boolean }> {
  if (inputs.reports.length > 0)
    return {
      folders: inputs.reports.map(dir => ({ dir, source: dir })),
      shardCount: null,
      unavailable: false
    }
  const dest = path.join(env.RUNNER_TEMP || os.tmpdir(), 'instar-diff-fuzz-shards')
  const found = await downloadShardArtifacts(inputs.artifactName, dest, env)
  if ('unavailable' in found) {
    warn(
      'Shard artifacts',
      `no shard report could be downloaded: ${found.unavailable}; nothing was merged or filed`
    )
    return { folders: [], shardCount: null, unavailable: true }
  }
  for (const problem of found.problems) warn('Shard artifacts', problem)
  return {
    folders: found.shards.map(s => ({ dir: s.dir, source: s.name })),
    // A shard whose artifact was listed but could not be read still tells the matrix's size.
    shardCount: found.listed.length > 0 ? Math.max(...found.listed.map(s => s.count)) : null,
    unavailable: false
  }
}

/** Each folder read back; one that cannot be read is a warning, and its shard counts as missing. */
async function loadShards(folders: readonly ShardFolder[], warn: Warn): Promise<LoadedShard[]> {
  const loaded: LoadedShard[] = []
  for (const folder of folders) {
    try {
      loaded.push({ ...folder, report: await loadReportFolder(folder.dir) })
    } catch (error) {
      warn('Shard reports', `${folder.source} was left out: ${(error as Error).message}`)
    }
  }
  return loaded
}

/** What the night's reports and job summary say besides the merged campaign. */
interface NightState {
  warnings: readonly string[]
  artifact: ArtifactLink | null
  verification: VerificationReport | null
}

function nightInfo(merged: MergedReports, env: FilingPorts['env'], night: NightState): RunInfo {
  return {
    ...merged.settings,
    qemuImg: merged.qemuImg,
    runUrl: runUrl(env),
    replayCommands: merged.replayCommands,
    setupNotes: merged.setupNotes,
    warnings: [...merged.warnings, ...night.warnings],
    artifact: night.artifact,
    verification: night.verification
  }
}

/** The shards' verification, merged: what they decided, written by the filing step or not yet. */
function shardVerification(merged: MergedReports): VerificationReport | null {
  const doc = merged.sections.verification
  return isVerificationDocument(doc) ? reportFromDocument(doc) : null
}

/** The night's shards, read and merged; a missing shard is one warning naming it. */
async function gatherNight(
  inputs: FilingInputs,
  ports: FilingPorts,
  warn: Warn
): Promise<{
  shards: LoadedShard[]
  merged: MergedReports
  missing: string[]
  /** The artifact service cannot be used (it was said once). */
  unavailable: boolean
}> {
  const { shards, shardCount, unavailable } = await ports.group('Shard reports', async () => {
    const found = await shardFolders(inputs, ports.env, warn)
    return { ...found, shards: await loadShards(found.folders, warn) }
  })
  const merged = mergeReports(shards)
  // Without the service no shard is known to be missing: it was not asked.
  const missing = unavailable
    ? []
    : missingShards(
        merged.shards.map(s => s.shard),
        inputs.shards ?? shardCount
      )
  if (missing.length > 0)
    warn(
      'Missing shards',
      `shard ${missing.join(', ')} sent no report (the job failed or was cancelled); the other shards' findings are merged and filed`
    )
  if (shards.length === 0 && missing.length === 0 && !unavailable)
    warn('Shard reports', `no shard report was found (${inputs.artifactName}-<i>-of-<n>)`)
  ports.log(
    `merged ${shards.length} shards: ${merged.result.iterations} iterations, ${merged.result.findings.length} findings`
  )
  return { shards, merged, missing, unavailable }
}

/**
 * Merges the night's shard reports and files them. Never throws for a
 * service's sake: a missing shard, an unavailable artifact service or a
 * failing API is a warning, and every finding is on disk before any of it.
 */
export async function runFanIn(inputs: FilingInputs, ports: FilingPorts): Promise<NightReport> {
  const { warn, warnings } = warningList(ports)
  // From the start: a night cancelled while its shards download files nothing either.
  const { signal } = cancelOnSignals(ports.log)
  const { shards, merged, missing, unavailable } = await gatherNight(inputs, ports, warn)
  const reason = dryRunReason(inputs, ports.env)
  if (reason) warn('Dry run', reason)
  const wanted = inputs.fileIssues && reason === null
  const filing = wanted && !signal.aborted
  if (wanted && !filing && merged.result.findings.length > 0)
    warn('Cancelled', cancelledRun(merged.result))
  const night: NightState = { warnings, artifact: null, verification: shardVerification(merged) }
  let links = unfiledLinks(merged.result.findings, wanted)
  const guard = reportGuard(inputs.reportDir, merged.result, line => warn('Reports', line, 'error'))
  const save = (): Promise<void> =>
    guard(() =>
      saveNight(inputs, { merged, missing, links, info: nightInfo(merged, ports.env, night) })
    )
  await ports.group('Reports', async () => {
    const from = shards.map(s => ({ dir: s.dir, shard: s.report.result.shard }))
    await copyShardFiles(from, inputs.reportDir, merged.caseFrom).catch((error: Error) =>
      warn('Reports', `could not copy the shards' files: ${error.message}`, 'error')
    )
    await save()
  })
  night.artifact = unavailable
    ? null
    : await shipReports(inputs, `${inputs.artifactName}-merged`, ports, warn)
  if (filing && merged.result.findings.length > 0) {
    const info = nightInfo(merged, ports.env, night)
    const report = { result: merged.result, info, seed: merged.result.seed }
    const filed = await fileIssues(inputs, report, ports, { signal, warn })
    links = new Map([...links, ...filed.links])
    await save()
  }
  if (filing && night.verification && !night.verification.written) {
    const run = { result: merged.result, links, runUrl: runUrl(ports.env) }
    const where = { ...ports, warn, signal }
    const shards = night.verification
    night.verification = (await applyNightVerdicts(shards, inputs, run, where)) ?? shards
    await save()
  }
  const report: NightReport = {
    inputs,
    merged,
    missing,
    info: nightInfo(merged, ports.env, night),
    links,
    warnings: [...warnings],
    failure: failure(inputs, merged.result, links)
  }
  announce({ result: merged.result, links }, ports)
  return report
}

/** Writes the night's reports; the verdicts the filing step wrote replace the shards' unwritten ones. */
async function saveNight(
  inputs: FilingInputs,
  night: {
    merged: MergedReports
    missing: readonly string[]
    links: ReadonlyMap<string, IssueLink>
    info: RunInfo
  }
): Promise<void> {
  const { merged, missing, links, info } = night
  const sections = {
    ...nightSections(merged, missing),
    ...(info.verification ? { verification: verificationDocument(info.verification) } : {})
  }
  await writeReports(inputs.reportDir, merged.result, links, info, sections)
}
