import type { Evidence } from '../findings/finding.js'
import type { DivergenceType, InconclusiveType } from '../findings/types.js'

/** What one run of an operation concluded; types come from the catalogue in findings/types.ts. */
export type Outcome =
  | { kind: 'pass' }
  /** Nothing to compare (both tools refused, or the case does not apply). */
  | { kind: 'skip'; reason: string }
  | { kind: 'divergence'; type: DivergenceType; evidence: Evidence }
  /** Not instar's fault or not decidable: counted by type, never an issue. */
  | { kind: 'inconclusive'; type: InconclusiveType; evidence: Evidence }

/**
 * Whether a run decided nothing because the disk was full: the one
 * outcome that stops the campaign and keeps a divergence unconfirmed
 * rather than calling it flaky.
 */
export function noSpace(outcome: Outcome): boolean {
  return outcome.kind === 'inconclusive' && outcome.type === 'inconclusive_no_space'
}
