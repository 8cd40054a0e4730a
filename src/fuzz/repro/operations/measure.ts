import type { MeasurePlan } from '../../operations/measure.js'
import { call, INSTAR, runsStage, SRC, STEP, type ReproPiece, type Stage } from '../piece.js'
import { line } from '../words.js'

/** raw and qcow2: qemu-img measures them too, so the numbers must be equal. */
function againstReference(plan: MeasurePlan): Stage[] {
  return [
    runsStage(
      ['measure', '-O', plan.target, '--output', 'json', SRC],
      ['measure', '-O', plan.target, '--output=json', SRC],
      'to measure'
    ),
    {
      reports: [
        'measure_json_parse_failure',
        'measure_numeric_divergence',
        'measure_bitmaps_presence_divergence'
      ],
      lines: ['judge measure i q'],
      python: ['measure']
    }
  ]
}

/** vmdk, vpc and vhdx: instar's own convert must fit under the fully-allocated figure it promised. */
function selfConsistency(plan: MeasurePlan): Stage[] {
  const out = `${STEP}/instar-meas.${plan.target}`
  return [
    {
      reports: ['instar_crash', 'instar_timeout', 'measure_json_parse_failure'],
      lines: [
        call('m', INSTAR, ['measure', '-O', plan.target, '--output', 'json', SRC]),
        'show m',
        'crash_or_hang m',
        "ok m || passed 'instar declined to measure.'",
        'judge measure-promise m'
      ],
      python: ['measure']
    },
    {
      reports: [
        'instar_crash',
        'instar_timeout',
        'measure_missing_output',
        'measure_above_fully_allocated_bound'
      ],
      lines: [
        call('c', INSTAR, ['convert', '-O', plan.target, SRC, out]),
        'show c',
        'crash_or_hang c',
        "ok c || passed 'instar declined to convert.'",
        `[ -e ${line(out)} ] || diverged measure_missing_output ${line(`instar convert -O ${plan.target} reported success but wrote no file.`)}`,
        line('judge', 'measure-bound', 'm', plan.target, out)
      ],
      python: ['measure']
    }
  ]
}

/** `measure -O <target>` of the source. */
export const measure: ReproPiece<MeasurePlan> = {
  fixtures: () => ({ lines: [] }),
  stages: plan =>
    plan.target === 'raw' || plan.target === 'qcow2'
      ? againstReference(plan)
      : selfConsistency(plan)
}
