import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { callRecord } from '../findings/finding.js'
import { freeBytes } from '../util/disk.js'
import { Stopped } from '../util/tool-runner.js'
import { caseOf, type Case } from './case.js'
import { drawFrom, type KnobWeights } from './draw.js'
import { outOfSpace } from './exits.js'
import { FixtureError } from './fixture.js'
import type { Operation, OperationName, Plan } from './operation.js'
import { operation } from './operations/index.js'
import type { Outcome } from './outcome.js'
import { iterationRng } from './rng.js'
import {
  buildSource,
  drawSource,
  fileSignature,
  type SourceImage,
  type SourceSpec
} from './source.js'
import type { Toolbox } from './toolbox.js'

export interface Step {
  operation: OperationName
  /** null: the operation does not apply to this source (e.g. info on raw). */
  plan: Plan | null
}

/** Everything an iteration will do, decided by (seed, iteration) alone. */
export interface IterationPlan {
  seed: number
  iteration: number
  source: SourceSpec
  steps: Step[]
}

/** Weights for the pickers of each operation (and of the source): coverage steering. */
export type Steering = (drawer: OperationName | 'source') => KnobWeights | undefined

/**
 * Draws an iteration the way the peer shapes one (a source image, then 2-4
 * operations from the pool, with replacement), but draws every plan up
 * front so replaying it needs nothing but the seed, the index and the
 * steering weights the run started with.
 */
export function planIteration(
  seed: number,
  iteration: number,
  pool: readonly OperationName[],
  steering?: Steering
): IterationPlan {
  const rng = iterationRng(seed, iteration)
  const source = drawSource(drawFrom(rng, steering?.('source')))
  const count = rng.int(2, 4)
  const names = Array.from({ length: count }, () => rng.choice(pool))
  const steps = names.map(name => ({
    operation: name,
    plan: operation(name).pick(drawFrom(rng, steering?.(name)), source)
  }))
  return { seed, iteration, source, steps }
}

/** The case one step of an iteration runs. */
export function stepCase(plan: IterationPlan, step: Step & { plan: Plan }): Case {
  return caseOf(step.operation, step.plan, plan.source)
}

/**
 * Free space below which no iteration starts and no divergence counts:
 * the largest case writes well under this (dd copies at most 64 MiB,
 * preallocating resizes 16 MiB, sources are sparse), so a full disk never
 * turns into a false divergence.
 */
export const MIN_FREE_BYTES = 256 * 1024 * 1024

/** Why the folder `root` is too full to trust a case run in it, or null while it has `least` bytes free. */
export async function lowOnSpace(root: string, least: number): Promise<string | null> {
  const free = await freeBytes(root)
  if (free >= least) return null
  return `the work folder ${root} has ${Math.floor(free / 2 ** 20)} MiB free (less than ${Math.floor(least / 2 ** 20)} MiB)`
}

/**
 * A divergence seen with `root` nearly full, as the inconclusive it is.
 * Tools do not always say the disk is full (qemu-img 7.2 aborts on an
 * assertion, saying nothing of space, when it creates a vmdk without
 * room), so such a divergence decides nothing, whether it is a first
 * sighting, a confirmation, a minimisation trial or a recheck. Only a
 * divergence pays for the statfs: the other outcomes are the hot path.
 */
async function unlessDiskFull(outcome: Outcome, root: string, least: number): Promise<Outcome> {
  if (outcome.kind !== 'divergence') return outcome
  const low = await lowOnSpace(root, least)
  if (!low) return outcome
  return {
    kind: 'inconclusive',
    type: 'inconclusive_no_space',
    evidence: {
      ...outcome.evidence,
      summary: `${outcome.type} seen with the work folder nearly full (${low}): nothing was decided.`
    }
  }
}

/**
 * The one boundary around an operation's run. A fixture the reference
 * tools could not build is inconclusive, never instar's fault; any other
 * exception is a bug in this harness, reported with its stack, never
 * filed against instar (the peer turned these into `iteration_crash`
 * divergences). The time box and cancellation pass through.
 */
async function guarded(run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof Stopped) throw error
    if (error instanceof FixtureError) {
      return {
        kind: 'inconclusive',
        type:
          error.result && outOfSpace(error.result)
            ? 'inconclusive_no_space'
            : 'inconclusive_fixture_failed',
        evidence: {
          summary: `the reference tools could not build the fixture (${error.step}): ${error.message}`,
          qemu: error.result ? callRecord(error.result) : undefined
        }
      }
    }
    const e = error instanceof Error ? error : new Error(String(error))
    return {
      kind: 'inconclusive',
      type: 'harness_error',
      evidence: { summary: `the harness failed: ${e.message}`, details: { stack: e.stack } }
    }
  }
}

