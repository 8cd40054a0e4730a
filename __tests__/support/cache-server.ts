import {
  downUrl,
  startResultsService,
  type BlobCall,
  type TwirpCall,
  type TwirpReply
} from './results-service.js'

/**
 * A loopback stand-in for the GitHub Actions cache service (v2), driven by
 * the real `@actions/cache` client: the twirp methods
 * `GetCacheEntryDownloadURL`, `CreateCacheEntry`, `FinalizeCacheEntryUpload`
 * of `github.actions.results.api.v1.CacheService`, over the results
 * service's twirp endpoint and blob storage (results-service.ts).
 */

export type { BlobCall, TwirpCall }
export { downUrl }

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

const SERVICE = 'github.actions.results.api.v1.CacheService'
const TOKEN = 'loopback-runtime-token'

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startCacheServer(): Promise<CacheServer> {
  const entries: CacheEntry[] = []

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

  function handle(method: string, body: Record<string, unknown>): TwirpReply {
    const key = String(body.key ?? '')
    const version = String(body.version ?? '')
    if (method === 'GetCacheEntryDownloadURL') {
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : []
      const hit = findEntry(key, restoreKeys, version)
      if (!hit)
        return { status: 200, body: { ok: false, signed_download_url: '', matched_key: '' } }
      return {
        status: 200,
        body: {
          ok: true,
          signed_download_url: service.blobUrl(hit.blob, 'read-signature'),
          matched_key: hit.key
        }
      }
    }
    if (method === 'CreateCacheEntry') {
      if (entries.some(e => e.key === key && e.version === version))
        return {
          status: 409,
          body: {
            code: 'already_exists',
            msg: 'cache entry with the same key and version already exists'
          }
        }
      // Named by entry number: keys carry ':' and '+', which the SDK re-encodes.
      const blob = `devstoreaccount1/cache/entry-${entries.length + 1}`
      entries.push({ key, version, blob, sizeBytes: null, finalized: false, createdAt: Date.now() })
      return {
        status: 200,
        body: { ok: true, signed_upload_url: service.blobUrl(blob, 'write-signature') }
      }
    }
    if (method === 'FinalizeCacheEntryUpload') {
      const entry = entries.find(e => e.key === key && e.version === version && !e.finalized)
      if (!entry || !service.blob(entry.blob))
        return { status: 200, body: { ok: false, entry_id: '0', message: 'no upload to finalize' } }
      entry.finalized = true
      entry.sizeBytes = Number(body.size_bytes ?? 0)
      return { status: 200, body: { ok: true, entry_id: String(entries.indexOf(entry) + 1) } }
    }
    return { status: 404, body: { code: 'bad_route', msg: `no such method ${method}` } }
  }

  const service = await startResultsService(SERVICE, handle, auth => auth === `Bearer ${TOKEN}`)
  return Object.assign(service, { entries, env: () => cacheEnv(service.url) })
}

/** The variables `@actions/cache` v2 reads, pointing at `url`. */
export function cacheEnv(url: string): Record<string, string> {
  return {
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: url,
    ACTIONS_RUNTIME_TOKEN: TOKEN
  }
}
