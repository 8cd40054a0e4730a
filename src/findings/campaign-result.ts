import type { ResourceUse } from '../util/resources.js'
import type { CoverageMap } from './coverage.js'
import type { Finding } from './finding.js'
import type { InconclusiveType } from './types.js'

export interface OperationStats {
  runs: number
  divergences: number
  inconclusive: number
  seconds: number
}

/** Examples kept of each inconclusive type (by a campaign, and by a merge of shards). */
const SAMPLES_PER_TYPE = 5

/** A few examples of each inconclusive type, so nothing is only a number. */
export interface InconclusiveSample {
  type: InconclusiveType
  operation: string
  seed: number
  iteration: number
  summary: string
}

/**
 * Adds `sample` to `kept` unless SAMPLES_PER_TYPE of its type are there:
 * the first few of each type are examples enough, and a run with thousands
 * of inconclusive results keeps a small summary. One rule for a campaign
 * (fuzz/tally.ts) and a merge of shards (merge.ts).
 */
export function keepSample(kept: InconclusiveSample[], sample: InconclusiveSample): void {
  if (kept.filter(k => k.type === sample.type).length < SAMPLES_PER_TYPE) kept.push(sample)
}

/** What confirming and minimising the findings cost, in runs of a case. */
export interface ConfirmationCost {
  /** Re-runs of a case alone to confirm it (a hang's with every other worker paused). */
  confirmRuns: number
  /** Trials of minimisation. */
  minimiseRuns: number
  /** Occurrences attributed to a known finding without any run. */
  attributed: number
  /**
   * Cases not run at all because they contain the minimal case of a hang
   * already found: each would only have waited out the timeout again.
   */
  skippedKnownHangs: number
}

/** Everything one campaign found and cost: what reports, summaries and issues are made of. */
export interface CampaignResult {
  seed: number
  shard: string
  startedAt: string
  elapsedSeconds: number
  /** Iterations that ran to the end. */
  iterations: number
  /** Iterations the time box or a cancellation cut short. */
  cutShort: number
  /** Diverging runs (every occurrence, before grouping by fingerprint). */
  divergences: number
  inconclusive: { total: number; byType: Partial<Record<InconclusiveType, number>> }
  inconclusiveSamples: InconclusiveSample[]
  operations: Record<string, OperationStats>
  /** One per fingerprint, most frequent first. */
  findings: Finding[]
  versions: { instar: string; qemuImg: string }
  /** Processes started, by program. */
  spawns: Record<string, number>
  stoppedBy: 'duration' | 'iterations' | 'cancelled' | 'no-space'
  /** What went wrong with the machine (a full disk), one line each: shown as errors. */
  problems: string[]
  /** What the run survived but a user should hear of (escaped tool processes), one line each. */
  warnings?: string[]
  /** CPU of the harness vs the tools, and the harness's peak memory. */
  resources: ResourceUse
  confirmation: ConfirmationCost
  /** The option space this campaign ran (one campaign's map; see coverage.ts); a merged night has none. */
  coverage?: CoverageMap
}
