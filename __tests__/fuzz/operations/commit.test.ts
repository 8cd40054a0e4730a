import { describe, expect, it } from 'vitest'
import { allocationExtents } from '../../../src/fuzz/normalise.js'
import { commit, pickCommit, type CommitPlan } from '../../../src/fuzz/operations/commit.js'
import { optionsOf } from '../../../src/findings/knobs.js'
import { testToolbox } from '../../support/tools.js'
import { drawAt, runPlan, toolboxWithBugs, unexpected } from './run-plan.js'

const plans = Array.from({ length: 3000 }, (_, i) => pickCommit(drawAt(14, i)))
const share = (option: string) =>
  plans.filter(p => optionsOf(p.knobs).includes(option)).length / 3000
const plan = (knobs: Partial<CommitPlan['knobs']>, overlaySize: string): CommitPlan => ({
  target: 'qcow2',
  knobs: { base: null, data: null, cluster_size: 65536, lazy_refcounts: false, ...knobs },
  overlaySize
})

describe('commit picker', () => {
  it('draws qcow2 with clusters of at most 64 KiB', () => {
    for (const p of plans) expect(p.target).toBe('qcow2')
    const sizes = new Set(
      plans.flatMap(p => optionsOf(p.knobs).filter(o => o.startsWith('cluster_size=')))
    )
    expect(sizes).toEqual(new Set(['cluster_size=512', 'cluster_size=4096', 'cluster_size=65536']))
  })

  it('draws an explicit -b and seeded data each half the time', () => {
    expect(share('base=explicit')).toBeCloseTo(0.5, 1)
    expect(share('data=seed-64k')).toBeCloseTo(0.5, 1)
    expect(share('lazy_refcounts=on')).toBeCloseTo(0.3, 1)
  })
})

describe('allocation extents', () => {
  it('ignore host offsets and merge neighbours that then agree', () => {
    const map = [
      { start: 0, length: 512, depth: 0, present: true, zero: false, data: true, offset: 9000 },
      { start: 512, length: 512, depth: 0, present: true, zero: false, data: true, offset: 512 },
      { start: 1024, length: 1024, depth: 1, present: false, zero: true, data: false }
    ]
    expect(allocationExtents(map)).toEqual([
      { start: 0, length: 1024, depth: 0, present: true, zero: false, data: true },
      { start: 1024, length: 1024, depth: 1, present: false, zero: true, data: false }
    ])
    expect(allocationExtents({ not: 'a list' })).toBeNull()
  })
})

describe('commit against qemu-img', () => {
  it('finds nothing on a faithful instar over seeded plans', async () => {
    const tools = testToolbox()
    const outcomes = []
    for (let i = 0; i < 12; i++) {
      outcomes.push(await runPlan(commit, pickCommit(drawAt(8, i)), tools))
    }
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.every(o => o.kind === 'pass')).toBe(true)
  })

  it('catches a commit that leaves the data in the overlay', async () => {
    const tools = toolboxWithBugs('commit-leaves-overlay')
    const seeded = plan({ data: 'seed-64k', cluster_size: 4096 }, '4M')
    const outcome = await runPlan(commit, seeded, tools)
    expect(outcome).toMatchObject({
      kind: 'divergence',
      type: 'commit_overlay_allocation_divergence',
      evidence: { differingPaths: expect.arrayContaining(['/0/depth']) }
    })
    // with -b qemu-img keeps the overlay too, so the bug changes nothing
    const explicit = plan({ base: 'explicit', data: 'seed-64k', cluster_size: 4096 }, '4M')
    expect(await runPlan(commit, explicit, tools)).toEqual({ kind: 'pass' })
  })

  it('catches a commit that writes nothing into the backing file', async () => {
    // An instar that exits 0 without committing: the overlay is left full
    // and the backing empty.
    const faithful = testToolbox()
    const lazy = { ...faithful, instar: async () => faithful.qemuImg(['--version']) }
    const seeded = plan({ data: 'seed-64k', cluster_size: 512 }, '1M')
    expect(await runPlan(commit, seeded, lazy)).toMatchObject({
      kind: 'divergence',
      type: 'commit_backing_content_divergence'
    })
  })
})
