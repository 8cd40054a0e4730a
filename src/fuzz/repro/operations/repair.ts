import { createImageArgs, qemuIoWriteArgs } from '../../fixture.js'
import { REPAIR_WRITES, type RepairPlan } from '../../operations/repair.js'
import {
  call,
  contentStage,
  fixture,
  INSTAR,
  QEMU_IMG,
  QEMU_IO,
  STEP,
  type ReproPiece
} from '../piece.js'
import { line, ref } from '../words.js'

const QEMU = ref('Q')
const INSTAR_IMAGE = ref('I')

/**
 * `check --repair=<tier>` of instar against `check -r <tier>` of qemu-img
 * on copies of one deliberately corrupted qcow2, judged by qemu-img check
 * of both results: safety, completeness at tier all, then guest data.
 */
export const repair: ReproPiece<RepairPlan> = {
  fixtures: plan => ({
    lines: [
      `Q=${line(`${STEP}/repair-qemu.qcow2`)}`,
      `I=${line(`${STEP}/repair-instar.qcow2`)}`,
      fixture(
        'create image',
        'create',
        QEMU_IMG,
        createImageArgs({
          format: 'qcow2',
          file: QEMU,
          size: '1M',
          options: [`cluster_size=${plan.knobs.cluster_size}`]
        })
      ),
      fixture('write data', 'write', QEMU_IO, qemuIoWriteArgs('qcow2', REPAIR_WRITES, QEMU)),
      line('judge', 'corrupt', QEMU, plan.knobs.corruption)
    ],
    python: ['corrupt']
  }),
  stages: plan => {
    const tier = plan.knobs.tier
    return [
      {
        reports: ['instar_crash', 'instar_timeout'],
        lines: [
          call('baseline', QEMU_IMG, ['check', '--output=json', QEMU]),
          'show baseline',
          'judge repair-baseline baseline',
          'cp "$Q" "$I"',
          call('i', INSTAR, ['check', `--repair=${tier}`, '--output', 'json', INSTAR_IMAGE]),
          call('q', QEMU_IMG, ['check', '-r', tier, QEMU]),
          'show i',
          'show q',
          // Exit statuses of a repair are not compared; crashes and hangs are.
          'compare_exits i q noparity'
        ],
        python: ['check']
      },
      {
        reports: [
          'repair_safety_divergence',
          'repair_json_parse_failure',
          'repair_completeness_divergence'
        ],
        lines: [
          call('after', QEMU_IMG, ['check', '--output=json', INSTAR_IMAGE]),
          call('reference', QEMU_IMG, ['check', '--output=json', QEMU]),
          line('judge', 'repair', tier, 'baseline', 'i', 'after', 'reference')
        ],
        python: ['check']
      },
      contentStage('repair', 'qcow2', INSTAR_IMAGE, QEMU)
    ]
  }
}
