import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { writeWhole } from '../util/write-whole.js'
import type { CampaignResult } from './campaign-result.js'
import { coverageDocument, type CoverageInfo } from './coverage-report.js'
import type { SteeringWeights } from './coverage.js'
import type { IssueLink } from './finding.js'
import { verificationDocument, type VerificationReport } from './verification.js'

/** Everything written next to the findings: who ran what, with which tools. */
export interface RunInfo {
  /** instar's path as the user gave it (replay commands name it). */
  instarPath?: string
  /** The summary.json a steered run's replay commands take their weights from. */
  weightsFile?: string
  operations: string[]
  timeoutSeconds: number
  durationSeconds: number
  jobs: number
  minimize: boolean
  qemuImg: { path: string; source: string; cacheHit: boolean; seconds: number }
  runUrl: string
  replayCommands: Record<string, string>
  /** How qemu-img and KVM were prepared, one line each. */
  setupNotes: string[]
  warnings: string[]
  /** Re-verifying the open issues (null when it did not run). */
  verification?: VerificationReport | null
  /** The report artifact, once uploaded (the job summary links it). */
  artifact?: { name: string; id: number; url: string; bytes: number } | null
  /** GitHub API requests the run sent, retries included. */
  apiRequests?: number
  /** The option space's coverage and the steering weights (a merged night carries them as sections). */
  coverage?: CoverageInfo
}

/** `value` as JSON, indented for the people who read the reports, written whole or not at all. */
function writeJson(file: string, value: unknown): Promise<void> {
  return writeWhole(file, `${JSON.stringify(value, null, 2)}\n`)
}

/**
 * `steering` of summary.json and of every finding's report: the weights the
 * run drew with, so `replay --weights` can draw the same; none when the run
 * reports no coverage.
 */
function steeringOf(
  run: RunInfo
): { mode: CoverageInfo['steer']; weights: SteeringWeights | null } | undefined {
  return run.coverage ? { mode: run.coverage.steer, weights: run.coverage.weights } : undefined
}

/**
 * The contract's summary.json shape (version 1), plus what users expect
 * beside it. Its type is the object written, not a bare record, so the
 * keys report-read.ts reads back are checked against it (SummaryKey).
 */
export function summaryDocument(
  result: CampaignResult,
  links: ReadonlyMap<string, IssueLink>,
  run: RunInfo
) {
  const steering = steeringOf(run)
  return {
    version: 1,
    seed: result.seed,
    shard: result.shard,
    started_at: result.startedAt,
    elapsed_seconds: result.elapsedSeconds,
    iterations: result.iterations,
    divergences: result.divergences,
    inconclusive: { total: result.inconclusive.total, by_type: result.inconclusive.byType },
    operations: result.operations,
    findings: result.findings.map(f => ({
      fingerprint: f.fingerprint,
      type: f.type,
      operation: f.operation,
      target: f.target,
      options: f.options,
      occurrences: f.occurrences.length,
      first: { seed: f.occurrences[0].seed, iteration: f.occurrences[0].iteration },
      status: f.status,
      confirmed: f.confirmed,
      runs: f.runs,
      issue: links.get(f.fingerprint) ?? { number: null, url: null, action: 'dry-run' },
      replay: run.replayCommands[f.fingerprint]
    })),
    ...(steering && run.coverage && result.coverage
      ? { steering, coverage: coverageDocument(run.coverage, result.coverage) }
      : {}),
    confirmation: {
      confirm_runs: result.confirmation.confirmRuns,
      minimise_runs: result.confirmation.minimiseRuns,
      attributed: result.confirmation.attributed,
      skipped_known_hangs: result.confirmation.skippedKnownHangs
    },
    iterations_cut_short: result.cutShort,
    stopped_by: result.stoppedBy,
    inconclusive_samples: result.inconclusiveSamples,
    versions: { instar: result.versions.instar, 'qemu-img': result.versions.qemuImg },
    qemu_img: run.qemuImg,
    processes: result.spawns,
    resources: result.resources,
    settings: {
      instar: run.instarPath,
      operations: run.operations,
      timeout: run.timeoutSeconds,
      duration: run.durationSeconds,
      jobs: run.jobs,
      minimize: run.minimize
    },
    setup_notes: run.setupNotes,
    run_url: run.runUrl || null,
    verification: run.verification ? verificationDocument(run.verification) : null,
    warnings: run.warnings,
    api_requests: run.apiRequests ?? 0
  }
}

/** Every key summary.json has (some only when the run reports coverage). */
export type SummaryKey = keyof ReturnType<typeof summaryDocument>

/**
 * Writes summary.json and findings/<fingerprint>.json. It runs before any
 * GitHub call and again after, so an API failure never costs a finding.
 * `sections` go into summary.json beside the campaign's own keys (a merge
 * of shards lists its shards there).
 */
export async function writeReports(
  dir: string,
  result: CampaignResult,
  links: ReadonlyMap<string, IssueLink>,
  run: RunInfo,
  sections: Record<string, unknown> = {}
): Promise<void> {
  await mkdir(path.join(dir, 'findings'), { recursive: true })
  const steering = steeringOf(run)
  for (const f of result.findings) {
    await writeJson(path.join(dir, 'findings', `${f.fingerprint}.json`), {
      ...f,
      issue: links.get(f.fingerprint) ?? { number: null, url: null, action: 'dry-run' },
      replay: run.replayCommands[f.fingerprint],
      ...(steering ? { steering } : {})
    })
  }
  await writeJson(path.join(dir, 'summary.json'), {
    ...summaryDocument(result, links, run),
    ...sections
  })
}
