import { runCase } from '../../../src/fuzz/iteration.js'
import type { Operation, Plan } from '../../../src/fuzz/operation.js'
import type { Outcome } from '../../../src/fuzz/outcome.js'
import { drawFrom, type Draw } from '../../../src/fuzz/draw.js'
import { iterationRng } from '../../../src/fuzz/rng.js'
import type { Toolbox } from '../../../src/fuzz/toolbox.js'
import { testToolbox, tempDir } from '../../support/tools.js'

/**
 * Runs one plan of a self-contained operation through the same boundary
 * the campaign uses (runCase: a fresh directory, a fixture failure made
 * inconclusive), removed afterwards.
 */
export async function runPlan<P extends Plan>(
  op: Operation<P>,
  plan: P,
  tools: Toolbox
): Promise<Outcome> {
  const { dir, cleanup } = tempDir(`idf-${op.name}-`)
  try {
    return await runCase({ operation: op.name, plan }, dir, tools)
  } finally {
    cleanup()
  }
}

/** The draw of iteration `i` of `seed`, as a picker gets it. */
export function drawAt(seed: number, i: number): Draw {
  return drawFrom(iterationRng(seed, i))
}

/**
 * A toolbox whose stand-in instar has these bugs planted (the toolbox
 * copies the environment when it is made, so the variable is set only
 * around its creation).
 */
export function toolboxWithBugs(bugs: string): Toolbox {
  const before = process.env.STAND_IN_BUGS
  process.env.STAND_IN_BUGS = bugs
  try {
    return testToolbox()
  } finally {
    if (before === undefined) delete process.env.STAND_IN_BUGS
    else process.env.STAND_IN_BUGS = before
  }
}

/** Kinds and types of outcomes, for one readable assertion over many runs. */
export function unexpected(outcomes: Outcome[]): string[] {
  return outcomes
    .filter(o => o.kind === 'divergence' || o.kind === 'inconclusive')
    .map(o => `${o.kind}:${'type' in o ? o.type : ''}:${'evidence' in o ? o.evidence.summary : ''}`)
}
