import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * A size-capped filesystem of its own (a tmpfs), for tests of a full
 * disk. Mounting needs root: as root directly, else through `sudo -n`
 * (GitHub's runners have it); null where neither works, so those tests
 * say why they cannot run.
 */
export function tmpfs(size: string): { dir: string; cleanup: () => void } | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idf-tmpfs-'))
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n']
  const run = (argv: string[]) => spawnSync(argv[0], argv.slice(1))
  const mount = [...asRoot, 'mount', '-t', 'tmpfs', '-o', `size=${size},mode=1777`, 'tmpfs', dir]
  if (run(mount).status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    return null
  }
  return {
    dir,
    cleanup: () => {
      const umount = [...asRoot, 'umount', '-l', dir]
      execFileSync(umount[0], umount.slice(1))
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
