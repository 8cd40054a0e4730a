import type { Operation, Plan } from '../../../src/fuzz/operation.js'
import type { Outcome } from '../../../src/fuzz/outcome.js'
import type { Toolbox } from '../../../src/fuzz/toolbox.js'
import { testToolbox, tempDir } from '../../support/tools.js'

/** Runs one plan of a self-contained operation in a fresh directory, removed afterwards. */
export async function runPlan<P extends Plan>(
  op: Operation<P>,
  plan: P,
  tools: Toolbox
): Promise<Outcome> {
  const { dir, cleanup } = tempDir(`idf-${op.name}-`)
  try {
    return await op.run(plan, { dir, tools })
  } finally {
    cleanup()
  }
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
