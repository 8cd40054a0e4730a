import type { KnobDomain, Knobs } from '../findings/knobs.js'
import type { Draw } from './draw.js'
import type { Outcome } from './outcome.js'
import type { SourceImage, SourceSpec } from './source.js'
import type { Toolbox } from './toolbox.js'

export const OPERATION_NAMES = [
  'info',
  'check',
  'convert',
  'convert_compressed',
  'measure',
  'create',
  'resize',
  'amend',
  'rebase',
  'commit',
  'map',
  'snapshot',
  'repair',
  'dd'
] as const

export type OperationName = (typeof OPERATION_NAMES)[number]

/**
 * Everything an operation decided before running: drawn from the
 * iteration's stream, then executed deterministically, so the same plan can
 * be re-run to confirm a finding, minimised knob by knob, stored in an issue
 * and replayed by a later version. Plans are plain JSON.
 */
export interface Plan {
  /** The image format the operation is about (fingerprint field). */
  readonly target: string
  /**
   * The categorical choices (fingerprint options are derived from them);
   * everything else in a plan (sizes, offsets, data) is detail.
   */
  readonly knobs: Knobs
}

/** What one run of an operation gets: its own directory, the source, the tools. */
export interface StepContext {
  /** A fresh directory of this run's own; removed afterwards. */
  dir: string
  /** The iteration's image, present for operations that read it. */
  source?: SourceImage
  tools: Toolbox
}

/**
 * One operation: its knobs, its picker, its runner and its comparison.
 * Adding an operation is one new file implementing this and one registry
 * line (operations/index.ts).
 */
export interface Operation<P extends Plan = Plan> {
  readonly name: OperationName
  /** Reads the iteration's source image (else it builds its own fixtures). */
  readonly readsSource: boolean
  /**
   * The target is the source's own format (info, check, map): the
   * source's format is then not an option of the case, and minimisation
   * never changes it.
   */
  readonly targetIsSourceFormat?: boolean
  /** The domain and default of every knob the picker draws, by option key. */
  readonly knobs: Readonly<Record<string, KnobDomain>>
  /** Draws a plan; null when this operation does not apply to the source. */
  pick(draw: Draw, source: SourceSpec): P | null
  /**
   * The plan with other knob values (only keys the plan has), its details
   * derived again where they depend on them or on the source; null when
   * that combination is not a case the picker could draw.
   */
  withKnobs(plan: P, knobs: P['knobs'], source: SourceSpec | undefined): P | null
  run(plan: P, ctx: StepContext): Promise<Outcome>
}
