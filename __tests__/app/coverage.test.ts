import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  coverageCacheKeys,
  readWeights,
  saveCoverage,
  startCoverage
} from '../../src/app/coverage.js'
import { emptyCoverage, type CoverageMap } from '../../src/findings/coverage.js'
import type { OperationName } from '../../src/fuzz/operation.js'
import type { Inputs } from '../../src/inputs.js'
import { downUrl, startCacheServer, type CacheServer } from '../support/cache-server.js'
import { plannedCoverage } from '../support/planned-coverage.js'
import { tempDir } from '../support/tools.js'

let server: CacheServer
let tmp: ReturnType<typeof tempDir>
let logged: string[]
let warned: string[]
const ports = {
  log: (l: string) => void logged.push(l),
  group: <T>(_name: string, task: () => Promise<T>) => task()
}
const warn = (l: string) => void warned.push(l)
const PREFIX = 'instar-diff-fuzz-coverage-v1'

const inputs = (over: Partial<Inputs> = {}) => ({
  operations: ['create', 'amend'] as OperationName[],
  shard: { index: 1, count: 1 },
  steer: 'coverage' as const,
  coverageFile: null,
  ...over
})

/** The map of a campaign that drew 20 iterations of `seed` over create and amend. */
const campaignMap = (seed: number): CoverageMap =>
  plannedCoverage(seed, 20, ['create', 'amend'], { when: `2026-01-0${seed}T03:00:00.000Z` })

/** One run as the pipeline does it: restore, then save what this run adds. */
async function night(env: Record<string, string>, seed: number, over: Partial<Inputs> = {}) {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v)
  const start = await startCoverage(inputs(over), process.env, ports.log, warn)
  await saveCoverage(start, campaignMap(seed), ports, warn)
  return start
}

beforeAll(async () => {
  server = await startCacheServer()
})
afterAll(() => server.close())
beforeEach(() => {
  tmp = tempDir('idf-coverage-')
  logged = []
  warned = []
  server.fault = null
  vi.stubEnv('RUNNER_TEMP', tmp.dir)
  vi.stubEnv('ACTIONS_CACHE_URL', '')
  vi.stubEnv('GITHUB_EVENT_PATH', '')
  vi.stubEnv('GITHUB_HEAD_REF', '')
  vi.stubEnv('GITHUB_BASE_REF', '')
  for (const [k, v] of Object.entries(server.env())) vi.stubEnv(k, v)
})
afterEach(() => {
  vi.unstubAllEnvs()
  tmp.cleanup()
})

describe('the cache keys', () => {
  it('save per branch, shard and run, and restore from the branch, its base, then the default branch', () => {
    const event = path.join(tmp.dir, 'event.json')
    writeFileSync(event, JSON.stringify({ repository: { default_branch: 'trunk' } }))
    const env = {
      GITHUB_REF_NAME: '12/merge',
      GITHUB_HEAD_REF: 'fix,it',
      GITHUB_BASE_REF: 'release',
      GITHUB_RUN_ID: '77',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_EVENT_PATH: event
    }
    expect(coverageCacheKeys(env, { index: 2, count: 4 })).toEqual({
      key: `${PREFIX}:fix_it:2of4:77-2`,
      restoreKeys: [
        `${PREFIX}:fix_it:2of4:`,
        `${PREFIX}:release:2of4:`,
        `${PREFIX}:trunk:2of4:`,
        `${PREFIX}:fix_it:`,
        `${PREFIX}:trunk:`
      ]
    })
    expect(
      coverageCacheKeys({ GITHUB_REF_NAME: 'main' }, { index: 1, count: 1 }).restoreKeys
    ).toEqual([`${PREFIX}:main:1of1:`, `${PREFIX}:main:`])
  })
})

