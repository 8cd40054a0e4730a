import type { InfoPlan } from '../../operations/info.js'
import { libyalStage, runsStage, SRC, type ReproPiece } from '../piece.js'
import { line } from '../words.js'

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
    // libyalInfoCrossCheck: the libyal reader's size, cluster size and version against instar's.
    ...libyalStage(
      source!,
      'libyal_info_divergence',
      tool => [
        'call libyal "$LIBYAL" "$SRC"',
        'show libyal',
        `! ok libyal || judge libyal-info ${line(tool)} libyal i q`
      ],
      ['libyal']
    )
  ]
}
