import { countRun, emptyCoverage, type CoverageMap } from '../../src/findings/coverage.js'
import { caseCells } from '../../src/fuzz/coverage-space.js'
import { planIteration, stepCase, type Steering } from '../../src/fuzz/iteration.js'
import type { OperationName, Plan } from '../../src/fuzz/operation.js'

/**
 * The coverage map a campaign of `iterations` iterations of `seed` over
 * `pool` would count, from the plans alone (nothing runs): maps of earlier
 * nights, drawn in milliseconds.
 */
export function plannedCoverage(
  seed: number,
  iterations: number,
  pool: readonly OperationName[],
  { steering, when = 't' }: { steering?: Steering; when?: string } = {}
): CoverageMap {
  const map = { ...emptyCoverage(), campaigns: 1 }
  for (let i = 0; i < iterations; i++) {
    const plan = planIteration(seed, i, pool, steering)
    for (const step of plan.steps)
      if (step.plan)
        countRun(
          map,
          step.operation,
          caseCells(stepCase(plan, step as { operation: OperationName; plan: Plan })),
          when
        )
  }
  return map
}
