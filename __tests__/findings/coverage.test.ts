import { describe, expect, it } from 'vitest'
import {
  cellsOf,
  countDivergence,
  countRun,
  emptyCoverage,
  MAX_CELLS,
  mergeCoverage,
  parseCoverage,
  parseWeights,
  pruneCoverage,
  type CoverageMap
} from '../../src/findings/coverage.js'
import {
  coverageDocument,
  coverageSection,
  operationView,
  type CoverageInfo
} from '../../src/findings/coverage-report.js'

const qcow2 = cellsOf([
  ['target', 'qcow2'],
  ['refcount_bits', '1'],
  ['cluster_size', '512']
])
const raw = cellsOf([['target', 'raw']])

/** A map of one campaign that ran these cases of `create` at `when`. */
function ran(when: string, ...cases: Array<typeof qcow2>): CoverageMap {
  const map = { ...emptyCoverage(), campaigns: 1 }
  for (const c of cases) countRun(map, 'create', c, when)
  return map
}

describe('cells', () => {
  it('names values key=value and each pair once, keys in alphabetical order', () => {
    expect(qcow2).toEqual({
      values: ['cluster_size=512', 'refcount_bits=1', 'target=qcow2'],
      pairs: [
        'cluster_size=512 refcount_bits=1',
        'cluster_size=512 target=qcow2',
        'refcount_bits=1 target=qcow2'
      ]
    })
    expect(raw).toEqual({ values: ['target=raw'], pairs: [] })
  })
})

describe('counting', () => {
  it('counts every run of every cell, divergences apart, with the start of the last run', () => {
    const map = ran('2026-01-01T03:00:00.000Z', qcow2, qcow2, raw)
    countDivergence(map, 'create', qcow2)
    expect(map.operations.create.runs).toBe(3)
    expect(map.operations.create.values['target=qcow2']).toEqual({
      runs: 2,
      divergences: 1,
      last: '2026-01-01T03:00:00.000Z'
    })
    expect(map.operations.create.values['target=raw']).toEqual({
      runs: 1,
      divergences: 0,
      last: '2026-01-01T03:00:00.000Z'
    })
    expect(map.operations.create.pairs['cluster_size=512 refcount_bits=1'].runs).toBe(2)
    expect(Object.keys(map.operations.create.pairs)).toHaveLength(3)
  })

  it('stays within the cells the cases have, however many runs are counted', () => {
    const map = ran('t', ...Array.from({ length: 5000 }, (_, i) => (i % 2 ? qcow2 : raw)))
    expect(map.operations.create.runs).toBe(5000)
    expect(Object.keys(map.operations.create.values)).toHaveLength(4)
    expect(Object.keys(map.operations.create.pairs)).toHaveLength(3)
  })
})

describe('mergeCoverage', () => {
  const a = ran('2026-01-01T03:00:00.000Z', qcow2)
  const b = ran('2026-01-02T03:00:00.000Z', raw, qcow2)
  const c = ran('2026-01-03T03:00:00.000Z', raw)
  countDivergence(c, 'create', raw)

  it('adds runs and divergences up and keeps the latest time', () => {
    const m = mergeCoverage(a, b)
    expect(m.campaigns).toBe(2)
    expect(m.operations.create.runs).toBe(3)
    expect(m.operations.create.values['target=qcow2']).toEqual({
      runs: 2,
      divergences: 0,
      last: '2026-01-02T03:00:00.000Z'
    })
  })

  it('is associative and commutative, and changes neither input', () => {
    const before = JSON.stringify([a, b, c])
    const left = mergeCoverage(mergeCoverage(a, b), c)
    expect(mergeCoverage(a, mergeCoverage(b, c))).toEqual(left)
    expect(mergeCoverage(c, mergeCoverage(b, a))).toEqual(left)
    expect(mergeCoverage(left, emptyCoverage())).toEqual(left)
    expect(JSON.stringify([a, b, c])).toBe(before)
    expect(left.operations.create.values['target=raw']).toEqual({
      runs: 2,
      divergences: 1,
      last: '2026-01-03T03:00:00.000Z'
    })
  })
})

