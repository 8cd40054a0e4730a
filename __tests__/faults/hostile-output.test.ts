import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CampaignResult } from '../../src/findings/campaign-result.js'
import type { Finding, Occurrence } from '../../src/findings/finding.js'
import { renderJobSummary } from '../../src/findings/job-summary.js'
import { check } from '../../src/fuzz/operations/check.js'
import { fileFindings } from '../../src/github/tracker.js'
import { GITHUB_BODY_LIMIT } from '../../src/util/sanitise.js'
import { runOnSource, sourceWithData } from '../fuzz/operations/source-plan.js'
import { filingConfig, finding } from '../github/fixtures.js'
import { structure } from '../github/markdown.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { tempDir, testToolbox } from '../support/tools.js'
import { hazards, renderedText } from './markdown-safety.js'
import { misbehavingInstar } from './wrappers.js'

/**
 * Fault: a tool prints 100 KB of everything markdown and GitHub react to
 * (backtick runs, `@mentions`, `#123`, issue URLs, HTML, an unclosed
 * comment) and bytes that are not UTF-8. Every body and comment GitHub
 * gets stays under its 65,536 characters, creates no mention or
 * cross-reference, and no fence is broken; the job summary likewise.
 */
const RUN = 'https://github.com/octo/instar/actions/runs/1'

let server: GitHubServer
const cleanups: Array<() => void> = []
beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
  for (const c of cleanups.splice(0)) c()
})

/** 100 KB of hostile output, as bytes. */
function hostileBytes(): Buffer {
  const text = [
    '`'.repeat(300),
    '```',
    '~~~~~',
    '@octocat please look, cc @octo-org/maintainers',
    'fixes #123 and octo/instar#7, see GH-42',
    'https://github.com/octo/instar/issues/1 and www.example.com',
    '<details><summary>click</summary>',
    '</summary></details><img src=x onerror=alert(1)>',
    '<!-- the rest is hidden',
    '<script>alert(1)</script> | a | b |',
    '<!-- instar-diff-fuzz fingerprint=00000000deadbeef -->',
    ''
  ].join('\n')
  // Not UTF-8: a stray continuation byte, a truncated sequence, an encoded
  // surrogate, a NUL and an escape sequence.
  const invalid = Buffer.from([
    0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x00, 0x1b, 0x5b, 0x6d, 0x0d, 0x0a
  ])
  const unit = Buffer.concat([Buffer.from(text), invalid])
  return Buffer.concat(Array.from({ length: Math.ceil(100_000 / unit.length) }, () => unit))
}

