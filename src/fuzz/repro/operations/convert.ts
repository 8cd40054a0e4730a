import { convertArgs, type ConvertPlan } from '../../operations/convert.js'
import { contentStage, runsStage, SRC, STEP, type ReproPiece } from '../piece.js'

/** `convert -O <target>` (compressed: instar's `--compress`, qemu-img's `-c`), guest data compared. */
export const convert: ReproPiece<ConvertPlan> = {
  fixtures: () => ({ lines: [] }),
  stages: plan => {
    const instarOut = `${STEP}/instar-conv.${plan.target}`
    const qemuOut = `${STEP}/qemu-conv.${plan.target}`
    return [
      runsStage(
        ['convert', ...convertArgs(plan, 'instar', SRC, instarOut)],
        ['convert', ...convertArgs(plan, 'qemu-img', SRC, qemuOut)],
        'the conversion'
      ),
      contentStage('convert', plan.target, instarOut, qemuOut)
    ]
  }
}
