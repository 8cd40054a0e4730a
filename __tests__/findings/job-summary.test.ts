import { describe, expect, it } from 'vitest'
import type { IssueLink } from '../../src/findings/finding.js'
import { renderJobSummary } from '../../src/findings/job-summary.js'
import type { RunInfo } from '../../src/findings/report.js'
import type { CampaignResult } from '../../src/findings/campaign-result.js'

const result: CampaignResult = {
  seed: 42,
  shard: '2/4',
  startedAt: '2026-11-24T00:00:00.000Z',
  elapsedSeconds: 120,
  iterations: 240,
  cutShort: 1,
  divergences: 3,
  inconclusive: { total: 2, byType: { inconclusive_external_timeout: 2 } },
  inconclusiveSamples: [
    {
      type: 'inconclusive_external_timeout',
      operation: 'resize',
      seed: 42,
      iteration: 9,
      summary: 'qemu-img timed out | after 30 s'
    }
  ],
  operations: {
    create: { runs: 100, divergences: 3, inconclusive: 0, seconds: 12 },
    resize: { runs: 50, divergences: 0, inconclusive: 2, seconds: 70 }
  },
  findings: [
    {
      fingerprint: '0123456789abcdef',
      type: 'create_info_divergence',
      operation: 'create',
      target: 'qcow2',
      options: ['lazy_refcounts=on'],
      status: 'minimised',
      case: { schema: 1, operation: 'create', plan: { target: 'qcow2', knobs: {} } },
      evidence: { summary: 'lazy-refcounts differs' },
      confirmed: true,
      runs: { confirm: 1, minimise: 4 },
      occurrences: [1, 2, 3].map(i => ({
        seed: 42,
        iteration: i,
        step: 0,
        originalOptions: ['cluster_size=512', 'lazy_refcounts=on'],
        dimensions: { cluster_size: '512', lazy_refcounts: 'on' },
        confirmed: i === 1,
        evidence: { summary: 'lazy-refcounts differs' },
        versions: { instar: 'instar 1', qemuImg: 'qemu-img version 8.2.2' }
      }))
    }
  ],
  versions: { instar: 'instar 1', qemuImg: 'qemu-img version 8.2.2' },
  spawns: { 'qemu-img': 900 },
  stoppedBy: 'duration',
  problems: [],
  resources: { harnessCpuSeconds: 1, toolsCpuSeconds: 9, harnessShare: 0.1, peakRssMb: 90 },
  confirmation: { confirmRuns: 1, minimiseRuns: 4, attributed: 2, skippedKnownHangs: 0 },
  coverage: { version: 1, campaigns: 1, operations: {} }
}
const run: RunInfo = {
  operations: ['create', 'resize'],
  timeoutSeconds: 30,
  durationSeconds: 120,
  jobs: 2,
  minimize: true,
  qemuImg: { path: '/usr/bin/qemu-img', source: 'cache', cacheHit: true, seconds: 1.3 },
  runUrl: 'https://github.example/o/r/actions/runs/1',
  replayCommands: {
    '0123456789abcdef': 'node dist/cli.js replay --instar i --seed 42 --iteration 1'
  },
  setupNotes: ['qemu-img restored from the Actions cache'],
  warnings: ['the API went away'],
  coverage: {
    steer: 'uniform',
    weights: null,
    restoredFrom: null,
    restored: { version: 1, campaigns: 0, operations: {} },
    space: {}
  }
}

describe('renderJobSummary', () => {
  it('shows totals, a chart, per-operation and finding tables, inconclusive examples and setup', () => {
    const links = new Map<string, IssueLink>([
      [
        '0123456789abcdef',
        { number: 7, url: 'https://github.example/o/r/issues/7', action: 'created' }
      ]
    ])
    const md = renderJobSummary(result, links, run)
    expect(md).toContain('## instar-diff-fuzz: 1 finding (3 divergent runs)')
    expect(md).toContain('Seed `42` · shard 2/4 · 240 iterations in 2m00s (120.0/min)')
    expect(md).toContain('| 240 | 3 | 1 | 2 | 1 | 0 |')
    expect(md).toContain('> the API went away')
    expect(md).toMatch(
      /```mermaid\npie showData\n {4}title Outcomes of operation runs\n {4}"agreed" : 145\n {4}"diverged" : 3\n {4}"inconclusive" : 2\n```/
    )
    expect(md).toContain('| resize | 50 | 0 | 2 | 70.0 | 1.40 |')
    expect(md).toContain('[#7](https://github.example/o/r/issues/7) created')
    expect(md).toContain('`node dist/cli.js replay --instar i --seed 42 --iteration 1`')
    // Tool text cannot break the table.
    expect(md).toContain('qemu-img timed out \\| after 30 s')
    expect(md).toContain('cache, cache hit, 1.3 s')
    expect(md).toContain('- qemu-img restored from the Actions cache')
  })

  it('says so plainly when nothing diverged', () => {
    const md = renderJobSummary(
      { ...result, findings: [], divergences: 0, inconclusive: { total: 0, byType: {} } },
      new Map(),
      { ...run, warnings: [] }
    )
    expect(md).toContain('## instar-diff-fuzz: no divergences')
    expect(md).not.toContain('### Findings')
    expect(md).not.toContain('### Inconclusive')
  })

  it('lets no tool text out of its sanitiser: no HTML, mention or reference survives', () => {
    const hostile = '</summary><img src=x onerror=alert(1)> @octocat fixes #12 `rm -rf` |'
    const f = result.findings[0]
    const md = renderJobSummary(
      {
        ...result,
        findings: [{ ...f, evidence: { summary: hostile } }],
        inconclusiveSamples: [{ ...result.inconclusiveSamples[0], summary: hostile }],
        versions: { instar: `instar ${hostile}`, qemuImg: 'qemu-img version 8.2.2' }
      },
      new Map(),
      { ...run, warnings: [hostile], setupNotes: [hostile] }
    )
    // Code spans render nothing (the instar version is shown in one); outside them, nothing live.
    const outside = md.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')
    expect(outside).not.toMatch(/<img/)
    expect(outside).not.toMatch(/@octocat/)
    expect(outside).not.toMatch(/#12\b/)
    // Our own markup is still there, and the text is shown, escaped.
    expect(outside.match(/<details><summary>/g)).toHaveLength(1)
    expect(outside.match(/<\/summary>/g)).toHaveLength(1)
    expect(md).toContain('&lt;/summary&gt;&lt;img src=x onerror=alert(1)&gt;')
  })
})
