import { windowArgs, type MapPlan } from '../../operations/map.js'
import { runsStage, SRC, type ReproPiece } from '../piece.js'

/** `map --output json` of the source over the plan's window, extent by extent. */
export const map: ReproPiece<MapPlan> = {
  fixtures: () => ({ lines: [] }),
  stages: plan => {
    const window = windowArgs(plan)
    return [
      runsStage(
        ['map', ...window, '--output', 'json', SRC],
        ['map', ...window, '--output=json', SRC],
        'to map the image'
      ),
      {
        reports: [
          'map_json_parse_failure',
          'map_json_shape_divergence',
          'map_extent_count_divergence',
          'map_field_divergence'
        ],
        lines: [`judge map ${plan.target} i q`],
        python: ['map']
      }
    ]
  }
}
