import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { issueMarker, parseFingerprint } from '../../src/github/render.js'
import { fileFindings } from '../../src/github/tracker.js'
import { startGitHubServer, type GitHubServer, type ServerIssue } from '../support/github-server.js'
import { filingConfig, finding } from '../github/fixtures.js'

/**
 * Fault: a tracker grown over years, 2,000 closed and 150 open fuzz
 * issues. Matching must stay exact, and the requests a run makes must
 * stay bounded (one listing of the tracker, then a few per finding) and
 * be reported as they were sent.
 */
let server: GitHubServer
beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
})

const LABEL = 'differential-fuzz'

function fuzzIssue(fp: string, state: Partial<ServerIssue> = {}): ServerIssue {
  return server.addIssue({
    title: `[diff-fuzz] old ${fp}`,
    body: `${issueMarker(fp)}\n\nfiled earlier`,
    labels: [LABEL],
    ...state
  })
}

const noise = (i: number): string => `f${i.toString(16).padStart(15, '0')}`

describe('a tracker with 2,000 closed and 150 open fuzz issues', () => {
  it('matches every finding to its issue and makes a bounded, reported number of requests', async () => {
    const open = finding(1)
    const fixed = finding(2)
    const declined = finding(3)
    const fresh = finding(4)
    const quoted = finding(5)
    const duplicated = finding(6)
    // The findings' own issues sit among the oldest: the last pages of the listing.
    const openIssue = fuzzIssue(open.fingerprint)
    const fixedIssue = fuzzIssue(fixed.fingerprint, { state: 'closed', state_reason: 'completed' })
    const declinedIssue = fuzzIssue(declined.fingerprint, {
      state: 'closed',
      state_reason: 'not_planned'
    })
    const original = fuzzIssue(duplicated.fingerprint)
    fuzzIssue(duplicated.fingerprint, { state: 'closed', state_reason: 'duplicate' })
    for (let i = 0; i < 2_000 - 3; i++)
      fuzzIssue(noise(i), { state: 'closed', state_reason: i % 3 ? 'completed' : 'not_planned' })
    for (let i = 0; i < 150 - 3; i++) fuzzIssue(noise(10_000 + i))
    // Another issue quotes `quoted`'s marker in its tool output: only a first marker counts.
    server.addIssue({
      title: 'quotes a marker',
      body: `${issueMarker(noise(99_999))}\n\n\`\`\`\n${issueMarker(quoted.fingerprint)}\n\`\`\``,
      labels: [LABEL]
    })
    server.addIssue({
      title: 'a pull request',
      body: issueMarker(fresh.fingerprint),
      labels: [LABEL],
      pull_request: true
    })
    const issues = [...server.state.issues]
    expect(issues.filter(i => !i.pull_request && i.state === 'closed')).toHaveLength(2_000)
    expect(issues.filter(i => !i.pull_request && i.state === 'open')).toHaveLength(150)

    const started = Date.now()
    const { links, warnings, requests } = await fileFindings(
      [open, fixed, declined, fresh, quoted, duplicated],
      filingConfig(server.url)
    )
    const seconds = (Date.now() - started) / 1000

    expect(warnings).toEqual([])
    const created = server.state.issues.filter(i => i.number > issues.length)
    expect(Object.fromEntries([...links].map(([fp, l]) => [fp, [l.action, l.number]]))).toEqual({
      [open.fingerprint]: ['commented', openIssue.number],
      [fixed.fingerprint]: ['reopened', fixedIssue.number],
      [declined.fingerprint]: ['suppressed', declinedIssue.number],
      [fresh.fingerprint]: ['created', expect.any(Number)],
      [quoted.fingerprint]: ['created', expect.any(Number)],
      [duplicated.fingerprint]: ['commented', original.number]
    })
    expect(created).toHaveLength(2)
    expect(created.map(i => parseFingerprint(i.body))).toEqual([
      fresh.fingerprint,
      quoted.fingerprint
    ])

    // Bounded: every page of the tracker once, one page for the race
    // check, and per finding only what it needs (comment: list + post;
    // reopen: patch + list + post; new: post, after the labels once).
    const pages = Math.ceil(issues.filter(i => i.labels.includes(LABEL)).length / 100)
    const perFinding = 2 + 3 + 0 + 1 + 1 + 2
    const labels = 3 // get both, create the missing second one
    expect(requests).toBe(pages + 1 + labels + perFinding)
    // Reported as sent: the server saw exactly as many.
    expect(server.state.requests).toHaveLength(requests)
    expect(pages).toBe(22)
    console.info(`${issues.length} issues: ${requests} API requests in ${seconds.toFixed(1)} s`)
  })
})