describe('reading a map back', () => {
  it('round-trips through JSON', () => {
    const map = mergeCoverage(ran('t1', qcow2), ran('t2', raw))
    expect(parseCoverage(JSON.parse(JSON.stringify(map)))).toEqual(map)
  })

  it('says why a document is no map', () => {
    expect(parseCoverage(null)).toBe('not a JSON object')
    expect(parseCoverage({ version: 2, operations: {} })).toBe('version 2 is not 1')
    expect(parseCoverage({ version: 1 })).toBe('no operations')
  })

  it('leaves out cells of the wrong shape and keeps at most MAX_CELLS per kind', () => {
    const values: Record<string, unknown> = {
      'no-equals': { runs: 1, divergences: 0, last: '' },
      'negative=1': { runs: -1, divergences: 0, last: '' },
      'ok=1': { runs: 2, divergences: 1, last: 't' }
    }
    for (let i = 0; i < MAX_CELLS + 10; i++) values[`k=${i}`] = { runs: 1, divergences: 0 }
    const map = parseCoverage({ version: 1, campaigns: 3, operations: { create: { values } } })
    if (typeof map === 'string') throw new Error(map)
    expect(map.campaigns).toBe(3)
    expect(map.operations.create.values['ok=1']).toEqual({ runs: 2, divergences: 1, last: 't' })
    expect(map.operations.create.values['no-equals']).toBeUndefined()
    expect(map.operations.create.values['negative=1']).toBeUndefined()
    expect(Object.keys(map.operations.create.values)).toHaveLength(MAX_CELLS)
    expect(map.operations.create.pairs).toEqual({})
  })

  it('prunes operations and values the pickers no longer draw', () => {
    const map = mergeCoverage(ran('t', qcow2, raw), {
      version: 1,
      campaigns: 0,
      operations: { gone: { runs: 1, values: {}, pairs: {} } }
    })
    const pruned = pruneCoverage(map, {
      operations: ['create'],
      value: (_op, key, value) => !(key === 'refcount_bits' && value === '1')
    })
    expect(Object.keys(pruned.operations)).toEqual(['create'])
    expect(Object.keys(pruned.operations.create.values).sort()).toEqual([
      'cluster_size=512',
      'target=qcow2',
      'target=raw'
    ])
    expect(Object.keys(pruned.operations.create.pairs)).toEqual(['cluster_size=512 target=qcow2'])
  })
})

describe('parseWeights', () => {
  const weights = { create: { refcount_bits: { none: 0.05, '1': 1 } } }

  it('reads a bare table, a summary or a finding, and null from an unsteered run', () => {
    expect(parseWeights(weights)).toEqual(weights)
    expect(parseWeights({ version: 1, steering: { mode: 'coverage', weights } })).toEqual(weights)
    expect(parseWeights({ steering: { mode: 'uniform', weights: null } })).toBeNull()
  })

  it('refuses a weight that is not a positive number', () => {
    expect(parseWeights({ create: { target: { raw: 0 } } })).toBe(
      'the weight of create target=raw is 0, not a positive number'
    )
    expect(parseWeights({ create: { target: { raw: '1' } } })).toBe(
      'the weight of create target=raw is "1", not a positive number'
    )
  })
})

describe('the coverage view and job summary section', () => {
  const space = {
    create: {
      values: ['cluster_size=512', 'refcount_bits=1', 'target=qcow2', 'target=raw'],
      pairs: [
        'cluster_size=512 refcount_bits=1',
        'cluster_size=512 target=qcow2',
        'refcount_bits=1 target=qcow2'
      ]
    }
  }
  const restored = ran('2026-01-01T03:00:00.000Z', raw)
  const run = ran('2026-01-02T03:00:00.000Z', cellsOf([['target', 'qcow2']]), raw)
  countDivergence(run, 'create', raw)
  const info: CoverageInfo = {
    steer: 'coverage',
    weights: { create: { target: { raw: 0.5 } } },
    restoredFrom: 'cache key k',
    restored,
    space
  }

  it('shares covered, new cells, never-run cells values first, and diverged values', () => {
    expect(operationView('create', space, restored, run)).toEqual({
      values: { covered: 2, total: 4 },
      pairs: { covered: 0, total: 3 },
      new: 1,
      neverRun: [
        'cluster_size=512',
        'refcount_bits=1',
        'cluster_size=512 refcount_bits=1',
        'cluster_size=512 target=qcow2',
        'refcount_bits=1 target=qcow2'
      ],
      diverged: [['target=raw', 1]]
    })
  })

  it('renders one row per operation, cut after four cells', () => {
    const lines = coverageSection(info, run)
    expect(lines[0]).toBe('### Coverage of the option space')
    expect(lines[2]).toBe(
      'Knob values 2/4 (50%) and pairs of values 0/3 (0%) of what the pickers can draw have run, accumulated over 2 runs (restored from cache key k); 1 cell ran for the first time in this run (steered towards what ran least). Every cell is in `summary.json` `coverage`.'
    )
    expect(lines.filter(l => l.startsWith('| create |'))).toEqual([
      '| create | 2/4 (50%) | 0/3 (0%) | 1 | `cluster_size=512`, `refcount_bits=1`, `cluster_size=512 refcount_bits=1`, `cluster_size=512 target=qcow2` +1 more | `target=raw ×1` |'
    ])
  })

  it('puts the views, this run and the accumulated map in summary.json', () => {
    const doc = coverageDocument(info, run)
    expect(doc.steer).toBe('coverage')
    expect(doc.restored_from).toBe('cache key k')
    expect(doc.run).toEqual(run)
    expect(doc.accumulated).toEqual(mergeCoverage(restored, run))
    expect((doc.operations as Record<string, unknown>).create).toMatchObject({
      values: { covered: 2, total: 4 },
      new: 1,
      diverged: { 'target=raw': 1 }
    })
  })
})
