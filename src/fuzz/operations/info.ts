import { callRecord } from '../../findings/finding.js'
import { compareRuns } from '../exits.js'
import { libyalInfoCrossCheck } from '../libyal.js'
import { parseJson } from '../../util/json.js'
import { differingPaths, normaliseInfo } from '../normalise.js'
import type { Operation, Plan } from '../operation.js'

/** info has no knobs of its own: the source's cluster size and data are its options. */
export interface InfoPlan extends Plan {
  knobs: Record<string, never>
}

/**
 * `info --output json` on the iteration's image against qemu-img's. Raw
 * sources are skipped: instar deliberately calls a partition-less raw file
 * "unknown format" where qemu-img says raw (a documented quirk). When they
 * agree and a libyal tool reads the format, it is a third opinion.
 */
export const info: Operation<InfoPlan> = {
  name: 'info',
  readsSource: true,
  targetIsSourceFormat: true,
  knobs: {},
  pick: (_draw, source) => (source.format === 'raw' ? null : { target: source.format, knobs: {} }),
  withKnobs: plan => plan,
  async run(_plan, { source, tools }) {
    const i = await tools.instar(['info', '--output', 'json', source!.instarPath])
    const q = await tools.qemuImg(['info', '--output=json', source!.qemuPath])
    const exits = compareRuns(i, q, 'the image')
    if (exits) return exits
    const di = parseJson(i.stdout)
    if (di === undefined) {
      return {
        kind: 'divergence',
        type: 'info_json_parse_failure',
        evidence: {
          summary: 'instar info --output json did not print JSON.',
          instar: callRecord(i),
          qemu: callRecord(q)
        }
      }
    }
    const ni = normaliseInfo(di)
    const nq = normaliseInfo(parseJson(q.stdout))
    const paths = differingPaths(ni, nq)
    if (paths.length === 0) {
      const third = tools.libyal && (await libyalInfoCrossCheck(tools, tools.libyal, source!, i, q))
      return third ?? { kind: 'pass' }
    }
    return {
      kind: 'divergence',
      type: 'info_output_divergence',
      evidence: {
        summary: `instar info differs from qemu-img info at ${paths.slice(0, 3).join(', ')}.`,
        instar: callRecord(i),
        qemu: callRecord(q),
        instarOutput: ni,
        qemuOutput: nq,
        differingPaths: paths
      }
    }
  }
}
