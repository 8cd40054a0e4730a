import { compareExits } from '../compare.js'
import type { Operation, Plan } from '../operation.js'

/**
 * `check` on the iteration's image. Exit parity is compared for qcow2 only,
 * as the peer does (instar also checks formats qemu-img does not); on the
 * other formats the reference call still runs so that an instar crash or
 * hang is reported (the peer looked at nothing there without libyal).
 */
export const check: Operation<Plan> = {
  name: 'check',
  readsSource: true,
  pick: (_rng, source) => ({ target: source.format, options: [] }),
  async run(plan, { source, tools }) {
    const i = await tools.instar(['check', source!.instarPath])
    const q = await tools.qemuImg(['check', source!.qemuPath])
    const parity = plan.target === 'qcow2'
    return compareExits(i, q, undefined, parity) ?? { kind: 'pass' }
  }
}
