import { createArgs, type CreatePlan } from '../../operations/create.js'
import { readbackStage, runsStage, STEP, type ReproPiece } from '../piece.js'

/** `create -f <target> -o ... <size>` by both tools, compared through qemu-img info. */
export const create: ReproPiece<CreatePlan> = {
  fixtures: () => ({ lines: [] }),
  stages: plan => {
    const instarPath = `${STEP}/create-instar.${plan.target}`
    const qemuPath = `${STEP}/create-qemu.${plan.target}`
    return [
      runsStage(createArgs(plan, instarPath), createArgs(plan, qemuPath), 'the options'),
      readbackStage('create', plan.target, instarPath, qemuPath)
    ]
  }
}
