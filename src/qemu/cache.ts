import * as cache from '@actions/cache'
import { isEnterpriseServer, serviceProblem, twirpProbe } from '../util/actions-service.js'

export interface RestoreResult {
  /** The folder was restored under exactly this key. */
  hit: boolean
  /** The service answered: saving after a miss is worth trying. */
  usable: boolean
}

type Say = (line: string) => void

/**
 * Whether the cache service is there, with one request and no retries
 * (util/actions-service.ts says why): `@actions/cache` also reports a 5xx
 * on restore as an error annotation. Returns null when up, else the reason.
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
 * Restores the folder of .deb files. A runner without the cache service
 * (a local run, a GHES without it) skips the cache quietly; a service that
 * is down or failing is one warning, and the install goes on without it.
 */
export async function restoreDebs(
  dir: string,
  key: string,
  log: Say,
  warn: Say
): Promise<RestoreResult> {
  if (!cache.isFeatureAvailable()) {
    log('the Actions cache service is not available here: downloading without the cache')
    return { hit: false, usable: false }
  }
  const problem = await cacheServiceProblem(key)
  if (problem) {
    warn(`the Actions cache service ${problem}: installing qemu-utils without the cache`)
    return { hit: false, usable: false }
  }
  try {
    const matched = await cache.restoreCache([dir], key)
    return { hit: matched === key, usable: true }
  } catch (error) {
    warn(
      `restoring qemu-utils from the Actions cache failed (${(error as Error).message}): installing without it`
    )
    return { hit: false, usable: false }
  }
}

/**
 * Saves the folder after a miss. Another job of the same matrix saving the
 * same key first is normal (`@actions/cache` reports it as a reserve
 * failure) and not worth a warning; other failures are, but never fail the
 * step, because qemu-img is installed either way.
 */
export async function saveDebs(dir: string, key: string, log: Say, warn: Say): Promise<boolean> {
  // The service answered the restore, but a save against one that has
  // since failed would sit in the client's retry loop.
  const problem = await cacheServiceProblem(key)
  if (problem) {
    warn(`the Actions cache service ${problem}: the qemu-utils packages were not saved`)
    return false
  }
  try {
    const id = await cache.saveCache([dir], key)
    if (id === -1) {
      log(
        `qemu-utils packages were not saved to the Actions cache (another job may have saved ${key})`
      )
      return false
    }
    log(`saved the qemu-utils packages to the Actions cache under ${key}`)
    return true
  } catch (error) {
    if (error instanceof cache.ReserveCacheError) {
      log(`another job is saving ${key}: not saved again`)
      return false
    }
    warn(`saving qemu-utils to the Actions cache failed: ${(error as Error).message}`)
    return false
  }
}
