import * as cache from '@actions/cache'

/** How long the one health request may take before the cache is skipped. */
const PROBE_TIMEOUT_MS = 5_000

export interface RestoreResult {
  /** The folder was restored under exactly this key. */
  hit: boolean
  /** The service answered: saving after a miss is worth trying. */
  usable: boolean
}

type Say = (line: string) => void

/**
 * One request, no retries, to learn whether the cache service is there.
 * `@actions/cache` retries a 5xx answer five times with back-off (about
 * 27 s measured) and its restore reports a 5xx as an error annotation;
 * provisioning should instead notice a sick service at once and install
 * without it. Any answer below 500 means the service is up (a miss or a
 * refusal is the real client's business). Returns null when up, else the
 * reason.
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
