import type { KnobDomain, Knobs, KnobValue } from './knobs.js'

export interface MinimiseLimits {
  /** Most re-runs the minimisation may cost. */
  maxTrials: number
  /** Epoch milliseconds after which no trial starts. */
  until: number
}

/**
 * What one trial showed: the divergence is still there (`diverges`), it
 * went away (`gone`), the knobs are no case the pickers could draw
 * (`invalid`, nothing was run), or no verdict for lack of time.
 */
export type Verdict = 'diverges' | 'gone' | 'invalid' | 'no-time'

export interface MinimiseResult {
  /** The minimal case's knobs: every dropped knob at its default. */
  knobs: Knobs
  /** The knobs the divergence needs, in the case's order: the finding's options. */
  kept: string[]
  /** Trials run (invalid candidates cost none). */
  trials: number
  /** false when the limits stopped it before every knob was decided. */
  complete: boolean
}

/**
 * Shrinks a diverging case to the knobs its divergence needs. A knob is
 * dropped when the divergence still shows with another value of it: its
 * default (the knob then stays at the default in the minimal case), or,
 * when it already is at the default, any other value. Otherwise it is
 * kept with its value. Passes repeat until nothing more can go, so the
 * result is 1-minimal: every kept knob matters with the others as they
 * are.
 *
 * Why the default is the reference point: the same bug drawn in two cases
 * that differ in a knob it does not need minimises to the same knobs, so
 * one bug stays one fingerprint; and a bug that needs a knob's default
 * says so (`cluster_size=65536`) instead of hiding behind it.
 */
export async function minimiseKnobs(
  start: Knobs,
  domains: Readonly<Record<string, KnobDomain>>,
  trial: (candidate: Knobs) => Promise<Verdict>,
  limits: MinimiseLimits
): Promise<MinimiseResult> {
  let current: Knobs = start
  const kept = Object.keys(start)
  let trials = 0
  const result = (complete: boolean): MinimiseResult => ({ knobs: current, kept, trials, complete })
  /** true: still diverges; false: gone or invalid; null: out of limits. */
  const attempt = async (key: string, value: KnobValue): Promise<boolean | null> => {
    if (trials >= limits.maxTrials || Date.now() >= limits.until) return null
    const verdict = await trial({ ...current, [key]: value })
    if (verdict === 'invalid') return false
    trials++
    if (verdict === 'no-time') return null
    return verdict === 'diverges'
  }

  for (let changed = true; changed;) {
    changed = false
    for (const key of [...kept]) {
      const domain = domains[key]
      const atDefault = current[key] === domain.default
      const alternatives = atDefault
        ? domain.values.filter(v => v !== domain.default)
        : [domain.default]
      for (const value of alternatives) {
        const verdict = await attempt(key, value)
        if (verdict === null) return result(false)
        if (!verdict) continue
        kept.splice(kept.indexOf(key), 1)
        if (!atDefault) {
          // The case itself changed: knobs kept so far get another look.
          current = { ...current, [key]: value }
          changed = true
        }
        break
      }
    }
  }
  return result(true)
}

/**
 * The known minimal case with the most options among those whose options
 * a case has: the bug a case of the same (type, operation, target) shows,
 * without running it. The confirmer attributes occurrences with it, and
 * the merge of shards folds a finding one shard could not minimise into
 * the minimal case another shard found.
 */
export function largestSubset<T extends { options: readonly string[] }>(
  known: readonly T[],
  options: readonly string[]
): T | undefined {
  const have = new Set(options)
  return known
    .filter(k => k.options.every(o => have.has(o)))
    .sort((a, b) => b.options.length - a.options.length)[0]
}
