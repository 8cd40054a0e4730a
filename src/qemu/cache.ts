import { restoreFromCache, saveToCache } from '../util/actions-cache.js'

export interface RestoreResult {
  /** The folder was restored under exactly this key. */
  hit: boolean
  /** The service answered: saving after a miss is worth trying. */
  usable: boolean
}

type Say = (line: string) => void

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
  const restored = await restoreFromCache([dir], key)
  if (restored.kind === 'absent') {
    log('the Actions cache service is not available here: downloading without the cache')
    return { hit: false, usable: false }
  }
  if (restored.kind === 'failed') {
    warn(`${restored.reason}: installing qemu-utils without the cache`)
    return { hit: false, usable: false }
  }
  return { hit: restored.matchedKey === key, usable: true }
}

/**
 * Saves the folder after a miss. Another job of the same matrix saving the
 * same key first is normal and not worth a warning; other failures are,
 * but never fail the step, because qemu-img is installed either way.
 */
export async function saveDebs(dir: string, key: string, log: Say, warn: Say): Promise<boolean> {
  const saved = await saveToCache([dir], key)
  if (saved.kind === 'taken') {
    log(
      `qemu-utils packages were not saved to the Actions cache (another job may have saved ${key})`
    )
    return false
  }
  if (saved.kind === 'failed') {
    warn(`${saved.reason}: the qemu-utils packages were not saved`)
    return false
  }
  log(`saved the qemu-utils packages to the Actions cache under ${key}`)
  return true
}
