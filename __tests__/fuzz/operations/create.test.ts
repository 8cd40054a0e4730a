import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../../../src/findings/fingerprint.js'
import { optionsOf } from '../../../src/findings/knobs.js'
import { runCampaign } from '../../../src/fuzz/campaign.js'
import {
  create,
  CREATE_TARGETS,
  pickCreate,
  type CreatePlan
} from '../../../src/fuzz/operations/create.js'
import { REFCOUNT_WIDTHS } from '../../../src/fuzz/qcow2-options.js'
import { realQemuImg, tempDir, testToolbox } from '../../support/tools.js'
import { toolVariants } from '../../support/tool-variants.js'
import { createCase } from './crafted.js'
import { drawAt, runPlan, unexpected } from './run-plan.js'

const plans = Array.from({ length: 4000 }, (_, i) => pickCreate(drawAt(51, i)))
const variants = toolVariants('idf-create-')
afterAll(() => variants.cleanup())

const qcow2 = (knobs: Partial<CreatePlan['knobs']>, size = '1M'): CreatePlan =>
  createCase(knobs, 'qcow2', size).plan

describe('create picker', () => {
  it('draws the four targets, never vpc', () => {
    expect(new Set(plans.map(p => p.target))).toEqual(new Set(CREATE_TARGETS))
  })

  it('draws every refcount width and keeps preallocated images at 1M', () => {
    const q = plans.filter(p => p.target === 'qcow2')
    expect(new Set(q.map(p => p.knobs.refcount_bits))).toEqual(new Set([null, ...REFCOUNT_WIDTHS]))
    const pre = q.filter(p => p.knobs.preallocation)
    expect(new Set(pre.map(p => p.knobs.preallocation))).toEqual(
      new Set(['metadata', 'falloc', 'full'])
    )
    expect(new Set(pre.map(p => p.size))).toEqual(new Set(['1M']))
  })

  it('draws an unknown option for every target, about one create in 20', () => {
    const unknown = plans.filter(p => p.knobs.unknown_option)
    expect(new Set(unknown.map(p => p.target))).toEqual(new Set(CREATE_TARGETS))
    // 4000 draws at 1/20: 200 expected; outside 150..250 is a broken weight, not chance.
    expect(unknown.length).toBeGreaterThanOrEqual(150)
    expect(unknown.length).toBeLessThanOrEqual(250)
    expect(optionsOf(unknown.find(p => p.target === 'raw')!.knobs)).toEqual(['unknown_option=on'])
  })

  it('minimises within what qemu-img accepts: no extended L2 on small clusters or with preallocation', () => {
    const p = qcow2({ cluster_size: 65536, extended_l2: true })
    expect(create.withKnobs(p, { ...p.knobs, cluster_size: 4096 }, undefined)).toBeNull()
    expect(create.withKnobs(p, { ...p.knobs, preallocation: 'full' }, undefined)).toBeNull()
    expect(create.withKnobs(p, { ...p.knobs, lazy_refcounts: true }, undefined)).toEqual({
      ...p,
      knobs: { ...p.knobs, lazy_refcounts: true }
    })
    // Preallocating pins the size to 1M whatever was drawn.
    const big = qcow2({}, '64M')
    expect(create.withKnobs(big, { ...big.knobs, preallocation: 'falloc' }, undefined)?.size).toBe(
      '1M'
    )
  })
})

describe('create against qemu-img', () => {
  it('finds nothing with the faithful stand-in over drawn plans', async () => {
    const tools = testToolbox()
    const drawn = plans.slice(0, 10)
    const outcomes = await Promise.all(drawn.map(plan => runPlan(create, plan, tools)))
    expect(unexpected(outcomes)).toEqual([])
    // Both refuse an unknown option: nothing to compare.
    expect(outcomes.map(o => o.kind)).toEqual(
      drawn.map(p => (p.knobs.unknown_option ? 'skip' : 'pass'))
    )
  })

  it('finds an instar that accepts an unknown option, minimised to that option', async () => {
    // Seed 90's first iteration creates a qcow2 with 512-byte clusters, lazy
    // refcounts, 8-bit refcounts and the unknown option.
    const qemuImg = realQemuImg()
    const work = tempDir('idf-create-campaign-')
    try {
      const campaign = (bugs: string) =>
        runCampaign({
          seed: 90,
          shard: { index: 1, count: 1 },
          operations: ['create'],
          jobs: 1,
          iterations: 1,
          durationSeconds: 120,
          timeoutSeconds: 30,
          minimize: true,
          paths: {
            instar: variants.standIn({ STAND_IN_BUGS: bugs }),
            qemuImg,
            qemuIo: path.join(path.dirname(qemuImg), 'qemu-io')
          },
          qemuVersion: testToolbox().qemuVersion,
          workRoot: work.dir
        })
      const buggy = await campaign('unknown-option')
      expect(
        buggy.findings.map(f => [f.fingerprint, f.type, f.target, f.options, f.status])
      ).toEqual([
        [
          fingerprint('exit_code_divergence', 'create', 'qcow2', ['unknown_option=on']),
          'exit_code_divergence',
          'qcow2',
          ['unknown_option=on'],
          'minimised'
        ]
      ])
      const faithful = await campaign('')
      expect([faithful.findings, faithful.divergences, faithful.inconclusive.total]).toEqual([
        [],
        0,
        0
      ])
    } finally {
      work.cleanup()
    }
  })
})
