import { describe, expect, it } from 'vitest'
import {
  extendRunComment,
  isRunComment,
  parseFingerprint,
  renderIssueBody,
  renderIssueTitle,
  renderOccurrenceComment
} from '../../src/github/render.js'
import { caseMarker } from '../../src/github/case-marker.js'
import { GITHUB_BODY_LIMIT } from '../../src/util/sanitise.js'
import { finding, occurrence, VERSIONS } from './fixtures.js'
import { structure } from './markdown.js'

const ctx = {
  runUrl: 'https://github.com/octo/instar/actions/runs/1',
  seed: 7,
  versions: VERSIONS,
  replayCommand: 'node dist/cli.js replay --instar instar --seed 7 --iteration 3'
}

/** stderr a hostile or broken tool might print: a fence, mentions, references, HTML, 100 kB. */
const HOSTILE =
  'thread main panicked\n```\n</details><!-- \n## Fake heading\n' +
  '@someone please look, see #12 and octo/other#34 and GH-56\n' +
  '````\n~~~\n' +
  'x'.repeat(100_000) +
  '\n<!-- instar-diff-fuzz fingerprint=0000000000000000 -->\n'

describe('renderIssueTitle', () => {
  it('follows the contract and drops the trailing space when there are no options', () => {
    const f = finding(3)
    expect(renderIssueTitle(f)).toBe(
      '[diff-fuzz] exit_code_divergence: create qcow2 cluster_size=4096'
    )
    expect(renderIssueTitle({ ...f, options: [] })).toBe(
      '[diff-fuzz] exit_code_divergence: create qcow2'
    )
    expect(renderIssueTitle({ ...f, options: ['a=b', 'c=d'] })).toMatch(/ qcow2 a=b c=d$/)
  })

  it('stays within GitHub title length', () => {
    const f = { ...finding(3), options: Array.from({ length: 60 }, (_, i) => `opt${i}=value`) }
    expect(renderIssueTitle(f).length).toBeLessThanOrEqual(256)
  })
})

describe('renderIssueBody', () => {
  it('carries the marker first, the facts, the replay command and both calls', () => {
    const f = finding(3)
    const body = renderIssueBody(f, ctx)
    const md = structure(body)
    expect(body.split('\n')[0]).toBe(`<!-- instar-diff-fuzz fingerprint=${f.fingerprint} -->`)
    expect(parseFingerprint(body)).toBe(f.fingerprint)
    expect(md.unclosed).toBe(false)
    expect(md.blocks).toContain(ctx.replayCommand)
    expect(md.blocks).toContain('/virtual-size')
    expect(md.blocks).toContain('instar create -f qcow2 /tmp/idf/x.qcow2 1M')
    expect(md.blocks).toContain('qemu-img create -f qcow2 /tmp/idf/x.qcow2 1M')
    expect(md.blocks.some(b => b.includes('"virtual-size": 2097152'))).toBe(true)
    const text = md.outside.join('\n')
    expect(text).toContain('instar failed (exit 1) where qemu-img succeeded.')
    expect(text).toContain(
      '(minimised from `cluster_size=4096 lazy_refcounts=on preallocation=metadata`)'
    )
    expect(text).toContain('`qemu-img version 7.2.22`')
    expect(text).toContain(ctx.runUrl)
    expect(text).toContain('- seed 7, iteration 3, step 0 (re-run alone)')
    expect(text).toContain('| cluster_size | `4096 ×1` |')
    expect(text).not.toMatch(/shortened/)
  })

  it('keeps hostile stderr inside its fence, neutralised outside, and under the limit', () => {
    const f = finding(3, [occurrence(7, 3, HOSTILE)])
    f.occurrences[0].evidence!.summary = 'instar said: @someone fix #12 <!-- ```'
    const body = renderIssueBody(f, ctx)
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT)
    const md = structure(body)
    expect(md.unclosed).toBe(false)
    // The structure survived: every heading we wrote is outside a fence, no fake one is.
    const headings = md.outside.filter(l => l.startsWith('#'))
    expect(headings).toEqual([
      '### Replay locally',
      '### Where the outputs differ',
      '### instar output (normalised)',
      '### qemu-img output (normalised)',
      '### instar call',
      '### qemu-img call',
      '### What the occurrences share'
    ])
    // The stderr is one block, verbatim up to where it was shortened.
    const stderr = md.blocks.filter(b => b.startsWith('thread main panicked'))
    expect(stderr).toHaveLength(1)
    expect(stderr[0]).toContain('@someone please look, see #12')
    expect(stderr[0]).toMatch(/more characters; the full evidence is in the report artifact/)
    // Outside fences: no live mention, reference, or HTML comment but our marker.
    const text = md.outside.join('\n')
    expect(text).not.toMatch(/@someone|#12\b/)
    expect(text).toContain('@\u200dsomeone fix #\u200d12 &lt;!-- \\`\\`\\`')
    expect(md.outside.filter(l => l.includes('<!--'))).toEqual([
      `<!-- instar-diff-fuzz fingerprint=${f.fingerprint} -->`,
      caseMarker(f)
    ])
    expect(text).toMatch(/Some evidence was shortened to fit GitHub's 65536-character limit/)
    expect(parseFingerprint(body)).toBe(f.fingerprint)
  })

  it('fits even when every evidence block is huge and there are many occurrences', () => {
    const big = 'y'.repeat(200_000)
    const occ = occurrence(7, 1, big)
    occ.evidence!.instar!.stdout = big
    occ.evidence!.qemu!.stderr = big
    occ.evidence!.instarOutput = big
    occ.evidence!.qemuOutput = { blob: big }
    occ.evidence!.details = { blob: big }
    occ.evidence!.summary = big
    const many = Array.from({ length: 500 }, (_, i) => occurrence(7, i))
    const body = renderIssueBody(finding(2, [occ, ...many]), ctx)
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT)
    expect(structure(body).unclosed).toBe(false)
    expect(body).toContain('- … and 496 more (all are in the report artifact).')
  })
})

describe('occurrence comments', () => {
  it('lists this run’s occurrences once, with the run marker', () => {
    const f = finding(1, [occurrence(9, 4), occurrence(9, 17)])
    const body = renderOccurrenceComment(f, ctx, 'recurrence')
    expect(isRunComment(body, ctx.runUrl)).toBe(true)
    expect(isRunComment(body, 'https://github.com/octo/instar/actions/runs/2')).toBe(false)
    expect(isRunComment(body, '')).toBe(false)
    expect(body).toContain('- seed 9, iteration 4, step 0 (re-run alone)')
    expect(body).toContain('- seed 9, iteration 17, step 0 (re-run alone)')
    expect(body).toContain('2 occurrences')
    expect(renderOccurrenceComment(f, ctx, 'regression')).toMatch(/^\*\*Regressed:\*\*/m)
    const local = renderOccurrenceComment(f, { ...ctx, runUrl: '' }, 'recurrence')
    expect(local).not.toContain('<!--')
    expect(local).toContain('a local run')
  })

  it('extends the run comment, or declines when it would not fit', () => {
    const f = finding(1)
    const first = renderOccurrenceComment(f, ctx, 'recurrence')
    const more = extendRunComment(first, finding(1, [occurrence(9, 99)]), ctx)
    expect(more).toContain('- seed 9, iteration 99, step 0 (re-run alone)')
    expect(isRunComment(more, ctx.runUrl)).toBe(true)
    expect(extendRunComment(first + 'z'.repeat(GITHUB_BODY_LIMIT), f, ctx)).toBeNull()
  })
})
