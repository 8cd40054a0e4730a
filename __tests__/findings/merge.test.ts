import { describe, expect, it } from 'vitest'
import type { CampaignResult } from '../../src/findings/campaign-result.js'
import { OCCURRENCE_EVIDENCE, type Finding } from '../../src/findings/finding.js'
import { fingerprint } from '../../src/findings/fingerprint.js'
import { mergeReports, missingShards } from '../../src/findings/merge.js'
import { mergeUnknown } from '../../src/findings/merge-sections.js'
import { parseWeights } from '../../src/findings/coverage.js'
import { readReport, type ReadReport } from '../../src/findings/report-read.js'
import { summaryDocument, type RunInfo } from '../../src/findings/report.js'
import { finding, occurrence, VERSIONS } from '../github/fixtures.js'

function campaign(
  shard: string,
  findings: Finding[],
  over: Partial<CampaignResult> = {}
): CampaignResult {
  return {
    seed: 42,
    shard,
    startedAt: `2026-11-24T0${shard[0]}:00:00.000Z`,
    elapsedSeconds: 100 + Number(shard[0]),
    iterations: 10,
    cutShort: 1,
    divergences: findings.reduce((a, f) => a + f.occurrences.length, 0),
    inconclusive: { total: 2, byType: { inconclusive_external_timeout: 2 } },
    inconclusiveSamples: [1, 2].map(i => ({
      type: 'inconclusive_external_timeout' as const,
      operation: 'resize',
      seed: 42,
      iteration: i,
      summary: `timeout ${shard} ${i}`
    })),
    operations: { create: { runs: 20, divergences: 3, inconclusive: 0, seconds: 4 } },
    findings,
    versions: VERSIONS,
    spawns: { 'qemu-img': 100 },
    stoppedBy: 'iterations',
    problems: [],
    resources: { harnessCpuSeconds: 1, toolsCpuSeconds: 3, harnessShare: 0.25, peakRssMb: 80 },
    confirmation: { confirmRuns: 1, minimiseRuns: 2, attributed: 3, skippedKnownHangs: 1 },
    ...over
  }
}

const info: RunInfo = {
  instarPath: 'target/release/instar',
  operations: ['create'],
  timeoutSeconds: 30,
  durationSeconds: 600,
  jobs: 2,
  minimize: true,
  qemuImg: { path: '/usr/bin/qemu-img', source: 'path', cacheHit: false, seconds: 0 },
  runUrl: '',
  replayCommands: {},
  setupNotes: ['qemu-img found on PATH'],
  warnings: []
}

/** A shard's report as the merge reads it: written by summaryDocument, read back. */
function shardReport(
  result: CampaignResult,
  sections: Record<string, unknown> = {},
  warnings: string[] = []
): ReadReport {
  const replayCommands = Object.fromEntries(
    result.findings.map(f => [
      f.fingerprint,
      `replay ${result.shard} ${f.occurrences[0].iteration}`
    ])
  )
  const doc = {
    ...summaryDocument(result, new Map(), { ...info, replayCommands, warnings }),
    ...sections
  }
  return readReport(JSON.parse(JSON.stringify(doc)), result.findings)
}

describe('readReport', () => {
  it('reads back what summaryDocument wrote', () => {
    const result = campaign('1/2', [finding(1), finding(2)])
    const read = shardReport(result, { api_requests: 7 })
    expect(read.result).toEqual(result)
    expect(read.settings).toEqual({
      instarPath: 'target/release/instar',
      operations: ['create'],
      timeoutSeconds: 30,
      durationSeconds: 600,
      jobs: 2,
      minimize: true
    })
    expect(read.replayCommands).toEqual({
      [finding(1).fingerprint]: 'replay 1/2 1',
      [finding(2).fingerprint]: 'replay 1/2 2'
    })
    expect(read.sections).toEqual({ verification: null, api_requests: 7 })
  })
})

