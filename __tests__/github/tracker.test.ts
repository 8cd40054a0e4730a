import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Finding } from '../../src/findings/finding.js'
import { issueMarker, parseFingerprint } from '../../src/github/render.js'
import { fileFindings } from '../../src/github/tracker.js'
import { startGitHubServer, type GitHubServer, type ServerIssue } from '../support/github-server.js'
import { FAST, finding, filingConfig, occurrence } from './fixtures.js'

const RUN_2 = 'https://github.com/octo/instar/actions/runs/2'

let server: GitHubServer
beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
})

function issuesFor(f: Finding): ServerIssue[] {
  return server.state.issues.filter(i => parseFingerprint(i.body) === f.fingerprint)
}

function commentsOn(issue: { number: number }): string[] {
  return server.state.comments.filter(c => c.issue_number === issue.number).map(c => c.body)
}

/** An issue a previous run filed for this finding. */
function filed(f: Finding, state: Partial<ServerIssue> = {}): ServerIssue {
  return server.addIssue({
    title: `[diff-fuzz] ${f.type}: earlier`,
    body: `${issueMarker(f.fingerprint)}\n\nfiled earlier`,
    labels: ['differential-fuzz', 'fuzz'],
    ...state
  })
}

describe('fileFindings against the loopback GitHub', () => {
  it('opens one issue per new finding with the contract title, marker and labels', async () => {
    const findings = [finding(1), finding(2)]
    const { links, warnings } = await fileFindings(findings, filingConfig(server.url))

    expect(warnings).toEqual([])
    expect(server.state.issues).toHaveLength(2)
    for (const f of findings) {
      const [issue] = issuesFor(f)
      expect(issue.title).toBe(`[diff-fuzz] exit_code_divergence: create qcow2 ${f.options[0]}`)
      expect(issue.body.split('\n')[0]).toBe(
        `<!-- instar-diff-fuzz fingerprint=${f.fingerprint} -->`
      )
      expect(issue.body).toContain(
        `node dist/cli.js replay --instar target/release/instar --seed 7 --iteration ${f.occurrences[0].iteration}`
      )
      expect(issue.body).toContain('https://github.com/octo/instar/actions/runs/1')
      expect(issue.labels).toEqual(['differential-fuzz', 'fuzz'])
      expect(issue.state).toBe('open')
      expect(links.get(f.fingerprint)).toEqual({
        number: issue.number,
        url: `${server.url}/octo/instar/issues/${issue.number}`,
        action: 'created',
        tracked: false
      })
    }
    // Missing labels are created before the first issue, with our colour and description.
    const posts = server.state.requests.filter(r => r.method === 'POST').map(r => r.path)
    expect(posts).toEqual([
      '/repos/octo/instar/labels',
      '/repos/octo/instar/labels',
      '/repos/octo/instar/issues',
      '/repos/octo/instar/issues'
    ])
    expect(server.state.labels.map(l => [l.name, l.color])).toEqual([
      ['differential-fuzz', 'd93f0b'],
      ['fuzz', 'd93f0b']
    ])
    // The listing asked for the first label, open and closed.
    const list = server.state.requests.find(r => r.method === 'GET' && r.path.endsWith('/issues'))
    expect(list?.query).toMatchObject({ labels: 'differential-fuzz', state: 'all' })
    expect(server.state.requests.every(r => !r.path.startsWith('/search'))).toBe(true)
  })

  it('comments once per issue on the next run, and once per run across its shards', async () => {
    const findings = [finding(1), finding(2)]
    await fileFindings(findings, filingConfig(server.url))
    const next = [
      finding(1, [occurrence(99, 5), occurrence(99, 40)]),
      finding(2, [occurrence(99, 8)])
    ]

    const { links } = await fileFindings(
      next,
      filingConfig(server.url, { runUrl: RUN_2, seed: 99 })
    )
    expect(server.state.issues).toHaveLength(2)
    for (const f of next) {
      const [issue] = issuesFor(f)
      expect(links.get(f.fingerprint)).toMatchObject({ number: issue.number, action: 'commented' })
      const comments = commentsOn(issue)
      expect(comments).toHaveLength(1)
      expect(comments[0]).toContain(RUN_2)
      for (const o of f.occurrences)
        expect(comments[0]).toContain(`- seed 99, iteration ${o.iteration}, step 0`)
    }

    // Another shard of the same run extends that comment instead of adding one.
    const shard = [finding(1, [occurrence(99, 77)])]
    const again = await fileFindings(shard, filingConfig(server.url, { runUrl: RUN_2, seed: 99 }))
    const [issue] = issuesFor(shard[0])
    expect(again.links.get(shard[0].fingerprint)?.action).toBe('commented')
    const comments = commentsOn(issue)
    expect(comments).toHaveLength(1)
    expect(comments[0]).toContain('- seed 99, iteration 40, step 0')
    expect(comments[0]).toContain('- seed 99, iteration 77, step 0')
    expect(server.count('PATCH', /\/issues\/comments\/\d+$/)).toBe(1)
  })

  it('leaves issues closed as not planned alone and reopens those closed as completed', async () => {
    const notPlanned = finding(1)
    const completed = finding(2)
    const legacy = finding(3) // closed before GitHub had reasons: counts as completed
    const a = filed(notPlanned, { state: 'closed', state_reason: 'not_planned' })
    const b = filed(completed, { state: 'closed', state_reason: 'completed' })
    const c = filed(legacy, { state: 'closed', state_reason: null })

    const { links } = await fileFindings([notPlanned, completed, legacy], filingConfig(server.url))

    expect(links.get(notPlanned.fingerprint)).toMatchObject({
      number: a.number,
      action: 'suppressed'
    })
    expect(a.state).toBe('closed')
    expect(commentsOn(a)).toEqual([])
    expect(server.count('PATCH', new RegExp(`/issues/${a.number}$`))).toBe(0)
    for (const [f, issue] of [
      [completed, b],
      [legacy, c]
    ] as const) {
      expect(links.get(f.fingerprint)).toMatchObject({ number: issue.number, action: 'reopened' })
      expect(issue.state).toBe('open')
      expect(issue.state_reason).toBe('reopened')
      expect(commentsOn(issue)).toHaveLength(1)
      expect(commentsOn(issue)[0]).toMatch(/Regressed:.*closed as completed/)
    }
    expect(server.state.issues).toHaveLength(3)
  })

  it('follows on-closed: comment keeps it closed, ignore leaves it untouched', async () => {
    const f = finding(1)
    const issue = filed(f, { state: 'closed', state_reason: 'completed' })

    const commented = await fileFindings([f], filingConfig(server.url, { onClosed: 'comment' }))
    expect(commented.links.get(f.fingerprint)?.action).toBe('commented')
    expect(issue.state).toBe('closed')
    expect(commentsOn(issue)).toHaveLength(1)

    const ignored = await fileFindings(
      [f],
      filingConfig(server.url, { onClosed: 'ignore', runUrl: RUN_2 })
    )
    expect(ignored.links.get(f.fingerprint)).toMatchObject({
      number: issue.number,
      action: 'suppressed'
    })
    expect(issue.state).toBe('closed')
    expect(commentsOn(issue)).toHaveLength(1)
  })

  it('reads every page of existing issues and skips pull requests', async () => {
    const old = finding(1)
    const inPr = finding(2)
    const oldIssue = filed(old) // the oldest: on the last page, newest first
    server.addIssue({
      title: 'a pull request quoting a marker',
      body: issueMarker(inPr.fingerprint),
      labels: ['differential-fuzz'],
      pull_request: true
    })
    for (let i = 0; i < 230; i++)
      server.addIssue({
        title: `other ${i}`,
        body: issueMarker(i.toString(16).padStart(16, 'a')),
        labels: ['differential-fuzz'],
        state: i % 2 ? 'open' : 'closed',
        state_reason: i % 2 ? null : 'completed'
      })
    server.addIssue({ title: 'unlabelled', body: issueMarker(inPr.fingerprint) })

    const { links } = await fileFindings([old, inPr], filingConfig(server.url))

    const pages = server.state.requests.filter(
      r => r.method === 'GET' && r.path.endsWith('/issues')
    )
    // Every page once, then one page for what was filed since (the race check).
    expect(pages.map(p => p.query.page ?? '1')).toEqual(['1', '2', '3', '1'])
    expect(links.get(old.fingerprint)).toMatchObject({
      number: oldIssue.number,
      action: 'commented'
    })
    expect(links.get(inPr.fingerprint)?.action).toBe('created')
    expect(issuesFor(old)).toHaveLength(1)
  })

  it('caps new issues at max-new-issues', async () => {
    const findings = [finding(1), finding(2), finding(3)]
    const { links } = await fileFindings(findings, filingConfig(server.url, { maxNewIssues: 2 }))
    expect(findings.map(f => links.get(f.fingerprint)?.action)).toEqual([
      'created',
      'created',
      'capped'
    ])
    expect(server.state.issues).toHaveLength(2)
    expect(links.get(findings[2].fingerprint)).toEqual({
      number: null,
      url: null,
      action: 'capped'
    })
  })

  it('leaves one open issue when two shards file the same new fingerprint at once', async () => {
    const f = finding(1)
    // The overlap is forced: each shard's create waits until both have listed the tracker.
    const bothListed = server.arrived('GET', /\/issues$/, 2)
    server.inject(
      { kind: 'hold', until: bothListed },
      { method: 'POST', path: /\/issues$/, times: 2 }
    )
    const [a, b] = await Promise.all([
      fileFindings([finding(1, [occurrence(7, 1)])], filingConfig(server.url)),
      fileFindings([finding(1, [occurrence(7, 2)])], filingConfig(server.url))
    ])
    const issues = issuesFor(f)
    expect(issues).toHaveLength(2)
    const [open, duplicate] = issues
    expect([open.state, duplicate.state, duplicate.state_reason]).toEqual([
      'open',
      'closed',
      'duplicate'
    ])
    const links = [a.links.get(f.fingerprint), b.links.get(f.fingerprint)]
    expect(links.map(l => l?.number)).toEqual([open.number, open.number])
    expect(links.map(l => l?.action).sort()).toEqual(['commented', 'created'])
    expect(commentsOn(duplicate)).toEqual([
      expect.stringMatching(new RegExp(`^Duplicate of #${open.number}:`))
    ])
    // The occurrences of the shard that lost are on the surviving issue.
    const loser = a.links.get(f.fingerprint)?.action === 'commented' ? 1 : 2
    expect(commentsOn(open)).toEqual([
      expect.stringContaining(`- seed 7, iteration ${loser}, step 0 (re-run alone)`)
    ])
  })

  it('closes its issue as a duplicate of one another shard filed after this one looked', async () => {
    const f = finding(1)
    let other: ServerIssue | undefined
    server.onRequest = (method, path) => {
      if (method === 'POST' && path.endsWith('/issues') && !other) other = filed(f)
    }
    const { links } = await fileFindings([f], filingConfig(server.url))

    const [older, mine] = issuesFor(f)
    expect(older).toBe(other)
    expect(links.get(f.fingerprint)).toMatchObject({ number: older.number, action: 'commented' })
    expect([older.state, mine.state, mine.state_reason]).toEqual(['open', 'closed', 'duplicate'])
    expect(commentsOn(mine)).toEqual([expect.stringMatching(`^Duplicate of #${older.number}:`)])
    expect(commentsOn(older)).toEqual([
      expect.stringContaining('- seed 7, iteration 1, step 0 (re-run alone)')
    ])
  })

  it('closes its own second issue when a create was retried after its answer was lost', async () => {
    const f = finding(1)
    server.inject({ kind: 'lost-response', status: 502 }, { method: 'POST', path: /\/issues$/ })
    const { links, warnings } = await fileFindings([f], filingConfig(server.url))

    const issues = issuesFor(f)
    expect(issues.map(i => [i.state, i.state_reason])).toEqual([
      ['open', null],
      ['closed', 'duplicate']
    ])
    expect(links.get(f.fingerprint)).toMatchObject({ number: issues[0].number, action: 'created' })
    expect(commentsOn(issues[0])).toEqual([])
    expect(warnings).toEqual([])
  })

  it('waits out secondary rate limits, 5xx and dropped connections, filing each issue once', async () => {
    const findings = [finding(1), finding(2), finding(3)]
    server.inject({ kind: 'status', status: 500 }, { method: 'GET', path: /\/issues$/ })
    server.inject(
      { kind: 'secondary-rate-limit', retryAfter: 1 },
      { method: 'POST', path: /\/issues$/ }
    )
    server.inject({ kind: 'status', status: 502 }, { method: 'POST', path: /\/issues$/, times: 2 })
    server.inject({ kind: 'reset' }, { method: 'GET', path: /\/labels\// })

    const { links, warnings } = await fileFindings(findings, filingConfig(server.url))

    expect(warnings).toEqual([])
    expect(findings.map(f => links.get(f.fingerprint)?.action)).toEqual([
      'created',
      'created',
      'created'
    ])
    for (const f of findings) expect(issuesFor(f)).toHaveLength(1)
    const faults = server.state.requests.filter(r => r.fault).map(r => r.fault)
    expect(faults.sort()).toEqual(['reset', 'secondary-rate-limit', 'status', 'status', 'status'])
  })

  it('gives up on a request that hangs and retries it', async () => {
    const f = finding(1)
    server.inject({ kind: 'hang' }, { method: 'GET', path: /\/issues$/ })
    const pacing = { ...FAST, requestTimeoutMs: 300 }
    const { links } = await fileFindings([f], filingConfig(server.url, { pacing }))
    expect(links.get(f.fingerprint)?.action).toBe('created')
    expect(issuesFor(f)).toHaveLength(1)
  })

  it('reports every finding as failed, without throwing, when the server goes away', async () => {
    const known = finding(1)
    filed(known)
    const findings = [known, finding(2), finding(3)]
    // Gone on the second new issue: the comment and the first issue got through.
    server.inject({ kind: 'go-away' }, { method: 'POST', path: /\/issues$/, times: 1 })
    const first = await fileFindings(findings, filingConfig(server.url))

    expect(findings.map(f => first.links.get(f.fingerprint)?.action)).toEqual([
      'commented',
      'failed',
      'failed'
    ])
    expect(first.warnings).toHaveLength(1)
    expect(first.warnings[0]).toMatch(
      /The GitHub API at .* could not be reached \(connect ECONNREFUSED .*\); gave up after [\d.]+ s of retries, 2 findings were not filed\./
    )

    // Nobody listening from the start: all failed, still no throw.
    const second = await fileFindings(findings, filingConfig(server.url))
    expect([...second.links.values()].map(l => l.action)).toEqual(['failed', 'failed', 'failed'])
    expect(second.warnings[0]).toMatch(/3 findings were not filed/)
  })

  it('is a dry run with a warning when the token may not write issues', async () => {
    server.readOnly = true
    const findings = [finding(1), finding(2)]
    const { links, warnings } = await fileFindings(findings, filingConfig(server.url))
    expect([...links.values()].map(l => l.action)).toEqual(['dry-run', 'dry-run'])
    expect(warnings).toEqual([
      expect.stringMatching(/Resource not accessible by integration.*issues: write/)
    ])
    expect(server.state.issues).toHaveLength(0)

    const none = await fileFindings(findings, filingConfig(server.url, { token: '' }))
    expect([...none.links.values()].map(l => l.action)).toEqual(['dry-run', 'dry-run'])
    expect(none.warnings[0]).toMatch(/No token/)
  })

  it('keeps the tracking issue of a known finding in a dry run, so it does not count as new', async () => {
    const known = finding(1)
    const tracked = filed(known)
    const wontfix = finding(2)
    const declined = filed(wontfix, { state: 'closed', state_reason: 'not_planned' })
    const fixed = finding(3)
    filed(fixed, { state: 'closed', state_reason: 'completed' })
    const fresh = finding(4)
    server.readOnly = true
    const { links } = await fileFindings([known, wontfix, fixed, fresh], filingConfig(server.url))
    expect(links.get(known.fingerprint)).toMatchObject({
      number: tracked.number,
      action: 'dry-run',
      tracked: true
    })
    expect(links.get(wontfix.fingerprint)).toMatchObject({
      number: declined.number,
      action: 'dry-run',
      tracked: true
    })
    // A fixed bug seen again is a regression, and a new finding is new: neither is tracked.
    expect(links.get(fixed.fingerprint)).toMatchObject({
      number: null,
      action: 'dry-run',
      tracked: false
    })
    expect(links.get(fresh.fingerprint)).toMatchObject({
      number: null,
      action: 'dry-run',
      tracked: false
    })
  })

  it('fails only the finding GitHub refuses (a locked issue) and files the rest', async () => {
    const locked = finding(1)
    filed(locked, { locked: true })
    const fresh = finding(2)
    const { links, warnings } = await fileFindings([locked, fresh], filingConfig(server.url))
    expect(links.get(locked.fingerprint)?.action).toBe('failed')
    expect(links.get(fresh.fingerprint)?.action).toBe('created')
    expect(warnings).toEqual([expect.stringMatching(/issue is locked/)])
  })

  it('files hostile tool output as a well-formed body GitHub accepts', async () => {
    const stderr = 'oops\n```\n@someone see #12\n' + 'z'.repeat(100_000)
    const f = finding(1, [occurrence(7, 1, stderr)])
    const { links } = await fileFindings([f], filingConfig(server.url))
    expect(links.get(f.fingerprint)?.action).toBe('created')
    const [issue] = issuesFor(f)
    expect(issue.body.length).toBeLessThan(65_536)
    expect(issue.body).toContain('@someone see #12') // verbatim inside its fence
  })
})
