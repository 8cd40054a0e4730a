import type { Outcome } from './outcome.js'
import type { Rng } from './rng.js'
import type { SourceImage, SourceSpec } from './image.js'
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
 * be re-run to confirm a finding or to minimise its options.
 */
export interface Plan {
  /** The image format the operation is about (fingerprint field). */
  target: string
  /** Categorical `key=value` options (fingerprint field; no sizes or seeds). */
  options: string[]
  /** Options minimisation must keep (they define the case, e.g. `from=vpc`). */
  pinned?: string[]
}

export interface RunContext {
  /** A fresh directory of this run's own; removed afterwards. */
  dir: string
  /** The iteration's image, present for operations that read it. */
  source?: SourceImage
  tools: Toolbox
}

/**
 * One operation: its option picker, its runner and its comparison. Adding
 * an operation is one new file implementing this and one registry line.
 */
export interface Operation<P extends Plan = Plan> {
  readonly name: OperationName
  /** Reads the iteration's source image (else it builds its own fixtures). */
  readonly readsSource: boolean
  /** Draws a plan; null when this operation does not apply to the source. */
  pick(rng: Rng, source: SourceSpec): P | null
  run(plan: P, ctx: RunContext): Promise<Outcome>
  /**
   * The same plan with only these options (a subset of plan.options), for
   * minimisation; null when that combination is not a valid case. Leave it
   * out when the plan has no droppable options.
   */
  withOptions?(plan: P, options: string[]): P | null
}
