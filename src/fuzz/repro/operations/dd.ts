import type { DdPlan } from '../../operations/dd.js'
import { contentStage, runsStage, SRC, STEP, type ReproPiece } from '../piece.js'

/** `dd -O <target> if= of= [bs=] [count=] [skip=]` of the source, guest data compared. */
export const dd: ReproPiece<DdPlan> = {
  fixtures: () => ({ lines: [] }),
  stages: plan => {
    const operands = (output: string): string[] => [
      '-O',
      plan.target,
      `if=${SRC}`,
      `of=${output}`,
      ...(plan.bs !== null ? [`bs=${plan.bs}`] : []),
      ...(plan.count !== null ? [`count=${plan.count}`] : []),
      ...(plan.skip > 0 ? [`skip=${plan.skip}`] : [])
    ]
    const instarOut = `${STEP}/instar-dd.${plan.target}`
    const qemuOut = `${STEP}/qemu-dd.${plan.target}`
    return [
      runsStage(['dd', ...operands(instarOut)], ['dd', ...operands(qemuOut)], 'the dd'),
      contentStage('dd', plan.target, instarOut, qemuOut)
    ]
  }
}
