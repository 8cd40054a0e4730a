import { createImageArgs } from '../../fixture.js'
import { resizeArgs, seedOptions, type ResizePlan } from '../../operations/resize.js'
import { fixture, QEMU_IMG, readbackStage, runsStage, STEP, type ReproPiece } from '../piece.js'

const paths = (plan: ResizePlan): [string, string] => [
  `${STEP}/resize-instar.${plan.target}`,
  `${STEP}/resize-qemu.${plan.target}`
]

/** `resize` of two fresh qemu-img images, compared through qemu-img info. */
export const resize: ReproPiece<ResizePlan> = {
  fixtures: plan => ({
    lines: paths(plan).map((file, k) =>
      fixture(
        'create seed image',
        `seed${k}`,
        QEMU_IMG,
        createImageArgs({
          format: plan.target,
          file,
          size: plan.startSize,
          options: seedOptions(plan)
        })
      )
    )
  }),
  stages: plan => {
    const [instarPath, qemuPath] = paths(plan)
    return [
      runsStage(
        ['resize', ...resizeArgs(plan, instarPath)],
        ['resize', ...resizeArgs(plan, qemuPath)],
        'the resize'
      ),
      readbackStage('resize', plan.target, instarPath, qemuPath)
    ]
  }
}
