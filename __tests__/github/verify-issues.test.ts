import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient } from '../../src/github/client.js'
import {
  applyVerdicts,
  listOwnedIssues,
  parseLastVerified,
  withLastVerified,
  type OwnedIssue,
  type VerificationContext
} from '../../src/github/verify-issues.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { fileAsAction, lazyFinding } from '../support/stored-issues.js'
import { FAST } from './fixtures.js'

let server: GitHubServer
beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
})

const repo = { owner: 'octo', repo: 'instar' }
const ctx: VerificationContext = {
  closeFixed: false,
  runUrl: 'https://github.example/octo/instar/actions/runs/9',
  instar: 'instar 0.5.0',
  commit: 'abcdef1234567',
  date: '2025-03-04'
}
const client = () => createClient('t', server.url, FAST)

describe('the last-verified line', () => {
  it('is added after our markers, replaced in place, and keeps CRLF bodies CRLF', () => {
    const body = '<!-- instar-diff-fuzz fingerprint=0123456789abcdef -->\n\n**What diverged:** x'
    const once = withLastVerified(body, 'reproduces', ctx)
    expect(once).toBe(
      '<!-- instar-diff-fuzz fingerprint=0123456789abcdef -->\n<!-- instar-diff-fuzz verified=2025-03-04 result=reproduces -->\n**Last verified:** still reproduces with instar `instar 0.5.0` (commit abcdef1234567) on 2025-03-04 in [this run](https://github.example/octo/instar/actions/runs/9).\n\n**What diverged:** x'
    )
    expect(parseLastVerified(once)).toEqual({ date: '2025-03-04', result: 'reproduces' })
    const twice = withLastVerified(once, 'fixed', { ...ctx, date: '2025-03-05', runUrl: '' })
    expect(twice.split('\n').filter(l => l.includes('verified'))).toEqual([
      '<!-- instar-diff-fuzz verified=2025-03-05 result=fixed -->',
      '**Last verified:** no longer reproduces with instar `instar 0.5.0` (commit abcdef1234567) on 2025-03-05 in a local run.'
    ])
    const edited = withLastVerified(once.replace(/\n/g, '\r\n'), 'fixed', ctx)
    expect(edited.replace(/\r\n/g, '')).not.toContain('\n')
    expect(parseLastVerified(edited)).toEqual({ date: '2025-03-04', result: 'fixed' })
    // Anything but a commit hash is not shown as one.
    expect(withLastVerified(body, 'fixed', { ...ctx, commit: 'main; rm -rf' })).not.toContain(
      'commit'
    )
  })
})

describe('the issues a shard owns', () => {
  it('are its slice by number, open with our marker, the longest unverified first', async () => {
    const issues = [512, 1024, 2048, 4096, 8192, 16384].map(c =>
      fileAsAction(server, lazyFinding(c))
    )
    const mark = (n: number, date: string) =>
      (issues[n - 1].body = withLastVerified(issues[n - 1].body, 'reproduces', { ...ctx, date }))
    mark(1, '2025-03-02')
    mark(3, '2025-03-01')
    mark(5, '2025-03-02')
    issues[5].state = 'closed' // #6: not verified
    server.addIssue({ title: 'a person', body: 'no marker', labels: ['differential-fuzz'] }) // #7
    const one = await listOwnedIssues(client(), repo, 'differential-fuzz', { index: 2, count: 2 })
    // #3 waited longest (a night it was undecided, say), then #1 and #5 by number; #7 is not ours.
    expect(one.map(i => i.number)).toEqual([3, 1, 5])
    const two = await listOwnedIssues(client(), repo, 'differential-fuzz', { index: 1, count: 2 })
    expect(two.map(i => i.number)).toEqual([2, 4])
    expect(two[0].stored.kind).toBe('found')
    expect(server.state.requests.filter(r => r.method === 'GET')).toHaveLength(2)
  })
})

describe('writing verdicts', () => {
  const owned = (n: number): OwnedIssue => {
    const issue = fileAsAction(server, lazyFinding(512 << n))
    return {
      number: issue.number,
      url: '',
      body: issue.body,
      fingerprint: lazyFinding(512 << n).fingerprint,
      stored: { kind: 'missing' },
      lastVerified: null
    }
  }

  it('fails only the issue GitHub refuses, and the rest once the API is gone', async () => {
    const [a, b, c, d] = [0, 1, 2, 3].map(owned)
    server.state.issues[0].locked = true
    server.inject({ kind: 'go-away' }, { method: 'PATCH', path: /\/issues\/3$/ })
    const { actions, warnings } = await applyVerdicts(
      client(),
      repo,
      [
        { issue: a, verdict: 'fixed', tries: 3 },
        { issue: b, verdict: 'fixed', tries: 3 },
        { issue: c, verdict: 'reproduces', tries: 1 },
        { issue: d, verdict: 'undecided', tries: 1 }
      ],
      ctx
    )
    expect(actions).toEqual(['failed', 'commented', 'failed', 'none'])
    expect(warnings).toEqual([
      'Could not update #1 after verifying it: Unable to create comment because issue is locked.',
      expect.stringMatching(
        /^Verified issues could not be updated \(.*\); 1 verdicts were not written\. They are in summary\.json\.$/
      )
    ])
    expect(server.state.comments.map(c => c.issue_number)).toEqual([2])
  })
})
