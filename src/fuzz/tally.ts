import {
  keepSample,
  type InconclusiveSample,
  type OperationStats
} from '../findings/campaign-result.js'
import { keptOccurrence, type Finding, type Occurrence } from '../findings/finding.js'
import type { InconclusiveType } from '../findings/types.js'
import type { Identity } from './confirmer.js'

/** Where an outcome was seen: enough to replay it. */
export interface Where {
  seed: number
  iteration: number
}

/**
 * The campaign's counts, pure: operation runs, divergences grouped into
 * one finding per fingerprint, inconclusive results by type with a few
 * examples. No clock, no I/O: what goes in decides what comes out, so it
 * is tested without running anything.
 */
export class Tally {
  private readonly stats: Record<string, OperationStats> = {}
  private readonly byType: Partial<Record<InconclusiveType, number>> = {}
  private readonly samples: InconclusiveSample[] = []
  private readonly findings = new Map<string, Finding>()
  private diverged = 0

  constructor(operations: readonly string[]) {
    for (const name of operations)
      this.stats[name] = { runs: 0, divergences: 0, inconclusive: 0, seconds: 0 }
  }

  /** An operation ran (whatever it concluded). */
  ran(operation: string, seconds: number): void {
    this.stats[operation].runs++
    this.stats[operation].seconds += seconds
  }

  inconclusive(type: InconclusiveType, operation: string, at: Where, summary: string): void {
    this.stats[operation].inconclusive++
    this.byType[type] = (this.byType[type] ?? 0) + 1
    keepSample(this.samples, { type, operation, seed: at.seed, iteration: at.iteration, summary })
  }

  /**
   * A divergence resolved to the finding it belongs to; true when it is the
   * first of that fingerprint. The finding keeps the identity it was first
   * seen with, every occurrence's place and dimensions, and the full
   * evidence of the first few.
   */
  occurrence(identity: Identity, occurrence: Occurrence): boolean {
    this.stats[identity.operation].divergences++
    this.diverged++
    let finding = this.findings.get(identity.fingerprint)
    const first = finding === undefined
    if (!finding) {
      finding = { ...identity, occurrences: [] }
      this.findings.set(identity.fingerprint, finding)
    }
    finding.occurrences.push(keptOccurrence(occurrence, finding.occurrences.length))
    return first
  }

  get divergences(): number {
    return this.diverged
  }

  get inconclusiveTotal(): number {
    return Object.values(this.byType).reduce((a, b) => a + b, 0)
  }

  get findingCount(): number {
    return this.findings.size
  }

  /** The counts as the campaign result has them; findings most frequent first. */
  result() {
    return {
      operations: this.stats,
      divergences: this.diverged,
      inconclusive: { total: this.inconclusiveTotal, byType: { ...this.byType } },
      inconclusiveSamples: [...this.samples],
      // Most frequent first: the summary leads with them and max-new-issues files them first.
      findings: [...this.findings.values()].sort(
        (a, b) => b.occurrences.length - a.occurrences.length
      )
    }
  }
}
