import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readCaseMarker } from '../../src/github/case-marker.js'
import { runAction, summaryOf, type ActionRun } from '../support/action-runner.js'
import { startGitHubServer, type GitHubServer, type ServerIssue } from '../support/github-server.js'
import { fileAsAction, infoFinding, lazyFinding } from '../support/stored-issues.js'
import { STAND_IN } from '../support/tools.js'

/**
 * Issue 11 end to end: the bundled action, night after night against one
 * loopback tracker, re-verifies the open issues it owns before fuzzing.
 * Seed 51's first iteration creates a qcow2 with lazy_refcounts=on, so a
 * one-iteration night finds the planted create bug when it is there.
 */
let server: GitHubServer
const runnerTemps: string[] = []
beforeEach(async () => {
  server = await startGitHubServer()
})
afterEach(async () => {
  await server.close()
  for (const dir of runnerTemps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function night(bugs: string, extra: Record<string, string> = {}, runId = '1'): Promise<ActionRun> {
  return runAction(
    {
      instar: STAND_IN,
      seed: '51',
      iterations: '1',
      duration: '2m',
      operations: 'create',
      token: 'test-token',
      ...extra
    },
    {
      STAND_IN_BUGS: bugs,
      GITHUB_API_URL: server.url,
      GITHUB_REPOSITORY: 'octo/instar',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: runId,
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567'
    }
  ).then(run => {
    runnerTemps.push(run.runnerTemp)
    return run
  })
}

const findingOf = (run: ActionRun, f: { fingerprint: string }) =>
  JSON.parse(
    readFileSync(path.join(run.outputs['report-dir'], 'findings', `${f.fingerprint}.json`), 'utf8')
  )
const commentsOn = (issue: ServerIssue): string[] =>
  server.state.comments.filter(c => c.issue_number === issue.number).map(c => c.body)
const patchesOf = (issue: ServerIssue): number =>
  server.count('PATCH', new RegExp(`/issues/${issue.number}$`))

describe('re-verifying open issues every night', () => {
  it('files a bug, closes it when fixed, reopens it when back, and leaves a live one alone', async () => {
    const live = fileAsAction(server, infoFinding())
    const both = 'create-drops-lazy-refcounts,info-drops-field'

    const first = await night(both)
    expect(first.outputs['new-issues']).toBe('1')
    expect(first.outputs['still-open']).toBe('1')
    expect(first.outputs['verified-fixed']).toBe('0')
    const lazy = server.state.issues.find(i => i.number !== live.number)!
    expect(lazy.title).toBe('[diff-fuzz] create_info_divergence: create qcow2 lazy_refcounts=on')
    // The issue stores the minimal case the campaign found.
    const [found] = summaryOf(first).findings
    const stored = readCaseMarker(lazy.body, found.fingerprint)
    expect(stored.kind === 'found' && stored.stored.case).toEqual(findingOf(first, found).case)
    expect(live.body).toMatch(
      /\n<!-- instar-diff-fuzz verified=\d{4}-\d\d-\d\d result=reproduces -->\n\*\*Last verified:\*\* still reproduces with instar `instar 0\.0\.0-stand-in[^`]*` \(commit 0123456789abcdef0123456789abcdef01234567\) on \d{4}-\d\d-\d\d in \[this run\]\(https:\/\/github\.example\/octo\/instar\/actions\/runs\/1\)\.\n\n/
    )

    // Night 2: the create bug is fixed, the info bug is not.
    // Its campaign (seed 11, info on a raw source) runs nothing: only verification finds.
    const second = await night(
      'info-drops-field',
      { 'close-fixed': 'true', operations: 'info', seed: '11' },
      '2'
    )
    expect(second.code).toBe(0)
    expect(lazy.state).toBe('closed')
    expect(lazy.state_reason).toBe('completed')
    expect(commentsOn(lazy)).toHaveLength(1)
    expect(commentsOn(lazy)[0].replace(/`instar 0\.0\.0-stand-in[^`]*`/, '`STAND-IN`')).toBe(
      'No longer reproduces with instar `STAND-IN` (commit 0123456789abcdef0123456789abcdef01234567) in [this run](https://github.example/octo/instar/actions/runs/2): the stored case ran 3 times and instar agreed with qemu-img every time.\n\nClosing as completed. If the divergence comes back, the run that finds it reopens this issue as a regression.'
    )
    expect(live.state).toBe('open')
    expect(commentsOn(live)).toEqual([])
    // Verified again the same day: its line already says so, nothing is written.
    expect(patchesOf(live)).toBe(1)
    expect(second.outputs['verified-fixed']).toBe('1')
    expect(second.outputs['still-open']).toBe('1')
    const v2 = summaryOf(second).verification
    expect(v2.still_reproduces.map((e: { number: number }) => e.number)).toEqual([live.number])
    expect(v2.no_longer_reproduces).toEqual([
      {
        number: lazy.number,
        url: `${server.url}/octo/instar/issues/${lazy.number}`,
        fingerprint: lazyFinding().fingerprint,
        tries: 3,
        action: 'closed'
      }
    ])
    expect(v2.closed).toEqual([lazy.number])
    expect(v2.undecided).toEqual([])
    expect(second.summary).toContain('### Verification')
    expect(second.summary).toContain(`**Closed as completed:** [#${lazy.number}](`)

    // Night 3: the create bug is back.
    const third = await night(both, {}, '3')
    expect(third.code).toBe(1) // a regression reopened an issue
    expect(lazy.state).toBe('open')
    expect(
      summaryOf(third).findings.map((f: { issue: { action: string } }) => f.issue.action)
    ).toEqual(['reopened'])
    expect(commentsOn(lazy)).toHaveLength(2)
    expect(commentsOn(lazy)[1]).toMatch(/^<!-- instar-diff-fuzz run=\S+ -->\n\*\*Regressed:\*\*/)
    expect(commentsOn(live)).toEqual([])
    expect(summaryOf(third).verification.still_reproduces).toEqual([
      expect.objectContaining({ number: live.number, tries: 1, action: 'none' })
    ])
    expect(server.state.issues).toHaveLength(2)
  })
})
