import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { runPipeline, type PipelinePorts } from '../../src/app/pipeline.js'
import { parseInputs } from '../../src/inputs.js'
import { startCacheServer, type CacheServer } from '../support/cache-server.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { tmpfs } from '../support/tmpfs.js'
import { STAND_IN, tempDir } from '../support/tools.js'

/** The pipeline in this process, with ports that record what a runner would show. */
function ports(env: Record<string, string>) {
  const annotations: Array<{ level: string; title: string; message: string }> = []
  const groups: string[] = []
  const p: PipelinePorts = {
    log: () => {},
    annotate: (level, title, message) => annotations.push({ level, title, message }),
    group: (name, task) => {
      groups.push(name)
      return task()
    },
    env,
    instarPath: STAND_IN,
    prepareKvm: false
  }
  return { p, annotations, groups }
}

const cleanups: Array<() => void> = []
let server: GitHubServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  for (const c of cleanups.splice(0)) c()
})

function withBugs<T>(bugs: string, task: () => Promise<T>): Promise<T> {
  const saved = process.env.STAND_IN_BUGS
  process.env.STAND_IN_BUGS = bugs
  return task().finally(() => {
    if (saved === undefined) delete process.env.STAND_IN_BUGS
    else process.env.STAND_IN_BUGS = saved
  })
}

const reports = tmpfs('8k')

describe('the pipeline', () => {
  it.skipIf(reports === null)(
    'files the issues from memory when the report folder is full, and says so in one error line',
    async () => {
      cleanups.push(reports!.cleanup)
      const work = tempDir('idf-runner-')
      cleanups.push(work.cleanup)
      server = await startGitHubServer()
      const inputs = parseInputs(
        name =>
          ({
            instar: STAND_IN,
            operations: 'create',
            seed: '11',
            iterations: '24',
            duration: '5m',
            token: 'test-token',
            'report-dir': reports!.dir
          })[name] ?? ''
      )
      const { p, annotations, groups } = ports({
        GITHUB_API_URL: server.url,
        GITHUB_REPOSITORY: 'octo/instar',
        RUNNER_TEMP: work.dir
      })
      const report = await withBugs('create-drops-lazy-refcounts', () => runPipeline(inputs, p))
      expect(groups).toEqual([
        'Reference qemu-img',
        'Coverage map',
        'Verification',
        'Campaign',
        'Reports',
        'Reproducers',
        'Report artifact',
        'Issues',
        'Verification results'
      ])
      expect(report.result.findings.map(f => f.options)).toEqual([['lazy_refcounts=on']])
      // Filed all the same:
      expect(server.state.issues.filter(i => !i.pull_request).map(i => i.title)).toEqual([
        '[diff-fuzz] create_info_divergence: create qcow2 lazy_refcounts=on'
      ])
      expect([...report.links.values()].map(l => l.action)).toEqual(['created'])
      // ...with the reproducer that could not be written either, and said so once.
      const [fp] = report.reproducers.keys()
      expect(server.state.issues[0].body).toContain(
        `# Reproducer of instar-diff-fuzz finding ${fp}: create_info_divergence`
      )
      const lost = annotations.filter(a => a.title === 'Reproducers')
      expect(lost).toHaveLength(1)
      expect(lost[0].message).toMatch(
        new RegExp(`could not write the reproducers of 1 finding under .*: ${fp} \\(.*ENOSPC`)
      )
      // ...and the reports that could not be written are one error, said once.
      const errors = annotations.filter(a => a.level === 'error' && a.title === 'Reports')
      expect(errors).toHaveLength(1)
      expect(errors[0].message).toMatch(
        /could not write the reports to .*ENOSPC.*the 1 findings are in the job summary and filed as issues all the same/
      )
      // One annotation for the new finding.
      expect(
        annotations.filter(a => a.title === 'New finding: create_info_divergence')
      ).toHaveLength(1)
      expect(report.failure).toBe('1 new, regressed or unfiled findings')
    }
  )
})

describe('the pipeline and the coverage map in the Actions cache', () => {
  let cache: CacheServer
  /** The runner's temp folder: the same path every night, as on a hosted runner (the cache version hashes it). */
  let work: ReturnType<typeof tempDir>
  beforeAll(async () => {
    cache = await startCacheServer()
    work = tempDir('idf-pipeline-coverage-')
  })
  afterAll(async () => {
    await cache.close()
    work.cleanup()
  })
  afterEach(() => vi.unstubAllEnvs())

  /** One run of the pipeline in this process, as run `runId` of a workflow on main. */
  async function night(runId: string) {
    const env = {
      ...cache.env(),
      RUNNER_TEMP: work.dir,
      GITHUB_REF_NAME: 'main',
      GITHUB_RUN_ID: runId
    }
    // @actions/cache reads the process environment, as on a runner.
    for (const [k, v] of Object.entries({ ...env, ACTIONS_CACHE_URL: '' })) vi.stubEnv(k, v)
    const { p, annotations, groups } = ports(env)
    const inputs = parseInputs(
      name =>
        ({
          instar: STAND_IN,
          operations: 'create',
          seed: runId,
          iterations: '1',
          'file-issues': 'false',
          'report-dir': path.join(work.dir, `report-${runId}`)
        })[name] ?? ''
    )
    const report = await runPipeline(inputs, p)
    const summary = JSON.parse(readFileSync(path.join(inputs.reportDir, 'summary.json'), 'utf8'))
    return { report, annotations, groups, summary }
  }

  it('restores and saves the map in log groups of their own, and a failing service is one titled warning', async () => {
    const first = await night('1')
    expect(first.groups).toEqual([
      'Reference qemu-img',
      'Coverage map',
      'Campaign',
      'Reports',
      'Report artifact',
      'Coverage map'
    ])
    expect(first.annotations.filter(a => a.title === 'Coverage')).toEqual([])
    expect(cache.entries.filter(e => e.finalized).map(e => e.key)).toEqual([
      'instar-diff-fuzz-coverage-v1:main:1of1:1-1'
    ])

    const second = await night('2')
    expect(second.report.info.coverage!.restoredFrom).toBe(
      'cache key instar-diff-fuzz-coverage-v1:main:1of1:1-1'
    )
    expect(second.summary.coverage.accumulated.campaigns).toBe(2)
    expect(second.summary.steering.weights).not.toBeNull()

    cache.fault = 503
    const third = await night('3')
    cache.fault = null
    expect(third.annotations.filter(a => a.title === 'Coverage')).toEqual([
      {
        level: 'warning',
        title: 'Coverage',
        message:
          'the Actions cache service answered 503: the coverage map starts from empty this run'
      }
    ])
    expect(third.summary.coverage.restored_from).toBeNull()
    expect(third.summary.steering.weights).toBeNull()
    expect(third.report.failure).toBeNull()
    expect(third.summary.iterations).toBe(1)
  })
})
