/**
 * `qemu-img: auto` installing qemu-utils for real (this machine is Debian
 * with apt and root) through the real `@actions/cache` client and a
 * loopback cache service. qemu-utils stays installed for the other test
 * files: the PATH handed to provisioning has no qemu-img, and installing
 * the already-installed version is a no-op for apt, while the .deb files
 * are really downloaded, cached, restored and handed to apt.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { runCampaign } from '../../src/fuzz/campaign.js'
import { debCacheKey, parseOsRelease } from '../../src/qemu/cache-key.js'
import { provisionQemu, type ProvisionEnv, type QemuSetup } from '../../src/qemu/provision.js'
import { cacheEnv, downUrl, startCacheServer, type CacheServer } from '../support/cache-server.js'
import { realQemuImg, STAND_IN, tempDir } from '../support/tools.js'

const qemuImg = realQemuImg()
const expectedKey = debCacheKey({
  os: parseOsRelease(readFileSync('/etc/os-release', 'utf8')),
  arch: execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim(),
  candidate: /Candidate:\s*(\S+)/.exec(
    execFileSync('apt-cache', ['policy', 'qemu-utils'], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' }
    })
  )![1]
})

let tmp: ReturnType<typeof tempDir>
let warnings: string[]

beforeEach(() => {
  tmp = tempDir('idf-provision-apt-')
  warnings = []
  // @actions/cache makes its archive folders under RUNNER_TEMP.
  vi.stubEnv('RUNNER_TEMP', tmp.dir)
  vi.stubEnv('ACTIONS_CACHE_URL', '')
})
afterEach(() => {
  vi.unstubAllEnvs()
  tmp.cleanup()
})

function useCache(env: Record<string, string>): void {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v)
}

/** A runner image without qemu-img on PATH; the .deb folder is fixed per test file run. */
function runner(debDir: string, base = tmp.dir, sink = warnings): Partial<ProvisionEnv> {
  const empty = path.join(base, 'empty-bin')
  mkdirSync(empty, { recursive: true })
  return { path: empty, debDir, warn: line => sink.push(line) }
}

function debNames(dir: string): string[] {
  return readdirSync(dir)
    .filter(n => n.endsWith('.deb'))
    .sort()
}

