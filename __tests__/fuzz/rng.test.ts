import { describe, expect, it } from 'vitest'
import { globalIteration, iterationRng } from '../../src/fuzz/rng.js'

describe('iterationRng', () => {
  it('depends on (seed, iteration) alone', () => {
    const a = iterationRng(42, 7)
    const b = iterationRng(42, 7)
    const draws = (r: typeof a): number[] => Array.from({ length: 20 }, () => r.int(0, 1000))
    expect(draws(a)).toEqual(draws(b))
    expect(draws(iterationRng(42, 8))).not.toEqual(draws(iterationRng(42, 7)))
    expect(draws(iterationRng(43, 7))).not.toEqual(draws(iterationRng(42, 7)))
  })

  it('draws inclusive integer ranges and every list element', () => {
    const r = iterationRng(1, 1)
    const seen = new Set<number>()
    for (let i = 0; i < 2000; i++) {
      const n = r.int(2, 4)
      expect(n).toBeGreaterThanOrEqual(2)
      expect(n).toBeLessThanOrEqual(4)
      seen.add(n)
    }
    expect([...seen].sort()).toEqual([2, 3, 4])
    const picked = new Set(Array.from({ length: 500 }, () => r.choice(['a', 'b', 'c'])))
    expect(picked.size).toBe(3)
    expect(() => r.choice([])).toThrow()
  })
})

describe('globalIteration', () => {
  it('gives the shards of a matrix disjoint streams that cover every index', () => {
    const seen = new Set<number>()
    for (let shard = 1; shard <= 4; shard++) {
      for (let k = 0; k < 25; k++) {
        const g = globalIteration(k, shard, 4)
        expect(seen.has(g)).toBe(false)
        seen.add(g)
      }
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(globalIteration(5, 1, 1)).toBe(5)
  })
})
