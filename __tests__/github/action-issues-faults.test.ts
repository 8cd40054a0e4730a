import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { summaryOf, type ActionRun } from '../support/action-runner.js'
import { markerOf, startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { PLANTED, fuzzThreeBugs } from '../support/three-bugs.js'

/**
 * Filing under pressure, end to end: two shards filing at once, a flaky
 * API, an API that goes away mid-run (support/three-bugs.ts).
 */
let server: GitHubServer

beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
})

const fuzz = (seed: string, extra?: Record<string, string>, env?: Record<string, string>) =>
  fuzzThreeBugs(server, seed, extra, env)

const openIssues = () => server.state.issues.filter(i => !i.pull_request && i.state === 'open')

describe('filing issues from the bundled action when the API or a twin shard gets in the way', () => {
  it('leaves exactly one open issue per fingerprint when two shards file at the same time', async () => {
    // The overlap is forced: every create waits until both shards have listed the tracker.
    const bothListed = server.arrived('GET', /\/issues$/, 2)
    server.inject(
      { kind: 'hold', until: bothListed },
      { method: 'POST', path: /\/issues$/, times: 1_000 }
    )
    const [a, b] = await Promise.all([fuzz('404', { shard: '1/2' }), fuzz('404', { shard: '2/2' })])
    expect([a.code, b.code]).toEqual([1, 1])
    const fingerprints = (run: ActionRun): string[] =>
      summaryOf(run)
        .findings.map((f: { fingerprint: string }) => f.fingerprint)
        .sort()
    // Both shards found all three bugs, so each was filed twice at once...
    expect([fingerprints(a), fingerprints(b)]).toEqual([PLANTED, PLANTED])
    const open = openIssues()
    expect(open.map(i => markerOf(i.body)).sort()).toEqual(PLANTED)
    // ...and each second issue was closed as a duplicate of the first, with a link.
    const duplicates = server.state.issues.filter(i => i.state_reason === 'duplicate')
    expect(duplicates.map(i => markerOf(i.body)).sort()).toEqual(PLANTED)
    for (const dup of duplicates) {
      const kept = open.find(i => markerOf(i.body) === markerOf(dup.body))!
      expect(kept.number).toBeLessThan(dup.number)
      const notes = server.state.comments.filter(c => c.issue_number === dup.number)
      expect(notes.map(c => c.body)).toEqual([
        expect.stringMatching(new RegExp(`^Duplicate of #${kept.number}:`))
      ])
      // No comment lost: the losing shard's occurrences are on the surviving issue.
      const onKept = server.state.comments.filter(c => c.issue_number === kept.number)
      expect(onKept.map(c => c.body)).toEqual([
        expect.stringContaining(
          'Seen again in [this run](https://github.example/octo/instar/actions/runs/404)'
        )
      ])
    }
    expect(server.state.issues).toHaveLength(6)
    // ...and the log says so, once per duplicate.
    const said = `${a.stdout}${b.stdout}`.match(/were filed for [0-9a-f]{16} at the same moment/g)
    expect(said).toHaveLength(3)
  })

  it('files every issue exactly once through secondary rate limits and 5xx answers', async () => {
    server.inject(
      { kind: 'secondary-rate-limit', retryAfter: 1 },
      { method: 'POST', path: /\/issues$/, times: 1 }
    )
    server.inject({ kind: 'status', status: 502 }, { method: 'GET', path: /\/issues$/, times: 1 })
    server.inject({ kind: 'status', status: 500 }, { method: 'POST', path: /\/issues$/, times: 1 })
    const run = await fuzz('505')
    expect(run.outputs['new-issues']).toBe('3')
    expect(server.state.issues.map(i => markerOf(i.body)).sort()).toEqual(PLANTED)
  })

  it('keeps every finding in the reports and warns when the API goes away mid-run', async () => {
    server.inject({ kind: 'go-away' }, { method: 'POST', path: /\/issues$/ })
    const run = await fuzz('606')
    // Unfiled and tracked nowhere: news for fail-on: new, so the step fails, with one warning.
    expect(run.code).toBe(1)
    expect(run.stdout.match(/::warning title=Issues::/g)).toHaveLength(1)
    const s = summaryOf(run)
    expect(s.findings.map((f: { fingerprint: string }) => f.fingerprint).sort()).toEqual(PLANTED)
    for (const f of s.findings) expect(f.issue.action).toBe('failed')
    expect(run.summary).toContain('[!WARNING]')
  })
})
