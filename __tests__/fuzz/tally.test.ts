import { describe, expect, it } from 'vitest'
import type { Occurrence } from '../../src/findings/finding.js'
import { OCCURRENCE_EVIDENCE } from '../../src/findings/finding.js'
import type { Identity } from '../../src/fuzz/confirmer.js'
import { Tally } from '../../src/fuzz/tally.js'

function identity(fingerprint: string, operation = 'create'): Identity {
  return {
    fingerprint,
    type: 'create_info_divergence',
    operation,
    target: 'qcow2',
    options: ['lazy_refcounts=on'],
    status: 'minimised',
    case: { schema: 1, operation, plan: { target: 'qcow2', knobs: { lazy_refcounts: true } } },
    evidence: { summary: 'minimal case' },
    confirmed: true,
    runs: { confirm: 1, minimise: 5 }
  }
}

function occurrence(iteration: number): Occurrence {
  return {
    seed: 1,
    iteration,
    step: 0,
    originalOptions: ['lazy_refcounts=on'],
    dimensions: { lazy_refcounts: 'on', size: '1M' },
    confirmed: iteration === 0,
    evidence: { summary: `occurrence ${iteration}` },
    versions: { instar: 'i', qemuImg: 'q' }
  }
}

describe('Tally', () => {
  it('counts runs and seconds per operation, inconclusive results by type with a few examples', () => {
    const t = new Tally(['create', 'check'])
    t.ran('create', 0.5)
    t.ran('create', 0.25)
    t.ran('check', 1)
    for (let i = 0; i < 7; i++)
      t.inconclusive('inconclusive_external_timeout', 'check', { seed: 1, iteration: i }, 'slow')
    const r = t.result()
    expect(r.operations.create).toEqual({ runs: 2, divergences: 0, inconclusive: 0, seconds: 0.75 })
    expect(r.operations.check).toEqual({ runs: 1, divergences: 0, inconclusive: 7, seconds: 1 })
    expect(r.inconclusive).toEqual({ total: 7, byType: { inconclusive_external_timeout: 7 } })
    expect(r.inconclusiveSamples.map(s => s.iteration)).toEqual([0, 1, 2, 3, 4])
  })

  it('folds occurrences into one finding per fingerprint, most frequent first', () => {
    const t = new Tally(['create'])
    expect(t.occurrence(identity('a'), occurrence(0))).toBe(true)
    expect(t.occurrence(identity('b'), occurrence(1))).toBe(true)
    expect(t.occurrence(identity('b'), occurrence(2))).toBe(false)
    const r = t.result()
    expect(r.divergences).toBe(3)
    expect(r.operations.create.divergences).toBe(3)
    expect(r.findings.map(f => [f.fingerprint, f.occurrences.length])).toEqual([
      ['b', 2],
      ['a', 1]
    ])
    expect(r.findings[0].evidence.summary).toBe('minimal case')
  })

  it('keeps every occurrence located and counted, and full evidence for the first few only', () => {
    const t = new Tally(['create'])
    for (let i = 0; i < OCCURRENCE_EVIDENCE + 5; i++) t.occurrence(identity('a'), occurrence(i))
    const [f] = t.result().findings
    expect(f.occurrences.length).toBe(OCCURRENCE_EVIDENCE + 5)
    expect(f.occurrences.filter(o => o.evidence !== undefined).length).toBe(OCCURRENCE_EVIDENCE)
    expect(f.occurrences.at(-1)).toMatchObject({
      iteration: OCCURRENCE_EVIDENCE + 4,
      dimensions: { size: '1M' }
    })
  })
})
