import * as cache from '@actions/cache'

/** How long the one health request may take before the cache is skipped. */
const PROBE_TIMEOUT_MS = 5_000

/**
 * One request, no retries, to learn whether the cache service is there.
 * `@actions/cache` retries a 5xx answer five times with back-off and its
 * restore reports a 5xx as an error annotation; a run should instead
 * notice a sick service at once and go on without it. Any answer below
 * 500 means the service is up (a miss or a refusal is the real client's
 * business). Returns null when up, else the reason.
 */
export async function cacheServiceProblem(key: string): Promise<string | null> {
  // The client's own choice of service: v2 when flagged, except on GHES.
  const host = new URL(process.env.GITHUB_SERVER_URL || 'https://github.com').hostname.toLowerCase()
  const ghes = host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')
  const v2 = Boolean(process.env.ACTIONS_CACHE_SERVICE_V2) && !ghes
  const base = v2
    ? process.env.ACTIONS_RESULTS_URL
    : process.env.ACTIONS_CACHE_URL || process.env.ACTIONS_RESULTS_URL
  if (!base) return 'is not configured'
  const token = process.env.ACTIONS_RUNTIME_TOKEN ?? ''
  const headers = { authorization: `Bearer ${token}` }
  try {
    const response = v2
      ? await fetch(
          new URL(
            'twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL',
            base
          ),
          {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ key, version: 'health-probe' }),
            signal: AbortSignal.timeout(PROBE_TIMEOUT_MS)
          }
        )
      : await fetch(
          new URL(
            `_apis/artifactcache/cache?keys=${encodeURIComponent(key)}&version=health-probe`,
            base
          ),
          {
            headers: { ...headers, accept: 'application/json;api-version=6.0-preview.1' },
            signal: AbortSignal.timeout(PROBE_TIMEOUT_MS)
          }
        )
    await response.body?.cancel()
    return response.status >= 500 ? `answered ${response.status}` : null
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    if ((error as Error).name === 'TimeoutError')
      return `did not answer within ${PROBE_TIMEOUT_MS / 1000} s`
    return `is unreachable (${cause ?? (error as Error).message})`
  }
}

/**
 * What a restore came to: no service here at all (a local run, a GHES
 * without it: nothing to say), a service that failed (worth one warning),
 * or an answer (`matchedKey` null on a miss).
 */
export type CacheRestore =
  | { kind: 'absent' }
  | { kind: 'failed'; reason: string }
  | { kind: 'answered'; matchedKey: string | null }

/**
 * Restores `paths` saved under `key`, or under the newest key starting
 * with one of `restoreKeys` (in order). The health probe comes first so a
 * failing service costs one request, not the client's retry loop. Never
 * throws: every caller has a way on without the cache.
 */
export async function restoreFromCache(
  paths: string[],
  key: string,
  restoreKeys: string[] = []
): Promise<CacheRestore> {
  if (!cache.isFeatureAvailable()) return { kind: 'absent' }
  const problem = await cacheServiceProblem(key)
  if (problem) return { kind: 'failed', reason: `the Actions cache service ${problem}` }
  try {
    const matched = await cache.restoreCache(paths, key, restoreKeys)
    return { kind: 'answered', matchedKey: matched ?? null }
  } catch (error) {
    return {
      kind: 'failed',
      reason: `restoring from the Actions cache failed (${(error as Error).message})`
    }
  }
}

/**
 * What a save came to: saved, not saved because another job holds the key
 * (normal in a job matrix: no warning), or failed (worth one warning).
 */
export type CacheSave = { kind: 'saved' } | { kind: 'taken' } | { kind: 'failed'; reason: string }

/** Saves `paths` under `key` (keys are immutable). Never throws. */
export async function saveToCache(paths: string[], key: string): Promise<CacheSave> {
  // The service may have failed since the restore; a save against it would
  // sit in the client's retry loop.
  const problem = await cacheServiceProblem(key)
  if (problem) return { kind: 'failed', reason: `the Actions cache service ${problem}` }
  try {
    return (await cache.saveCache(paths, key)) === -1 ? { kind: 'taken' } : { kind: 'saved' }
  } catch (error) {
    if (error instanceof cache.ReserveCacheError) return { kind: 'taken' }
    return {
      kind: 'failed',
      reason: `saving to the Actions cache failed (${(error as Error).message})`
    }
  }
}
