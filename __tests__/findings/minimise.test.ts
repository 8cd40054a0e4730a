import { describe, expect, it } from 'vitest'
import type { KnobDomain, Knobs } from '../../src/findings/knobs.js'
import { minimiseKnobs, type Verdict } from '../../src/findings/minimise.js'

const domains: Record<string, KnobDomain> = {
  cluster_size: { values: [512, 4096, 65536, 2097152], default: 65536 },
  lazy_refcounts: { values: [false, true], default: false },
  preallocation: { values: [null, 'metadata', 'full'], default: null },
  refcount_bits: { values: [null, 1, 8, 16], default: null }
}
const drawn: Knobs = {
  cluster_size: 4096,
  lazy_refcounts: true,
  preallocation: 'metadata',
  refcount_bits: 8
}
const forever = { maxTrials: 100, until: Number.MAX_SAFE_INTEGER }

/** A trial function from a predicate over the candidate's knobs, counting what it was asked. */
function bug(diverges: (k: Knobs) => boolean, invalid: (k: Knobs) => boolean = () => false) {
  const asked: Knobs[] = []
  const trial = async (k: Knobs): Promise<Verdict> => {
    asked.push(k)
    if (invalid(k)) return 'invalid'
    return diverges(k) ? 'diverges' : 'gone'
  }
  return { trial, asked }
}

describe('minimiseKnobs', () => {
  it('keeps only the culprit, and the minimal case has every other knob at its default', async () => {
    const { trial } = bug(k => k.lazy_refcounts === true)
    const m = await minimiseKnobs(drawn, domains, trial, forever)
    expect(m.kept).toEqual(['lazy_refcounts'])
    expect(m.knobs).toEqual({
      cluster_size: 65536,
      lazy_refcounts: true,
      preallocation: null,
      refcount_bits: null
    })
    expect(m.complete).toBe(true)
    // One trial per knob at its default, then the kept knob once more against the
    // case the later drops left (1-minimal: it still matters there).
    expect(m.trials).toBe(5)
  })

  it('keeps both knobs of a pair the divergence needs together', async () => {
    const { trial } = bug(k => k.cluster_size === 4096 && k.refcount_bits === 8)
    const m = await minimiseKnobs(drawn, domains, trial, forever)
    expect(m.kept).toEqual(['cluster_size', 'refcount_bits'])
    expect(m.knobs).toMatchObject({ cluster_size: 4096, refcount_bits: 8, lazy_refcounts: false })
  })

  it('drops a knob at its default when another value shows the divergence too', async () => {
    const start = { ...drawn, cluster_size: 65536 }
    const { trial, asked } = bug(k => k.lazy_refcounts === true)
    const m = await minimiseKnobs(start, domains, trial, forever)
    expect(m.kept).toEqual(['lazy_refcounts'])
    expect(m.knobs.cluster_size).toBe(65536)
    expect(asked[0]).toMatchObject({ cluster_size: 512 })
  })

  it('keeps a knob at its default when the divergence needs exactly that value', async () => {
    const start = { ...drawn, cluster_size: 65536 }
    const { trial } = bug(k => k.cluster_size === 65536)
    const m = await minimiseKnobs(start, domains, trial, forever)
    expect(m.kept).toEqual(['cluster_size'])
    expect(m.knobs.cluster_size).toBe(65536)
  })

  it('gives the same identity for two draws of one bug that differ in knobs it does not need', async () => {
    const needs = (k: Knobs) => k.lazy_refcounts === true && k.cluster_size !== 512
    const a = await minimiseKnobs(drawn, domains, bug(needs).trial, forever)
    const b = await minimiseKnobs(
      { cluster_size: 65536, lazy_refcounts: true, preallocation: null, refcount_bits: null },
      domains,
      bug(needs).trial,
      forever
    )
    expect(a.kept).toEqual(['lazy_refcounts'])
    expect(b.kept).toEqual(['lazy_refcounts'])
  })

  it('skips candidates that are no case without spending a trial', async () => {
    const { trial } = bug(
      k => k.lazy_refcounts === true,
      k => k.cluster_size === 512
    )
    const start = { ...drawn, cluster_size: 65536 }
    const m = await minimiseKnobs(start, domains, trial, forever)
    expect(m.kept).toEqual(['lazy_refcounts'])
    // cluster_size: 512 is invalid (free), 4096 diverges; the three others one trial each,
    // and lazy_refcounts again after the drops that came after it.
    expect(m.trials).toBe(5)
  })

  it('drops everything when no knob matters', async () => {
    const m = await minimiseKnobs(drawn, domains, bug(() => true).trial, forever)
    expect(m.kept).toEqual([])
    expect(m.complete).toBe(true)
  })

  it('runs nothing and says so when the deadline has passed', async () => {
    const { trial, asked } = bug(() => true)
    const m = await minimiseKnobs(drawn, domains, trial, { maxTrials: 100, until: Date.now() - 1 })
    expect(m).toMatchObject({ complete: false, trials: 0, knobs: drawn })
    expect(m.kept).toEqual(Object.keys(drawn))
    expect(asked).toEqual([])
  })

  it('stops at the trial limit with the smallest case found so far', async () => {
    const m = await minimiseKnobs(drawn, domains, bug(k => k.lazy_refcounts === true).trial, {
      maxTrials: 2,
      until: Number.MAX_SAFE_INTEGER
    })
    expect(m.complete).toBe(false)
    expect(m.trials).toBe(2)
    expect(m.kept).toEqual(['lazy_refcounts', 'preallocation', 'refcount_bits'])
    expect(m.knobs.cluster_size).toBe(65536)
  })

  it('stops when a trial runs out of time', async () => {
    let n = 0
    const m = await minimiseKnobs(
      drawn,
      domains,
      async () => (++n === 2 ? 'no-time' : 'diverges'),
      forever
    )
    expect(m.complete).toBe(false)
    expect(m.trials).toBe(2)
    expect(m.kept).toEqual(['lazy_refcounts', 'preallocation', 'refcount_bits'])
  })
})
