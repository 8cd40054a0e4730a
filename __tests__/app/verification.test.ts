import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runPipeline, type PipelinePorts, type RunReport } from '../../src/app/pipeline.js'
import { caseMarker } from '../../src/github/case-marker.js'
import { parseInputs } from '../../src/inputs.js'
import { startGitHubServer, type GitHubServer, type ServerIssue } from '../support/github-server.js'
import { fileAsAction, lazyFinding } from '../support/stored-issues.js'
import { STAND_IN, tempDir } from '../support/tools.js'

/**
 * Verification through the pipeline in this process (the real qemu-img,
 * the faithful stand-in, the loopback GitHub driven by Octokit). The
 * campaign is one iteration of `info` whose source (seed 11, global
 * iterations 0 and 1) is raw, which info skips: no tool runs but
 * verification's.
 */
let server: GitHubServer
const cleanups: Array<() => void> = []
beforeEach(async () => {
  server = await startGitHubServer()
  delete process.env.STAND_IN_BUGS
})
afterEach(async () => {
  await server.close()
  for (const c of cleanups.splice(0)) c()
})

function pipeline(
  extra: Record<string, string>
): Promise<{ report: RunReport; warnings: string[] }> {
  const work = tempDir('idf-verify-')
  cleanups.push(work.cleanup)
  const values: Record<string, string> = {
    instar: STAND_IN,
    operations: 'info',
    seed: '11',
    iterations: '1',
    duration: '2m',
    token: 'test-token',
    'report-dir': `${work.dir}/reports`,
    ...extra
  }
  const warnings: string[] = []
  const ports: PipelinePorts = {
    log: () => {},
    annotate: (_level, title, message) => {
      if (title === 'Verification') warnings.push(message)
    },
    group: (_name, task) => task(),
    env: {
      GITHUB_API_URL: server.url,
      GITHUB_REPOSITORY: 'octo/instar',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: extra.shard ?? '7',
      RUNNER_TEMP: work.dir
    },
    instarPath: STAND_IN,
    prepareKvm: false
  }
  return runPipeline(
    parseInputs(name => values[name] ?? ''),
    ports
  ).then(report => ({
    report,
    warnings
  }))
}

const commentsOn = (issue: ServerIssue) =>
  server.state.comments.filter(c => c.issue_number === issue.number)
const verified = (r: RunReport) => r.verification!.issues.map(i => [i.number, i.verdict, i.action])

describe('verification with shards', () => {
  it('verifies each issue in one shard only, and comments once on a fixed one across nights', async () => {
    // Three issues whose bug the faithful stand-in does not have.
    const issues = [512, 4096, 262144].map(c => fileAsAction(server, lazyFinding(c)))
    const [one, two, three] = issues
    const night = () =>
      Promise.all([pipeline({ shard: '1/2' }), pipeline({ shard: '2/2' })]).then(rs =>
        rs.map(r => r.report)
      )
    const [a, b] = await night()
    // Shard 1/2 owns the even numbers, 2/2 the odd ones.
    expect(verified(a)).toEqual([[two.number, 'fixed', 'commented']])
    expect(verified(b)).toEqual([
      [one.number, 'fixed', 'commented'],
      [three.number, 'fixed', 'commented']
    ])
    for (const issue of issues) {
      expect(commentsOn(issue)).toHaveLength(1)
      expect(commentsOn(issue)[0].body).toMatch(
        /^No longer reproduces with instar `instar 0\.0\.0-stand-in/
      )
      expect(issue.state).toBe('open')
      expect(issue.body).toMatch(/\*\*Last verified:\*\* no longer reproduces with instar/)
    }
    expect(b.verification!.issues.map(i => i.tries)).toEqual([3, 3])

    // The next night (the same day) says the same and writes nothing.
    const writes = server.state.requests.filter(r => r.method !== 'GET').length
    const [c, d] = await night()
    expect(verified(c)).toEqual([[two.number, 'fixed', 'none']])
    expect(verified(d)).toEqual([
      [one.number, 'fixed', 'none'],
      [three.number, 'fixed', 'none']
    ])
    expect(server.state.requests.filter(r => r.method !== 'GET')).toHaveLength(writes)
    expect(server.state.comments).toHaveLength(3)
  })
})

describe('verification of issues a person edited', () => {
  it('skips them with a warning and never closes them, while closing a fixed one', async () => {
    const fixed = fileAsAction(server, lazyFinding())
    const noMarker = fileAsAction(server, lazyFinding(512), body =>
      body.replace(`${caseMarker(lazyFinding(512))}\n`, '')
    )
    const broken = fileAsAction(server, lazyFinding(4096), body =>
      body.replace(caseMarker(lazyFinding(4096)), '<!-- instar-diff-fuzz case=eyJ0eXBlIjo= -->')
    )
    const newer = lazyFinding(262144)
    const fromNewer = fileAsAction(server, { ...newer, case: { ...newer.case, schema: 2 } })
    const { report, warnings } = await pipeline({ 'close-fixed': 'true' })

    expect(fixed.state).toBe('closed')
    expect(fixed.state_reason).toBe('completed')
    expect(commentsOn(fixed)).toHaveLength(1)
    for (const kept of [noMarker, broken, fromNewer]) {
      expect(kept.state).toBe('open')
      expect(commentsOn(kept)).toHaveLength(0)
    }
    expect(server.count('PATCH', /\/issues\/\d+$/)).toBe(1)
    expect(report.verification!.issues).toEqual([
      expect.objectContaining({
        number: fixed.number,
        verdict: 'fixed',
        action: 'closed',
        tries: 3
      }),
      {
        number: noMarker.number,
        url: `${server.url}/octo/instar/issues/${noMarker.number}`,
        fingerprint: lazyFinding(512).fingerprint,
        verdict: 'skipped',
        tries: 0,
        reason: 'the issue carries no stored case',
        action: 'none'
      },
      expect.objectContaining({
        number: broken.number,
        verdict: 'skipped',
        reason:
          'its stored case is unreadable (the case marker does not hold JSON); was the issue edited?'
      }),
      expect.objectContaining({
        number: fromNewer.number,
        verdict: 'undecided',
        tries: 0,
        reason: `the case was stored by instar-diff-fuzz 1.0.0 with case schema 2; this version replays schema 1`
      })
    ])
    expect(warnings).toEqual([
      `1 open issues carry no stored case (filed before cases were stored, or the marker was removed), so they were not verified: #${noMarker.number}`,
      `Issue #${broken.number} was not verified: its stored case is unreadable (the case marker does not hold JSON); was the issue edited? It is never closed by verification.`
    ])
  })
})
