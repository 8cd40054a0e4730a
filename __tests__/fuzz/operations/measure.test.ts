import { describe, expect, it } from 'vitest'
import { measure } from '../../../src/fuzz/operations/measure.js'
import { drawSource } from '../../../src/fuzz/source.js'
import { testToolbox } from '../../support/tools.js'
import { drawAt, unexpected } from './run-plan.js'
import { drawnCases, runOnSource } from './source-plan.js'

describe('measure picker', () => {
  it('draws every target, with no knobs of its own', () => {
    const plans = Array.from({ length: 500 }, (_, i) => {
      const rng = drawAt(81, i)
      return measure.pick(rng, drawSource(rng))!
    })
    expect(new Set(plans.map(p => p.target))).toEqual(
      new Set(['raw', 'qcow2', 'vmdk', 'vpc', 'vhdx'])
    )
    for (const p of plans) expect(p.knobs).toEqual({})
  })
})

describe('measure against qemu-img', () => {
  it('finds nothing with the faithful stand-in: equal figures for raw and qcow2, a kept bound for the rest', async () => {
    const tools = testToolbox()
    const byTarget = ['raw', 'qcow2', 'vmdk', 'vpc', 'vhdx'].flatMap((target, k) =>
      drawnCases(measure, 90 + k, 2, (_, p) => p.target === target)
    )
    const outcomes = await Promise.all(
      byTarget.map(c => runOnSource(measure, c.plan, c.spec, tools))
    )
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.filter(o => o.kind === 'pass')).toHaveLength(10)
    // vmdk, vpc and vhdx are checked against instar's own convert: one more instar call each.
    expect(tools.spawns.get('stand-in-instar.mjs')).toBe(4 + 2 * 6)
  })
})