describe('cold install, then warm restore, through the Actions cache', () => {
  let server: CacheServer
  let shared: ReturnType<typeof tempDir>
  let cold: QemuSetup
  let coldDebs: string[]
  let coldTwirp: CacheServer['twirp']

  // The cold install is this block's setup, so the warm test runs on its own too.
  beforeAll(async () => {
    server = await startCacheServer()
    // Both runs must use the same folder: its path is part of the cache version.
    shared = tempDir('idf-debs-')
    const tmp = tempDir('idf-provision-apt-cold-')
    try {
      vi.stubEnv('RUNNER_TEMP', tmp.dir)
      vi.stubEnv('ACTIONS_CACHE_URL', '')
      useCache(server.env())
      const coldWarnings: string[] = []
      cold = await provisionQemu(
        'auto',
        () => {},
        runner(path.join(shared.dir, 'debs'), tmp.dir, coldWarnings)
      )
      coldDebs = debNames(path.join(shared.dir, 'debs'))
      coldTwirp = [...server.twirp]
      console.info(`cold install (cache miss): ${cold.seconds} s`)
    } finally {
      vi.unstubAllEnvs()
      tmp.cleanup()
    }
  })
  afterAll(async () => {
    await server.close()
    shared.cleanup()
  })

  it('misses, downloads qemu-utils, installs it and saves the packages', async () => {
    expect(cold).toMatchObject({ qemuImg, source: 'apt', cacheHit: false, warnings: [] })
    expect(cold.qemuIo).toBe(path.join(path.dirname(qemuImg), 'qemu-io'))
    expect(cold.version.text).toBe(
      execFileSync(qemuImg, ['--version'], { encoding: 'utf8' }).split('\n')[0]
    )
    expect(cold.notes).toContain(`cache key: ${expectedKey}`)
    expect(coldDebs.some(n => n.startsWith('qemu-utils_'))).toBe(true)

    // probe, restore (miss), probe before saving, reserve, finalize
    expect(coldTwirp.map(c => c.method)).toEqual([
      'GetCacheEntryDownloadURL',
      'GetCacheEntryDownloadURL',
      'GetCacheEntryDownloadURL',
      'CreateCacheEntry',
      'FinalizeCacheEntryUpload'
    ])
    for (const c of coldTwirp) {
      expect(c.body.key).toBe(expectedKey)
      expect(c.authorization).toBe(`Bearer ${server.env().ACTIONS_RUNTIME_TOKEN}`)
    }
    expect(coldTwirp[1].status).toBe(200)
    expect(server.entries).toHaveLength(1)
    const entry = server.entries[0]
    expect(entry).toMatchObject({ key: expectedKey, finalized: true })
    expect(entry.version).toBe(coldTwirp[1].body.version)
    const upload = server.blobs.filter(b => b.kind === 'putBlob')
    expect(upload).toHaveLength(1)
    expect(upload[0].name).toBe(entry.blob)
    expect(entry.sizeBytes).toBe(upload[0].bytes)
    // A compressed archive of at least the qemu-utils package (about 1.3 MB).
    expect(upload[0].bytes).toBeGreaterThan(500_000)
  })

  it('restores the packages on the next run and installs from them', async () => {
    useCache(server.env())
    const debDir = path.join(shared.dir, 'debs')
    rmSync(debDir, { recursive: true, force: true })
    const before = server.twirp.length
    const warm = await provisionQemu('auto', () => {}, runner(debDir))
    console.info(`warm install (cache hit): ${warm.seconds} s`)

    expect(warm).toMatchObject({ qemuImg, source: 'cache', cacheHit: true, warnings: [] })
    expect(warm.version).toEqual(cold.version)
    expect(debNames(debDir)).toEqual(coldDebs)
    // probe and restore; nothing saved again
    expect(server.twirp.slice(before).map(c => c.method)).toEqual([
      'GetCacheEntryDownloadURL',
      'GetCacheEntryDownloadURL'
    ])
    const download = server.blobs.filter(b => b.kind === 'get')
    expect(download).toHaveLength(1)
    expect(download[0]).toMatchObject({ status: 200, bytes: server.entries[0].sizeBytes })
    expect(server.entries).toHaveLength(1)

    // The provisioned pair runs a campaign.
    const result = await runCampaign({
      seed: 11,
      shard: { index: 1, count: 1 },
      operations: ['info', 'create'],
      jobs: 1,
      iterations: 2,
      durationSeconds: 300,
      timeoutSeconds: 30,
      minimize: false,
      paths: { instar: STAND_IN, qemuImg: warm.qemuImg, qemuIo: warm.qemuIo },
      qemuVersion: warm.version,
      workRoot: tmp.dir
    })
    expect(result.iterations).toBe(2)
    expect(result.findings).toEqual([])
    expect(result.versions.qemuImg).toBe(warm.version.text)
  })
})

describe('a sick cache service does not stop the install', () => {
  it('warns once and installs without the cache when the service answers 500', async () => {
    const server = await startCacheServer()
    try {
      server.fault = 500
      useCache(server.env())
      const q = await provisionQemu('auto', () => {}, runner(path.join(tmp.dir, 'debs')))
      expect(q).toMatchObject({ qemuImg, source: 'apt', cacheHit: false })
      expect(warnings).toEqual([
        'the Actions cache service answered 500: installing qemu-utils without the cache'
      ])
      expect(q.warnings).toEqual(warnings)
      // One probe, no retry loop, no restore and no save attempt.
      expect(server.twirp.map(c => [c.method, c.status])).toEqual([
        ['GetCacheEntryDownloadURL', 500]
      ])
      expect(server.blobs).toEqual([])
    } finally {
      await server.close()
    }
  })

  it('warns once and installs without the cache when the service is down', async () => {
    useCache(cacheEnv(await downUrl()))
    const q = await provisionQemu('auto', () => {}, runner(path.join(tmp.dir, 'debs')))
    expect(q).toMatchObject({ qemuImg, source: 'apt', cacheHit: false })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^the Actions cache service is unreachable \(ECONNREFUSED\): installing qemu-utils without the cache$/
    )
  })

  it('skips the cache quietly where there is no cache service', async () => {
    vi.stubEnv('ACTIONS_RESULTS_URL', '')
    const lines: string[] = []
    const q = await provisionQemu('auto', l => lines.push(l), runner(path.join(tmp.dir, 'debs')))
    expect(q).toMatchObject({ source: 'apt', cacheHit: false, warnings: [] })
    expect(warnings).toEqual([])
    expect(lines).toContain(
      'the Actions cache service is not available here: downloading without the cache'
    )
  })
})
