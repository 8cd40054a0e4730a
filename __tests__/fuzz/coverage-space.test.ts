import { describe, expect, it } from 'vitest'
import {
  caseCells,
  coverageDomain,
  coverageSpace,
  findingCells,
  valueText
} from '../../src/fuzz/coverage-space.js'
import { planIteration, stepCase, type Steering } from '../../src/fuzz/iteration.js'
import { OPERATION_NAMES, type Plan } from '../../src/fuzz/operation.js'
import { operation } from '../../src/fuzz/operations/index.js'
import { SOURCE_KNOBS } from '../../src/fuzz/source.js'
import { plannedCoverage } from '../support/planned-coverage.js'

const space = coverageSpace()

describe('the space of cells the pickers can draw', () => {
  it('has every declared knob value, except the ones the pickers leave out on purpose', () => {
    const missing: string[] = []
    for (const name of OPERATION_NAMES) {
      const op = operation(name)
      const domains = { ...op.knobs, ...(op.readsSource ? SOURCE_KNOBS : {}) }
      for (const [key, domain] of Object.entries(domains))
        for (const v of domain.values)
          if (!space[name].values.includes(`${key}=${valueText(v)}`))
            missing.push(`${name} ${key}=${valueText(v)}`)
    }
    expect(missing).toEqual([
      // info and map do not apply to raw sources, so no MBR; their target is the source's format.
      'info from=qcow2',
      'info from=raw',
      'info from=vmdk',
      'info from=vpc',
      'info pattern=mbr',
      'check from=qcow2',
      'check from=raw',
      'check from=vmdk',
      'check from=vpc',
      'map from=qcow2',
      'map from=raw',
      'map from=vmdk',
      'map from=vpc',
      'map pattern=mbr',
      // Minimisation's "no block size"; the picker always draws one.
      'dd bs=none'
    ])
  })

  it('leaves out the combinations the pickers exclude, and keeps their neighbours', () => {
    const pairs = (name: string) => new Set(space[name].pairs)
    expect(pairs('create').has('cluster_size=512 extended_l2=on')).toBe(false)
    expect(pairs('create').has('cluster_size=65536 extended_l2=on')).toBe(true)
    expect(pairs('create').has('extended_l2=on preallocation=falloc')).toBe(false)
    expect(pairs('create').has('extended_l2=off preallocation=falloc')).toBe(true)
    expect(pairs('create').has('subformat=streamOptimized target=qcow2')).toBe(false)
    expect(pairs('convert').has('from=qcow2 pattern=mbr')).toBe(false)
    expect(pairs('convert').has('from=raw pattern=mbr')).toBe(true)
    expect(pairs('resize').has('cluster_size=2097152 target=qcow2')).toBe(false)
  })

  it('holds every cell of every case the real pickers draw, steered or not', () => {
    // Steering that pushes every rare value as far as it goes must not reach beyond the space.
    const extreme: Steering = () => (_key, value) => (value === null || value === false ? 0.05 : 1)
    const outside: string[] = []
    let cases = 0
    for (const steering of [undefined, extreme])
      for (let i = 0; i < 400; i++) {
        const plan = planIteration(99, i, OPERATION_NAMES, steering)
        for (const step of plan.steps) {
          if (!step.plan) continue
          cases++
          const cells = caseCells(
            stepCase(plan, step as { operation: typeof step.operation; plan: Plan })
          )
          const known = new Set([...space[step.operation].values, ...space[step.operation].pairs])
          for (const c of [...cells.values, ...cells.pairs])
            if (!known.has(c)) outside.push(`${step.operation} ${c}`)
        }
      }
    expect(cases).toBeGreaterThan(1500)
    expect(outside).toEqual([])
  })

  it('names values without spaces or "=", one name per value of a knob', () => {
    for (const name of OPERATION_NAMES) {
      const op = operation(name)
      for (const [key, domain] of Object.entries({ ...op.knobs, ...SOURCE_KNOBS })) {
        const names = domain.values.map(valueText)
        expect(new Set(names).size, `${name} ${key}`).toBe(names.length)
        for (const n of names) expect(n).toMatch(/^[^\s=]+$/)
      }
    }
  })

  it('keeps a counted map within the space: memory is bounded by what the pickers can draw', () => {
    const map = plannedCoverage(5, 600, OPERATION_NAMES)
    for (const name of OPERATION_NAMES) {
      expect(Object.keys(map.operations[name]?.values ?? {}).length).toBeLessThanOrEqual(
        space[name].values.length
      )
      expect(Object.keys(map.operations[name]?.pairs ?? {}).length).toBeLessThanOrEqual(
        space[name].pairs.length
      )
    }
  })

  it('counts a divergence on the cells of the minimal case only', () => {
    expect(findingCells('qcow2', ['refcount_bits=1', 'cluster_size=512'])).toEqual({
      values: ['cluster_size=512', 'refcount_bits=1', 'target=qcow2'],
      pairs: [
        'cluster_size=512 refcount_bits=1',
        'cluster_size=512 target=qcow2',
        'refcount_bits=1 target=qcow2'
      ]
    })
    expect(findingCells('raw', [])).toEqual({ values: ['target=raw'], pairs: [] })
  })

  it('lets a map read back keep the values there are and nothing else', () => {
    const domain = coverageDomain()
    expect(domain.value('create', 'refcount_bits', '64')).toBe(true)
    expect(domain.value('create', 'refcount_bits', '3')).toBe(false)
    expect(domain.value('create', 'target', 'vpc')).toBe(false)
    expect(domain.value('convert', 'pattern', 'mbr')).toBe(true)
    expect(domain.value('create', 'pattern', 'mbr')).toBe(false)
    expect(domain.value('gone', 'target', 'raw')).toBe(false)
  })
})
