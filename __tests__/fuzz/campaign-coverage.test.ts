import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCampaign, type CampaignConfig } from '../../src/fuzz/campaign.js'
import { coverageSpace } from '../../src/fuzz/coverage-space.js'
import { OPERATION_NAMES } from '../../src/fuzz/operation.js'
import { steeringFrom, steeringWeights } from '../../src/fuzz/steering.js'
import { parseQemuVersion } from '../../src/util/qemu-version.js'
import { plannedCoverage } from '../support/planned-coverage.js'
import { realQemuImg, STAND_IN, tempDir } from '../support/tools.js'

const qemuImg = realQemuImg()
const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function config(overrides: Partial<CampaignConfig>): CampaignConfig {
  const work = tempDir('idf-steered-')
  cleanups.push(work.cleanup)
  return {
    seed: 11,
    shard: { index: 1, count: 1 },
    operations: [...OPERATION_NAMES],
    jobs: 2,
    iterations: 8,
    durationSeconds: 600,
    timeoutSeconds: 20,
    minimize: true,
    paths: { instar: STAND_IN, qemuImg, qemuIo: path.join(path.dirname(qemuImg), 'qemu-io') },
    qemuVersion: parseQemuVersion(execFileSync(qemuImg, ['--version'], { encoding: 'utf8' })),
    workRoot: work.dir,
    ...overrides
  }
}

async function faithful(overrides: Partial<CampaignConfig>) {
  const saved = process.env.STAND_IN_BUGS
  process.env.STAND_IN_BUGS = ''
  try {
    return await runCampaign(config(overrides))
  } finally {
    process.env.STAND_IN_BUGS = saved
  }
}

describe('a steered campaign', () => {
  it('finds nothing against a faithful stand-in over all operations, and counts every run', async () => {
    const r = await faithful({
      steering: steeringFrom(
        steeringWeights(plannedCoverage(1, 400, OPERATION_NAMES), coverageSpace(), OPERATION_NAMES)
      )
    })
    expect(r.iterations).toBe(8)
    expect(r.findings).toEqual([])
    expect(r.divergences).toBe(0)
    expect(r.inconclusive.total).toBe(0)
    const space = coverageSpace()
    const coverage = r.coverage!
    for (const [name, stats] of Object.entries(r.operations)) {
      expect(coverage.operations[name]?.runs ?? 0, name).toBe(stats.runs)
      const cells = coverage.operations[name]
      if (!cells) continue
      expect(Object.keys(cells.values).filter(c => !space[name].values.includes(c))).toEqual([])
      expect(Object.keys(cells.pairs).filter(c => !space[name].pairs.includes(c))).toEqual([])
    }
    expect(coverage.campaigns).toBe(1)
  })
})