describe('mergeReports', () => {
  it('makes one finding of a fingerprint two shards found, with every occurrence and the counts added', () => {
    const a = finding(1, [occurrence(42, 1), occurrence(42, 3)])
    const b = finding(1, [occurrence(42, 2)])
    const only = finding(2, [occurrence(42, 4)])
    const night = mergeReports([
      { source: 'a', report: shardReport(campaign('1/2', [a])) },
      { source: 'b', report: shardReport(campaign('2/2', [only, b])) }
    ])
    const { result } = night
    expect(result.findings.map(f => [f.fingerprint, f.occurrences.map(o => o.iteration)])).toEqual([
      [a.fingerprint, [1, 3, 2]],
      [only.fingerprint, [4]]
    ])
    expect(result.findings[0].runs).toEqual({ confirm: 2, minimise: 6 })
    expect(result).toMatchObject({
      shard: '1/2, 2/2',
      startedAt: '2026-11-24T01:00:00.000Z',
      elapsedSeconds: 102,
      iterations: 20,
      cutShort: 2,
      divergences: 4,
      inconclusive: { total: 4, byType: { inconclusive_external_timeout: 4 } },
      operations: { create: { runs: 40, divergences: 6, inconclusive: 0, seconds: 8 } },
      spawns: { 'qemu-img': 200 },
      stoppedBy: 'iterations',
      confirmation: { confirmRuns: 2, minimiseRuns: 4, attributed: 6, skippedKnownHangs: 2 },
      resources: { harnessCpuSeconds: 2, toolsCpuSeconds: 6, harnessShare: 0.25, peakRssMb: 80 }
    })
    expect(result.inconclusiveSamples.map(s => s.summary)).toEqual([
      'timeout 1/2 1',
      'timeout 1/2 2',
      'timeout 2/2 1',
      'timeout 2/2 2'
    ])
    expect(night.replayCommands).toEqual({
      [a.fingerprint]: 'replay 1/2 1',
      [only.fingerprint]: 'replay 2/2 4'
    })
    expect(night.caseFrom).toEqual({ [a.fingerprint]: 0, [only.fingerprint]: 1 })
    expect(night.shards.map(s => [s.shard, s.source, s.findings])).toEqual([
      ['1/2', 'a', 1],
      ['2/2', 'b', 2]
    ])
  })

  it('keeps the minimised case of a fingerprint over one a shard could not finish, and full evidence for the first occurrences only', () => {
    const cut: Finding = {
      ...finding(
        1,
        Array.from({ length: OCCURRENCE_EVIDENCE }, (_, i) => occurrence(42, i))
      ),
      status: 'unminimised'
    }
    const done = finding(1, [occurrence(42, 100), occurrence(42, 101)])
    const night = mergeReports([
      { source: 'a', report: shardReport(campaign('1/2', [cut])) },
      { source: 'b', report: shardReport(campaign('2/2', [done])) }
    ])
    const [merged] = night.result.findings
    expect(merged.status).toBe('minimised')
    expect(night.caseFrom).toEqual({ [done.fingerprint]: 1 })
    expect(merged.occurrences.map(o => o.iteration).slice(0, 2)).toEqual([100, 101])
    expect(merged.occurrences.map(o => o.evidence !== undefined)).toEqual(
      Array.from({ length: OCCURRENCE_EVIDENCE + 2 }, (_, i) => i < OCCURRENCE_EVIDENCE)
    )
  })

  it('folds an unminimised finding into the minimal case of the same bug another shard found', () => {
    const minimal: Finding = finding(1)
    const options = ['cluster_size=1024', 'lazy_refcounts=on']
    const unfinished: Finding = {
      ...finding(3, [occurrence(42, 9)]),
      options,
      fingerprint: fingerprint('exit_code_divergence', 'create', 'qcow2', options),
      status: 'unminimised'
    }
    const otherBug: Finding = {
      ...unfinished,
      options: ['cluster_size=2048'],
      fingerprint: fingerprint('exit_code_divergence', 'create', 'qcow2', ['cluster_size=2048'])
    }
    const night = mergeReports([
      { source: 'a', report: shardReport(campaign('1/2', [unfinished, otherBug])) },
      { source: 'b', report: shardReport(campaign('2/2', [minimal])) }
    ])
    expect(night.folded).toEqual({ [unfinished.fingerprint]: minimal.fingerprint })
    expect(
      night.result.findings.map(f => [f.fingerprint, f.occurrences.map(o => o.iteration)])
    ).toEqual([
      [minimal.fingerprint, [1, 9]],
      [otherBug.fingerprint, [9]]
    ])
  })

  it("names each shard's warnings, says when shards ran other versions, and merges unknown sections", () => {
    const night = mergeReports([
      {
        source: 'a',
        report: shardReport(
          campaign('1/2', [], { stoppedBy: 'duration' }),
          {
            api_requests: 3,
            verification: { still_open: [1], closed: 0 },
            note: 'x',
            coverage: null
          },
          ['KVM is missing']
        )
      },
      {
        source: 'b',
        report: shardReport(
          campaign('2/2', [], { versions: { ...VERSIONS, instar: 'instar 0.4.3' } }),
          { api_requests: 4, verification: { still_open: [2], closed: 1 }, note: 'y', extra: null }
        )
      }
    ])
    expect(night.result.stoppedBy).toBe('duration')
    expect(night.warnings).toEqual([
      'shard 2/2 ran instar instar 0.4.3 and qemu-img version 7.2.22, not instar 0.4.2 and qemu-img version 7.2.22 like shard 1/2',
      'shard 1/2: KVM is missing'
    ])
    expect(night.sections).toEqual({
      api_requests: 7,
      verification: { still_open: [1, 2], closed: 1 },
      note: ['x', 'y'],
      coverage: null,
      extra: null
    })
  })
})

