import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Finding } from '../../src/findings/finding.js'
import { fingerprint } from '../../src/findings/fingerprint.js'
import { issueMarker } from '../../src/github/render.js'
import { fileFindings } from '../../src/github/tracker.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { fileAsAction, lazyFinding } from '../support/stored-issues.js'
import { filingConfig } from './fixtures.js'

/**
 * Issue 9: a finding whose minimisation the time box cut short may carry
 * options its bug does not need. It never opens an issue; it comments on
 * the issue of the known bug whose options it contains, or stays
 * `unminimised`.
 */
let server: GitHubServer
beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
})

/** The lazy_refcounts bug found near the deadline, with options it does not need. */
function unminimised(options: string[]): Finding {
  const f = lazyFinding()
  return {
    ...f,
    options,
    fingerprint: fingerprint(f.type, f.operation, f.target, options),
    status: 'unminimised'
  }
}

const config = () => filingConfig(server.url, { labels: ['differential-fuzz'] })
const issuePosts = () => server.count('POST', /\/issues$/)

describe('an unminimised finding', () => {
  it('comments on the issue whose stored options are a subset of its own', async () => {
    const known = fileAsAction(server, lazyFinding())
    const other = fileAsAction(server, lazyFinding(4096)) // not a subset: cluster_size differs
    const f = unminimised(['cluster_size=2097152', 'lazy_refcounts=on', 'refcount_bits=4'])
    const { links, warnings } = await fileFindings([f], config())
    expect(warnings).toEqual([])
    expect(links.get(f.fingerprint)).toEqual({
      number: known.number,
      url: `${server.url}/octo/instar/issues/${known.number}`,
      action: 'commented',
      tracked: true
    })
    expect(issuePosts()).toBe(0)
    expect(server.state.issues).toHaveLength(2)
    expect(server.state.comments.map(c => c.issue_number)).toEqual([known.number])
    expect(server.state.comments.filter(c => c.issue_number === other.number)).toHaveLength(0)
  })

  it('opens nothing and stays unminimised when no known issue matches', async () => {
    fileAsAction(server, lazyFinding(4096))
    // Same options but another type: not the same bug.
    server.addIssue({
      title: '[diff-fuzz] exit_code_divergence: create qcow2 lazy_refcounts=on',
      body: issueMarker(
        fingerprint('exit_code_divergence', 'create', 'qcow2', ['lazy_refcounts=on'])
      ),
      labels: ['differential-fuzz']
    })
    const f = unminimised(['cluster_size=512', 'lazy_refcounts=on'])
    const { links } = await fileFindings([f], config())
    expect(links.get(f.fingerprint)).toEqual({ number: null, url: null, action: 'unminimised' })
    expect(issuePosts()).toBe(0)
    expect(server.state.comments).toHaveLength(0)
    expect(server.count('POST', /\/labels$/)).toBe(0)
  })

  it('matches an older issue by its title when the body stores no case', async () => {
    const old = server.addIssue({
      title: '[diff-fuzz] create_info_divergence: create qcow2 lazy_refcounts=on',
      body: `${issueMarker(lazyFinding().fingerprint)}\n\nfiled before cases were stored`,
      labels: ['differential-fuzz'],
      state: 'closed',
      state_reason: 'completed'
    })
    const f = unminimised(['extended_l2=on', 'lazy_refcounts=on'])
    const { links } = await fileFindings([f], config())
    // Closed as completed: the on-closed handling, a regression reopened.
    expect(links.get(f.fingerprint)?.action).toBe('reopened')
    expect(old.state).toBe('open')
    expect(issuePosts()).toBe(0)
    expect(server.state.comments.map(c => c.issue_number)).toEqual([old.number])
  })

  it('joins the issue this pass opens for its minimal case, whatever the order found', async () => {
    const f = unminimised(['cluster_size=512', 'lazy_refcounts=on'])
    const minimal = lazyFinding()
    const { links } = await fileFindings([f, minimal], config())
    expect(issuePosts()).toBe(1)
    const [issue] = server.state.issues
    expect(links.get(minimal.fingerprint)?.action).toBe('created')
    expect(links.get(f.fingerprint)).toMatchObject({ number: issue.number, action: 'commented' })
    expect(server.state.comments.map(c => c.issue_number)).toEqual([issue.number])
  })
})
