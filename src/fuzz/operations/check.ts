import { compareExits } from '../exits.js'
import { libyalCheckCrossCheck } from '../libyal.js'
import type { Operation, Plan } from '../operation.js'

/** check has no knobs of its own: the source's cluster size and data are its options. */
export interface CheckPlan extends Plan {
  knobs: Record<string, never>
}

/**
 * `check` on the iteration's image. Exit parity is compared for qcow2 only,
 * as the peer does (instar also checks formats qemu-img does not); on the
 * other formats the reference call still runs so that an instar crash or
 * hang is reported. Where a libyal tool reads the format, an image it
 * parses that instar rejects (or the reverse) is a finding too.
 */
export const check: Operation<CheckPlan> = {
  name: 'check',
  readsSource: true,
  targetIsSourceFormat: true,
  knobs: {},
  pick: (_draw, source) => ({ target: source.format, knobs: {} }),
  withKnobs: plan => plan,
  async run(plan, { source, tools }) {
    const i = await tools.instar(['check', source!.instarPath])
    const q = await tools.qemuImg(['check', source!.qemuPath])
    const parity = plan.target === 'qcow2'
    const exits = compareExits(i, q, undefined, parity)
    if (exits) return exits
    const third = tools.libyal && (await libyalCheckCrossCheck(tools, tools.libyal, source!, i))
    return third ?? { kind: 'pass' }
  }
}
