import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { drawSource, SOURCE_FORMATS, VIRTUAL_SIZES } from '../../../src/fuzz/source.js'
import { map, MAP_ALIGN, pickMap, type MapPlan } from '../../../src/fuzz/operations/map.js'
import { optionsOf } from '../../../src/findings/knobs.js'
import { parseSize } from '../../../src/fuzz/size.js'
import { tempDir, testToolbox } from '../../support/tools.js'
import { toolVariants } from '../../support/tool-variants.js'
import { drawAt, toolboxWithBugs, unexpected } from './run-plan.js'
import { drawnCases, runOnSource, sourceWithData } from './source-plan.js'

describe('map picker', () => {
  const drawn = Array.from({ length: 2000 }, (_, i) => {
    const rng = drawAt(21, i)
    const spec = drawSource(rng)
    return { spec, plan: pickMap(rng, spec) }
  })

  it('skips raw sources (instar reports one extent where qemu-img walks holes)', () => {
    for (const { spec, plan } of drawn) expect(plan === null).toBe(spec.format === 'raw')
    expect(new Set(drawn.map(d => d.plan?.target))).toEqual(
      new Set([...SOURCE_FORMATS.filter(f => f !== 'raw'), undefined])
    )
  })

  it('draws only 64 KiB-aligned windows inside the disk, and says so in the options', () => {
    const plans = drawn.map(d => ({ ...d, plan: d.plan! })).filter(d => d.plan)
    for (const { spec, plan } of plans) {
      if (plan.startOffset !== undefined) {
        expect(plan.startOffset % MAP_ALIGN).toBe(0)
        expect(plan.startOffset).toBeLessThanOrEqual(spec.sizeBytes / 2)
      }
      if (plan.maxLength !== undefined) {
        expect(plan.maxLength % MAP_ALIGN).toBe(0)
        expect(plan.maxLength).toBeGreaterThanOrEqual(MAP_ALIGN)
        expect(plan.maxLength).toBeLessThanOrEqual(spec.sizeBytes)
      }
      expect(optionsOf(plan.knobs)).toEqual([
        ...(plan.startOffset !== undefined ? ['start_offset=aligned'] : []),
        ...(plan.maxLength !== undefined ? ['max_length=aligned'] : [])
      ])
    }
    const both = plans.filter(d => optionsOf(d.plan.knobs).length === 2).length
    expect(both).toBeGreaterThan(0)
    expect(plans.filter(d => optionsOf(d.plan.knobs).length === 0).length).toBeGreaterThan(both)
  })

  it('drops a window side with its knob when minimising, and adds one where a knob is turned on', () => {
    const plan: MapPlan = {
      target: 'qcow2',
      knobs: { start_offset: 'aligned', max_length: 'aligned' },
      startOffset: 65536,
      maxLength: 131072
    }
    const spec = sourceWithData('qcow2')
    expect(map.withKnobs(plan, { start_offset: null, max_length: 'aligned' }, spec)).toEqual({
      target: 'qcow2',
      knobs: { start_offset: null, max_length: 'aligned' },
      startOffset: undefined,
      maxLength: 131072
    })
    const bare: MapPlan = { target: 'qcow2', knobs: { start_offset: null, max_length: null } }
    expect(map.withKnobs(bare, { start_offset: 'aligned', max_length: null }, spec)).toMatchObject({
      startOffset: MAP_ALIGN,
      maxLength: undefined
    })
  })

  it('always has room for a window (no drawn size is below two alignment units)', () => {
    for (const size of VIRTUAL_SIZES) expect(parseSize(size)).toBeGreaterThanOrEqual(2 * MAP_ALIGN)
  })
})

describe('map against qemu-img', () => {
  it('finds nothing with the faithful stand-in over drawn cases', async () => {
    const tools = testToolbox()
    const outcomes = []
    for (const { spec, plan } of drawnCases(map, 7, 12))
      outcomes.push(await runOnSource(map, plan, spec, tools))
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.filter(o => o.kind === 'pass').length).toBe(12)
  })

  it('passes the window to instar in its own spelling', async () => {
    const logs = tempDir('idf-maplog-')
    const variants = toolVariants('idf-map-')
    try {
      const log = path.join(logs.dir, 'argv')
      const tools = testToolbox({ instar: variants.standIn({ STAND_IN_LOG: log }) })
      const plan: MapPlan = {
        target: 'qcow2',
        knobs: { start_offset: 'aligned', max_length: 'aligned' },
        startOffset: 65536,
        maxLength: 196608
      }
      expect(await runOnSource(map, plan, sourceWithData('qcow2'), tools)).toEqual({
        kind: 'pass'
      })
      const argv = JSON.parse(readFileSync(log, 'utf8').trim())
      expect(argv.slice(0, 7)).toEqual([
        'map',
        '--start-offset',
        '65536',
        '--max-length',
        '196608',
        '--output',
        'json'
      ])
    } finally {
      logs.cleanup()
      variants.cleanup()
    }
  })

  it('catches map-merges as an extent count divergence', async () => {
    const tools = toolboxWithBugs('map-merges')
    for (const format of ['qcow2', 'vmdk'] as const) {
      const outcome = await runOnSource(
        map,
        { target: format, knobs: { start_offset: null, max_length: null } },
        sourceWithData(format),
        tools
      )
      expect(outcome).toMatchObject({
        kind: 'divergence',
        type: 'map_extent_count_divergence',
        evidence: { details: { instarCount: 3, qemuCount: 4 } }
      })
    }
  })
})
