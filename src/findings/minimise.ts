import type { Operation, Plan } from '../fuzz/operation.js'

export interface MinimiseLimits {
  /** Most re-runs one finding may cost. */
  maxTrials: number
  /** Epoch milliseconds after which no trial starts. */
  until: number
}

export interface MinimiseResult {
  plan: Plan
  trials: number
  /** false when the limits stopped it before the list was 1-minimal. */
  complete: boolean
}

/**
 * Shrinks a diverging plan's options to a 1-minimal list (dropping any one
 * more option makes the divergence go away), so that randomly dragged-along
 * options do not give one bug many fingerprints. It first tries keeping
 * only the pinned options (the common case: one culprit or none), then
 * drops options one at a time until nothing more can go. Out of time or
 * trials, it keeps the smallest list found so far.
 */
export async function minimiseOptions(
  op: Operation<Plan>,
  plan: Plan,
  stillDiverges: (candidate: Plan) => Promise<boolean>,
  limits: MinimiseLimits
): Promise<MinimiseResult> {
  const pinned = new Set(plan.pinned ?? [])
  let current = plan
  let trials = 0
  const attempt = async (options: string[]): Promise<boolean | null> => {
    const candidate = op.withOptions?.(current, options)
    if (!candidate) return false
    if (trials >= limits.maxTrials || Date.now() >= limits.until) return null
    trials++
    if (await stillDiverges(candidate)) {
      current = candidate
      return true
    }
    return false
  }
  if (!op.withOptions || current.options.every(o => pinned.has(o)))
    return { plan, trials, complete: true }

  const bare = current.options.filter(o => pinned.has(o))
  const first = await attempt(bare)
  if (first === null) return { plan: current, trials, complete: false }
  if (first) return { plan: current, trials, complete: true }

  for (let changed = true; changed;) {
    changed = false
    for (const option of current.options) {
      if (pinned.has(option)) continue
      const result = await attempt(current.options.filter(o => o !== option))
      if (result === null) return { plan: current, trials, complete: false }
      if (result) {
        changed = true
        break
      }
    }
  }
  return { plan: current, trials, complete: true }
}
