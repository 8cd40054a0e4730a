import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import type { Finding, Occurrence } from '../findings/finding.js'
import { fingerprint } from '../findings/fingerprint.js'
import { minimiseOptions } from '../findings/minimise.js'
import {
  operation,
  planIteration,
  runAlone,
  runIteration,
  type IterationPlan,
  type StepResult
} from './iteration.js'
import type { OperationName, Plan } from './operation.js'
import type { Outcome } from './outcome.js'
import { detectLibyal, describeLibyal } from './libyal.js'
import { QuietGate } from './quiet-gate.js'
import { cpuSample, resourceUse, type ResourceUse } from './resources.js'
import { formatDuration } from '../util/duration.js'
import { globalIteration } from './rng.js'
import { Cancelled, DeadlineReached } from '../util/tool-runner.js'
import type { QemuVersion } from '../util/qemu-version.js'
import { createToolbox, type Toolbox, type ToolPaths } from './toolbox.js'

export interface CampaignConfig {
  seed: number
  shard: { index: number; count: number }
  operations: OperationName[]
  jobs: number
  /** Most iterations to run (0: no limit). */
  iterations: number
  /** Explicit global iteration indexes instead of the shard's stream (replay). */
  indices?: number[]
  /** Time box; Infinity for none. */
  durationSeconds: number
  timeoutSeconds: number
  minimize: boolean
  paths: ToolPaths
  qemuVersion: QemuVersion
  /** Where iteration directories are made (and removed). */
  workRoot: string
  signal?: AbortSignal
  log?: (line: string) => void
  progressEverySeconds?: number
}

export interface OperationStats {
  runs: number
  divergences: number
  inconclusive: number
  seconds: number
}

/** A few examples of each inconclusive type, so nothing is only a number. */
export interface InconclusiveSample {
  type: string
  operation: OperationName
  seed: number
  iteration: number
  summary: string
}

export interface CampaignResult {
  seed: number
  shard: string
  startedAt: string
  elapsedSeconds: number
  /** Iterations that ran to the end. */
  iterations: number
  /** Iterations the time box or a cancellation cut short. */
  cutShort: number
  divergences: number
  inconclusive: { total: number; byType: Record<string, number> }
  inconclusiveSamples: InconclusiveSample[]
  operations: Record<string, OperationStats>
  findings: Finding[]
  versions: { instar: string; qemuImg: string }
  /** Processes started, by program. */
  spawns: Record<string, number>
  stoppedBy: 'duration' | 'iterations' | 'cancelled'
  /** CPU of the harness vs the tools, and the harness's peak memory. */
  resources: ResourceUse
}

const SAMPLES_PER_TYPE = 5
const MINIMISE_TRIALS = 24
const MINIMISE_SECONDS = 180

function isTimeoutType(type: string): boolean {
  return type === 'instar_timeout'
}

function sameDivergence(a: Outcome, type: string): boolean {
  return a.kind === 'divergence' && a.type === type
}

