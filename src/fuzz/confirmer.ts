import type { Evidence, Finding } from '../findings/finding.js'
import { fingerprint } from '../findings/fingerprint.js'
import { optionsOf, type Knobs } from '../findings/knobs.js'
import { largestSubset, minimiseKnobs, type Verdict } from '../findings/minimise.js'
import { FINDING_TYPES, type DivergenceType } from '../findings/types.js'
import { isNoSpace } from '../util/disk.js'
import { Stopped } from '../util/tool-runner.js'
import {
  caseDomains,
  caseKnobs,
  caseOptions,
  storedCase,
  withCaseKnobs,
  type Case
} from './case.js'
import { noSpace, type Outcome } from './outcome.js'

/** A finding without its occurrences: what a divergence resolves to. */
export type Identity = Omit<Finding, 'occurrences'>

/** What one diverging run was resolved to. */
export type Resolution =
  | { kind: 'flaky'; summary: string }
  /** `rerun`: this occurrence's own case was re-run alone and diverged again. */
  | { kind: 'finding'; identity: Identity; rerun: boolean }

export interface ConfirmerConfig {
  /** Runs a case by itself, in a fresh directory with a freshly built source. */
  run(c: Case): Promise<Outcome>
  /** Runs a task with every other worker paused (the quiet gate). */
  exclusive<T>(task: () => Promise<T>): Promise<T>
  /** Minimise (the `minimize` input); off, a case's options are its identity as drawn. */
  minimize: boolean
  /** Most trials one finding's minimisation may run. */
  maxTrials: number
  /** Most seconds one finding's minimisation may take. */
  maxSeconds: number
  /**
   * Epoch ms after which no new finding is confirmed or minimised: the
   * rest of the time box is kept for the ones already started, so none is
   * filed half-minimised.
   */
  newWorkUntil: number
  /** Epoch ms: the time box (no trial starts after it). */
  deadline: number
  log: (line: string) => void
  now?: () => number
}

/** Divergences of one (type, operation, target): minimised one case at a time. */
interface Family {
  /** Minimal cases found so far (complete minimisations only). */
  known: Identity[]
  /** The decisions of this family, in order: each waits for the one before. */
  chain: Promise<unknown>
  busy: number
}

/**
 * Confirms and minimises divergences, once per bug rather than once per
 * occurrence. A divergence is first matched against the minimal cases
 * already found for the same (type, operation, target): when one's
 * options are a subset of the new case's, the occurrence belongs to that
 * finding and nothing runs. Otherwise its case is re-run alone (a hang
 * with every other worker paused, since load can fake one): one that does
 * not diverge again is flaky. Then it is minimised knob by knob
 * (findings/minimise.ts), within a budget per finding. The decisions of
 * one family run one after another, so a bug found twice at once is
 * minimised once.
 */
export class Confirmer {
  private readonly families = new Map<string, Family>()
  private readonly byCase = new Map<string, Promise<Resolution>>()
  readonly cost = { confirmRuns: 0, minimiseRuns: 0, attributed: 0, skippedKnownHangs: 0 }

  constructor(private readonly config: ConfirmerConfig) {}

  private now(): number {
    return (this.config.now ?? Date.now)()
  }

  /**
   * The finding a diverging case belongs to. `queued` says the decision
   * waits behind another of the same family: the caller need not wait for
   * it (its worker can go on fuzzing) but must collect it before the end.
   */
  resolve(
    type: DivergenceType,
    c: Case,
    evidence: Evidence
  ): { resolution: Promise<Resolution>; queued: boolean } {
    const exact = fingerprint(type, c.operation, c.plan.target, caseOptions(c))
    const seen = this.byCase.get(exact)
    if (seen) {
      this.cost.attributed++
      return {
        resolution: seen.then(r => (r.kind === 'finding' ? { ...r, rerun: false } : r)),
        queued: true
      }
    }
    const family = this.family(familyKey(type, c))
    const queued = family.busy > 0
    family.busy++
    const resolution = family.chain
      .then(() => this.decide(family, type, c, evidence))
      .finally(() => family.busy--)
    family.chain = resolution.catch(() => undefined)
    // A flaky case may be real next time: only what reproduced is remembered.
    this.byCase.set(exact, resolution)
    void resolution.then(
      r => r.kind === 'flaky' && this.byCase.delete(exact),
      () => this.byCase.delete(exact)
    )
    return { resolution, queued }
  }

  /**
   * The fingerprint of a hang already found and minimised whose minimal
   * case this case contains (same operation and target, its options a
   * subset), or null. Running such a case again would only wait out the
   * timeout to learn what is known; the campaign skips it and counts it.
   */
  knownHang(c: Case): string | null {
    const family = this.families.get(familyKey('instar_timeout', c))
    return (family && largestSubset(family.known, caseOptions(c))?.fingerprint) ?? null
  }

