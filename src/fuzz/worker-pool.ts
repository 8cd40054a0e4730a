import { Stopped } from '../util/tool-runner.js'

export interface PoolConfig {
  /** Items run at once. */
  jobs: number
  /** Items there are (Infinity: as many as the time box allows). */
  limit: number
  /** Epoch ms after which no item starts. */
  deadline: number
  signal?: AbortSignal
  now?: () => number
  /** Runs the k-th item; Stopped means the time box or a cancellation cut it short. */
  run(k: number): Promise<void>
}

export interface PoolResult {
  /** Items that ran to the end. */
  completed: number
  /** Items cut short (Stopped). */
  cutShort: number
  stoppedBy: 'duration' | 'iterations' | 'cancelled'
}

/**
 * Runs items 0, 1, 2, ... on `jobs` workers, each taking the next item as
 * it finishes one, until the items, the time box or a cancellation run
 * out. An item cut short ends its worker (the others finish theirs);
 * any other error ends the pool.
 */
export async function runPool(config: PoolConfig): Promise<PoolResult> {
  const now = config.now ?? Date.now
  let next = 0
  let completed = 0
  let cutShort = 0
  const worker = async (): Promise<void> => {
    while (!config.signal?.aborted && now() < config.deadline) {
      const k = next++
      if (k >= config.limit) return
      try {
        await config.run(k)
        completed++
      } catch (error) {
        if (!(error instanceof Stopped)) throw error
        cutShort++
        return
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, config.jobs) }, worker))
  const stoppedBy = config.signal?.aborted
    ? 'cancelled'
    : next >= config.limit && now() < config.deadline
      ? 'iterations'
      : 'duration'
  return { completed, cutShort, stoppedBy }
}
