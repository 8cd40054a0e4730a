import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback stand-in for the GitHub Actions cache service (v2), driven by
 * the real `@actions/cache` client:
 *
 * - twirp JSON endpoints `/twirp/github.actions.results.api.v1.CacheService/`
 *   `GetCacheEntryDownloadURL`, `CreateCacheEntry`, `FinalizeCacheEntryUpload`;
 * - the blob storage the signed URLs point at, under `/blob/<account>/<container>/<name>`:
 *   Put Blob, Put Block, Put Block List (what `@azure/storage-blob` sends) and
 *   GET/HEAD with an optional Range (what the download sends).
 *
 * The signed URLs use the IP-style host `127.0.0.1:<port>`, which the Azure SDK
 * accepts as a path-style account URL (like Azurite), and which the cache
 * client downloads with plain HTTP GET because the host is not
 * `*.blob.core.windows.net`.
 */

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/'

export interface TwirpCall {
  method: 'GetCacheEntryDownloadURL' | 'CreateCacheEntry' | 'FinalizeCacheEntryUpload' | string
  /** The JSON body as the client sent it (snake_case field names). */
  body: Record<string, unknown>
  /** The Authorization header (the runtime token as a bearer). */
  authorization: string | undefined
  status: number
}

export interface BlobCall {
  method: string
  /** e.g. `putBlob`, `putBlock`, `putBlockList`, `get`, `head`. */
  kind: string
  name: string
  bytes: number
  status: number
}

export interface CacheEntry {
  key: string
  version: string
  blob: string
  sizeBytes: number | null
  finalized: boolean
  createdAt: number
}

export interface CacheServer {
  /** Base URL with a trailing slash, as `ACTIONS_RESULTS_URL` carries it. */
  readonly url: string
  readonly twirp: TwirpCall[]
  readonly blobs: BlobCall[]
  readonly entries: CacheEntry[]
  /** Answer every twirp call with this status (a fault), or null to serve normally. */
  fault: number | null
  /** The environment the cache client reads to use this server. */
  env(): Record<string, string>
  /** The stored bytes of a blob. */
  blob(name: string): Buffer | undefined
  close(): Promise<void>
}

const TOKEN = 'loopback-runtime-token'

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => resolve(Buffer.concat(parts)))
    req.on('error', reject)
  })
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text)
  })
  res.end(text)
}

