import { describe, expect, it } from 'vitest'
import type { CampaignConfig } from '../../src/fuzz/campaign.js'
import { coverageSpace } from '../../src/fuzz/coverage-space.js'
import { OPERATION_NAMES } from '../../src/fuzz/operation.js'
import { steeringFrom, steeringWeights } from '../../src/fuzz/steering.js'
import { campaignWithBugs } from '../support/campaign.js'
import { plannedCoverage } from '../support/planned-coverage.js'

/** A campaign over all operations against a faithful stand-in. */
const faithful = (overrides: Partial<CampaignConfig>) =>
  campaignWithBugs('', { seed: 11, operations: [...OPERATION_NAMES], iterations: 8, ...overrides })

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
