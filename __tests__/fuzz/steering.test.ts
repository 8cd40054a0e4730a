import { describe, expect, it } from 'vitest'
import { emptyCoverage, type CoverageMap } from '../../src/findings/coverage.js'
import { coverageSpace } from '../../src/fuzz/coverage-space.js'
import { planIteration } from '../../src/fuzz/iteration.js'
import { OPERATION_NAMES, type OperationName } from '../../src/fuzz/operation.js'
import { steeringFrom, steeringWeights, WEIGHT_FLOOR } from '../../src/fuzz/steering.js'
import { plannedCoverage } from '../support/planned-coverage.js'

const space = coverageSpace()

const runsOf = (map: CoverageMap, op: string, cell: string): number =>
  map.operations[op]?.values[cell]?.runs ?? 0

describe('steering weights', () => {
  it('are none for an empty map: the first run draws as written', () => {
    expect(steeringWeights(emptyCoverage(), space, [...OPERATION_NAMES])).toEqual({})
    expect(steeringFrom({})).toBeUndefined()
  })

  it('are all in [floor, 1] and favour what ran least', () => {
    const map = plannedCoverage(1, 150, OPERATION_NAMES)
    const weights = steeringWeights(map, space, [...OPERATION_NAMES])
    const all = Object.values(weights).flatMap(keys =>
      Object.values(keys).flatMap(values => Object.values(values))
    )
    expect(all.length).toBeGreaterThan(100)
    for (const w of all) {
      expect(w).toBeGreaterThanOrEqual(WEIGHT_FLOOR)
      expect(w).toBeLessThanOrEqual(1)
    }
    // create draws no refcount width 10.5 times in 17.5: that value ran most, so it weighs least.
    const refcount = weights.create.refcount_bits
    expect(Math.min(...Object.values(refcount))).toBe(refcount.none)
    expect(runsOf(map, 'create', 'refcount_bits=none')).toBeGreaterThan(
      runsOf(map, 'create', 'refcount_bits=64')
    )
    // The source's knobs are weighed once, for every operation that reads the source.
    expect(Object.keys(weights.source).sort()).toEqual(['cluster_size', 'from', 'pattern'])
    expect(weights.info?.target).toBeUndefined()
  })

  it('make a steered run reach values and pairs a run as written reaches less', () => {
    const pool: OperationName[] = ['create', 'resize', 'amend']
    const first = plannedCoverage(1, 150, pool)
    const steering = steeringFrom(steeringWeights(first, space, pool))
    const steered = plannedCoverage(2, 150, pool, { steering })
    const plain = plannedCoverage(2, 150, pool)
    const widths = (m: CoverageMap) =>
      ['1', '2', '4', '8', '16', '32', '64'].reduce(
        (a, w) => a + runsOf(m, 'create', `refcount_bits=${w}`),
        0
      )
    expect(widths(steered)).toBeGreaterThan(widths(plain) * 1.5)
    const pairs = (m: CoverageMap) =>
      pool.reduce((a, op) => a + Object.keys(m.operations[op]?.pairs ?? {}).length, 0)
    expect(pairs(steered)).toBeGreaterThan(pairs(plain))
  })

  it('replay the same plans from the table read back from JSON', () => {
    const pool = [...OPERATION_NAMES]
    const weights = steeringWeights(plannedCoverage(3, 100, pool), space, pool)
    const again = steeringFrom(JSON.parse(JSON.stringify(weights)))
    for (let i = 0; i < 50; i++)
      expect(planIteration(4, i, pool, again)).toEqual(
        planIteration(4, i, pool, steeringFrom(weights))
      )
  })
})
