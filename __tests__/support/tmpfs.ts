import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * A size-capped filesystem of its own (a tmpfs), for tests of a full
 * disk; null where this machine does not let the test mount one (not
 * root, or no tmpfs), so those tests say why they cannot run.
 */
export function tmpfs(size: string): { dir: string; cleanup: () => void } | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idf-tmpfs-'))
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir])
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    return null
  }
  return {
    dir,
    cleanup: () => {
      execFileSync('umount', ['-l', dir])
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
