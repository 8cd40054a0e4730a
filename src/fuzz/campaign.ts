import type { CampaignResult } from '../findings/campaign-result.js'
import { countDivergence, countRun, emptyCoverage, type CoverageMap } from '../findings/coverage.js'
import type { Evidence } from '../findings/finding.js'
import type { DivergenceType } from '../findings/types.js'
import { formatDuration } from '../util/duration.js'
import type { QemuVersion } from '../util/qemu-version.js'
import { isNoSpace } from '../util/disk.js'
import { cpuSample, resourceUse } from '../util/resources.js'
import { workFolder, type WorkFolder } from '../util/work-folder.js'
import { Stopped } from '../util/tool-runner.js'
import { caseDimensions, caseOptions, type Case } from './case.js'
import { Confirmer, type Resolution } from './confirmer.js'
import { caseCells, findingCells } from './coverage-space.js'
import {
  lowOnSpace,
  MIN_FREE_BYTES,
  planIteration,
  runCase,
  runIteration,
  type IterationPlan,
  type Steering,
  type StepResult
} from './iteration.js'
import { describeLibyal, detectLibyal } from './libyal-tools.js'
import type { OperationName } from './operation.js'
import { noSpace } from './outcome.js'
import { QuietGate } from './quiet-gate.js'
import { globalIteration } from './rng.js'
import { Tally } from './tally.js'
import { createToolbox, OUTPUT_CAP, type Toolbox, type ToolPaths } from './toolbox.js'
import { runPool } from './worker-pool.js'

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
  /** Picker weights fixed at the start of the run (coverage steering); none: the pickers as written. */
  steering?: Steering
  /** No iteration starts with less free space than this in the work folder (MIN_FREE_BYTES). */
  minFreeBytes?: number
  signal?: AbortSignal
  log?: (line: string) => void
  progressEverySeconds?: number
}

/** Most trials one finding's minimisation may run. */
const MINIMISE_TRIALS = 32

/**
 * The end of the time box kept for confirming and minimising what was
 * found before it: a tenth of the box, or four calls' timeouts, whichever
 * is more, and never more than a quarter. Iterations go on meanwhile; only
 * a new bug found in it is reported unminimised instead of half-minimised.
 */
