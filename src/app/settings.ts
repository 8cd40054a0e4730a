import os from 'node:os'
import path from 'node:path'
import type { CampaignResult } from '../findings/campaign-result.js'
import type { CoverageInfo } from '../findings/coverage-report.js'
import type { RunInfo } from '../findings/report.js'
import type { VerificationReport } from '../findings/verification.js'
import type { CampaignConfig } from '../fuzz/campaign.js'
import { OPERATION_NAMES } from '../fuzz/operation.js'
import type { Inputs } from '../inputs.js'
import type { QemuSetup } from '../qemu/provision.js'
import { shellCommand } from '../util/shell.js'

/** The campaign the action and the local `run` command both start from the inputs. */
export function campaignConfig(
  inputs: Inputs,
  qemu: QemuSetup,
  seed: number,
  signal: AbortSignal | undefined,
  log: (line: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env
): CampaignConfig {
  return {
    seed,
    shard: inputs.shard,
    operations: inputs.operations,
    jobs: inputs.jobs,
    iterations: inputs.iterations,
    durationSeconds: inputs.durationSeconds,
    timeoutSeconds: inputs.timeoutSeconds,
    minimize: inputs.minimize,
    paths: { instar: inputs.instar, qemuImg: qemu.qemuImg, qemuIo: qemu.qemuIo },
    qemuVersion: qemu.version,
    workRoot: path.join(env.RUNNER_TEMP || os.tmpdir(), 'instar-diff-fuzz-work'),
    signal,
    log
  }
}

/**
 * The one-line local command that re-runs one iteration of a run. The
 * operation pool shapes the iteration, so it is part of the command
 * whenever it is not `all` (the peer's recipe forgot it); so do the
 * weights of a steered run, read back from its summary.json.
 */
export function replayCommand(
  inputs: { operations: readonly string[]; timeoutSeconds: number },
  at: { seed: number; iteration: number },
  instarPath: string,
  weightsFile?: string
): string {
  const args = [
    'node',
    'dist/cli.js',
    'replay',
    '--instar',
    instarPath,
    '--seed',
    String(at.seed),
    '--iteration',
    String(at.iteration)
  ]
  const all =
    inputs.operations.length === OPERATION_NAMES.length &&
    OPERATION_NAMES.every(o => inputs.operations.includes(o))
  if (!all) args.push('--operations', inputs.operations.join(','))
  if (inputs.timeoutSeconds !== 30) args.push('--timeout', String(inputs.timeoutSeconds))
  if (weightsFile) args.push('--weights', weightsFile)
  return shellCommand(args)
}

/**
 * The replay command of any occurrence of a run, from what its reports
 * record (issues and the CLI's preview list a few occurrences); none for
 * a night merged from shards that did not record instar's path.
 */
export function replayForRun(
  info: Pick<RunInfo, 'instarPath' | 'operations' | 'timeoutSeconds' | 'weightsFile'>
): ((at: { seed: number; iteration: number }) => string) | undefined {
  const { instarPath, weightsFile } = info
  if (instarPath === undefined) return undefined
  return at => replayCommand(info, at, instarPath, weightsFile)
}

/**
 * What the reports and the job summary say about a run besides the
 * campaign itself: its settings, how qemu-img was found, a replay command
 * per finding (with instar's path as the user wrote it).
 */
export function runInfo(
  inputs: Inputs,
  qemu: QemuSetup,
  result: CampaignResult,
  extra: {
    instarPath: string
    runUrl: string
    setupNotes: string[]
    warnings: string[]
    verification?: VerificationReport | null
    artifact?: RunInfo['artifact']
    apiRequests?: number
    coverage: CoverageInfo
  }
): RunInfo {
  // A steered run's iterations replay with the weights its summary.json records.
  const weightsFile =
    extra.coverage.weights !== null ? path.join(inputs.reportDir, 'summary.json') : undefined
  return {
    instarPath: extra.instarPath,
    weightsFile,
    operations: inputs.operations,
    timeoutSeconds: inputs.timeoutSeconds,
    durationSeconds: inputs.durationSeconds,
    jobs: inputs.jobs,
    minimize: inputs.minimize,
    qemuImg: {
      path: qemu.qemuImg,
      source: qemu.source,
      cacheHit: qemu.cacheHit,
      seconds: qemu.seconds
    },
    runUrl: extra.runUrl,
    replayCommands: Object.fromEntries(
      result.findings.map(f => [
        f.fingerprint,
        replayCommand(inputs, f.occurrences[0], extra.instarPath, weightsFile)
      ])
    ),
    setupNotes: extra.setupNotes,
    warnings: extra.warnings,
    verification: extra.verification ?? null,
    artifact: extra.artifact ?? null,
    apiRequests: extra.apiRequests ?? 0,
    coverage: extra.coverage
  }
}
