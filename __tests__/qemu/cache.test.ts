import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { restoreDebs, saveDebs } from '../../src/qemu/cache.js'
import { cacheServiceProblem } from '../../src/util/actions-cache.js'
import { downUrl, startCacheServer, type CacheServer } from '../support/cache-server.js'
import { tempDir } from '../support/tools.js'

let server: CacheServer
let tmp: ReturnType<typeof tempDir>
let logged: string[]
let warned: string[]
const log = (l: string) => logged.push(l)
const warn = (l: string) => warned.push(l)

beforeAll(async () => {
  server = await startCacheServer()
})
afterAll(() => server.close())
beforeEach(() => {
  tmp = tempDir('idf-cache-')
  logged = []
  warned = []
  server.fault = null
  vi.stubEnv('RUNNER_TEMP', tmp.dir)
  vi.stubEnv('ACTIONS_CACHE_URL', '')
  for (const [k, v] of Object.entries(server.env())) vi.stubEnv(k, v)
})
afterEach(() => {
  vi.unstubAllEnvs()
  tmp.cleanup()
})

function folder(files: Record<string, string>): string {
  const dir = path.join(tmp.dir, 'debs')
  mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
  return dir
}

describe('the cache service probe', () => {
  it('is happy with a service that answers', async () => {
    expect(await cacheServiceProblem('k')).toBeNull()
    expect(server.twirp.at(-1)).toMatchObject({
      method: 'GetCacheEntryDownloadURL',
      body: { key: 'k', version: 'health-probe' },
      status: 200
    })
  })

  it('names a 5xx answer and a service that is down', async () => {
    server.fault = 503
    expect(await cacheServiceProblem('k')).toBe('answered 503')
    vi.stubEnv('ACTIONS_RESULTS_URL', await downUrl())
    expect(await cacheServiceProblem('k')).toBe('is unreachable (ECONNREFUSED)')
  })
})

describe('saving and restoring the .deb folder', () => {
  it('round-trips the folder through the real client', async () => {
    const dir = folder({ 'a_1_amd64.deb': 'first package', 'b_2_amd64.deb': 'second package' })
    expect(await saveDebs(dir, 'round-trip', log, warn)).toBe(true)
    rmSync(dir, { recursive: true })
    expect(await restoreDebs(dir, 'round-trip', log, warn)).toEqual({ hit: true, usable: true })
    expect(readFileSync(path.join(dir, 'b_2_amd64.deb'), 'utf8')).toBe('second package')
    expect(warned).toEqual([])
  })

  it('misses an unknown key without a warning', async () => {
    const dir = folder({})
    expect(await restoreDebs(dir, 'never-saved', log, warn)).toEqual({ hit: false, usable: true })
    expect(warned).toEqual([])
  })

  it('treats a save race with a parallel job as normal', async () => {
    const dir = folder({ 'a_1_amd64.deb': 'x' })
    expect(await saveDebs(dir, 'raced', log, warn)).toBe(true)
    const creates = server.twirp.filter(c => c.method === 'CreateCacheEntry').length
    expect(await saveDebs(dir, 'raced', log, warn)).toBe(false)
    const refused = server.twirp.filter(c => c.method === 'CreateCacheEntry').slice(creates)
    expect(refused.map(c => c.status)).toEqual([409])
    expect(warned).toEqual([])
    expect(logged.at(-1)).toMatch(
      /not saved to the Actions cache \(another job may have saved raced\)/
    )
  })

  it('skips restore and save with one warning each when the service fails', async () => {
    server.fault = 500
    const dir = folder({ 'a_1_amd64.deb': 'x' })
    const before = server.twirp.length
    expect(await restoreDebs(dir, 'k', log, warn)).toEqual({ hit: false, usable: false })
    expect(await saveDebs(dir, 'k', log, warn)).toBe(false)
    expect(warned).toEqual([
      'the Actions cache service answered 500: installing qemu-utils without the cache',
      'the Actions cache service answered 500: the qemu-utils packages were not saved'
    ])
    expect(server.twirp.length - before).toBe(2)
  })

  it('stays quiet where there is no cache service', async () => {
    vi.stubEnv('ACTIONS_RESULTS_URL', '')
    const before = server.twirp.length
    expect(await restoreDebs(folder({}), 'k', log, warn)).toEqual({ hit: false, usable: false })
    expect(warned).toEqual([])
    expect(server.twirp.length).toBe(before)
  })
})

describe('the loopback blob store', () => {
  it('assembles a blob from staged blocks and serves ranges', async () => {
    // What @azure/storage-blob sends for archives over its single-shot size.
    const blob = 'devstoreaccount1/cache/blocks'
    const url = (q: string) => `${server.url}blob/${blob}?sig=x&${q}`
    const ids = ['AAAA', 'AAAB'].map(id => encodeURIComponent(id))
    await fetch(url(`comp=block&blockid=${ids[0]}`), { method: 'PUT', body: 'hello ' })
    await fetch(url(`comp=block&blockid=${ids[1]}`), { method: 'PUT', body: 'world' })
    const list = await fetch(url('comp=blocklist'), {
      method: 'PUT',
      body: '<?xml version="1.0"?><BlockList><Latest>AAAA</Latest><Latest>AAAB</Latest></BlockList>'
    })
    expect(list.status).toBe(201)
    expect(server.blob(blob)?.toString()).toBe('hello world')
    const part = await fetch(url(''), { headers: { range: 'bytes=6-' } })
    expect(part.status).toBe(206)
    expect(await part.text()).toBe('world')
  })
})
