import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { uploadReportArtifact } from '../../src/app/artifact.js'
import { fingerprint } from '../../src/findings/fingerprint.js'
import { runAction, type ActionRun } from '../support/action-runner.js'
import {
  artifactEnv,
  runtimeToken,
  startArtifactServer,
  zipEntries,
  type ArtifactServer
} from '../support/artifact-server.js'
import { STAND_IN, tempDir } from '../support/tools.js'

/**
 * The bundled action uploads its report folder itself, with the real
 * `@actions/artifact` client against a loopback artifact service, and a
 * run without the service warns once and goes on.
 */

let server: ArtifactServer
const runs: ActionRun[] = []

beforeAll(async () => {
  server = await startArtifactServer()
})
afterEach(() => {
  vi.unstubAllEnvs()
  server.fault = null
  for (const run of runs.splice(0)) rmSync(run.runnerTemp, { recursive: true, force: true })
})
afterAll(() => server.close())

async function fuzz(
  inputs: Record<string, string>,
  env: Record<string, string>
): Promise<ActionRun> {
  const run = await runAction(
    {
      instar: STAND_IN,
      // Shard 2/3 of seed 8 draws create qcow2 lazy_refcounts=on in its first iteration.
      seed: '8',
      iterations: '6',
      operations: 'create',
      'file-issues': 'false',
      'fail-on': 'never',
      ...inputs
    },
    {
      STAND_IN_BUGS: 'create-drops-lazy-refcounts',
      GITHUB_REPOSITORY: 'octo/instar',
      GITHUB_RUN_ID: '4711',
      ...env
    }
  )
  runs.push(run)
  return run
}

const warningsOf = (run: ActionRun): string[] =>
  run.stdout.split('\n').filter(l => l.startsWith('::warning title=Report artifact::'))

/** Every file under a folder, relative and sorted, as a zip lists them. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()
}

describe('the report artifact', () => {
  it("uploads report-dir as the shard's artifact and links it from the outputs and the job summary", async () => {
    const run = await fuzz(
      { shard: '2/3', 'retention-days': '5' },
      artifactEnv(server.url, 'run-a', 'job-2')
    )
    expect(run.code).toBe(0)
    expect(warningsOf(run)).toEqual([])
    expect(server.artifacts).toHaveLength(1)
    const [artifact] = server.artifacts
    expect(artifact).toMatchObject({
      name: 'instar-diff-fuzz-2-of-3',
      finalized: true,
      runBackendId: 'run-a'
    })
    const days = (Date.parse(artifact.expiresAt!) - Date.now()) / 86_400_000
    expect(Math.round(days)).toBe(5)
    const reportDir = run.outputs['report-dir']
    const fp = fingerprint('create_info_divergence', 'create', 'qcow2', ['lazy_refcounts=on'])
    expect(filesUnder(reportDir)).toContain(path.join('findings', `${fp}.json`))
    expect(zipEntries(server.content(artifact)!).sort()).toEqual(filesUnder(reportDir))
    const url = `https://github.com/octo/instar/actions/runs/4711/artifacts/${artifact.id}`
    expect(run.outputs['artifact-id']).toBe(String(artifact.id))
    expect(run.outputs['artifact-url']).toBe(url)
    expect(run.summary).toContain(`Reports: [instar-diff-fuzz-2-of-3](${url})`)
  })

  it('warns once and keeps the reports when the artifact service answers 500', async () => {
    server.fault = 500
    const before = server.twirp.length
    const run = await fuzz({ iterations: '2' }, artifactEnv(server.url, 'run-b', 'job-1'))
    expect(run.code).toBe(0)
    const warnings = warningsOf(run)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(
      'instar-diff-fuzz-1-of-1 was not uploaded: the artifact service answered 500'
    )
    // One probe, not the client's five attempts with pauses.
    expect(server.twirp.slice(before).map(c => [c.method, c.status])).toEqual([
      ['ListArtifacts', 500]
    ])
    expect(filesUnder(run.outputs['report-dir'])).toContain('summary.json')
    expect(run.outputs['artifact-id']).toBe('')
    expect(run.summary).toContain('was not uploaded')
  })

  it('warns once where there is no runtime token (a run off GitHub)', async () => {
    const before = server.twirp.length
    const run = await fuzz({ iterations: '2' }, { ACTIONS_RESULTS_URL: server.url })
    expect(run.code).toBe(0)
    const warnings = warningsOf(run)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('no Actions runtime token')
    expect(server.twirp.length).toBe(before)
    expect(filesUnder(run.outputs['report-dir'])).toContain('summary.json')
  })

  it("replaces the artifact an earlier attempt of the job uploaded, so a re-run's links point at its own", async () => {
    const reports = tempDir('idf-rerun-')
    try {
      writeFileSync(path.join(reports.dir, 'summary.json'), '{"attempt":1}')
      for (const [k, v] of Object.entries(artifactEnv(server.url, 'run-c', 'job-1')))
        vi.stubEnv(k, v)
      vi.stubEnv('GITHUB_REPOSITORY', 'octo/instar')
      vi.stubEnv('GITHUB_RUN_ID', '99')
      const log: string[] = []
      const upload = () =>
        uploadReportArtifact(reports.dir, 'instar-diff-fuzz-1-of-1', null, process.env, l =>
          log.push(l)
        )
      const first = await upload()
      vi.stubEnv('ACTIONS_RUNTIME_TOKEN', runtimeToken('run-c', 'job-1-attempt-2'))
      const second = await upload()
      if (!('link' in first) || !('link' in second)) throw new Error('an upload failed')
      expect(second.link.id).not.toBe(first.link.id)
      expect(server.artifacts.filter(a => a.runBackendId === 'run-c').map(a => a.id)).toEqual([
        second.link.id
      ])
      expect(second.link.url).toBe(
        `https://github.com/octo/instar/actions/runs/99/artifacts/${second.link.id}`
      )
      expect(log).toEqual([
        'replaced the artifact instar-diff-fuzz-1-of-1 an earlier attempt of this job uploaded'
      ])
    } finally {
      reports.cleanup()
    }
  })
})
