import { readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../support/action-runner.js'
import { STAND_IN } from '../support/tools.js'

/**
 * Fault: the GitHub API cannot be reached for the whole run (nothing
 * listens on its port; its host name does not resolve). The run warns
 * once, keeps every finding on disk as `failed`, fails the step as
 * `fail-on` says, and spends a bounded time on retries: the first request
 * is retried 3 times (after 1, 4 and 9 s), and nothing is tried after it.
 */

const runnerTemps: string[] = []
afterEach(() => {
  for (const dir of runnerTemps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A loopback port nobody listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

function fuzz(
  apiUrl: string,
  failOn: string,
  extra: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
    {
      ...extra,
      instar: STAND_IN,
      seed: '1',
      iterations: '1',
      minimize: 'false',
      duration: '3m',
      operations: 'info,check',
      token: 'test-token',
      'fail-on': failOn
    },
    {
      STAND_IN_BUGS: 'info-drops-field,check-fails',
      GITHUB_API_URL: apiUrl,
      GITHUB_REPOSITORY: 'octo/instar'
    }
  )
}

describe('the GitHub API unreachable for the whole run', () => {
  it('warns once, reports every finding as failed, fails per fail-on, and gives up after bounded retries', async () => {
    const port = await closedPort()
    // The first run does nothing else with GitHub; the second also tries to
    // list the open issues to verify before fuzzing, and to upload its
    // report artifact (no service here): each says so in a warning of its own.
    const [refused, unresolved] = await Promise.all([
      fuzz(`http://127.0.0.1:${port}`, 'new', {
        'verify-open': 'false',
        'upload-artifact': 'false'
      }),
      fuzz('http://api.github.invalid', 'never')
    ])
    runnerTemps.push(refused.runnerTemp, unresolved.runnerTemp)
    const cases: Array<[ActionRun, RegExp, number, string[], number]> = [
      [refused, /connect ECONNREFUSED 127\.0\.0\.1:\d+/, 1, [], 4],
      [
        unresolved,
        /getaddrinfo (ENOTFOUND|EAI_AGAIN) api\.github\.invalid/,
        0,
        ['Verification', 'Report artifact'],
        8
      ]
    ]
    for (const [run, cause, code, before, requests] of cases) {
      expect(run.code).toBe(code)
      const all = run.stdout.split('\n').filter(l => l.startsWith('::warning'))
      expect(all.map(l => /^::warning title=([^:]+)::/.exec(l)?.[1])).toEqual([...before, 'Issues'])
      if (before.includes('Verification'))
        expect(all[0]).toMatch(
          new RegExp(
            `Could not list the open issues to verify \\(.*${cause.source}.*\\); none was verified this run\\.`
          )
        )
      const warnings = all.slice(before.length)
      const line = new RegExp(
        `^::warning title=Issues::The GitHub API at \\S+ could not be reached \\(${cause.source}\\); gave up after (?<seconds>[\\d.]+) s of retries, 2 findings were not filed\\. Every finding is in the reports\\.$`
      )
      expect(warnings[0]).toMatch(line)
      // Bounded: three pauses of 1, 4 and 9 s, and not much more.
      const seconds = Number(line.exec(warnings[0])!.groups!.seconds)
      expect(seconds).toBeGreaterThanOrEqual(14)
      expect(seconds).toBeLessThan(30)
      console.info(`${cause.source}: gave up after ${seconds} s`)

      const summary = JSON.parse(
        readFileSync(path.join(run.runnerTemp, 'instar-diff-fuzz', 'summary.json'), 'utf8')
      )
      expect(summary.findings.map((f: { issue: { action: string } }) => f.issue.action)).toEqual([
        'failed',
        'failed'
      ])
      // One request and its three retries (verification's listing, then filing's), nothing more.
      expect(summary.api_requests).toBe(requests)
      expect(run.summary).toContain('could not be reached')
    }
    expect(refused.stdout).toMatch(
      /::error::instar-diff-fuzz: 2 new, regressed or unfiled findings/
    )
  })
})