  private family(key: string): Family {
    let f = this.families.get(key)
    if (!f) {
      f = { known: [], chain: Promise.resolve(), busy: 0 }
      this.families.set(key, f)
    }
    return f
  }

  private async decide(
    family: Family,
    type: DivergenceType,
    c: Case,
    evidence: Evidence
  ): Promise<Resolution> {
    const options = caseOptions(c)
    const known = largestSubset(family.known, options)
    if (known) {
      this.cost.attributed++
      return { kind: 'finding', identity: known, rerun: false }
    }
    const drawn = (status: Identity['status'], confirmed: boolean, ev = evidence): Resolution => ({
      kind: 'finding',
      identity: identity(type, c, options, status, ev, confirmed, {
        confirm: confirmed ? 1 : 0,
        minimise: 0
      }),
      rerun: confirmed
    })
    if (this.now() >= this.config.newWorkUntil) return drawn('unminimised', false)

    const again = await this.confirm(type, c)
    if (again === 'gone') return { kind: 'flaky', summary: evidence.summary }
    if (again === 'no-time') return drawn('unminimised', false)
    if (!this.config.minimize) return drawn('as-drawn', true, again.evidence)

    const found = await this.minimise(type, c, again.evidence)
    if (found.identity.status === 'minimised') family.known.push(found.identity)
    return { kind: 'finding', identity: found.identity, rerun: true }
  }

  /** Re-runs the case alone; a hang with every other worker paused. */
  private async confirm(
    type: DivergenceType,
    c: Case
  ): Promise<{ evidence: Evidence } | 'gone' | 'no-time'> {
    const quiet = FINDING_TYPES[type].confirmation === 'quiet'
    try {
      this.cost.confirmRuns++
      const outcome = quiet
        ? await this.config.exclusive(() => this.config.run(c))
        : await this.config.run(c)
      if (outcome.kind === 'divergence' && outcome.type === type)
        return { evidence: outcome.evidence }
      // A full disk decides nothing: the divergence is kept, unconfirmed, not called flaky.
      return noSpace(outcome) ? 'no-time' : 'gone'
    } catch (error) {
      if (error instanceof Stopped || isNoSpace(error)) return 'no-time'
      throw error
    }
  }

  /** Minimises a confirmed case within the finding's budget. */
  private async minimise(
    type: DivergenceType,
    c: Case,
    confirmed: Evidence
  ): Promise<{ identity: Identity }> {
    const evidenceOf = new Map<string, Evidence>([[keyOf(caseKnobs(c)), confirmed]])
    const trial = async (knobs: Knobs): Promise<Verdict> => {
      const candidate = withCaseKnobs(c, knobs)
      if (!candidate) return 'invalid'
      try {
        this.cost.minimiseRuns++
        const outcome = await this.config.run(candidate)
        if (noSpace(outcome)) return 'no-time'
        if (outcome.kind !== 'divergence' || outcome.type !== type) return 'gone'
        evidenceOf.set(keyOf(knobs), outcome.evidence)
        return 'diverges'
      } catch (error) {
        if (error instanceof Stopped || isNoSpace(error)) return 'no-time'
        throw error
      }
    }
    const limits = {
      maxTrials: this.config.maxTrials,
      until: Math.min(this.config.deadline, this.now() + this.config.maxSeconds * 1000)
    }
    const m = await minimiseKnobs(caseKnobs(c), caseDomains(c), trial, limits)
    const minimal = withCaseKnobs(c, m.knobs) ?? c
    const options = optionsOf(m.knobs, m.kept)
    const status = m.complete ? 'minimised' : 'unminimised'
    const ev = evidenceOf.get(keyOf(m.knobs)) ?? confirmed
    const drawnOptions = caseOptions(c)
    if (options.join(' ') !== drawnOptions.join(' ') || !m.complete)
      this.config.log(
        `${m.complete ? 'minimised' : 'could not finish minimising'} ${c.operation} ${type}: [${drawnOptions.join(' ')}] → [${options.join(' ')}] in ${m.trials} runs`
      )
    return {
      identity: identity(type, minimal, options, status, ev, true, {
        confirm: 1,
        minimise: m.trials
      })
    }
  }
}

/** The family a divergence of `type` in `c` belongs to: the (type, operation, target) minimised together. */
function familyKey(type: DivergenceType, c: Case): string {
  return `${type}|${c.operation}|${c.plan.target}`
}

function keyOf(knobs: Knobs): string {
  return JSON.stringify(Object.entries(knobs).sort(([a], [b]) => a.localeCompare(b)))
}

function identity(
  type: DivergenceType,
  c: Case,
  options: string[],
  status: Identity['status'],
  evidence: Evidence,
  confirmed: boolean,
  runs: Identity['runs']
): Identity {
  return {
    fingerprint: fingerprint(type, c.operation, c.plan.target, options),
    type,
    operation: c.operation,
    target: c.plan.target,
    options,
    status,
    case: storedCase(c),
    evidence,
    confirmed,
    runs
  }
}
