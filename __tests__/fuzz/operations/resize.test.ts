import { describe, expect, it } from 'vitest'
import {
  pickResize,
  resize,
  resizeArgs,
  seedOptions,
  type ResizePlan
} from '../../../src/fuzz/operations/resize.js'
import { optionsOf } from '../../../src/findings/knobs.js'
import { parseSize, resolveResize } from '../../../src/fuzz/size.js'
import { testToolbox } from '../../support/tools.js'
import { drawAt, runPlan, toolboxWithBugs, unexpected } from './run-plan.js'

const plans = Array.from({ length: 3000 }, (_, i) => pickResize(drawAt(11, i)))
const value = (p: ResizePlan, key: string) =>
  optionsOf(p.knobs)
    .find(o => o.startsWith(`${key}=`))
    ?.split('=')[1]
const knobs = (k: Partial<ResizePlan['knobs']>): ResizePlan['knobs'] => ({
  preallocation: null,
  resize: 'grow',
  size_form: 'absolute',
  ...k
})

describe('resize picker', () => {
  it('draws qcow2 and raw only', () => {
    expect(new Set(plans.map(p => p.target))).toEqual(new Set(['qcow2', 'raw']))
  })

  it('never draws 2 MiB clusters (instar resize scratch limit)', () => {
    expect(plans.filter(p => value(p, 'cluster_size') === '2097152')).toEqual([])
    expect(new Set(plans.map(p => value(p, 'cluster_size')))).toEqual(
      new Set(['512', '4096', '65536', '262144', undefined])
    )
  })

  it('never preallocates metadata (instar cannot on qcow2 resize)', () => {
    expect(plans.filter(p => value(p, 'preallocation') === 'metadata')).toEqual([])
  })

  it('never combines extended_l2 with a preallocation other than off', () => {
    const bad = plans.filter(
      p => p.knobs.extended_l2 === true && !['off', undefined].includes(value(p, 'preallocation'))
    )
    expect(bad).toEqual([])
    expect(plans.some(p => p.knobs.extended_l2 === true)).toBe(true)
  })

  it('never creates compat=0.10 images and keeps raw free of qcow2 options', () => {
    expect(plans.filter(p => optionsOf(p.knobs).some(o => o.startsWith('compat=')))).toEqual([])
    const raw = plans.filter(p => p.target === 'raw')
    expect(raw.flatMap(seedOptions)).toEqual([])
  })

  it('draws every refcount width', () => {
    expect(new Set(plans.map(p => value(p, 'refcount_bits')).filter(Boolean))).toEqual(
      new Set(['1', '2', '4', '8', '16', '32', '64'])
    )
  })

  it('names the direction, which follows from the sizes, and passes --shrink exactly then', () => {
    for (const p of plans) {
      const start = parseSize(p.startSize)
      const shrink = resolveResize(start, p.endSpec) < start
      expect(p.knobs.resize).toBe(shrink ? 'shrink' : 'grow')
      expect(resizeArgs(p, '/x').includes('--shrink')).toBe(shrink)
      expect(resolveResize(start, p.endSpec)).toBeGreaterThan(0)
      expect(resolveResize(start, p.endSpec)).not.toBe(start)
    }
    // dash-leading sizes and absolute shrinks both occur
    expect(plans.some(p => p.endSpec.startsWith('-'))).toBe(true)
    expect(plans.some(p => value(p, 'resize') === 'shrink' && !p.endSpec.startsWith('-'))).toBe(
      true
    )
  })

  it('keeps preallocating resizes small and growing', () => {
    const pre = plans.filter(p => ['falloc', 'full'].includes(value(p, 'preallocation') ?? ''))
    expect(pre.length).toBeGreaterThan(0)
    for (const p of pre) {
      expect(parseSize(p.endSpec)).toBeLessThanOrEqual(16 << 20)
      expect(value(p, 'resize')).toBe('grow')
    }
  })

  it('puts the size last, after the options, and --preallocation as its own flag', () => {
    const p: ResizePlan = {
      target: 'qcow2',
      knobs: {
        cluster_size: 512,
        extended_l2: false,
        lazy_refcounts: false,
        refcount_bits: null,
        ...knobs({ preallocation: 'off', resize: 'shrink', size_form: 'relative' })
      },
      startSize: '4M',
      endSpec: '-512K'
    }
    expect(resizeArgs(p, '/i.qcow2')).toEqual([
      '-f',
      'qcow2',
      '--shrink',
      '--preallocation',
      'off',
      '/i.qcow2',
      '-512K'
    ])
    expect(seedOptions(p)).toEqual(['cluster_size=512'])
  })
})

describe('resize against qemu-img', () => {
  it('finds nothing on a faithful instar over seeded plans', async () => {
    const tools = testToolbox()
    const outcomes = []
    for (let i = 0; i < 14; i++)
      outcomes.push(await runPlan(resize, pickResize(drawAt(5, i)), tools))
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.every(o => o.kind === 'pass')).toBe(true)
  })

  it('catches a resize that ignores --shrink, on qcow2 and raw', async () => {
    const tools = toolboxWithBugs('resize-ignores-shrink')
    for (const target of ['qcow2', 'raw'] as const) {
      const plan: ResizePlan = {
        target,
        knobs: knobs({ resize: 'shrink', size_form: 'relative' }),
        startSize: '4M',
        endSpec: '-1M'
      }
      const outcome = await runPlan(resize, plan, tools)
      expect(outcome).toMatchObject({ kind: 'divergence', type: 'exit_code_divergence' })
      // a growing resize is unaffected by the bug
      const grow = { ...plan, knobs: knobs({ size_form: 'relative' }), endSpec: '+1M' }
      expect(await runPlan(resize, grow, tools)).toEqual({ kind: 'pass' })
    }
  })

  it('calls a seed qemu-img cannot create inconclusive, not a divergence', async () => {
    const plan: ResizePlan = {
      target: 'qcow2',
      knobs: { cluster_size: 1000, ...knobs({}) },
      startSize: '1M',
      endSpec: '4M'
    }
    expect(await runPlan(resize, plan, testToolbox())).toMatchObject({
      kind: 'inconclusive',
      type: 'inconclusive_fixture_failed'
    })
  })
})
