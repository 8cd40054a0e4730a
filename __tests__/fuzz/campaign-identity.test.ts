import { describe, expect, it } from 'vitest'
import { fingerprint } from '../../src/findings/fingerprint.js'
import { planIteration } from '../../src/fuzz/iteration.js'
import { OPERATION_NAMES } from '../../src/fuzz/operation.js'
import { campaignWithBugs } from '../support/campaign.js'

/** What a finding is, without its evidence: the identity an issue is filed under. */
function identities(
  findings: { type: string; operation: string; target: string; options: string[]; status: string }[]
) {
  return findings.map(({ type, operation, target, options, status }) => ({
    type,
    operation,
    target,
    options,
    status
  }))
}

describe('one bug, one finding: the source dimensions a bug needs are its options', () => {
  it('files a check bug that only 512-byte qcow2 clusters trigger as [cluster_size=512]', async () => {
    const r = await campaignWithBugs('check-fails-small-clusters', {
      operations: ['check'],
      iterations: 40,
      seed: 512
    })
    expect(identities(r.findings)).toEqual([
      {
        type: 'exit_code_divergence',
        operation: 'check',
        target: 'qcow2',
        options: ['cluster_size=512'],
        status: 'minimised'
      }
    ])
    const [f] = r.findings
    expect(f.fingerprint).toBe(
      fingerprint('exit_code_divergence', 'check', 'qcow2', ['cluster_size=512'])
    )
    // Every occurrence had 512-byte clusters, whatever else was drawn.
    expect(new Set(f.occurrences.map(o => o.dimensions.cluster_size))).toEqual(new Set(['512']))
    expect(r.divergences).toBe(f.occurrences.length)
    // Confirmed and minimised once; the later occurrences are only counted.
    expect(f.runs.confirm).toBe(1)
    expect(r.confirmation.confirmRuns).toBe(1)
    expect(r.confirmation.attributed).toBe(f.occurrences.length - 1)
  })

  it('files a measure -O vhdx hang that any source shows as one instar_timeout with no options', async () => {
    const r = await campaignWithBugs(
      'hang',
      { operations: ['measure'], iterations: 12, seed: 41, timeoutSeconds: 2 },
      { STAND_IN_HANG: 'measure', STAND_IN_HANG_OUTPUT: 'vhdx' }
    )
    expect(identities(r.findings)).toEqual([
      {
        type: 'instar_timeout',
        operation: 'measure',
        target: 'vhdx',
        options: [],
        status: 'minimised'
      }
    ])
    // Every measure -O vhdx step of the plans either hung (an occurrence of this
    // one finding, whatever its source) or, once the hang was minimised, was
    // skipped instead of waiting out the timeout again.
    const vhdx = Array.from({ length: 12 }, (_, k) => planIteration(41, k, ['measure']))
      .flatMap(p => p.steps)
      .filter(step => step.plan?.target === 'vhdx').length
    const [hang] = r.findings
    expect(hang.occurrences.length + r.confirmation.skippedKnownHangs).toBe(vhdx)
    expect(r.confirmation.skippedKnownHangs).toBeGreaterThan(0)
    expect(new Set(hang.occurrences.map(o => o.dimensions.from)).size).toBeGreaterThan(1)
    expect(r.inconclusive.total).toBe(0)
  })
  it('finds nothing at all against a faithful stand-in over all 14 operations', async () => {
    const r = await campaignWithBugs('', {
      operations: [...OPERATION_NAMES],
      iterations: 30,
      seed: 1414
    })
    expect(r.iterations).toBe(30)
    expect(Object.keys(r.operations).sort()).toEqual([...OPERATION_NAMES].sort())
    expect(r.findings).toEqual([])
    expect(r.divergences).toBe(0)
    expect(r.inconclusive).toEqual({ total: 0, byType: {} })
    expect(r.confirmation).toEqual({
      confirmRuns: 0,
      minimiseRuns: 0,
      attributed: 0,
      skippedKnownHangs: 0
    })
  })
})
