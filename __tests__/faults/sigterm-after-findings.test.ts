import { readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runAction } from '../support/action-runner.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { STAND_IN } from '../support/tools.js'

/**
 * Fault: the runner cancels the job (SIGTERM) after the campaign found
 * something. What was found before the signal is in `findings/*.json` and
 * in the job summary; a cancelled run files no issue. The test signals on
 * the event (the log's first `NEW FINDING` line), not after a fixed time.
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

const FINDING = /^NEW FINDING ([0-9a-f]{16}):/

describe('SIGTERM after findings were made', () => {
  it('keeps every finding in the reports and the job summary, and files nothing', async () => {
    const before: string[] = []
    let signalled = false
    const run = await runAction(
      {
        instar: STAND_IN,
        duration: '10m',
        seed: '5',
        operations: 'create,info',
        token: 'test-token'
      },
      {
        STAND_IN_BUGS: 'create-drops-lazy-refcounts,info-drops-field',
        GITHUB_API_URL: server.url,
        GITHUB_REPOSITORY: 'octo/instar'
      },
      120_000,
      undefined,
      child => {
        let pending = ''
        child.stdout!.on('data', (chunk: Buffer) => {
          pending += chunk.toString()
          const lines = pending.split('\n')
          pending = lines.pop()!
          for (const line of lines) {
            const fp = FINDING.exec(line)?.[1]
            if (!fp || signalled) continue
            before.push(fp)
            signalled = true
            child.kill('SIGTERM')
          }
        })
      }
    )
    runnerTemps.push(run.runnerTemp)
    expect(signalled).toBe(true)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('received SIGTERM')
    expect(run.stdout).toMatch(/::error::instar-diff-fuzz: the run was cancelled/)

    const reportDir = path.join(run.runnerTemp, 'instar-diff-fuzz')
    const summary = JSON.parse(readFileSync(path.join(reportDir, 'summary.json'), 'utf8'))
    expect(summary.stopped_by).toBe('cancelled')
    // Every finding the log announced, before the signal or while the run
    // wound down, is in the reports and the job summary; none is filed.
    const announced = run.stdout
      .split('\n')
      .map(l => FINDING.exec(l)?.[1])
      .filter(fp => fp !== undefined)
    expect(announced.slice(0, 1)).toEqual(before)
    const files = readdirSync(path.join(reportDir, 'findings')).filter(n => n.endsWith('.json'))
    expect(files.sort()).toEqual(announced.map(fp => `${fp}.json`).sort())
    const actions = Object.fromEntries(
      summary.findings.map((f: { fingerprint: string; issue: { action: string } }) => [
        f.fingerprint,
        f.issue.action
      ])
    )
    expect(actions).toEqual(Object.fromEntries(announced.map(fp => [fp, 'failed'])))
    for (const fp of announced) expect(run.summary).toContain(fp)
    expect(run.summary).toContain(
      `The run was cancelled: its ${announced.length} finding${announced.length === 1 ? ' was' : 's were'} not filed (a cancelled run files nothing)`
    )
    expect(run.outputs.findings).toBe(String(announced.length))
    expect(run.outputs.iterations).toBe(String(summary.iterations))
    // Verification listed the open issues before fuzzing; nothing was written.
    expect(server.state.requests.filter(r => r.method !== 'GET')).toEqual([])
  })
})
