import path from 'node:path'
import { compareRuns } from '../exits.js'
import { compareContent } from '../oracles.js'
import type { Operation, OperationName, Plan } from '../operation.js'

/** convert's options are the source's (its format, cluster size, data): it has none of its own. */
export interface ConvertPlan extends Plan {
  knobs: Record<string, never>
  compress: boolean
}

/**
 * `convert`'s arguments after the subcommand for one tool: the tools name
 * compression differently (instar `--compress`, qemu-img `-c`). The
 * reproducer runs the same ones.
 */
export function convertArgs(
  plan: ConvertPlan,
  tool: 'instar' | 'qemu-img',
  input: string,
  output: string
): string[] {
  const compress = tool === 'instar' ? '--compress' : '-c'
  return ['-O', plan.target, ...(plan.compress ? [compress] : []), input, output]
}

/**
 * `convert -O raw|qcow2` of the iteration's image, guest data compared with
 * a hole-aware `qemu-img compare` (raw outputs must also match in length).
 * The source's format is an option of the case (`from=`): minimisation
 * keeps it when the bug is in one reader, and drops it when every source
 * shows the bug.
 */
function convertOperation(name: OperationName, compressed: boolean): Operation<ConvertPlan> {
  return {
    name,
    readsSource: true,
    knobs: {},
    pick(draw) {
      const target = draw.knob('target', ['raw', 'qcow2'])
      return { target, knobs: {}, compress: compressed && target === 'qcow2' }
    },
    withKnobs: plan => plan,
    async run(plan, { dir, source, tools }) {
      const instarOut = path.join(dir, `instar-conv.${plan.target}`)
      const qemuOut = path.join(dir, `qemu-conv.${plan.target}`)
      const i = await tools.instar([
        'convert',
        ...convertArgs(plan, 'instar', source!.instarPath, instarOut)
      ])
      const q = await tools.qemuImg([
        'convert',
        ...convertArgs(plan, 'qemu-img', source!.qemuPath, qemuOut)
      ])
      const details = { compress: plan.compress, source: source!.spec }
      const exits = compareRuns(i, q, 'the conversion', details)
      if (exits) return exits
      return compareContent(tools, 'convert', plan.target, instarOut, qemuOut, details, {
        instar: i,
        qemu: q
      })
    }
  }
}

export const convert = convertOperation('convert', false)
export const convertCompressed = convertOperation('convert_compressed', true)
