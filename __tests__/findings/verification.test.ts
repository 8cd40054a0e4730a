import { describe, expect, it } from 'vitest'
import {
  isVerificationDocument,
  mergeVerification,
  reportFromDocument,
  renderVerification,
  verificationDocument,
  type VerificationReport,
  type VerifiedIssue
} from '../../src/findings/verification.js'

const issue = (number: number, rest: Partial<VerifiedIssue>): VerifiedIssue => ({
  number,
  url: `https://github.example/octo/instar/issues/${number}`,
  fingerprint: `f${number}`.padEnd(16, '0'),
  verdict: 'reproduces',
  tries: 1,
  action: 'noted',
  ...rest
})

const shard1: VerificationReport = {
  closeFixed: true,
  written: true,
  budgetSeconds: 120,
  seconds: 12.5,
  issues: [
    issue(2, {}),
    issue(4, { verdict: 'fixed', tries: 3, action: 'closed' }),
    issue(6, { verdict: 'undecided', tries: 0, action: 'none', reason: 'out of time' })
  ]
}
const shard2: VerificationReport = {
  closeFixed: true,
  written: true,
  budgetSeconds: 120,
  seconds: 3.25,
  issues: [
    issue(1, { verdict: 'skipped', tries: 0, action: 'none', reason: 'no stored case' }),
    issue(3, { verdict: 'fixed', tries: 3, action: 'failed' })
  ]
}

describe("summary.json's verification", () => {
  it('lists issues by verdict, with reasons, and merges shards by concatenation', () => {
    const one = verificationDocument(shard1)
    expect(one).toEqual({
      close_fixed: true,
      written: true,
      budget_seconds: 120,
      seconds: 12.5,
      still_reproduces: [
        {
          number: 2,
          url: shard1.issues[0].url,
          fingerprint: 'f200000000000000',
          tries: 1,
          action: 'noted'
        }
      ],
      no_longer_reproduces: [
        {
          number: 4,
          url: shard1.issues[1].url,
          fingerprint: 'f400000000000000',
          tries: 3,
          action: 'closed'
        }
      ],
      closed: [4],
      undecided: [
        {
          number: 6,
          url: shard1.issues[2].url,
          fingerprint: 'f600000000000000',
          tries: 0,
          action: 'none',
          reason: 'out of time'
        }
      ],
      skipped: []
    })
    const merged = mergeVerification([verificationDocument(shard2), one])
    expect(merged.no_longer_reproduces.map(e => [e.number, e.action])).toEqual([
      [3, 'failed'],
      [4, 'closed']
    ])
    expect(merged.closed).toEqual([4])
    expect(merged.skipped.map(e => e.reason)).toEqual(['no stored case'])
    expect(merged.seconds).toBe(15.8)
    expect(merged.written).toBe(true)
    // A shard that left its verdicts to the filing step makes the night's unwritten.
    const unwritten = verificationDocument({ ...shard2, written: false })
    expect(mergeVerification([unwritten, one]).written).toBe(false)
    // ...and the filing step reads each entry back with the verdict of its list.
    expect(reportFromDocument(merged).issues.map(i => [i.number, i.verdict, i.action])).toEqual([
      [1, 'skipped', 'none'],
      [2, 'reproduces', 'noted'],
      [3, 'fixed', 'failed'],
      [4, 'fixed', 'closed'],
      [6, 'undecided', 'none']
    ])
    expect(mergeVerification([])).toMatchObject({ seconds: 0, still_reproduces: [], closed: [] })
  })

  it('tells a verification document from a section of another shape', () => {
    expect(isVerificationDocument(verificationDocument(shard2))).toBe(true)
    expect(isVerificationDocument({ still_open: [1], closed: 0 })).toBe(false)
    expect(isVerificationDocument(null)).toBe(false)
  })
})

describe('the Verification section of the job summary', () => {
  it('counts each verdict and links each issue, with the reason it was undecided', () => {
    const reason = 'inconclusive_external_timeout: qemu-img hung on <!-- @someone #12'
    const lines = renderVerification({
      ...shard1,
      issues: [...shard1.issues, issue(8, { verdict: 'undecided', action: 'none', reason })]
    })
    expect(lines).toEqual([
      '### Verification',
      '',
      'The stored case of each open issue this shard owns was re-run: 4 issues in 12.5 s of a 120 s share of the time box (`close-fixed: true`).',
      '',
      '| still reproduces | no longer reproduces | closed | undecided | skipped |',
      '| ---: | ---: | ---: | ---: | ---: |',
      '| 1 | 1 | 1 | 2 | 0 |',
      '',
      `- **Still reproduces:** [#2](${shard1.issues[0].url})`,
      `- **No longer reproduces:** [#4](${shard1.issues[1].url})`,
      `- **Closed as completed:** [#4](${shard1.issues[1].url})`,
      `- **Undecided (never closed):** [#6](${shard1.issues[2].url}): out of time, [#8](https://github.example/octo/instar/issues/8): inconclusive_external_timeout: qemu-img hung on &lt;!-- @\u200dsomeone #\u200d12`,
      ''
    ])
  })
})
