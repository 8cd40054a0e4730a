import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Finding } from '../../src/findings/finding.js'
import { issueMarker } from '../../src/github/render.js'
import { fileFindings } from '../../src/github/tracker.js'
import { startGitHubServer, type GitHubServer, type ServerIssue } from '../support/github-server.js'
import { filingConfig, finding } from '../github/fixtures.js'

/**
 * Faults: GitHub refuses part of what a run asks. Issues turned off on the
 * repository (410), a first label that does not exist and cannot be made
 * (403, 422), a locked issue that takes no comment. Each is one clear
 * line; every finding GitHub does not refuse is still filed.
 */
let server: GitHubServer
beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
})

function filed(f: Finding, state: Partial<ServerIssue> = {}): ServerIssue {
  return server.addIssue({
    title: `[diff-fuzz] ${f.type}: earlier`,
    body: `${issueMarker(f.fingerprint)}\n\nfiled earlier`,
    labels: ['differential-fuzz'],
    ...state
  })
}

const actions = (links: Map<string, { action: string }>, findings: Finding[]): string[] =>
  findings.map(f => links.get(f.fingerprint)!.action)

describe('GitHub refusing part of a run', () => {
  it('issues disabled (410): one line, every finding failed, nothing written', async () => {
    server.issuesDisabled = true
    const findings = [finding(1), finding(2)]
    const { links, warnings } = await fileFindings(findings, filingConfig(server.url))
    expect(actions(links, findings)).toEqual(['failed', 'failed'])
    expect(warnings).toEqual([
      "Issues are disabled on octo/instar (GitHub answered 410: Issues are disabled for this repo - https://docs.github.com/rest/issues/issues); 2 findings were not filed. Enable issues in the repository's settings, or set `file-issues: false`. Every finding is in the reports."
    ])
    expect(server.state.requests.map(r => `${r.method} ${r.status}`)).toEqual(['GET 410'])
  })

  it.each([
    [
      422,
      'Validation Failed',
      'failed',
      'Create the label by hand, or choose another first label.'
    ],
    [403, 'Resource not accessible by integration', 'dry-run', 'Grant the token `issues: write`.']
  ])(
    'the first label missing and refused (%i): one line, and no issue opened that could not be found again',
    async (status, message, action, advice) => {
      server.inject({ kind: 'status', status, message }, { method: 'POST', path: /\/labels$/ })
      const findings = [finding(1), finding(2)]
      const { links, warnings } = await fileFindings(findings, filingConfig(server.url))
      expect(actions(links, findings)).toEqual([action, action])
      expect(warnings).toEqual([
        `The label 'differential-fuzz' does not exist and could not be created (${message}): no new issue was opened${action === 'dry-run' ? ' (dry run)' : ''}, because an issue without it would not be found again. ${advice}`
      ])
      expect(server.state.issues).toEqual([])
      // The label was tried once, not once per new finding.
      expect(server.count('POST', /\/labels$/)).toBe(1)
      expect(server.count('POST', /\/issues$/)).toBe(0)
    }
  )

  it('a second label refused: new issues are filed without it, with one line', async () => {
    server.inject(
      { kind: 'status', status: 422, message: 'Validation Failed' },
      { method: 'POST', path: /\/labels$/, times: 2 }
    )
    server.addIssue({ title: 'seeds the first label', body: '', labels: ['differential-fuzz'] })
    const findings = [finding(1), finding(2)]
    const { links, warnings } = await fileFindings(findings, filingConfig(server.url))
    expect(actions(links, findings)).toEqual(['created', 'created'])
    expect(warnings).toEqual([
      "The label 'fuzz' does not exist and could not be created (Validation Failed); new issues were filed without it."
    ])
    expect(server.state.issues.slice(1).map(i => i.labels)).toEqual([
      ['differential-fuzz'],
      ['differential-fuzz']
    ])
  })

  it('a locked issue refuses the comment: one line naming it, the other findings filed', async () => {
    const locked = finding(1)
    const lockedIssue = filed(locked, { locked: true })
    const open = finding(2)
    const openIssue = filed(open)
    const fresh = finding(3)
    const findings = [locked, open, fresh]
    const { links, warnings } = await fileFindings(findings, filingConfig(server.url))
    expect(actions(links, findings)).toEqual(['failed', 'commented', 'created'])
    expect(warnings).toEqual([
      `GitHub refused this run's update of #${lockedIssue.number} for finding ${locked.fingerprint} (exit_code_divergence in create qcow2): Unable to create comment because issue is locked. Its occurrences are in the reports; the other findings were filed.`
    ])
    expect(server.state.comments.map(c => c.issue_number)).toEqual([openIssue.number])
    expect(server.state.issues).toHaveLength(3)
  })
})
