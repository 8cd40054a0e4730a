import { ddOperands, type DdPlan } from '../../operations/dd.js'
import { contentStage, runsStage, SRC, STEP, type ReproPiece } from '../piece.js'

/** `dd -O <target> if= of= [bs=] [count=] [skip=]` of the source, guest data compared. */
export const dd: ReproPiece<DdPlan> = {
  fixtures: () => ({ lines: [] }),
  stages: plan => {
    const instarOut = `${STEP}/instar-dd.${plan.target}`
    const qemuOut = `${STEP}/qemu-dd.${plan.target}`
    return [
      runsStage(
        ['dd', ...ddOperands(plan, SRC, instarOut)],
        ['dd', ...ddOperands(plan, SRC, qemuOut)],
        'the dd'
      ),
      contentStage('dd', plan.target, instarOut, qemuOut)
    ]
  }
}