/** The headers Azure Blob storage answers writes with (the SDK reads but does not require them). */
function blobHeaders(): Record<string, string> {
  return {
    etag: `"0x${Date.now().toString(16)}"`,
    'last-modified': new Date().toUTCString(),
    'x-ms-request-id': crypto.randomUUID(),
    'x-ms-version': '2025-01-05',
    'x-ms-request-server-encrypted': 'true',
    'content-length': '0'
  }
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startCacheServer(): Promise<CacheServer> {
  const twirp: TwirpCall[] = []
  const blobs: BlobCall[] = []
  const entries: CacheEntry[] = []
  const stored = new Map<string, Buffer>()
  const staged = new Map<string, Map<string, Buffer>>()
  let base = ''

  const state = { fault: null as number | null }

  function findEntry(key: string, restoreKeys: string[], version: string): CacheEntry | undefined {
    const ready = entries.filter(e => e.finalized && e.version === version)
    const exact = ready.find(e => e.key === key)
    if (exact) return exact
    for (const prefix of restoreKeys) {
      const matches = ready.filter(e => e.key.startsWith(prefix))
      if (matches.length > 0) return matches.sort((a, b) => b.createdAt - a.createdAt)[0]
    }
    return undefined
  }

  async function onTwirp(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const raw = await readBody(req)
    let body: Record<string, unknown> = {}
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>
    } catch {
      // recorded as empty
    }
    const call: TwirpCall = { method, body, authorization: req.headers.authorization, status: 200 }
    twirp.push(call)
    const answer = (status: number, payload: unknown): void => {
      call.status = status
      json(res, status, payload)
    }
    if (state.fault !== null)
      return answer(state.fault, { code: 'internal', msg: 'fault injected' })
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return answer(401, { code: 'unauthenticated', msg: 'bad token' })
    const key = String(body.key ?? '')
    const version = String(body.version ?? '')
    if (method === 'GetCacheEntryDownloadURL') {
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : []
      const hit = findEntry(key, restoreKeys, version)
      if (!hit) return answer(200, { ok: false, signed_download_url: '', matched_key: '' })
      return answer(200, {
        ok: true,
        signed_download_url: `${base}blob/${hit.blob}?sig=read-signature`,
        matched_key: hit.key
      })
    }
    if (method === 'CreateCacheEntry') {
      if (entries.some(e => e.key === key && e.version === version))
        return answer(409, {
          code: 'already_exists',
          msg: 'cache entry with the same key and version already exists'
        })
      // Named by entry number: keys carry ':' and '+', which the SDK re-encodes.
      const blob = `devstoreaccount1/cache/entry-${entries.length + 1}`
      entries.push({ key, version, blob, sizeBytes: null, finalized: false, createdAt: Date.now() })
      return answer(200, { ok: true, signed_upload_url: `${base}blob/${blob}?sig=write-signature` })
    }
    if (method === 'FinalizeCacheEntryUpload') {
      const entry = entries.find(e => e.key === key && e.version === version && !e.finalized)
      if (!entry || !stored.has(entry.blob))
        return answer(200, { ok: false, entry_id: '0', message: 'no upload to finalize' })
      entry.finalized = true
      entry.sizeBytes = Number(body.size_bytes ?? 0)
      return answer(200, { ok: true, entry_id: String(entries.indexOf(entry) + 1) })
    }
    return answer(404, { code: 'bad_route', msg: `no such method ${method}` })
  }

  async function onBlob(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = decodeURIComponent(url.pathname.slice('/blob/'.length))
    const comp = url.searchParams.get('comp')
    const body = await readBody(req)
    const record = (kind: string, status: number, bytes: number): void => {
      blobs.push({ method: req.method ?? '', kind, name, bytes, status })
    }
    if (req.method === 'PUT' && comp === 'block') {
      const id = url.searchParams.get('blockid') ?? ''
      if (!staged.has(name)) staged.set(name, new Map())
      staged.get(name)!.set(id, body)
      record('putBlock', 201, body.length)
      res.writeHead(201, blobHeaders())
      return void res.end()
    }
    if (req.method === 'PUT' && comp === 'blocklist') {
      const ids = [
        ...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)
      ].map(m => m[1])
      const blocks = staged.get(name) ?? new Map<string, Buffer>()
      const missing = ids.filter(id => !blocks.has(id))
      if (missing.length > 0) {
        record('putBlockList', 400, 0)
        res.writeHead(400, { 'x-ms-error-code': 'InvalidBlockList' })
        return void res.end()
      }
      const data = Buffer.concat(ids.map(id => blocks.get(id)!))
      stored.set(name, data)
      staged.delete(name)
      record('putBlockList', 201, data.length)
      res.writeHead(201, blobHeaders())
      return void res.end()
    }
    if (req.method === 'PUT') {
      stored.set(name, body)
      record('putBlob', 201, body.length)
      res.writeHead(201, blobHeaders())
      return void res.end()
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const data = stored.get(name)
      if (!data) {
        record(req.method.toLowerCase(), 404, 0)
        res.writeHead(404, { 'x-ms-error-code': 'BlobNotFound' })
        return void res.end()
      }
      const range = /bytes=(\d+)-(\d*)/.exec(
        String(req.headers.range ?? req.headers['x-ms-range'] ?? '')
      )
      let slice = data
      let status = 200
      const headers: Record<string, string> = {
        'content-type': 'application/octet-stream',
        'accept-ranges': 'bytes',
        'x-ms-blob-type': 'BlockBlob'
      }
      if (range) {
        const start = Number(range[1])
        const end = range[2] ? Math.min(Number(range[2]), data.length - 1) : data.length - 1
        slice = data.subarray(start, end + 1)
        status = 206
        headers['content-range'] = `bytes ${start}-${end}/${data.length}`
      }
      headers['content-length'] = String(slice.length)
      record(req.method.toLowerCase(), status, req.method === 'GET' ? slice.length : 0)
      res.writeHead(status, headers)
      return void res.end(req.method === 'GET' ? slice : undefined)
    }
    record(req.method ?? '', 405, 0)
    res.writeHead(405)
    res.end()
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const handle =
      req.method === 'POST' && url.pathname.startsWith(TWIRP)
        ? onTwirp(req, res, url.pathname.slice(TWIRP.length))
        : url.pathname.startsWith('/blob/')
          ? onBlob(req, res, url)
          : Promise.resolve(void res.writeHead(404).end())
    handle.catch(error => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

  return {
    url: base,
    twirp,
    blobs,
    entries,
    get fault() {
      return state.fault
    },
    set fault(status: number | null) {
      state.fault = status
    },
    env: () => cacheEnv(base),
    blob: name => stored.get(name),
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** The variables `@actions/cache` v2 reads, pointing at `url`. */
export function cacheEnv(url: string): Record<string, string> {
  return {
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: url,
    ACTIONS_RUNTIME_TOKEN: TOKEN
  }
}

/** A loopback URL where nothing listens: the cache service is down. */
export async function downUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/`
}
