import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the GitHub Actions results service is made of, for the loopback
 * cache and artifact servers (cache-server.ts, artifact-server.ts), driven
 * by the real `@actions/cache` and `@actions/artifact` clients:
 *
 * - twirp JSON endpoints `POST /twirp/<service>/<method>`, answered by the
 *   service's own handler, with the bearer token checked and faults
 *   injectable;
 * - the blob storage the signed URLs point at, under
 *   `/blob/<account>/<container>/<name>`: Put Blob, Put Block, Put Block
 *   List (what `@azure/storage-blob` sends) and GET/HEAD with an optional
 *   Range (what the downloads send), keeping the content type the upload
 *   set (the artifact download unzips only what comes back as a zip).
 *
 * Signed URLs use the IP-style host `127.0.0.1:<port>`, which the Azure SDK
 * accepts as a path-style account URL (like Azurite), and which the
 * clients download with plain HTTP GET because the host is not
 * `*.blob.core.windows.net`.
 */

export interface TwirpCall {
  method: string
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

export interface TwirpReply {
  status: number
  body: unknown
}

/** A service's methods: the call's JSON body in, the answer out. */
export type TwirpHandler = (
  method: string,
  body: Record<string, unknown>,
  authorization: string
) => TwirpReply

export interface ResultsService {
  /** Base URL with a trailing slash, as `ACTIONS_RESULTS_URL` carries it. */
  readonly url: string
  readonly twirp: TwirpCall[]
  readonly blobs: BlobCall[]
  /** Answer every twirp call with this status (a fault), or null to serve normally. */
  fault: number | null
  /** The stored bytes of a blob. */
  blob(name: string): Buffer | undefined
  /** A signed URL for a blob of this server. */
  blobUrl(name: string, signature: string): string
  close(): Promise<void>
}

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

interface StoredBlob {
  data: Buffer
  contentType: string
}

/** Azure Blob storage's block blob API, in memory. */
class BlobStore {
  readonly calls: BlobCall[] = []
  readonly stored = new Map<string, StoredBlob>()
  private readonly staged = new Map<string, Map<string, Buffer>>()

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = decodeURIComponent(url.pathname.slice('/blob/'.length))
    const comp = url.searchParams.get('comp')
    const body = await readBody(req)
    const answer = (kind: string, status: number, bytes: number, headers = blobHeaders()): void => {
      this.calls.push({ method: req.method ?? '', kind, name, bytes, status })
      res.writeHead(status, headers)
      res.end()
    }
    const contentType = String(req.headers['x-ms-blob-content-type'] ?? 'application/octet-stream')
    if (req.method === 'PUT' && comp === 'block') {
      const id = url.searchParams.get('blockid') ?? ''
      if (!this.staged.has(name)) this.staged.set(name, new Map())
      this.staged.get(name)!.set(id, body)
      return answer('putBlock', 201, body.length)
    }
    if (req.method === 'PUT' && comp === 'blocklist') {
      const ids = [
        ...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)
      ].map(m => m[1])
      const blocks = this.staged.get(name) ?? new Map<string, Buffer>()
      if (ids.some(id => !blocks.has(id)))
        return answer('putBlockList', 400, 0, { 'x-ms-error-code': 'InvalidBlockList' })
      const data = Buffer.concat(ids.map(id => blocks.get(id)!))
      this.stored.set(name, { data, contentType })
      this.staged.delete(name)
      return answer('putBlockList', 201, data.length)
    }
    if (req.method === 'PUT') {
      this.stored.set(name, { data: body, contentType })
      return answer('putBlob', 201, body.length)
    }
    if (req.method === 'GET' || req.method === 'HEAD') return this.read(req, res, name)
    answer(req.method ?? '', 405, 0, {})
  }

  private read(req: IncomingMessage, res: ServerResponse, name: string): void {
    const method = req.method ?? 'GET'
    const blob = this.stored.get(name)
    if (!blob) {
      this.calls.push({ method, kind: method.toLowerCase(), name, bytes: 0, status: 404 })
      res.writeHead(404, { 'x-ms-error-code': 'BlobNotFound' })
      return void res.end()
    }
    const { data } = blob
    const range = /bytes=(\d+)-(\d*)/.exec(
      String(req.headers.range ?? req.headers['x-ms-range'] ?? '')
    )
    let slice = data
    let status = 200
    const headers: Record<string, string> = {
      'content-type': blob.contentType,
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
    const bytes = method === 'GET' ? slice.length : 0
    this.calls.push({ method, kind: method.toLowerCase(), name, bytes, status })
    res.writeHead(status, headers)
    res.end(method === 'GET' ? slice : undefined)
  }
}

/**
 * Starts a results service for one twirp service on 127.0.0.1 with an
 * ephemeral port. `authorized` checks the Authorization header; calls
 * that fail it get twirp's 401.
 */
export async function startResultsService(
  service: string,
  handler: TwirpHandler,
  authorized: (authorization: string | undefined) => boolean
): Promise<ResultsService> {
  const prefix = `/twirp/${service}/`
  const twirp: TwirpCall[] = []
  const store = new BlobStore()
  const state = { fault: null as number | null }

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
    const reply =
      state.fault !== null
        ? { status: state.fault, body: { code: 'internal', msg: 'fault injected' } }
        : !authorized(req.headers.authorization)
          ? { status: 401, body: { code: 'unauthenticated', msg: 'bad token' } }
          : handler(method, body, req.headers.authorization ?? '')
    call.status = reply.status
    json(res, reply.status, reply.body)
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const handle =
      req.method === 'POST' && url.pathname.startsWith(prefix)
        ? onTwirp(req, res, url.pathname.slice(prefix.length))
        : url.pathname.startsWith('/blob/')
          ? store.handle(req, res, url)
          : Promise.resolve(void res.writeHead(404).end())
    handle.catch(error => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

  return {
    url: base,
    twirp,
    blobs: store.calls,
    get fault() {
      return state.fault
    },
    set fault(status: number | null) {
      state.fault = status
    },
    blob: name => store.stored.get(name)?.data,
    blobUrl: (name, signature) => `${base}blob/${name}?sig=${signature}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A loopback URL where nothing listens: the service is down. */
export async function downUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/`
}
