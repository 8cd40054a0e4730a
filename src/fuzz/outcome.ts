import type { Evidence } from '../findings/finding.js'

/** What one run of an operation concluded. */
export type Outcome =
  | { kind: 'pass' }
  /** Nothing to compare (both tools refused, or the case does not apply). */
  | { kind: 'skip'; reason: string }
  | { kind: 'divergence'; type: string; evidence: Evidence }
  /** Not instar's fault or not decidable: counted by type, never an issue. */
  | { kind: 'inconclusive'; type: string; evidence: Evidence }