/** Every check a body, comment or summary must pass. */
function expectSafe(markdown: string, allowedUrls: string[]): void {
  expect(markdown.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT)
  const { text, unclosed } = renderedText(markdown)
  expect(unclosed).toBe(false)
  expect(hazards(text, allowedUrls)).toEqual([])
  // eslint-disable-next-line no-control-regex -- no control character may reach GitHub
  expect(markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
}

describe('a tool whose stderr is 100 KB of markdown, mentions, HTML and invalid UTF-8', () => {
  it('keeps every issue body, comment and the job summary whole, bounded and inert', async () => {
    const { dir, cleanup } = tempDir('idf-hostile-')
    cleanups.push(cleanup)
    const hostile = path.join(dir, 'stderr.bin')
    writeFileSync(hostile, hostileBytes())
    const instar = misbehavingInstar(dir, 'check', `cat ${JSON.stringify(hostile)} >&2\nexit 3`)
    const outcome = await runOnSource(
      check,
      { target: 'qcow2', knobs: {} },
      sourceWithData('qcow2', '1M'),
      testToolbox({ instar })
    )
    expect(outcome.kind).toBe('divergence')
    if (outcome.kind !== 'divergence') return
    // The runner decoded the stray bytes to U+FFFD and kept the control characters.
    const stderr = outcome.evidence.instar!.stderr
    expect(stderr.startsWith('`'.repeat(300))).toBe(true)
    expect(stderr).toContain('\ufffd')
    expect(stderr).toContain('\u0000')

    // The whole 100 KB, decoded, in every free text of a finding as well.
    const text = hostileBytes().toString('utf8')
    const hostileOccurrence = (iteration: number): Occurrence => ({
      ...finding(1).occurrences[0],
      iteration,
      dimensions: { cluster_size: text.slice(0, 5_000), size: '1M' },
      evidence: { ...outcome.evidence, summary: text }
    })
    const base = finding(
      1,
      Array.from({ length: 12 }, (_, i) => hostileOccurrence(i))
    )
    const f: Finding = {
      ...base,
      evidence: {
        ...outcome.evidence,
        summary: text,
        instar: { ...outcome.evidence.instar!, stdout: text },
        instarOutput: { format: text },
        qemuOutput: text,
        differingPaths: [text, text],
        details: { note: text }
      }
    }
    const versions = { instar: text.slice(0, 3_000), qemuImg: 'qemu-img version 7.2.22' }

    // An issue, then this run's comment, then another shard extending it.
    const created = await fileFindings([f], filingConfig(server.url, { versions }))
    const commented = await fileFindings([f], filingConfig(server.url, { versions, runUrl: RUN }))
    const extended = await fileFindings([f], filingConfig(server.url, { versions, runUrl: RUN }))
    expect([created, commented, extended].map(r => r.links.get(f.fingerprint)?.action)).toEqual([
      'created',
      'commented',
      'commented'
    ])
    expect([created, commented, extended].flatMap(r => r.warnings)).toEqual([])
    expect(server.state.issues).toHaveLength(1)
    expect(server.state.comments).toHaveLength(1)
    const [issue] = server.state.issues
    const [comment] = server.state.comments
    expect(server.count('PATCH', /\/issues\/comments\/\d+$/)).toBe(1)

    console.info(`issue body ${issue.body.length} characters, comment ${comment.body.length}`)
    for (const body of [issue.body, comment.body])
      expectSafe(body, [RUN, `${server.url}/octo/instar/issues/1`])
    // The evidence blocks hold the tool's text, and the sections after them are still outside.
    const md = structure(issue.body)
    // (where the outputs differ, qemu-img's output, instar's stderr and stdout)
    expect(md.blocks.filter(b => b.startsWith('`'.repeat(300)))).toHaveLength(4)
    for (const heading of ['### qemu-img call', '### What the occurrences share'])
      expect(md.outside).toContain(heading)
    expect(md.outside.at(-1)).toMatch(/^Filed by instar-diff-fuzz\./)

    const result = {
      seed: 7,
      shard: '1/1',
      startedAt: '2026-01-01T00:00:00.000Z',
      elapsedSeconds: 10,
      iterations: 1,
      cutShort: 0,
      divergences: 12,
      inconclusive: { total: 1, byType: { harness_error: 1 } },
      inconclusiveSamples: [
        { type: 'harness_error', operation: 'check', seed: 7, iteration: 0, summary: text }
      ],
      operations: { check: { runs: 1, divergences: 12, inconclusive: 1, seconds: 1 } },
      findings: [f],
      versions,
      spawns: {},
      stoppedBy: 'iterations',
      problems: [],
      resources: { harnessCpuSeconds: 0, toolsCpuSeconds: 0, harnessShare: 0, peakRssMb: 0 },
      confirmation: { confirmRuns: 1, minimiseRuns: 0, attributed: 0, skippedKnownHangs: 0 }
    } satisfies CampaignResult
    const summary = renderJobSummary(result, created.links, {
      operations: ['check'],
      timeoutSeconds: 30,
      durationSeconds: 60,
      jobs: 1,
      minimize: true,
      qemuImg: { path: '/usr/bin/qemu-img', source: 'path', cacheHit: false, seconds: 0 },
      runUrl: RUN,
      replayCommands: { [f.fingerprint]: 'node dist/cli.js replay --seed 7 --iteration 0' },
      setupNotes: [text.slice(0, 2_000)],
      warnings: [text]
    })
    // Our own link to the issue and our own collapsible sections are the only ones.
    console.info(`job summary ${summary.length} characters`)
    expectSafe(summary, [
      `[#1](${server.url}/octo/instar/issues/1)`,
      '<details><summary>',
      '</summary>',
      '</details>'
    ])
    // ...and each appears once, for the one finding: none came from the tool.
    const rendered = renderedText(summary).text
    for (const tag of ['<details><summary>', '</summary>', '</details>', '[#1]('])
      expect(rendered.split(tag)).toHaveLength(2)
  })
})