describe('the coverage map in the Actions cache (real client, loopback service)', () => {
  it('accumulates night after night, and a new branch starts from main', async () => {
    const first = await night({ GITHUB_REF_NAME: 'main', GITHUB_RUN_ID: '1' }, 1)
    expect(first.info.restoredFrom).toBeNull()
    expect(first.info.weights).toBeNull()
    expect(logged).toContain(
      `coverage: no map in the Actions cache yet (looked for ${PREFIX}:main:1of1:, ${PREFIX}:main:)`
    )

    const second = await night({ GITHUB_REF_NAME: 'main', GITHUB_RUN_ID: '2' }, 2)
    expect(second.info.restoredFrom).toBe(`cache key ${PREFIX}:main:1of1:1-1`)
    expect(second.info.restored).toEqual(campaignMap(1))
    expect(second.info.weights).not.toBeNull()

    const branch = await night({ GITHUB_REF_NAME: 'feature', GITHUB_RUN_ID: '3' }, 3)
    expect(branch.info.restoredFrom).toBe(`cache key ${PREFIX}:main:1of1:2-1`)
    expect(branch.info.restored.campaigns).toBe(2)
    expect(branch.info.restored.operations.create.runs).toBe(
      campaignMap(1).operations.create.runs + campaignMap(2).operations.create.runs
    )
    expect(server.entries.filter(e => e.finalized).map(e => e.key)).toEqual([
      `${PREFIX}:main:1of1:1-1`,
      `${PREFIX}:main:1of1:2-1`,
      `${PREFIX}:feature:1of1:3-1`
    ])
    expect(warned).toEqual([])
  })

  it('starts from empty with one warning when the service fails, and still tries to save', async () => {
    server.fault = 500
    const start = await night({ GITHUB_REF_NAME: 'main', GITHUB_RUN_ID: '4' }, 1)
    expect(start.info.restored).toEqual(emptyCoverage())
    expect(start.info.weights).toBeNull()
    expect(warned).toEqual([
      'the Actions cache service answered 500: the coverage map starts from empty this run'
    ])
    expect(logged).toContain(
      'the Actions cache service answered 500: the coverage map of this run was not kept'
    )
    expect(server.twirp.filter(c => c.status === 500)).toHaveLength(2)
  })

  it('starts from empty with one warning when the service is down', async () => {
    vi.stubEnv('ACTIONS_RESULTS_URL', await downUrl())
    const start = await night({ GITHUB_REF_NAME: 'main', GITHUB_RUN_ID: '5' }, 1)
    expect(start.info.restored).toEqual(emptyCoverage())
    expect(warned).toEqual([
      'the Actions cache service is unreachable (ECONNREFUSED): the coverage map starts from empty this run'
    ])
  })

  it('stays quiet where there is no cache service, and keeps nothing', async () => {
    vi.stubEnv('ACTIONS_RESULTS_URL', '')
    const before = server.twirp.length
    const start = await night({ GITHUB_REF_NAME: 'main', GITHUB_RUN_ID: '6' }, 1)
    expect(start.store).toBeNull()
    expect(warned).toEqual([])
    expect(server.twirp.length).toBe(before)
  })
})

describe('--coverage-file', () => {
  it('reads and writes the same file, and replaces an unusable one with one warning', async () => {
    const file = path.join(tmp.dir, 'coverage.json')
    const first = await night({}, 1, { coverageFile: file })
    expect(first.info.restoredFrom).toBeNull()
    const second = await night({}, 2, { coverageFile: file })
    expect(second.info.restoredFrom).toBe(`file ${file}`)
    expect(second.info.restored).toEqual(campaignMap(1))
    expect(JSON.parse(readFileSync(file, 'utf8')).campaigns).toBe(2)
    expect(warned).toEqual([])

    writeFileSync(file, '{"version": 9}')
    const third = await night({}, 3, { coverageFile: file })
    expect(third.info.restored).toEqual(emptyCoverage())
    expect(warned).toEqual([
      `the coverage file ${file} is unusable (version 9 is not 1): it starts from empty and is overwritten`
    ])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(campaignMap(3))
  })

  it('gives replay the weights of a summary, and names a file without them', async () => {
    const file = path.join(tmp.dir, 'summary.json')
    const weights = { create: { target: { raw: 0.25 } } }
    writeFileSync(file, JSON.stringify({ version: 1, steering: { mode: 'coverage', weights } }))
    expect(await readWeights(file)).toEqual(weights)
    writeFileSync(file, '[1')
    await expect(readWeights(file)).rejects.toThrow(
      new RegExp(`^Invalid input 'weights': '${file}' — .*JSON.*; give the summary.json`)
    )
  })
})
