import type { CheckPlan } from '../../operations/check.js'
import type { SourceSpec } from '../../source.js'
import { libyalStage, runsStage, SRC, type ReproPiece, type Stage } from '../piece.js'

/**
 * The libyal cross-check of op check: whether instar calls the image
 * sound (exit 0, or 3 for leaks only) must agree with whether libyal
 * opens it; instar's "no check for this format" (63) gives no verdict.
 */
function libyalCheckStage(spec: SourceSpec): Stage[] {
  return libyalStage(spec, 'libyal_check_divergence', tool => [
    'end_of i',
    'if [ "$TO" = 0 ] && [ "$RC" -le 128 ] && [ "$RC" != 63 ]; then',
    '  case $RC in 0 | 3) INSTAR_OK=1 ;; *) INSTAR_OK=0 ;; esac',
    '  call libyal "$LIBYAL" "$SRC"',
    '  show libyal',
    '  if timed_out libyal || { end_of libyal && [ "$RC" -gt 128 ]; }; then',
    `    inconclusive inconclusive_external_timeout "${tool} $(ended libyal); libyal gave no answer."`,
    '  fi',
    '  if ok libyal; then LIBYAL_OK=1; else LIBYAL_OK=0; fi',
    '  if [ "$INSTAR_OK" = 1 ] && [ "$LIBYAL_OK" = 0 ]; then',
    `    inconclusive inconclusive_libyal_outlier "${tool} cannot open the ${spec.format} image qemu-img wrote and instar checks clean ($(ended libyal))."`,
    '  elif [ "$INSTAR_OK" = 0 ] && [ "$LIBYAL_OK" = 1 ]; then',
    `    diverged libyal_check_divergence "instar check rejects the ${spec.format} image ($(ended i)) that ${tool} reads without complaint."`,
    '  fi',
    'fi'
  ])
}

/** `check` of the source; exit statuses compared on qcow2 only, then libyal's opinion. */
export const check: ReproPiece<CheckPlan> = {
  fixtures: () => ({ lines: [] }),
  stages: (plan, source) => [
    runsStage(['check', SRC], ['check', SRC], { noparity: plan.target !== 'qcow2' }),
    ...libyalCheckStage(source!)
  ]
}
