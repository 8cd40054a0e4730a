import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { fixtureFailed } from './compare.js'
import { buildSource, drawSource, type SourceImage, type SourceSpec } from './image.js'
import type { Operation, OperationName, Outcome, Plan } from './operation.js'
import { OPERATIONS } from './operations/index.js'
import { iterationRng } from './rng.js'
import { Cancelled, DeadlineReached } from './tool-runner.js'
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
 * Runs one plan of one operation in a fresh directory under `root`, with
 * its own freshly built source when it reads one. Used for confirmation and
 * minimisation, where nothing of the original run may be reused.
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
    const op = operation(name)
    let source: SourceImage | undefined
    if (op.readsSource) {
      try {
        source = await buildSource(spec, dir, tools)
      } catch (error) {
        return fixtureFailed(error)
      }
    }
    const stepDir = path.join(dir, 'step')
    await mkdir(stepDir)
    return await guarded(() => op.run(plan, { dir: stepDir, source, tools }))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Runs an iteration's steps in order in one directory of its own (removed
 * afterwards), building the shared source only if a step reads it. Each
 * step gets a fresh sub-directory, so a repeated operation never compares
 * stale files. `onStep` sees each result as it comes (to confirm findings
 * while the iteration goes on); errors such as DeadlineReached propagate.
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
    let source: SourceImage | undefined
    let sourceFailure: Outcome | undefined
    for (const [index, step] of plan.steps.entries()) {
      if (step.plan === null) continue
      const op = operation(step.operation)
      const started = performance.now()
      const outcome = await guard(async (): Promise<Outcome> => {
        if (op.readsSource && !source) {
          if (sourceFailure) return sourceFailure
          try {
            source = await buildSource(plan.source, dir, tools)
          } catch (error) {
            sourceFailure = fixtureFailed(error)
            return sourceFailure
          }
        }
        const stepDir = path.join(dir, `step-${index}`)
        await mkdir(stepDir)
        return guarded(() => op.run(step.plan!, { dir: stepDir, source, tools }))
      })
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