export interface StepResult {
  step: number
  case: Case
  outcome: Outcome
  seconds: number
}

/**
 * The iteration's source, built on first use (operations that build their
 * own fixtures never pay for it), and built again after instar modified it.
 */
class SourceCache {
  private built?: Promise<SourceImage>

  constructor(
    private readonly spec: SourceSpec | undefined,
    private readonly dir: string,
    private readonly tools: Toolbox
  ) {}

  get(): Promise<SourceImage> {
    const spec = this.spec
    if (!spec) throw new Error('an operation that reads a source got a case without one')
    this.built ??= mkdtemp(path.join(this.dir, 'source-')).then(d =>
      buildSource(spec, d, this.tools)
    )
    return this.built
  }

  discard(): void {
    this.built = undefined
  }
}

/** Where cases run, and the free space below which their divergences decide nothing. */
interface Floor {
  root: string
  minFreeBytes: number
}

/**
 * Runs one step in `stepDir`. Operations that read the source get it from
 * the cache; afterwards the source must be unchanged, since instar was
 * only asked to read it: a modified input is a finding of its own. Every
 * case's outcome comes from here, so this is where a divergence on a
 * nearly full disk (with a `floor`) is made inconclusive.
 */
async function runStep(
  op: Operation<Plan>,
  plan: Plan,
  sources: SourceCache,
  stepDir: string,
  tools: Toolbox,
  floor: Floor | undefined
): Promise<Outcome> {
  const ran = await guarded(async () => {
    const source = op.readsSource ? await sources.get() : undefined
    const before = source ? await fileSignature(source.instarPath) : ''
    await mkdir(stepDir)
    const outcome = await guarded(() => op.run(plan, { dir: stepDir, source, tools }))
    if (!source || (await fileSignature(source.instarPath)) === before) return outcome
    sources.discard()
    return {
      kind: 'divergence',
      type: 'instar_modified_input',
      evidence: {
        summary: `instar ${op.name} modified the ${source.spec.format} image it was only asked to read.`,
        details: { source: source.spec, outcome: outcome.kind === 'pass' ? 'pass' : outcome }
      }
    }
  })
  return floor ? unlessDiskFull(ran, floor.root, floor.minFreeBytes) : ran
}

/**
 * Runs one case by itself, in a fresh directory under `root` with a
 * freshly built source: confirmation and minimisation reuse nothing of
 * the run that found it. With `minFreeBytes`, a divergence seen with less
 * than that free under `root` is inconclusive_no_space (unlessDiskFull);
 * without, every outcome is as the tools gave it.
 */
export async function runCase(
  c: Case,
  root: string,
  tools: Toolbox,
  minFreeBytes?: number
): Promise<Outcome> {
  const dir = await mkdtemp(path.join(root, `case-${c.operation}-`))
  const floor = minFreeBytes === undefined ? undefined : { root, minFreeBytes }
  try {
    const sources = new SourceCache(c.source, dir, tools)
    const stepDir = path.join(dir, 'step')
    return await runStep(operation(c.operation), c.plan, sources, stepDir, tools, floor)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Runs an iteration's steps in order in one directory of its own (removed
 * afterwards). Each step gets a fresh sub-directory, so a repeated
 * operation never compares stale files. `onStep` sees each result as it
 * comes (to confirm findings while the iteration goes on); Stopped (the
 * time box, a cancellation) propagates. `guard` wraps each step (the
 * quiet gate). A divergence seen with less than `minFreeBytes` free under
 * `root` is inconclusive_no_space, as in runCase.
 */
export async function runIteration(
  plan: IterationPlan,
  root: string,
  tools: Toolbox,
  onStep: (result: StepResult) => Promise<void>,
  guard: <T>(task: () => Promise<T>) => Promise<T>,
  /** Steps not worth running (a known hang's case): neither run nor reported. */
  skip: (c: Case) => boolean,
  minFreeBytes: number
): Promise<void> {
  const dir = await mkdtemp(path.join(root, `iter-${plan.iteration}-`))
  const floor = { root, minFreeBytes }
  try {
    const sources = new SourceCache(plan.source, dir, tools)
    for (const [index, step] of plan.steps.entries()) {
      if (step.plan === null) continue
      const stepped = stepCase(plan, { operation: step.operation, plan: step.plan })
      if (skip(stepped)) continue
      const started = performance.now()
      const stepDir = path.join(dir, `step-${index}`)
      const op = operation(step.operation)
      const outcome = await guard(() => runStep(op, step.plan!, sources, stepDir, tools, floor))
      await onStep({
        step: index,
        case: stepped,
        outcome,
        seconds: (performance.now() - started) / 1000
      })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
