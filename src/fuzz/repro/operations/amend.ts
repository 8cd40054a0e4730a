import { createImageArgs } from '../../fixture.js'
import { amendArgs, amendOptions, type AmendPlan } from '../../operations/amend.js'
import { fixture, QEMU_IMG, readbackStage, runsStage, STEP, type ReproPiece } from '../piece.js'
import { line } from '../words.js'

const paths: [string, string] = [`${STEP}/amend-instar.qcow2`, `${STEP}/amend-qemu.qcow2`]

/** `amend` of two qemu-img-made qcow2 images: info compared, then instar's checked clean. */
export const amend: ReproPiece<AmendPlan> = {
  fixtures: plan => ({
    lines: paths.map((file, k) =>
      fixture(
        'create image to amend',
        `seed${k}`,
        QEMU_IMG,
        createImageArgs({ format: 'qcow2', file, size: '1M', options: amendOptions(plan).create })
      )
    )
  }),
  stages: plan => [
    runsStage(
      ['amend', ...amendArgs(plan, paths[0])],
      ['amend', ...amendArgs(plan, paths[1])],
      'the amendment'
    ),
    readbackStage('amend', 'qcow2', ...paths),
    {
      reports: ['amend_check_divergence'],
      lines: [line('check_clean', 'amend', paths[0])],
      python: ['check']
    }
  ]
}
