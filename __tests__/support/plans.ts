import { planIteration } from '../../src/fuzz/iteration.js'
import type { OperationName, Plan } from '../../src/fuzz/operation.js'
import type { SourceSpec } from '../../src/fuzz/source.js'

export interface PlannedStep {
  iteration: number
  operation: OperationName
  plan: Plan
  source: SourceSpec
}

/**
 * The steps the first `iterations` iterations of a one-shard campaign run
 * (steps whose operation declines the source left out): what a test
 * expects a campaign to have done, from the plans alone, without the
 * campaign's own counting or judging.
 */
export function plannedSteps(
  seed: number,
  iterations: number,
  pool: readonly OperationName[]
): PlannedStep[] {
  return Array.from({ length: iterations }, (_, i) => planIteration(seed, i, pool)).flatMap(
    (p, i) =>
      p.steps.flatMap(s =>
        s.plan ? [{ iteration: i, operation: s.operation, plan: s.plan, source: p.source }] : []
      )
  )
}

/** How many steps of each operation in the pool those iterations run. */
export function plannedRuns(
  seed: number,
  iterations: number,
  pool: readonly OperationName[]
): Record<string, number> {
  const runs: Record<string, number> = Object.fromEntries(pool.map(op => [op, 0]))
  for (const s of plannedSteps(seed, iterations, pool)) runs[s.operation]++
  return runs
}
