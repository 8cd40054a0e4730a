import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fingerprint } from '../../src/findings/fingerprint.js'
import { runAction, type ActionRun } from '../support/action-runner.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { STAND_IN } from '../support/tools.js'

/**
 * Issue #4 end to end: the bundled action, run as the runner runs it, files
 * against a loopback GitHub that speaks the REST API over real HTTP, with
 * three bugs planted in the stand-in instar.
 */
const BUGS = 'create-drops-lazy-refcounts,info-drops-field,check-fails'
const PLANTED = [
  fingerprint('create_info_divergence', 'create', 'qcow2', ['lazy_refcounts=on']),
  fingerprint('info_output_divergence', 'info', 'qcow2', []),
  fingerprint('exit_code_divergence', 'check', 'qcow2', [])
].sort()

let server: GitHubServer

beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
})

function fuzz(
  seed: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
    {
      instar: STAND_IN,
      seed,
      iterations: '30',
      duration: '3m',
      operations: 'create,info,check',
      token: 'test-token',
      ...extra
    },
    {
      STAND_IN_BUGS: BUGS,
      GITHUB_API_URL: server.url,
      GITHUB_REPOSITORY: 'octo/instar',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: seed,
      ...env
    }
  )
}

const markerOf = (body: string): string | undefined =>
  /<!-- instar-diff-fuzz fingerprint=([0-9a-f]{16}) -->/.exec(body)?.[1]
const openIssues = () => server.state.issues.filter(i => !i.pull_request && i.state === 'open')
const summaryOf = (run: ActionRun) =>
  JSON.parse(readFileSync(path.join(run.outputs['report-dir'], 'summary.json'), 'utf8'))

describe('filing issues from the bundled action', () => {
  it('opens one issue per planted bug, then comments once per issue on the next run, and respects triage', async () => {
    const first = await fuzz('303')
    expect(first.code).toBe(1) // fail-on: new, and three issues were opened
    expect(first.outputs['new-issues']).toBe('3')
    expect(server.state.issues.map(i => markerOf(i.body)).sort()).toEqual(PLANTED)
    for (const issue of server.state.issues) {
      expect(issue.labels).toEqual(['differential-fuzz'])
      expect(issue.title).toMatch(
        /^\[diff-fuzz\] (create_info_divergence: create qcow2 lazy_refcounts=on|info_output_divergence: info qcow2|exit_code_divergence: check qcow2)$/
      )
      expect(issue.body).toContain('node dist/cli.js replay --instar')
      expect(issue.body).toContain('https://github.example/octo/instar/actions/runs/303')
    }
    const s1 = summaryOf(first)
    expect(s1.findings.map((f: { issue: { action: string } }) => f.issue.action)).toEqual([
      'created',
      'created',
      'created'
    ])

    const second = await fuzz('202', { 'fail-on': 'new' })
    expect(second.code).toBe(0) // nothing new
    expect(server.state.issues).toHaveLength(3)
    expect(second.outputs['new-issues']).toBe('0')
    // Run 2 meets all three bugs again: exactly one comment on each issue.
    const perIssue = new Map<number, number>()
    for (const c of server.state.comments)
      perIssue.set(c.issue_number, (perIssue.get(c.issue_number) ?? 0) + 1)
    expect([...perIssue.entries()].sort()).toEqual(
      server.state.issues.map(i => [i.number, 1]).sort()
    )
    expect(second.outputs['updated-issues']).toBe('3')

    // Maintainers triage: one closed as not planned, one fixed (closed as completed).
    const [wontfix, fixed] = server.state.issues
    Object.assign(wontfix, { state: 'closed', state_reason: 'not_planned' })
    Object.assign(fixed, { state: 'closed', state_reason: 'completed' })
    const commentsBefore = server.state.comments.filter(
      c => c.issue_number === wontfix.number
    ).length
    const third = await fuzz('505')
    expect(wontfix.state).toBe('closed')
    expect(server.state.comments.filter(c => c.issue_number === wontfix.number)).toHaveLength(
      commentsBefore
    )
    expect(fixed.state).toBe('open')
    expect(third.code).toBe(1) // a regression reopened an issue
    const actions = Object.fromEntries(
      summaryOf(third).findings.map((f: { fingerprint: string; issue: { action: string } }) => [
        f.fingerprint,
        f.issue.action
      ])
    )
    expect(actions[markerOf(wontfix.body)!]).toBe('suppressed')
    expect(actions[markerOf(fixed.body)!]).toBe('reopened')
    expect(server.state.issues).toHaveLength(3)
  })

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

  it('passes a read-only run (a fork pull request) whose findings are all tracked already', async () => {
    for (const fp of PLANTED) {
      server.addIssue({
        title: 'known',
        body: `<!-- instar-diff-fuzz fingerprint=${fp} -->`,
        labels: ['differential-fuzz']
      })
    }
    server.readOnly = true
    const run = await fuzz('303')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/::warning title=Issues::.*issues: write/)
    const s = summaryOf(run)
    expect(s.findings).toHaveLength(3)
    for (const f of s.findings) {
      expect(f.issue.action).toBe('dry-run')
      expect(f.issue.number).toBe(
        server.state.issues.find(i => markerOf(i.body) === f.fingerprint)?.number
      )
    }
    expect(server.state.comments).toHaveLength(0)
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
