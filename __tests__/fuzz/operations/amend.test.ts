import { describe, expect, it } from 'vitest'
import {
  AMEND_CASES,
  amend,
  amendOptions,
  pickAmend,
  type AmendKnobs,
  type AmendPlan
} from '../../../src/fuzz/operations/amend.js'
import { corruptQcow2 } from '../../../src/fuzz/qcow2-corrupt.js'
import type { Toolbox } from '../../../src/fuzz/toolbox.js'
import { testToolbox } from '../../support/tools.js'
import { drawAt, runPlan, toolboxWithBugs, unexpected } from './run-plan.js'

const plans = Array.from({ length: 3000 }, (_, i) => pickAmend(drawAt(12, i)))
const touchesV2 = (p: AmendPlan) =>
  [...amendOptions(p).create, ...amendOptions(p).amend].includes('compat=0.10')
const plan = (knobs: Partial<AmendKnobs>): AmendPlan => ({
  target: 'qcow2',
  knobs: { case: 'noop', cluster_size: 65536, refcount_bits: null, lazy_refcounts: false, ...knobs }
})

describe('amend picker', () => {
  it('draws every case, qcow2 only', () => {
    expect(new Set(plans.map(p => p.knobs.case))).toEqual(new Set(AMEND_CASES))
    for (const p of plans) expect(p.target).toBe('qcow2')
  })

  it('never pairs compat=0.10 with refcount_bits other than 16', () => {
    const v2 = plans.filter(touchesV2)
    expect(v2.length).toBeGreaterThan(0)
    const widths = v2.map(p => p.knobs.refcount_bits).filter(w => w !== null)
    expect(new Set(widths)).toEqual(new Set([16]))
  })

  it('still draws every refcount width where compat=1.1 allows it', () => {
    const widths = plans.filter(p => !touchesV2(p)).flatMap(p => amendOptions(p).create)
    for (const w of [1, 2, 4, 8, 16, 32, 64]) expect(widths).toContain(`refcount_bits=${w}`)
  })

  it('never emits compression_type (instar refuses a zstd downgrade)', () => {
    const all = plans.flatMap(p => [...amendOptions(p).create, ...amendOptions(p).amend])
    expect(all.filter(o => o.startsWith('compression_type'))).toEqual([])
  })

  it('maps each case to the peer create and amend options', () => {
    expect(
      amendOptions(plan({ case: 'upgrade', cluster_size: 512, lazy_refcounts: true }))
    ).toEqual({
      create: ['compat=0.10', 'cluster_size=512'],
      amend: ['compat=1.1', 'lazy_refcounts=on']
    })
    expect(amendOptions(plan({ case: 'lazy-off', refcount_bits: 8 }))).toEqual({
      create: ['compat=1.1', 'lazy_refcounts=on', 'cluster_size=65536', 'refcount_bits=8'],
      amend: ['lazy_refcounts=off']
    })
    expect(amendOptions(plan({ case: 'downgrade' }))).toEqual({
      create: ['compat=1.1', 'cluster_size=65536'],
      amend: ['compat=0.10']
    })
  })
})

describe('amend against qemu-img', () => {
  it('finds nothing on a faithful instar over seeded plans', async () => {
    const tools = testToolbox()
    const outcomes = []
    for (let i = 0; i < 14; i++) {
      outcomes.push(await runPlan(amend, pickAmend(drawAt(6, i)), tools))
    }
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.every(o => o.kind === 'pass')).toBe(true)
  })

  it('catches an amend that leaves lazy_refcounts unchanged', async () => {
    const tools = toolboxWithBugs('amend-keeps-lazy')
    for (const c of ['lazy-on', 'lazy-off'] as const) {
      const outcome = await runPlan(amend, plan({ case: c }), tools)
      expect(outcome).toMatchObject({ kind: 'divergence', type: 'amend_info_divergence' })
      if (outcome.kind === 'divergence') {
        expect(outcome.evidence.differingPaths).toEqual(['/format-specific/data/lazy-refcounts'])
      }
    }
    expect(await runPlan(amend, plan({ case: 'downgrade' }), tools)).toEqual({
      kind: 'pass'
    })
  })

  it('runs the structural check on what instar left: a leak is amend_check_divergence', async () => {
    // An instar whose amend gets everything qemu-img info shows right but
    // leaks a cluster: only the check oracle can see it.
    const faithful = testToolbox()
    const leaky: Toolbox = {
      ...faithful,
      async instar(args) {
        const r = await faithful.instar(args)
        const image = args.at(-1)!
        await faithful.qemuIo(['-f', 'qcow2', '-c', 'write -P 1 0 64k', image])
        await corruptQcow2(image, 'leaked_cluster')
        return r
      }
    }
    const outcome = await runPlan(amend, plan({ case: 'noop' }), leaky)
    expect(outcome).toMatchObject({
      kind: 'divergence',
      type: 'amend_check_divergence',
      evidence: { details: { metrics: { leaks: 1, corruptions: 0 } } }
    })
  })

  it('calls a fixture qemu-img cannot create inconclusive (the peer filed it against instar)', async () => {
    // compat=0.10 with 8-bit refcounts: the combination the picker excludes.
    const excluded = plan({ case: 'upgrade', refcount_bits: 8 })
    expect(amend.withKnobs(excluded, excluded.knobs, undefined)).toBeNull()
    expect(await runPlan(amend, excluded, testToolbox())).toMatchObject({
      kind: 'inconclusive',
      type: 'inconclusive_fixture_failed'
    })
  })
})
