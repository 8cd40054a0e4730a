import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { convert, convertCompressed } from '../../../src/fuzz/operations/convert.js'
import { drawSource } from '../../../src/fuzz/source.js'
import { tempDir, testToolbox } from '../../support/tools.js'
import { toolVariants } from '../../support/tool-variants.js'
import { drawAt, unexpected } from './run-plan.js'
import { drawnCases, runOnSource, sourceWithData } from './source-plan.js'

const variants = toolVariants('idf-convert-')
const logs = tempDir('idf-convert-log-')
afterAll(() => {
  variants.cleanup()
  logs.cleanup()
})

describe('convert pickers', () => {
  it('draw raw and qcow2 targets; only convert_compressed compresses, and only into qcow2', () => {
    for (const op of [convert, convertCompressed]) {
      const plans = Array.from({ length: 400 }, (_, i) => {
        const rng = drawAt(71, i)
        return op.pick(rng, drawSource(rng))!
      })
      expect(new Set(plans.map(p => p.target))).toEqual(new Set(['raw', 'qcow2']))
      for (const p of plans)
        expect(p.compress).toBe(op === convertCompressed && p.target === 'qcow2')
    }
  })
})

describe('convert against qemu-img', () => {
  it('finds nothing with the faithful stand-in, compressed or not', async () => {
    const tools = testToolbox()
    const cases = [
      ...drawnCases(convert, 27, 4).map(c => ({ op: convert, ...c })),
      ...drawnCases(convertCompressed, 28, 4, (_, p) => p.compress).map(c => ({
        op: convertCompressed,
        ...c
      }))
    ]
    const outcomes = await Promise.all(cases.map(c => runOnSource(c.op, c.plan, c.spec, tools)))
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.filter(o => o.kind === 'pass')).toHaveLength(8)
  })

  it("asks instar for compression in its own spelling, --compress, where qemu-img's is -c", async () => {
    const log = path.join(logs.dir, 'argv')
    const tools = testToolbox({ instar: variants.standIn({ STAND_IN_LOG: log }) })
    const plan = { target: 'qcow2', knobs: {}, compress: true }
    expect(await runOnSource(convertCompressed, plan, sourceWithData('qcow2'), tools)).toEqual({
      kind: 'pass'
    })
    const [argv] = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as string[])
    expect(argv.slice(0, 4)).toEqual(['convert', '-O', 'qcow2', '--compress'])
    expect(argv).not.toContain('-c')
  })
})
