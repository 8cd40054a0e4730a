import { afterAll, describe, expect, it } from 'vitest'
import { check } from '../../../src/fuzz/operations/check.js'
import { testToolbox } from '../../support/tools.js'
import { toolVariants } from '../../support/tool-variants.js'
import { unexpected } from './run-plan.js'
import { drawnCases, runOnSource, sourceWithData } from './source-plan.js'

const variants = toolVariants('idf-check-')
afterAll(() => variants.cleanup())
const plan = (target: string) => ({ target, knobs: {} })

describe('check against qemu-img', () => {
  it('finds nothing with the faithful stand-in, and always runs the reference call', async () => {
    const tools = testToolbox()
    const cases = drawnCases(check, 23, 8)
    const outcomes = await Promise.all(cases.map(c => runOnSource(check, c.plan, c.spec, tools)))
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.filter(o => o.kind === 'pass')).toHaveLength(8)
    // One instar check per case, and qemu-img's check runs on every format
    // (exit parity or not) after the create that built the source.
    expect(tools.spawns.get('stand-in-instar.mjs')).toBe(8)
    expect(tools.spawns.get('qemu-img')).toBe(16)
  })

  it('compares exit statuses on qcow2 only, yet reports a crash on any format', async () => {
    const rejects = testToolbox({
      instar: variants.standIn({ STAND_IN_BUGS: 'check-rejects-vmdk' })
    })
    // instar may reject a vmdk qemu-img accepts: no parity outside qcow2 (no libyal here).
    expect(await runOnSource(check, plan('vmdk'), sourceWithData('vmdk'), rejects)).toEqual({
      kind: 'pass'
    })
    const segv = testToolbox({
      instar: variants.standIn({ STAND_IN_BUGS: 'segv', STAND_IN_CRASH: 'check' })
    })
    for (const format of ['vmdk', 'qcow2'] as const)
      expect(await runOnSource(check, plan(format), sourceWithData(format), segv)).toMatchObject({
        kind: 'divergence',
        type: 'instar_crash',
        evidence: { instar: { signal: 'SIGSEGV' } }
      })
  })
})
