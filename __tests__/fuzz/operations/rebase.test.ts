import { describe, expect, it } from 'vitest'
import {
  pickRebase,
  rebase,
  rebaseArgs,
  type RebasePlan
} from '../../../src/fuzz/operations/rebase.js'
import { optionsOf } from '../../../src/findings/knobs.js'
import { parseSize } from '../../../src/fuzz/size.js'
import { testToolbox } from '../../support/tools.js'
import { drawAt, runPlan, toolboxWithBugs, unexpected } from './run-plan.js'

const plans = Array.from({ length: 3000 }, (_, i) => pickRebase(drawAt(13, i)))
const share = (pred: (p: RebasePlan) => boolean) => plans.filter(pred).length / plans.length

describe('rebase picker', () => {
  it('rebases onto a new backing half the time, onto the same one or detaching a quarter each', () => {
    expect(share(p => p.knobs.backing === 'next')).toBeCloseTo(0.5, 1)
    expect(share(p => p.knobs.backing === 'same')).toBeCloseTo(0.25, 1)
    expect(share(p => p.knobs.backing === 'detach')).toBeCloseTo(0.25, 1)
    expect(share(p => p.knobs.mode === 'unsafe')).toBeCloseTo(0.5, 1)
  })

  it('uses qemu defaults for refcounts and compat', () => {
    for (const p of plans)
      expect(optionsOf(p.knobs).filter(o => /^(refcount_bits|compat)=/.test(o))).toEqual([])
  })

  it('gives the three layers different data inside the smallest image', () => {
    for (const p of plans) {
      const { base, next, overlay } = p.writes
      expect(new Set([base.byte, next.byte, overlay.byte]).size).toBe(3)
      const smallest = Math.min(parseSize(p.overlaySize), parseSize(p.newBackingSize))
      for (const w of [base, next, overlay]) {
        expect(w.offset + w.length).toBeLessThanOrEqual(smallest)
      }
      // some old-backing data is not hidden by the overlay's write
      expect(base.length).toBeGreaterThan(overlay.length)
    }
  })

  it('detaches with an empty -b of its own and no -F; -u only when unsafe', () => {
    const plan = (knobs: Pick<RebasePlan['knobs'], 'mode' | 'backing'>): RebasePlan => ({
      ...plans[0],
      knobs: { ...plans[0].knobs, ...knobs }
    })
    expect(rebaseArgs(plan({ mode: 'unsafe', backing: 'detach' }), '/s')).toEqual([
      '-f',
      'qcow2',
      '-b',
      '',
      '-u',
      '/s/overlay.qcow2'
    ])
    expect(rebaseArgs(plan({ mode: 'safe', backing: 'next' }), '/s')).toEqual([
      '-f',
      'qcow2',
      '-b',
      '/s/next.qcow2',
      '-F',
      'qcow2',
      '/s/overlay.qcow2'
    ])
    expect(rebaseArgs(plan({ mode: 'safe', backing: 'same' }), '/s')).toContain('/s/base.qcow2')
  })
})

describe('rebase against qemu-img', () => {
  it('finds nothing on a faithful instar over seeded plans', async () => {
    const tools = testToolbox()
    const outcomes = []
    for (let i = 0; i < 12; i++) {
      outcomes.push(await runPlan(rebase, pickRebase(drawAt(7, i)), tools))
    }
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.every(o => o.kind === 'pass')).toBe(true)
  })

  it('catches rebase -u rewriting data, through guest content (info looks the same)', async () => {
    const tools = toolboxWithBugs('rebase-unsafe-rewrites')
    const base = pickRebase(drawAt(7, 0))
    for (const backing of ['next', 'detach'] as const) {
      const chain = { cluster_size: 4096, lazy_refcounts: false }
      const plan: RebasePlan = { ...base, knobs: { mode: 'unsafe', backing, ...chain } }
      expect(await runPlan(rebase, plan, tools)).toMatchObject({
        kind: 'divergence',
        type: 'rebase_content_divergence'
      })
      // a safe rebase is what the buggy -u does, so it still passes
      const safe: RebasePlan = { ...base, knobs: { mode: 'safe', backing, ...chain } }
      expect(await runPlan(rebase, safe, tools)).toEqual({ kind: 'pass' })
    }
  })
})
