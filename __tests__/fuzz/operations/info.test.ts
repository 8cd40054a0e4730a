import { afterAll, describe, expect, it } from 'vitest'
import { detectLibyal } from '../../../src/fuzz/libyal-tools.js'
import { info } from '../../../src/fuzz/operations/info.js'
import { drawSource, SOURCE_FORMATS } from '../../../src/fuzz/source.js'
import { testToolbox } from '../../support/tools.js'
import { toolVariants } from '../../support/tool-variants.js'
import { drawAt, unexpected } from './run-plan.js'
import { drawnCases, runOnSource, sourceWithData } from './source-plan.js'

const variants = toolVariants('idf-info-')
afterAll(() => variants.cleanup())

describe('info picker', () => {
  it('skips raw sources only (instar calls a partition-less raw file unknown), with no knobs', () => {
    const drawn = Array.from({ length: 1000 }, (_, i) => {
      const rng = drawAt(61, i)
      const spec = drawSource(rng)
      return { spec, plan: info.pick(rng, spec) }
    })
    for (const { spec, plan } of drawn)
      expect(plan).toEqual(spec.format === 'raw' ? null : { target: spec.format, knobs: {} })
    expect(new Set(drawn.map(d => d.spec.format))).toEqual(new Set(SOURCE_FORMATS))
  })
})

describe('info against qemu-img', () => {
  it('finds nothing with the faithful stand-in, libyal third opinion included', async () => {
    const libyal = await detectLibyal()
    // script/setup installs the libyal tools: missing ones fail here, they do not skip.
    expect(libyal.missing).toEqual([])
    const tools = testToolbox({ libyal })
    const cases = drawnCases(info, 13, 8)
    const outcomes = await Promise.all(cases.map(c => runOnSource(info, c.plan, c.spec, tools)))
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.filter(o => o.kind === 'pass')).toHaveLength(8)
    // One libyal reading per case (qcowinfo, vmdkinfo or vhdiinfo by format).
    const libyalCalls = ['qcowinfo', 'vmdkinfo', 'vhdiinfo'].map(t => tools.spawns.get(t) ?? 0)
    expect(libyalCalls.reduce((a, b) => a + b, 0)).toBe(8)
  })

  it('compares what qemu-img shows: a dropped field is found, a format-specific one is not', async () => {
    const dropped = testToolbox({ instar: variants.standIn({ STAND_IN_BUGS: 'info-drops-field' }) })
    const o = await runOnSource(
      info,
      { target: 'qcow2', knobs: {} },
      sourceWithData('qcow2'),
      dropped
    )
    expect(o).toMatchObject({
      kind: 'divergence',
      type: 'info_output_divergence',
      evidence: { differingPaths: ['/cluster-size'] }
    })
    // format-specific is left out of info's comparison (the peer's rule):
    // without a third opinion, a wrong compat level passes.
    const compat = testToolbox({ instar: variants.standIn({ STAND_IN_BUGS: 'info-wrong-compat' }) })
    expect(
      await runOnSource(info, { target: 'qcow2', knobs: {} }, sourceWithData('qcow2'), compat)
    ).toEqual({ kind: 'pass' })
  })
})
