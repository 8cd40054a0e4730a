import path from 'node:path'
import { compareContent, compareRuns } from '../compare.js'
import type { Operation, OperationName, Plan } from '../operation.js'

export interface ConvertPlan extends Plan {
  compress: boolean
}

/**
 * `convert -O raw|qcow2` of the iteration's image, guest data compared with
 * a hole-aware `qemu-img compare` (raw outputs must also match in length).
 * The source format is a pinned option: convert bugs are reader bugs more
 * often than not, and the fingerprint should say which reader.
 */
function convertOperation(name: OperationName, compressed: boolean): Operation<ConvertPlan> {
  return {
    name,
    readsSource: true,
    pick(rng, source) {
      const target = rng.choice(['raw', 'qcow2'])
      const from = `from=${source.format}`
      return { target, options: [from], pinned: [from], compress: compressed && target === 'qcow2' }
    },
    async run(plan, { dir, source, tools }) {
      const instarOut = path.join(dir, `instar-conv.${plan.target}`)
      const qemuOut = path.join(dir, `qemu-conv.${plan.target}`)
      const i = await tools.instar([
        'convert',
        '-O',
        plan.target,
        ...(plan.compress ? ['--compress'] : []),
        source!.instarPath,
        instarOut
      ])
      const q = await tools.qemuImg([
        'convert',
        '-O',
        plan.target,
        ...(plan.compress ? ['-c'] : []),
        source!.qemuPath,
        qemuOut
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
