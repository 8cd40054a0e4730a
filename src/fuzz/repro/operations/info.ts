import { LIBYAL_TOOLS } from '../../libyal-tools.js'
import type { InfoPlan } from '../../operations/info.js'
import type { SourceSpec } from '../../source.js'
import { runsStage, SRC, type ReproPiece, type Stage } from '../piece.js'
import { line } from '../words.js'

/**
 * The libyal cross-check of op info, when the format has a libyal reader
 * on PATH (the harness runs it only where it found one too). A finding of
 * that type cannot be decided without the tool.
 */
function libyalInfoStage(spec: SourceSpec): Stage {
  const tool = LIBYAL_TOOLS[spec.format]
  return {
    reports: ['libyal_info_divergence'],
    lines: [
      `if LIBYAL=$(command -v ${line(tool)}); then`,
      `  call libyal "$LIBYAL" "$SRC"`,
      '  show libyal',
      `  ! ok libyal || judge libyal-info ${line(tool)} libyal i q`,
      'elif [ "$EXPECTED" = libyal_info_divergence ]; then',
      `  inconclusive no_libyal_tool ${line(`${tool} is not on PATH: the libyal cross-check cannot run.`)}`,
      'fi'
    ],
    python: ['libyal']
  }
}

/** `info --output json` of the source against qemu-img's, normalised; then libyal's opinion. */
export const info: ReproPiece<InfoPlan> = {
  fixtures: () => ({ lines: [] }),
  stages: (_plan, source) => [
    runsStage(['info', '--output', 'json', SRC], ['info', '--output=json', SRC], 'the image'),
    {
      reports: ['info_json_parse_failure', 'info_output_divergence'],
      lines: ['judge info i q'],
      python: ['info']
    },
    ...(LIBYAL_TOOLS[source!.format] ? [libyalInfoStage(source!)] : [])
  ]
}
