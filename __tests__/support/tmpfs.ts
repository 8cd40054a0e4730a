import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** `mount` as root, or through passwordless sudo (as on GitHub's hosted runners). */
function privileged(args: string[]): { ok: boolean; sudo: boolean } {
  if (spawnSync(args[0], args.slice(1)).status === 0) return { ok: true, sudo: false }
  return { ok: spawnSync('sudo', ['-n', ...args]).status === 0, sudo: true }
}

/**
 * A size-capped filesystem of its own (a tmpfs, writable by everyone like
 * /tmp), for tests of a full disk; null where this machine does not let
 * the test mount one (neither root nor passwordless sudo, or no tmpfs), so
 * those tests say why they cannot run.
 */
export function tmpfs(size: string): { dir: string; cleanup: () => void } | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idf-tmpfs-'))
  const mounted = privileged(['mount', '-t', 'tmpfs', '-o', `size=${size},mode=1777`, 'tmpfs', dir])
  if (!mounted.ok) {
    rmSync(dir, { recursive: true, force: true })
    return null
  }
  return {
    dir,
    cleanup: () => {
      execFileSync(mounted.sudo ? 'sudo' : 'umount', [
        ...(mounted.sudo ? ['-n', 'umount'] : []),
        '-l',
        dir
      ])
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
