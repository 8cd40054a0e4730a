import * as cache from '@actions/cache'
import { isEnterpriseServer, serviceProblem, twirpProbe } from './actions-service.js'

/**
 * Whether the cache service is there, with one request and no retries
 * (actions-service.ts says why): `@actions/cache` also reports a 5xx on
 * restore as an error annotation. Returns null when up, else the reason.
 */
export async function cacheServiceProblem(key: string): Promise<string | null> {
  // The client's own choice of service: v2 when flagged, except on GHES.
  const v2 =
    Boolean(process.env.ACTIONS_CACHE_SERVICE_V2) &&
    !isEnterpriseServer(process.env.GITHUB_SERVER_URL)
  const base = v2
    ? process.env.ACTIONS_RESULTS_URL
    : process.env.ACTIONS_CACHE_URL || process.env.ACTIONS_RESULTS_URL
  if (!base) return 'is not configured'
  const token = process.env.ACTIONS_RUNTIME_TOKEN ?? ''
  if (v2)
    return serviceProblem(
      ...twirpProbe(
        base,
        'github.actions.results.api.v1.CacheService',
        'GetCacheEntryDownloadURL',
        { key, version: 'health-probe' },
        token
      )
    )
  return serviceProblem(
    new URL(`_apis/artifactcache/cache?keys=${encodeURIComponent(key)}&version=health-probe`, base),
    {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json;api-version=6.0-preview.1'
      }
    }
  )
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
