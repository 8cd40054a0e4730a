import { describe, expect, it } from 'vitest'
import { minimiseOptions } from '../../src/findings/minimise.js'
import type { Operation, Plan } from '../../src/fuzz/operation.js'

const op = {
  name: 'create',
  readsSource: false,
  pick: () => null,
  run: async () => ({ kind: 'pass' }),
  withOptions: (plan: Plan, options: string[]) => ({ ...plan, options })
} as Operation<Plan>

const plan: Plan = {
  target: 'qcow2',
  options: ['cluster_size=4096', 'lazy_refcounts=on', 'preallocation=metadata', 'refcount_bits=8']
}
const forever = { maxTrials: 100, until: Number.MAX_SAFE_INTEGER }

describe('minimiseOptions', () => {
  it('keeps only the culprit', async () => {
    const m = await minimiseOptions(
      op,
      plan,
      async p => p.options.includes('lazy_refcounts=on'),
      forever
    )
    expect(m.plan.options).toEqual(['lazy_refcounts=on'])
    expect(m.complete).toBe(true)
  })

  it('finds a 1-minimal pair when two options are needed together', async () => {
    const m = await minimiseOptions(
      op,
      plan,
      async p => p.options.includes('cluster_size=4096') && p.options.includes('refcount_bits=8'),
      forever
    )
    expect(m.plan.options.sort()).toEqual(['cluster_size=4096', 'refcount_bits=8'])
  })

  it('drops everything when no option matters, in one trial', async () => {
    const m = await minimiseOptions(op, plan, async () => true, forever)
    expect(m.plan.options).toEqual([])
    expect(m.trials).toBe(1)
  })

  it('never drops pinned options', async () => {
    const pinned = {
      target: 'vhdx',
      options: ['block_size=16M', 'x=1'],
      pinned: ['block_size=16M']
    }
    const m = await minimiseOptions(op, pinned, async () => true, forever)
    expect(m.plan.options).toEqual(['block_size=16M'])
  })

  it('keeps the smallest list found so far when out of trials', async () => {
    const m = await minimiseOptions(op, plan, async p => p.options.includes('lazy_refcounts=on'), {
      maxTrials: 2,
      until: Number.MAX_SAFE_INTEGER
    })
    expect(m.complete).toBe(false)
    expect(m.trials).toBe(2)
    expect(m.plan.options).toContain('lazy_refcounts=on')
    expect(m.plan.options.length).toBeLessThan(plan.options.length)
  })
})