export function reserveSeconds(durationSeconds: number, timeoutSeconds: number): number {
  if (!Number.isFinite(durationSeconds)) return 0
  return Math.min(durationSeconds / 4, Math.max(durationSeconds / 10, 4 * timeoutSeconds))
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

/** What the campaign's parts share while it runs. */
interface Run {
  config: CampaignConfig
  tools: Toolbox
  tally: Tally
  confirmer: Confirmer
  gate: QuietGate
  versions: CampaignResult['versions']
  /** The option space this campaign ran, every run counted (cells named by coverage-space.ts). */
  coverage: CoverageMap
  /** When the campaign started: the `last` of every cell it runs. */
  startedAt: string
  /** Resolutions the workers did not wait for (queued behind their family). */
  deferred: Promise<void>[]
  /** Known hangs whose cases were skipped (each said once in the log). */
  hangsSkipped: Set<string>
  log: (line: string) => void
  /** Set when the work folder filled up: why no more iterations start. */
  noSpace?: string
}

/** Stops the iterations for a full disk: the campaign keeps what it found and says so once. */
class NoSpace extends Stopped {}

/** Records, once, that the work folder is full: no iteration starts after it. */
function outOfSpace(run: Run, reason: string): string {
  if (!run.noSpace) {
    run.noSpace = `${reason}: no more iterations were started; what was found is kept`
    run.log(`stopping: ${run.noSpace}`)
  }
  return run.noSpace
}

/** The free space below which no iteration starts and no divergence counts. */
function floorOf(config: CampaignConfig): number {
  return config.minFreeBytes ?? MIN_FREE_BYTES
}

/** Before each iteration: enough free space, or the campaign stops starting them. */
async function ensureSpace(run: Run): Promise<void> {
  if (run.noSpace) throw new NoSpace(run.noSpace)
  const low = await lowOnSpace(run.config.workRoot, floorOf(run.config))
  if (low) throw new NoSpace(outOfSpace(run, low))
}

/** Counts a resolved divergence: a finding's occurrence, or a flaky one. */
function record(
  run: Run,
  r: StepResult & { outcome: { type: DivergenceType; evidence: Evidence } },
  it: IterationPlan,
  resolution: Resolution
): void {
  const op = r.case.operation
  if (resolution.kind === 'flaky') {
    run.log(
      `iteration ${it.iteration}: ${op} ${r.outcome.type} did not reproduce when re-run alone (counted as inconclusive_flaky)`
    )
    run.tally.inconclusive(
      'inconclusive_flaky',
      op,
      it,
      `${r.outcome.type} did not reproduce: ${resolution.summary}`
    )
    return
  }
  const { identity } = resolution
  countDivergence(run.coverage, op, findingCells(identity.target, identity.options))
  const fresh = run.tally.occurrence(identity, {
    seed: it.seed,
    iteration: it.iteration,
    step: r.step,
    originalOptions: caseOptions(r.case),
    dimensions: caseDimensions(r.case),
    confirmed: resolution.rerun,
    evidence: r.outcome.evidence,
    versions: run.versions
  })
  if (fresh)
    run.log(
      `NEW FINDING ${identity.fingerprint}: ${identity.type} in ${op} ${identity.target} [${identity.options.join(' ')}]${identity.status === 'unminimised' ? ' (unminimised)' : ''} (seed ${it.seed}, iteration ${it.iteration}): ${r.outcome.evidence.summary}`
    )
}

/** What the campaign does with each step's result as it comes. */
function onStep(run: Run, it: IterationPlan) {
  return async (r: StepResult): Promise<void> => {
    const op = r.case.operation
    run.tally.ran(op, r.seconds)
    countRun(run.coverage, op, caseCells(r.case), run.startedAt)
    const outcome = r.outcome
    if (noSpace(outcome))
      outOfSpace(run, `a tool ran out of disk space in the work folder ${run.config.workRoot}`)
    if (outcome.kind === 'inconclusive')
      return run.tally.inconclusive(outcome.type, op, it, outcome.evidence.summary)
    if (outcome.kind !== 'divergence') return
    const diverging = { ...r, outcome }
    const { resolution, queued } = run.confirmer.resolve(outcome.type, r.case, outcome.evidence)
    const counted = resolution.then(res => record(run, diverging, it, res))
    if (queued) run.deferred.push(counted)
    else await counted
  }
}

function startProgress(run: Run, started: number, deadline: number, completed: () => number) {
  const every = (run.config.progressEverySeconds ?? 30) * 1000
  const timer = setInterval(() => {
    const elapsed = (Date.now() - started) / 1000
    const rate = (completed() / elapsed) * 60
    run.log(
      `progress: ${completed()} iterations (${rate.toFixed(1)}/min), ${run.tally.divergences} divergences in ${run.tally.findingCount} findings, ${run.tally.inconclusiveTotal} inconclusive, ${formatDuration((deadline - Date.now()) / 1000)} left, ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`
    )
  }, every)
  timer.unref()
  return timer
}

/** Whether a step's case contains a hang already found: counted, said once per hang, not run. */
function skipsKnownHang(run: Run, c: Case): boolean {
  const fp = run.confirmer.knownHang(c)
  if (fp === null) return false
  run.confirmer.cost.skippedKnownHangs++
  if (!run.hangsSkipped.has(fp)) {
    run.hangsSkipped.add(fp)
    run.log(`skipping the cases that contain the known hang ${fp}: they would only time out again`)
  }
  return true
}

/** One iteration of the pool: plan it from (seed, index), run it, count it. */
async function iterate(run: Run, workRoot: string, k: number): Promise<void> {
  const { config } = run
  await ensureSpace(run)
  const index = config.indices
    ? config.indices[k]
    : globalIteration(k, config.shard.index, config.shard.count)
  const plan = planIteration(config.seed, index, config.operations, config.steering)
  try {
    await runIteration(
      plan,
      workRoot,
      run.tools,
      onStep(run, plan),
      task => run.gate.shared(task),
      c => skipsKnownHang(run, c),
      floorOf(config)
    )
  } catch (error) {
    if (!isNoSpace(error)) throw error
    throw new NoSpace(
      outOfSpace(run, `the work folder ${config.workRoot} is full (${(error as Error).message})`)
    )
  }
}

/** The campaign's parts, set up: tools, confirmer, tally, and the folder iterations run in. */
async function setUp(
  config: CampaignConfig,
  { started, deadline }: { started: number; deadline: number },
  log: (line: string) => void
): Promise<{ run: Run; work: WorkFolder }> {
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
  const work = await workFolder(config.workRoot, 'work-')
  const workRoot = work.dir
  const gate = new QuietGate()
  const confirmer = new Confirmer({
    run: (c: Case) => runCase(c, workRoot, tools, floorOf(config)),
    exclusive: task => gate.exclusive(task),
    minimize: config.minimize,
    maxTrials: MINIMISE_TRIALS,
    maxSeconds: Math.max(180, 8 * config.timeoutSeconds),
    newWorkUntil: deadline - reserveSeconds(config.durationSeconds, config.timeoutSeconds) * 1000,
    deadline,
    log
  })
  const run: Run = {
    config,
    tools,
    tally: new Tally([...new Set(config.operations)]),
    confirmer,
    gate,
    versions: { instar: await instarVersion(tools), qemuImg: config.qemuVersion.text },
    coverage: { ...emptyCoverage(), campaigns: 1 },
    startedAt: new Date(started).toISOString(),
    deferred: [],
    hangsSkipped: new Set(),
    log
  }
  return { run, work }
}

/**
 * One line for the tool calls whose descendants left their process group
 * and held the output open (a hang the runner avoided, but a leak in the
 * tool), and one for those that printed past the output cap (cut, not
 * stopped): what the run survived is said, not only absorbed.
 */
function toolWarnings(tools: Toolbox): string[] {
  const calls = (n: number): string => (n === 1 ? '1 tool call' : `${n} tool calls`)
  const cap = OUTPUT_CAP / 2 ** 20
  const lines: string[] = []
  const { escapes, floods } = tools
  if (escapes.count > 0)
    lines.push(
      `${calls(escapes.count)} left a process outside the call's process group holding its output open; the call ended without waiting for it and the process was killed (first: ${escapes.first})`
    )
  if (floods.count > 0)
    lines.push(
      `${calls(floods.count)} printed more than ${cap} MiB on a stream; the first ${cap} MiB of each stream were kept and the tool was not stopped (first: ${floods.first})`
    )
  return lines
}

/**
 * Runs the seeded, time-boxed, parallel fuzz loop: `jobs` workers take
 * iterations from this shard's stream (worker-pool.ts) until the time box,
 * the iteration limit or a cancellation ends it; each divergence is
 * confirmed and minimised once per bug (confirmer.ts) and counted into one
 * finding per fingerprint (tally.ts).
 */
export async function runCampaign(config: CampaignConfig): Promise<CampaignResult> {
  const log = config.log ?? (() => {})
  const started = Date.now()
  const cpuAtStart = cpuSample()
  const deadline = started + config.durationSeconds * 1000
  const { run, work } = await setUp(config, { started, deadline }, log)
  let completed = 0
  const progress = startProgress(run, started, deadline, () => completed)
  const limit = config.indices?.length ?? (config.iterations > 0 ? config.iterations : Infinity)
  let pool
  try {
    pool = await runPool({
      jobs: config.jobs,
      limit,
      deadline,
      signal: config.signal,
      run: async k => {
        await iterate(run, work.dir, k)
        completed++
      }
    })
    await Promise.all(run.deferred)
  } finally {
    clearInterval(progress)
    await work.remove()
  }
  return {
    seed: config.seed,
    shard: `${config.shard.index}/${config.shard.count}`,
    startedAt: run.startedAt,
    elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
    iterations: pool.completed,
    cutShort: pool.cutShort,
    ...run.tally.result(),
    versions: run.versions,
    spawns: Object.fromEntries(run.tools.spawns),
    stoppedBy: run.noSpace ? 'no-space' : pool.stoppedBy,
    problems: run.noSpace ? [run.noSpace] : [],
    warnings: toolWarnings(run.tools),
    resources: resourceUse(cpuAtStart),
    confirmation: { ...run.confirmer.cost },
    coverage: run.coverage
  }
}
