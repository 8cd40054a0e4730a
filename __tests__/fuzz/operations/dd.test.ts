import { execFileSync } from 'node:child_process'
import { statSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  drawSource,
  sourceVirtualSize,
  VIRTUAL_SIZES,
  type SourceSpec
} from '../../../src/fuzz/source.js'
import {
  dd,
  DD_BS_UNALIGNED,
  DD_MAX_BLOCKS,
  DD_MAX_BYTES,
  ddOutputBytes,
  pickDd,
  type DdPlan
} from '../../../src/fuzz/operations/dd.js'
import { optionsOf } from '../../../src/findings/knobs.js'
import { parseSize } from '../../../src/fuzz/size.js'
import { realQemuImg, tempDir, testToolbox } from '../../support/tools.js'
import { drawAt, toolboxWithBugs, unexpected } from './run-plan.js'
import { drawnCases, runOnSource, sourceWithData } from './source-plan.js'

const drawn = Array.from({ length: 4000 }, (_, i) => {
  const rng = drawAt(31, i)
  const spec = drawSource(rng)
  return { spec, plan: pickDd(rng, spec) }
})
const plans = drawn.flatMap(d => (d.plan ? [{ spec: d.spec, plan: d.plan }] : []))
const blocks = (p: DdPlan) => Math.ceil(ddOutputBytes(p) / (p.bs ?? 512))
const raw1M: SourceSpec = {
  format: 'raw',
  size: '1M',
  sizeBytes: 1 << 20,
  pattern: 'zeros',
  writes: []
}

describe("dd's window arithmetic", () => {
  let scratch: ReturnType<typeof tempDir>
  beforeAll(() => (scratch = tempDir('idf-ddbytes-')))
  afterAll(() => scratch.cleanup())

  it('is what qemu-img dd copies: count ends the input at count*bs, skip starts it at skip*bs', () => {
    // The bounds below are computed with ddOutputBytes; qemu-img is what makes them true.
    // Its output image is that many bytes rounded up to whole 512-byte sectors.
    const dir = scratch.dir
    const size = 1 << 20
    const source = path.join(dir, 'source.raw')
    execFileSync(realQemuImg(), ['create', '-q', '-f', 'raw', source, String(size)])
    const windows: Array<Pick<DdPlan, 'bs' | 'count' | 'skip'>> = [
      { bs: 4096, count: null, skip: 0 },
      { bs: 4096, count: 10, skip: 0 },
      { bs: 4096, count: 10, skip: 3 },
      { bs: 4096, count: 10, skip: 12 },
      { bs: 777, count: null, skip: 5 },
      { bs: 777, count: 2000, skip: 0 },
      { bs: 1000, count: 0, skip: 0 },
      { bs: null, count: 3, skip: 1 },
      { bs: 65536, count: null, skip: 20 }
    ]
    for (const [k, w] of windows.entries()) {
      const out = path.join(dir, `out${k}.raw`)
      execFileSync(realQemuImg(), [
        'dd',
        '-O',
        'raw',
        `if=${source}`,
        `of=${out}`,
        ...(w.bs !== null ? [`bs=${w.bs}`] : []),
        ...(w.count !== null ? [`count=${w.count}`] : []),
        ...(w.skip > 0 ? [`skip=${w.skip}`] : [])
      ])
      const copied = ddOutputBytes({ ...w, virtualSize: size })
      expect([w, statSync(out).size]).toEqual([w, Math.ceil(copied / 512) * 512])
    }
  })
})

