import { callRecord, type Evidence } from '../../findings/finding.js'
import { compareRuns } from '../exits.js'
import { parseJson } from '../../util/json.js'
import { differingPaths, mapExtent } from '../normalise.js'
import type { Operation, Plan } from '../operation.js'
import type { Draw } from '../draw.js'
import type { SourceSpec } from '../source.js'

export type MapKnobs = {
  /** An aligned `--start-offset` inside the first half of the disk. */
  start_offset: 'aligned' | null
  /** An aligned `--max-length`. */
  max_length: 'aligned' | null
}

export interface MapPlan extends Plan {
  knobs: MapKnobs
  startOffset?: number
  maxLength?: number
}

/** Window bounds are multiples of this: instar clips bytes where qemu-img clips clusters. */
export const MAP_ALIGN = 65536

/** Extents shown in evidence (a fragmented image can have thousands). */
const SHOWN_EXTENTS = 64

const WINDOW = [null, 'aligned'] as const

/** The window's offsets for these knobs: drawn ones kept, one aligned unit where none was drawn. */
function window(plan: MapPlan, knobs: MapKnobs, size: number): MapPlan | null {
  if (size < 2 * MAP_ALIGN && (knobs.start_offset || knobs.max_length)) return null
  return {
    ...plan,
    knobs,
    startOffset: knobs.start_offset ? (plan.startOffset ?? MAP_ALIGN) : undefined,
    maxLength: knobs.max_length ? (plan.maxLength ?? MAP_ALIGN) : undefined
  }
}

/**
 * Draws the peer's optional aligned window over the source's nominal size
 * (vpc rounds its size up, never down, so the window stays inside the
 * disk without a qemu-img info probe). Raw is skipped: instar reports one
 * allocated extent where qemu-img walks the file's holes.
 */
export function pickMap(draw: Draw, source: SourceSpec): MapPlan | null {
  if (source.format === 'raw') return null
  const size = source.sizeBytes
  const plan: MapPlan = { target: source.format, knobs: { start_offset: null, max_length: null } }
  if (size < 2 * MAP_ALIGN) return plan
  const start = draw.knob('start_offset', WINDOW, [3, 1])
  if (start)
    plan.startOffset = Math.floor(draw.int(0, Math.floor(size / 2)) / MAP_ALIGN) * MAP_ALIGN
  const length = draw.knob('max_length', WINDOW, [3, 1])
  if (length)
    plan.maxLength = Math.min(Math.floor(draw.int(MAP_ALIGN, size) / MAP_ALIGN) * MAP_ALIGN, size)
  plan.knobs = { start_offset: start, max_length: length }
  return plan
}

/** The `--start-offset`/`--max-length` window, the same for both tools. */
export function windowArgs(plan: MapPlan): string[] {
  return [
    ...(plan.startOffset !== undefined ? ['--start-offset', String(plan.startOffset)] : []),
    ...(plan.maxLength !== undefined ? ['--max-length', String(plan.maxLength)] : [])
  ]
}

/**
 * `map --output json` of the iteration's image, extent by extent: the same
 * segmentation (count) and, per extent, the same start, length, present,
 * zero and data, with the per-format skips.
 */
export const map: Operation<MapPlan> = {
  name: 'map',
  readsSource: true,
  targetIsSourceFormat: true,
  knobs: {
    start_offset: { values: WINDOW, default: null },
    max_length: { values: WINDOW, default: null }
  },
  pick: pickMap,
  withKnobs: (plan, knobs, source) => window(plan, knobs, source?.sizeBytes ?? 0),
  async run(plan, { source, tools }) {
    const window = windowArgs(plan)
    const i = await tools.instar(['map', ...window, '--output', 'json', source!.instarPath])
    const q = await tools.qemuImg(['map', ...window, '--output=json', source!.qemuPath])
    const details = { window, source: source!.spec }
    const exits = compareRuns(i, q, 'to map the image', details)
    if (exits) return exits
    const di = parseJson(i.stdout)
    const dq = parseJson(q.stdout)
    const base = (summary: string): Evidence => ({
      summary,
      instar: callRecord(i),
      qemu: callRecord(q),
      details
    })
    if (!Array.isArray(dq)) {
      return {
        kind: 'inconclusive',
        type: 'inconclusive_reference_output',
        evidence: base('qemu-img map --output=json did not print a JSON array.')
      }
    }
    if (di === undefined) {
      return {
        kind: 'divergence',
        type: 'map_json_parse_failure',
        evidence: base('instar map --output json did not print JSON.')
      }
    }
    if (!Array.isArray(di)) {
      return {
        kind: 'divergence',
        type: 'map_json_shape_divergence',
        evidence: base('instar map printed JSON that is not an array of extents.')
      }
    }
    const ei = di.map(e => mapExtent(e, plan.target))
    const eq = dq.map(e => mapExtent(e, plan.target))
    if (ei.length !== eq.length) {
      return {
        kind: 'divergence',
        type: 'map_extent_count_divergence',
        evidence: {
          ...base(`instar map reports ${ei.length} extents where qemu-img reports ${eq.length}.`),
          instarOutput: ei.slice(0, SHOWN_EXTENTS),
          qemuOutput: eq.slice(0, SHOWN_EXTENTS),
          details: { ...details, instarCount: ei.length, qemuCount: eq.length }
        }
      }
    }
    const paths = differingPaths(ei, eq)
    if (paths.length === 0) return { kind: 'pass' }
    const [, index, field] = paths[0].split('/')
    const k = Number(index)
    return {
      kind: 'divergence',
      type: 'map_field_divergence',
      evidence: {
        ...base(
          `extent ${k}'s ${field} differs: instar ${JSON.stringify(ei[k][field])}, qemu-img ${JSON.stringify(eq[k][field])}.`
        ),
        instarOutput: ei.slice(0, SHOWN_EXTENTS),
        qemuOutput: eq.slice(0, SHOWN_EXTENTS),
        differingPaths: paths,
        details: { ...details, extentIndex: k, field, instarExtent: di[k], qemuExtent: dq[k] }
      }
    }
  }
}
