import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { runPipeline, type PipelinePorts } from '../../src/app/pipeline.js'
import { parseInputs } from '../../src/inputs.js'
import { startCacheServer, type CacheServer } from '../support/cache-server.js'
import { STAND_IN, tempDir } from '../support/tools.js'

let server: CacheServer
/** The runner's temp folder: the same path every night, as on a hosted runner (the cache version hashes it). */
let work: ReturnType<typeof tempDir>
beforeAll(async () => {
  server = await startCacheServer()
  work = tempDir('idf-pipeline-coverage-')
})
afterAll(async () => {
  await server.close()
  work.cleanup()
})
afterEach(() => vi.unstubAllEnvs())

/** One run of the pipeline in this process, as run `runId` of a workflow on main. */
async function night(runId: string) {
  const env = {
    ...server.env(),
    RUNNER_TEMP: work.dir,
    GITHUB_REF_NAME: 'main',
    GITHUB_RUN_ID: runId
  }
  // @actions/cache reads the process environment, as on a runner.
  for (const [k, v] of Object.entries({ ...env, ACTIONS_CACHE_URL: '' })) vi.stubEnv(k, v)
  const annotations: Array<{ level: string; title: string; message: string }> = []
  const groups: string[] = []
  const ports: PipelinePorts = {
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
  const inputs = parseInputs(
    name =>
      ({
        instar: STAND_IN,
        operations: 'create',
        seed: runId,
        iterations: '2',
        'file-issues': 'false',
        'report-dir': path.join(work.dir, `report-${runId}`)
      })[name] ?? ''
  )
  const report = await runPipeline(inputs, ports)
  const summary = JSON.parse(readFileSync(path.join(inputs.reportDir, 'summary.json'), 'utf8'))
  return { report, annotations, groups, summary }
}

describe('the pipeline and the coverage map in the Actions cache', () => {
  it('restores and saves the map in log groups of their own, and a failing service is one titled warning', async () => {
    const first = await night('1')
    expect(first.groups).toEqual([
      'Reference qemu-img',
      'Coverage map',
      'Campaign',
      'Reports',
      'Coverage map'
    ])
    expect(first.annotations.filter(a => a.title === 'Coverage')).toEqual([])
    expect(server.entries.filter(e => e.finalized).map(e => e.key)).toEqual([
      'instar-diff-fuzz-coverage-v1:main:1of1:1-1'
    ])

    const second = await night('2')
    expect(second.report.info.coverage.restoredFrom).toBe(
      'cache key instar-diff-fuzz-coverage-v1:main:1of1:1-1'
    )
    expect(second.summary.coverage.accumulated.campaigns).toBe(2)
    expect(second.summary.steering.weights).not.toBeNull()

    server.fault = 503
    const third = await night('3')
    server.fault = null
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
    expect(third.summary.iterations).toBe(2)
  })
})
