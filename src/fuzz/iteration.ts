import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { fixtureFailed } from './fixture.js'
import {
  buildSource,
  drawSource,
  fileSignature,
  type SourceImage,
  type SourceSpec
} from './image.js'
import type { Operation, OperationName, Plan } from './operation.js'
import type { Outcome } from './outcome.js'
import { OPERATIONS } from './operations/index.js'
import { iterationRng } from './rng.js'
import { Cancelled, DeadlineReached } from '../util/tool-runner.js'
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

export function operation(name: OperationName): Operation<Plan> {
  const op = OPERATIONS[name]
  if (!op) throw new Error(`operation '${name}' is not implemented`)
  return op
}

/**
 * Draws an iteration the way the peer shapes one (a source image, then 2–4
 * operations from the pool, with replacement), but draws every plan up
 * front so replaying it needs nothing but the seed and the index.
 */
export function planIteration(
  seed: number,
  iteration: number,
  pool: readonly OperationName[]
): IterationPlan {
  const rng = iterationRng(seed, iteration)
  const source = drawSource(rng)
  const count = rng.int(2, 4)
  const names = Array.from({ length: count }, () => rng.choice(pool))
  const steps = names.map(name => ({ operation: name, plan: operation(name).pick(rng, source) }))
  return { seed, iteration, source, steps }
}

/**
 * An exception out of an operation is a bug in this harness, not in instar:
 * it is reported as inconclusive with its stack, never filed against instar
 * (the peer turned these into `iteration_crash` divergences).
 */
async function guarded(run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof DeadlineReached || error instanceof Cancelled) throw error
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
  operation: OperationName
  plan: Plan
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
    private readonly spec: SourceSpec,
    private readonly dir: string,
    private readonly tools: Toolbox
  ) {}

  get(): Promise<SourceImage> {
    this.built ??= mkdtemp(path.join(this.dir, 'source-')).then(d =>
      buildSource(this.spec, d, this.tools)
    )
    return this.built
  }

  discard(): void {
    this.built = undefined
  }
}

/**
 * Runs one step in `stepDir`. Operations that read the source get it from
 * the cache; afterwards the source must be unchanged, since instar was
 * only asked to read it: a modified input is a finding of its own.
 */
async function runStep(
  op: Operation<Plan>,
  plan: Plan,
  sources: SourceCache,
  stepDir: string,
  tools: Toolbox
): Promise<Outcome> {
  let source: SourceImage | undefined
  let before = ''
  if (op.readsSource) {
    try {
      source = await sources.get()
    } catch (error) {
      return fixtureFailed(error)
    }
    before = await fileSignature(source.instarPath)
  }
  await mkdir(stepDir)
  const outcome = await guarded(() => op.run(plan, { dir: stepDir, source, tools }))
  if (source && (await fileSignature(source.instarPath)) !== before) {
    sources.discard()
    return {
      kind: 'divergence',
      type: 'instar_modified_input',
      evidence: {
        summary: `instar ${op.name} modified the ${source.spec.format} image it was only asked to read.`,
        details: { source: source.spec, outcome: outcome.kind === 'pass' ? 'pass' : outcome }
      }
    }
  }
  return outcome
}

/**
 * Runs one plan of one operation alone, in a fresh directory under `root`
 * with a freshly built source: confirmation and minimisation reuse nothing
 * of the original run.
 */
export async function runAlone(
  name: OperationName,
  plan: Plan,
  spec: SourceSpec,
  root: string,
  tools: Toolbox
): Promise<Outcome> {
  const dir = await mkdtemp(path.join(root, `rerun-${name}-`))
  try {
    return await runStep(
      operation(name),
      plan,
      new SourceCache(spec, dir, tools),
      path.join(dir, 'step'),
      tools
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Runs an iteration's steps in order in one directory of its own (removed
 * afterwards). Each step gets a fresh sub-directory, so a repeated
 * operation never compares stale files. `onStep` sees each result as it
 * comes (to confirm findings while the iteration goes on); DeadlineReached
 * and Cancelled propagate. `guard` wraps each step (the quiet gate).
 */
export async function runIteration(
  plan: IterationPlan,
  root: string,
  tools: Toolbox,
  onStep: (result: StepResult) => Promise<void>,
  guard: <T>(task: () => Promise<T>) => Promise<T> = task => task()
): Promise<void> {
  const dir = await mkdtemp(path.join(root, `iter-${plan.iteration}-`))
  try {
    const sources = new SourceCache(plan.source, dir, tools)
    for (const [index, step] of plan.steps.entries()) {
      if (step.plan === null) continue
      const started = performance.now()
      const outcome = await guard(() =>
        runStep(
          operation(step.operation),
          step.plan!,
          sources,
          path.join(dir, `step-${index}`),
          tools
        )
      )
      await onStep({
        step: index,
        operation: step.operation,
        plan: step.plan,
        outcome,
        seconds: (performance.now() - started) / 1000
      })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
