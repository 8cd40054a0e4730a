import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runAction } from '../support/action-runner.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { STAND_IN } from '../support/tools.js'

/**
 * Fault: the runner cancels the job (SIGINT, then SIGTERM) while issues
 * are being filed. The issue in flight is created whole, with its body, in
 * one request; nothing is filed after it; the reports say which findings
 * have an issue. The signals arrive while the first create is held at the
 * server, so the test does not depend on timing.
 */
let server: GitHubServer
beforeEach(async () => {
  server = await startGitHubServer()
})
const runnerTemps: string[] = []
afterEach(async () => {
  await server.close()
  for (const dir of runnerTemps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Resolves when the child prints a line containing `text`. */
function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise(resolve => {
    let seen = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.includes(text)) resolve()
    })
  })
}

describe('a cancel while issues are being filed', () => {
  it('finishes the issue in flight, files nothing more, and the reports say which were filed', async () => {
    let release!: () => void
    server.inject(
      { kind: 'hold', until: new Promise<void>(resolve => (release = resolve)) },
      { method: 'POST', path: /\/issues$/ }
    )
    let action!: ChildProcess
    const started = new Promise<void>(resolve => {
      server.onRequest = (method, p) => {
        if (method === 'POST' && p.endsWith('/issues')) resolve()
      }
    })
    const running = runAction(
      {
        instar: STAND_IN,
        seed: '1',
        iterations: '1',
        minimize: 'false',
        duration: '3m',
        operations: 'info,check',
        token: 'test-token'
      },
      {
        // Two findings in the one iteration of seed 1: one is in flight when the signal comes.
        STAND_IN_BUGS: 'info-drops-field,check-fails',
        GITHUB_API_URL: server.url,
        GITHUB_REPOSITORY: 'octo/instar',
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_RUN_ID: '303'
      },
      120_000,
      undefined,
      child => (action = child)
    )
    // The first create has reached GitHub: cancel as the runner does.
    await started
    const heard = printed(action, 'received SIGINT')
    const signalled = Date.now()
    action.kill('SIGINT')
    await heard
    action.kill('SIGTERM')
    release()
    const run = await running
    runnerTemps.push(run.runnerTemp)
    console.info(`the action exited ${Date.now() - signalled} ms after SIGINT`)

    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::instar-diff-fuzz: the run was cancelled/)
    // One issue, whole: its marker first and the closing line last.
    expect(server.state.issues).toHaveLength(1)
    const [issue] = server.state.issues
    const fp = /^<!-- instar-diff-fuzz fingerprint=([0-9a-f]{16}) -->\n/.exec(issue.body)?.[1]
    expect(issue.body.endsWith(`report artifact, \`findings/${fp}.json\`.`)).toBe(true)
    expect(server.count('POST', /\/issues$/)).toBe(1)
    expect(server.state.comments).toEqual([])

    const summary = JSON.parse(
      readFileSync(path.join(run.runnerTemp, 'instar-diff-fuzz', 'summary.json'), 'utf8')
    )
    const issues = Object.fromEntries(
      summary.findings.map(
        (f: { fingerprint: string; issue: { action: string; number: number | null } }) => [
          f.fingerprint,
          [f.issue.action, f.issue.number]
        ]
      )
    )
    expect(Object.keys(issues)).toHaveLength(2)
    expect(issues[fp!]).toEqual(['created', issue.number])
    expect(Object.values(issues).filter(([a]) => a === 'failed')).toEqual([['failed', null]])
    const warning =
      'The run was cancelled while filing: 1 finding was filed before the signal, 1 was not (it is in the reports). No issue is half-written: each is created with its whole body in one request.'
    expect(run.stdout).toContain(`::warning title=Issues::${warning}`)
    expect(run.summary).toContain(warning)
    expect(summary.api_requests).toBe(server.state.requests.length)
  })
})