describe('dd picker', () => {
  it('bounds every window in bytes and in blocks, even bs=1 without count on 1 GiB', () => {
    for (const { plan } of plans) {
      expect(ddOutputBytes(plan)).toBeLessThanOrEqual(DD_MAX_BYTES)
      expect(blocks(plan)).toBeLessThanOrEqual(DD_MAX_BLOCKS)
    }
    const tiny = plans.filter(d => d.plan.bs === 1 && d.plan.count === null && d.spec.size === '1G')
    expect(tiny.length).toBeGreaterThan(0)
    // Without count= the window still reaches the end of the disk.
    for (const { plan } of tiny) expect(plan.skip + blocks(plan)).toBe(plan.virtualSize)
  })

  it('keeps unaligned block sizes, counts, skips and empty windows covered', () => {
    expect(new Set(plans.map(d => d.plan.bs))).toEqual(
      new Set([512, 4096, 65536, 1048576, ...DD_BS_UNALIGNED, 8 << 20])
    )
    const kinds = new Set(plans.flatMap(d => optionsOf(d.plan.knobs)))
    expect(kinds).toEqual(
      new Set(['bs=aligned', 'bs=unaligned', 'bs=large', 'count=zero', 'count=set', 'skip=set'])
    )
    expect(plans.some(d => ddOutputBytes(d.plan) === 0)).toBe(true)
    expect(new Set(plans.map(d => d.plan.target))).toEqual(
      new Set(['raw', 'qcow2', 'vmdk', 'vpc', 'vhdx'])
    )
  })

  it('never draws an empty window into vmdk or vhdx (a documented divergence)', () => {
    const empty = plans.filter(d => ddOutputBytes(d.plan) === 0)
    expect(empty.filter(d => d.plan.target === 'vmdk' || d.plan.target === 'vhdx')).toEqual([])
    // ...and those are the only cases it declines.
    expect(drawn.filter(d => d.plan === null).length).toBeGreaterThan(0)
  })

  it('names the window shape in the knobs, the block size kind always drawn', () => {
    for (const { plan } of plans) {
      expect(plan.knobs.bs).toMatch(/^(aligned|unaligned|large)$/)
      expect(plan.knobs.skip === 'set').toBe(plan.skip > 0)
      expect(plan.knobs.count !== null).toBe(plan.count !== null)
    }
  })

  it('minimises to smaller cases only where the bound allows them', () => {
    const base: DdPlan = {
      target: 'raw',
      knobs: { bs: 'unaligned', count: 'set', skip: 'set' },
      bs: 777,
      count: 5,
      skip: 2,
      virtualSize: 1 << 20
    }
    const knobs = (k: Partial<DdPlan['knobs']>) => ({ ...base.knobs, ...k })
    expect(dd.withKnobs(base, knobs({ skip: null }), raw1M)).toMatchObject({
      bs: 777,
      count: 5,
      skip: 0
    })
    // Without its block size kind the case runs at qemu-img's default block size.
    expect(dd.withKnobs(base, knobs({ bs: null, count: null }), raw1M)).toMatchObject({
      bs: null,
      count: null,
      skip: 2
    })
    // Dropping count on 1 MiB at bs=777 copies 1350 blocks: fine.
    expect(dd.withKnobs(base, knobs({ count: null, skip: null }), raw1M)).toMatchObject({
      count: null,
      skip: 0
    })
    // At bs=1 the whole disk is too many blocks: without skip that is no valid case.
    const tiny = { ...base, bs: 1 }
    expect(dd.withKnobs(tiny, knobs({ count: null, skip: null }), raw1M)).toBeNull()
    expect(dd.withKnobs(tiny, knobs({ count: null }), raw1M)).toMatchObject({
      count: null,
      skip: (1 << 20) - DD_MAX_BLOCKS
    })
  })
})

describe('vpc source sizes', () => {
  let scratch: ReturnType<typeof tempDir>
  beforeAll(() => (scratch = tempDir('idf-vpcsize-')))
  afterAll(() => scratch.cleanup())

  it('match what qemu-img makes of each drawn size (CHS rounding)', () => {
    const dir = scratch.dir
    for (const size of VIRTUAL_SIZES) {
      const file = path.join(dir, `${size}.vpc`)
      execFileSync(realQemuImg(), ['create', '-q', '-f', 'vpc', file, size])
      const info = JSON.parse(
        execFileSync(realQemuImg(), ['info', '--output=json', file], { encoding: 'utf8' })
      )
      const spec: SourceSpec = {
        format: 'vpc',
        size,
        sizeBytes: parseSize(size),
        pattern: 'zeros',
        writes: []
      }
      expect([size, sourceVirtualSize(spec)]).toEqual([size, info['virtual-size']])
    }
  })
})

describe('dd against qemu-img', () => {
  it('finds nothing with the faithful stand-in over drawn cases', async () => {
    const tools = testToolbox()
    const cases = drawnCases(dd, 9, 14)
    const outcomes = []
    for (const { spec, plan } of cases) outcomes.push(await runOnSource(dd, plan, spec, tools))
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.filter(o => o.kind === 'pass').length).toBe(cases.length)
  })

  it('copies a bs=1 tail of a 1 GiB vpc to the end, within the bound', async () => {
    const tools = testToolbox()
    const spec: SourceSpec = {
      format: 'vpc',
      size: '1G',
      sizeBytes: 1 << 30,
      pattern: 'zeros',
      writes: []
    }
    const plan: DdPlan = {
      target: 'vpc',
      knobs: { bs: 'unaligned', count: null, skip: 'set' },
      bs: 1,
      count: null,
      skip: sourceVirtualSize(spec) - DD_MAX_BLOCKS,
      virtualSize: sourceVirtualSize(spec)
    }
    expect(await runOnSource(dd, plan, spec, tools)).toEqual({ kind: 'pass' })
  })

  it('catches dd-skip-off-by-one as a content divergence, for raw and other targets', async () => {
    const tools = toolboxWithBugs('dd-skip-off-by-one')
    for (const target of ['raw', 'qcow2'] as const) {
      const plan: DdPlan = {
        target,
        knobs: { bs: 'aligned', count: 'set', skip: 'set' },
        bs: 4096,
        count: 40,
        skip: 31,
        virtualSize: 4 << 20
      }
      expect(await runOnSource(dd, plan, sourceWithData('qcow2'), tools)).toMatchObject({
        kind: 'divergence',
        type: 'dd_content_divergence'
      })
    }
  })
})
