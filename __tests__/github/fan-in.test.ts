import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fingerprint } from '../../src/findings/fingerprint.js'
import {
  runAction,
  runFilingStep,
  summaryOf as summaryOfRun,
  type ActionRun
} from '../support/action-runner.js'
import {
  artifactEnv,
  startArtifactServer,
  type ArtifactServer
} from '../support/artifact-server.js'
import { markerOf, startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { fileAsAction, infoFinding, lazyFinding } from '../support/stored-issues.js'
import { STAND_IN } from '../support/tools.js'

/**
 * Issue #16 end to end: a matrix of shards that only fuzz and upload their
 * reports (bundled action, `file-issues: false`), then the filing step
 * (file/action.yml's bundle) that downloads this run's shard artifacts,
 * merges them and files once, against a loopback GitHub (real Octokit) and
 * a loopback artifact service (real `@actions/artifact`).
 */
const BUGS = 'info-drops-field,check-fails'
const PLANTED = [
  fingerprint('info_output_divergence', 'info', 'qcow2', []),
  fingerprint('exit_code_divergence', 'check', 'qcow2', [])
].sort()

let github: GitHubServer
let artifacts: ArtifactServer
const runs: ActionRun[] = []

beforeEach(async () => {
  github = await startGitHubServer()
  artifacts = await startArtifactServer()
})
afterEach(async () => {
  await Promise.all([github.close(), artifacts.close()])
  for (const run of runs.splice(0)) rmSync(run.runnerTemp, { recursive: true, force: true })
})

/** What every step of workflow run `runId` sees; `job` picks its runtime token. */
function stepEnv(runId: string, job: string): Record<string, string> {
  return {
    STAND_IN_BUGS: BUGS,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'octo/instar',
    GITHUB_RUN_ID: runId,
    ...artifactEnv(artifacts.url, `backend-${runId}`, job)
  }
}

async function shard(runId: string, i: number): Promise<ActionRun> {
  const run = await runAction(
    {
      instar: STAND_IN,
      seed: '5',
      iterations: '6',
      operations: 'info,check',
      shard: `${i}/2`,
      'file-issues': 'false',
      'fail-on': 'never',
      token: 'test-token'
    },
    stepEnv(runId, `shard-${i}`)
  )
  runs.push(run)
  return run
}

async function fileNight(runId: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runFilingStep({ token: 'test-token', ...inputs }, stepEnv(runId, 'file'))
  runs.push(run)
  return run
}

const issues = () => github.state.issues.filter(i => !i.pull_request)
type Summary = {
  findings: { fingerprint: string; occurrences: number; issue: { action: string } }[]
}
const summaryOf = (run: ActionRun): Summary => summaryOfRun(run)
const occurrences = (s: Summary, fp: string): number =>
  s.findings.find(f => f.fingerprint === fp)?.occurrences ?? 0

describe('the filing step of a shard matrix', () => {
  it('files a night of two shards once per fingerprint, then comments once per issue the next night', async () => {
    const shards = await Promise.all([shard('101', 1), shard('101', 2)])
    expect(shards.map(s => s.code)).toEqual([0, 0])
    // The shards only fuzz (and list the open issues they would verify): not one
    // write, and each uploaded its reports.
    expect(github.state.requests.filter(r => r.method !== 'GET')).toEqual([])
    expect(artifacts.artifacts.map(a => a.name).sort()).toEqual([
      'instar-diff-fuzz-1-of-2',
      'instar-diff-fuzz-2-of-2'
    ])
    for (const s of shards)
      expect(
        summaryOf(s)
          .findings.map(f => f.fingerprint)
          .sort()
      ).toEqual(PLANTED)

    const night = await fileNight('101')
    expect(night.code).toBe(1) // fail-on: new, and the night opened issues
    expect(night.outputs).toMatchObject({
      findings: '2',
      'new-issues': '2',
      'updated-issues': '0',
      shards: '1/2,2/2',
      'missing-shards': ''
    })
    expect(
      issues()
        .map(i => markerOf(i.body))
        .sort()
    ).toEqual(PLANTED)
    expect(issues().map(i => [i.state, i.state_reason])).toEqual([
      ['open', null],
      ['open', null]
    ])
    expect(github.state.comments).toEqual([])
    const merged = artifacts.artifacts.find(a => a.name === 'instar-diff-fuzz-merged')!
    const url = `https://github.com/octo/instar/actions/runs/101/artifacts/${merged.id}`
    expect(night.outputs['artifact-url']).toBe(url)
    for (const issue of issues()) expect(issue.body).toContain(`[report artifact](${url})`)
    const summary = summaryOf(night)
    for (const fp of PLANTED)
      expect(occurrences(summary, fp)).toBe(
        occurrences(summaryOf(shards[0]), fp) + occurrences(summaryOf(shards[1]), fp)
      )
    expect(summary.findings.map(f => f.issue.action)).toEqual(['created', 'created'])
    expect(night.summary).toMatch(/^\| 1\/2 \| 5 \| 6 \| /m)
    expect(night.summary).toMatch(/^\| 2\/2 \| 5 \| 6 \| /m)

    // The next night: the same bugs, one comment on each issue, nothing new.
    await Promise.all([shard('102', 1), shard('102', 2)])
    const next = await fileNight('102')
    expect(next.code).toBe(0)
    expect(next.outputs).toMatchObject({ 'new-issues': '0', 'updated-issues': '2' })
    expect(issues()).toHaveLength(2)
    expect(github.state.comments.map(c => c.issue_number).sort()).toEqual(
      issues()
        .map(i => i.number)
        .sort()
    )
    for (const c of github.state.comments)
      expect(c.body).toContain('https://github.com/octo/instar/actions/runs/102')
  })

  it('names a shard without a report as missing and files what the others found', async () => {
    const only = await shard('201', 1)
    const night = await fileNight('201')
    expect(night.outputs).toMatchObject({
      shards: '1/2',
      'missing-shards': '2/2',
      'new-issues': '2'
    })
    expect(
      night.stdout.split('\n').filter(l => l.startsWith('::warning title=Missing shards::'))
    ).toEqual([expect.stringContaining('shard 2/2 sent no report')])
    expect(night.summary).toContain('| 2/2 | – | – | – | – | – | **missing** |')
    expect(
      issues()
        .map(i => markerOf(i.body))
        .sort()
    ).toEqual(
      summaryOf(only)
        .findings.map(f => f.fingerprint)
        .sort()
    )
  })

  it('says once that the artifact service is down, and files nothing', async () => {
    artifacts.fault = 503
    const night = await fileNight('301')
    expect(night.code).toBe(0)
    const warnings = night.stdout.split('\n').filter(l => l.startsWith('::warning'))
    expect(warnings).toEqual([
      expect.stringMatching(
        /^::warning title=Shard artifacts::no shard report could be downloaded: the artifact service answered 503/
      )
    ])
    expect(artifacts.twirp.map(c => [c.method, c.status])).toEqual([['ListArtifacts', 503]])
    expect(night.outputs).toMatchObject({ shards: '', 'missing-shards': '', findings: '0' })
    expect(github.state.requests).toEqual([])
  })

  it('lets the shards verify the open issues and writes their verdicts once, from the filing step', async () => {
    // #1: a create bug this stand-in no longer has (fixed); #2: the info bug it still has.
    const fixed = fileAsAction(github, lazyFinding())
    const live = fileAsAction(github, infoFinding())
    const shards = await Promise.all([shard('401', 1), shard('401', 2)])
    // Each shard re-ran the issues it owns (number mod 2) and wrote nothing.
    expect(github.state.requests.filter(r => r.method !== 'GET')).toEqual([])
    const verdicts = shards.map(s => {
      const v = JSON.parse(
        readFileSync(path.join(s.outputs['report-dir'], 'summary.json'), 'utf8')
      ).verification
      return {
        written: v.written,
        fixed: v.no_longer_reproduces.map((e: { number: number }) => e.number),
        live: v.still_reproduces.map((e: { number: number }) => e.number)
      }
    })
    // Shard i/2 owns the issues whose number mod 2 is i - 1: #2 is shard 1's, #1 shard 2's.
    expect([fixed.number, live.number]).toEqual([1, 2])
    expect(verdicts).toEqual([
      { written: false, fixed: [], live: [live.number] },
      { written: false, fixed: [fixed.number], live: [] }
    ])

    const night = await fileNight('401', { 'close-fixed': 'true' })
    expect(night.outputs).toMatchObject({ 'verified-fixed': '1', 'still-open': '1' })
    // The fixed bug: one comment, closed as completed; the live one: no verification comment.
    expect([fixed.state, fixed.state_reason]).toEqual(['closed', 'completed'])
    const on = (n: number) => github.state.comments.filter(c => c.issue_number === n)
    expect(on(fixed.number).map(c => c.body.split('\n')[0])).toEqual([
      expect.stringMatching(/^No longer reproduces with instar /)
    ])
    expect(live.state).toBe('open')
    expect(on(live.number).every(c => !/No longer reproduces/.test(c.body))).toBe(true)
    expect(live.body).toMatch(/\*\*Last verified:\*\* still reproduces/)
    const summary = JSON.parse(
      readFileSync(path.join(night.outputs['report-dir'], 'summary.json'), 'utf8')
    )
    expect(summary.verification).toMatchObject({ written: true, closed: [fixed.number] })
    expect(night.summary).toContain('### Verification')
  })
})
