import { describe, expect, it } from 'vitest'
import { DeadlineReached } from '../../src/util/tool-runner.js'
import { runPool } from '../../src/fuzz/worker-pool.js'

describe('runPool', () => {
  it('runs every item once on at most `jobs` workers and stops at the limit', async () => {
    const started: number[] = []
    let running = 0
    let most = 0
    const r = await runPool({
      jobs: 3,
      limit: 10,
      deadline: Number.MAX_SAFE_INTEGER,
      run: async k => {
        started.push(k)
        most = Math.max(most, ++running)
        await Promise.resolve()
        running--
      }
    })
    expect(started.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(most).toBe(3)
    expect(r).toEqual({ completed: 10, cutShort: 0, stoppedBy: 'iterations' })
  })

  it('starts nothing past the deadline, and counts items the time box cut short', async () => {
    let now = 0
    const r = await runPool({
      jobs: 2,
      limit: Infinity,
      deadline: 5,
      now: () => now,
      run: async k => {
        now++
        if (k === 3) throw new DeadlineReached()
      }
    })
    expect(r.stoppedBy).toBe('duration')
    expect(r.cutShort).toBe(1)
    expect(r.completed + r.cutShort).toBeLessThanOrEqual(6)
  })

  it('stops on cancellation and says so', async () => {
    const controller = new AbortController()
    const r = await runPool({
      jobs: 1,
      limit: Infinity,
      deadline: Number.MAX_SAFE_INTEGER,
      signal: controller.signal,
      run: async k => {
        if (k === 2) controller.abort()
      }
    })
    expect(r).toEqual({ completed: 3, cutShort: 0, stoppedBy: 'cancelled' })
  })

  it('lets a harness error end the pool', async () => {
    await expect(
      runPool({
        jobs: 2,
        limit: 4,
        deadline: Number.MAX_SAFE_INTEGER,
        run: async () => {
          throw new Error('a bug here')
        }
      })
    ).rejects.toThrow('a bug here')
  })
})