describe("the night's steering", () => {
  const steered = (shard: string, weights: unknown): { source: string; report: ReadReport } => ({
    source: shard,
    report: shardReport(campaign(shard, []), { steering: { mode: 'coverage', weights } })
  })
  const one = { create: { target: { raw: 0.5 } } }
  const other = { create: { target: { raw: 2 } }, source: { format: { vmdk: 0.25 } } }

  it('keeps weights every shard drew with as they are', () => {
    const night = mergeReports([steered('1/2', one), steered('2/2', one)])
    expect(night.sections.steering).toEqual({ mode: 'coverage', weights: one })
    expect(parseWeights(night.sections)).toEqual(one)
  })

  it('keeps differing weights per shard instead of adding them up', () => {
    const night = mergeReports([steered('1/3', one), steered('2/3', other), steered('3/3', null)])
    expect(night.sections.steering).toEqual({
      mode: 'coverage',
      weights_by_shard: { '1/3': one, '2/3': other, '3/3': null }
    })
    // No one table replays every shard: replay --weights says so rather than drawing wrongly.
    expect(parseWeights(night.sections)).toMatch(/different weights/)
  })
})

describe('mergeUnknown', () => {
  it('keeps equal values, adds numbers, joins lists without repeats, merges objects key by key', () => {
    expect(mergeUnknown(['same', 'same'])).toBe('same')
    expect(mergeUnknown([1, 2, 3])).toBe(6)
    expect(
      mergeUnknown([
        [1, 2],
        [2, 3]
      ])
    ).toEqual([1, 2, 3])
    expect(mergeUnknown([{ a: 1 }, { a: 2, b: 'x' }])).toEqual({ a: 3, b: 'x' })
    expect(mergeUnknown([true, 'x'])).toEqual([true, 'x'])
  })
})

describe('missingShards', () => {
  it('names the shards of the matrix that sent nothing', () => {
    expect(missingShards(['1/3', '3/3'], null)).toEqual(['2/3'])
    expect(missingShards(['1/2'], 4)).toEqual(['1/4', '2/4', '3/4', '4/4'])
    expect(missingShards(['1/2', '2/2'], null)).toEqual([])
    expect(missingShards([], null)).toEqual([])
  })
})