/** `instar --version`, or 'unknown' when it has none. */
async function instarVersion(tools: Toolbox): Promise<string> {
  try {
    const r = await tools.instar(['--version'])
    const line = r.stdout.trim().split('\n')[0]
    return r.exitCode === 0 && line ? line : 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * Runs the seeded, time-boxed, parallel fuzz loop: `jobs` workers take
 * iterations from this shard's stream until the time box, the iteration
 * limit or a cancellation ends it. Each divergence is re-run alone before
 * it counts (a timeout with every other worker paused), minimised once per
 * distinct case, and folded into one finding per fingerprint.
 */
export async function runCampaign(config: CampaignConfig): Promise<CampaignResult> {
  const log = config.log ?? (() => {})
  const started = Date.now()
  const cpuAtStart = cpuSample()
  const deadline = started + config.durationSeconds * 1000
  // Looked up once, without starting a process; their absence is said once.
  const libyal = await detectLibyal()
  for (const line of describeLibyal(libyal)) log(line)
  const tools = createToolbox({
    paths: config.paths,
    qemuVersion: config.qemuVersion,
    timeoutMs: config.timeoutSeconds * 1000,
    deadline,
    signal: config.signal,
    libyal
  })
  await mkdir(config.workRoot, { recursive: true })
  const workRoot = await mkdtemp(path.join(config.workRoot, 'work-'))
  const versions = { instar: await instarVersion(tools), qemuImg: config.qemuVersion.text }
  const gate = new QuietGate()

  const operations: Record<string, OperationStats> = {}
  for (const name of new Set(config.operations))
    operations[name] = { runs: 0, divergences: 0, inconclusive: 0, seconds: 0 }
  const byType: Record<string, number> = {}
  const samples: InconclusiveSample[] = []
  const findings = new Map<string, Finding>()
  const minimised = new Map<string, Promise<string[]>>()
  // Cases (type, operation, target, options as picked) already reproduced alone.
  const reproduced = new Set<string>()
  let divergences = 0
  let completed = 0
  let cutShort = 0
  let next = 0
  const limit = config.indices?.length ?? (config.iterations > 0 ? config.iterations : Infinity)

  const inconclusiveTotal = (): number => Object.values(byType).reduce((a, b) => a + b, 0)
  const countInconclusive = (
    type: string,
    op: OperationName,
    plan: IterationPlan,
    summary: string
  ): void => {
    operations[op].inconclusive++
    byType[type] = (byType[type] ?? 0) + 1
    if (samples.filter(s => s.type === type).length < SAMPLES_PER_TYPE) {
      samples.push({ type, operation: op, seed: plan.seed, iteration: plan.iteration, summary })
    }
  }

  const rerun = (op: OperationName, plan: Plan, it: IterationPlan): Promise<Outcome> =>
    runAlone(op, plan, it.source, workRoot, tools)

  /** Options after minimisation, computed once per case. */
  const minimisedOptions = (
    key: string,
    type: string,
    r: StepResult,
    it: IterationPlan
  ): Promise<string[]> => {
    let pending = minimised.get(key)
    if (!pending) {
      pending = minimiseOptions(
        operation(r.operation),
        r.plan,
        async candidate => {
          try {
            return sameDivergence(await rerun(r.operation, candidate, it), type)
          } catch (error) {
            // Out of time mid-trial: that candidate is unproven, and the
            // smallest list found so far is kept.
            if (error instanceof DeadlineReached) return false
            throw error
          }
        },
        {
          maxTrials: MINIMISE_TRIALS,
          until: Math.min(deadline, Date.now() + MINIMISE_SECONDS * 1000)
        }
      )
        .then(m => {
          if (m.plan.options.length < r.plan.options.length)
            log(
              `minimised ${r.operation} ${type}: [${r.plan.options.join(' ')}] → [${m.plan.options.join(' ')}] in ${m.trials} runs`
            )
          return m.plan.options
        })
        .catch(error => {
          if (error instanceof DeadlineReached || error instanceof Cancelled) return r.plan.options
          throw error
        })
      minimised.set(key, pending)
    }
    return pending
  }

  /**
   * Re-runs a diverging step alone (a timeout with every other worker
   * paused): whether it diverges the same way, or null without the time to
   * find out.
   */
  const reproduces = async (
    type: string,
    r: StepResult,
    it: IterationPlan
  ): Promise<boolean | null> => {
    try {
      const again = isTimeoutType(type)
        ? await gate.alone(() => rerun(r.operation, r.plan, it))
        : await rerun(r.operation, r.plan, it)
      return sameDivergence(again, type)
    } catch (error) {
      if (error instanceof DeadlineReached || error instanceof Cancelled) return null
      throw error
    }
  }

  const onStep =
    (it: IterationPlan) =>
    async (r: StepResult): Promise<void> => {
      const stats = operations[r.operation]
      stats.runs++
      stats.seconds += r.seconds
      const outcome = r.outcome
      if (outcome.kind === 'inconclusive')
        return countInconclusive(outcome.type, r.operation, it, outcome.evidence.summary)
      if (outcome.kind !== 'divergence') return

      // A case is replayed alone once; a timeout every time, since load can fake one.
      const key = fingerprint(outcome.type, r.operation, r.plan.target, r.plan.options)
      let confirmed = reproduced.has(key) && !isTimeoutType(outcome.type)
      if (!confirmed) {
        const again = await reproduces(outcome.type, r, it)
        if (again === false) {
          log(
            `iteration ${it.iteration}: ${r.operation} ${outcome.type} did not reproduce when re-run alone (counted as inconclusive_flaky)`
          )
          return countInconclusive(
            'inconclusive_flaky',
            r.operation,
            it,
            `${outcome.type} did not reproduce: ${outcome.evidence.summary}`
          )
        }
        // null: out of time or cancelled; the finding is kept, marked unconfirmed.
        confirmed = again === true
        if (confirmed) reproduced.add(key)
      }
      const options =
        config.minimize && confirmed
          ? await minimisedOptions(key, outcome.type, r, it)
          : r.plan.options
      const fp = fingerprint(outcome.type, r.operation, r.plan.target, options)
      const occurrence: Occurrence = {
        seed: it.seed,
        iteration: it.iteration,
        step: r.step,
        originalOptions: r.plan.options,
        confirmed,
        evidence: outcome.evidence,
        versions
      }
      let finding = findings.get(fp)
      if (!finding) {
        finding = {
          fingerprint: fp,
          type: outcome.type,
          operation: r.operation,
          target: r.plan.target,
          options,
          occurrences: []
        }
        findings.set(fp, finding)
        log(
          `NEW FINDING ${fp}: ${outcome.type} in ${r.operation} ${r.plan.target} [${options.join(' ')}] (seed ${it.seed}, iteration ${it.iteration}): ${outcome.evidence.summary}`
        )
      }
      finding.occurrences.push(occurrence)
      stats.divergences++
      divergences++
    }

  const progressEvery = (config.progressEverySeconds ?? 30) * 1000
  const progress = setInterval(() => {
    const elapsed = (Date.now() - started) / 1000
    const rate = (completed / elapsed) * 60
    const inconclusive = inconclusiveTotal()
    log(
      `progress: ${completed} iterations (${rate.toFixed(1)}/min), ${divergences} divergences in ${findings.size} findings, ${inconclusive} inconclusive, ${formatDuration((deadline - Date.now()) / 1000)} left, ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`
    )
  }, progressEvery)
  progress.unref()

  const worker = async (): Promise<void> => {
    while (!config.signal?.aborted && Date.now() < deadline) {
      const k = next++
      if (k >= limit) return
      const index = config.indices
        ? config.indices[k]
        : globalIteration(k, config.shard.index, config.shard.count)
      const plan = planIteration(config.seed, index, config.operations)
      try {
        await runIteration(plan, workRoot, tools, onStep(plan), gate.shared.bind(gate))
        completed++
      } catch (error) {
        if (error instanceof DeadlineReached || error instanceof Cancelled) {
          cutShort++
          return
        }
        throw error
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: Math.max(1, config.jobs) }, worker))
  } finally {
    clearInterval(progress)
    await rm(workRoot, { recursive: true, force: true })
  }

  const total = inconclusiveTotal()
  const stoppedBy = config.signal?.aborted
    ? 'cancelled'
    : next >= limit && Date.now() < deadline
      ? 'iterations'
      : 'duration'
  return {
    seed: config.seed,
    shard: `${config.shard.index}/${config.shard.count}`,
    startedAt: new Date(started).toISOString(),
    elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
    iterations: completed,
    cutShort,
    divergences,
    inconclusive: { total, byType },
    inconclusiveSamples: samples,
    operations,
    // Most frequent first: the summary leads with them and max-new-issues files them first.
    findings: [...findings.values()].sort((a, b) => b.occurrences.length - a.occurrences.length),
    versions,
    spawns: Object.fromEntries(tools.spawns),
    stoppedBy,
    resources: resourceUse(cpuAtStart)
  }
}
