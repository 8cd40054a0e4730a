import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { summaryOf } from '../support/action-runner.js'
import { markerOf, startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { PLANTED, fuzzThreeBugs } from '../support/three-bugs.js'

/**
 * Issue #4 end to end: the bundled action files against a loopback GitHub
 * that speaks the REST API over real HTTP, night after night, as
 * maintainers triage (support/three-bugs.ts).
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
})
