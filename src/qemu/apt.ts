import { chmod, copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { succeeded, type ToolResult } from '../util/tool-runner.js'
import { parseCandidate } from './cache-key.js'
import { ProvisionError } from './provision-error.js'
import { failureLine, type Run } from './setup-command.js'

export const PACKAGE = 'qemu-utils'

/**
 * Messages apt prints when its package index is out of date: the archive
 * moved on (404 on a .deb the index still names), the index was never
 * fetched (a fresh container) or a mirror is mid-sync. One `apt-get update`
 * fixes all of them; other failures (a broken dpkg state, no disk) it does
 * not, so they are not retried.
 */
const STALE_INDEX = [
  /404\s+Not Found/i,
  /Failed to fetch/i,
  /Unable to fetch some archives/i,
  /Unable to locate package/i,
  /has no installation candidate/i,
  /Hash Sum mismatch/i,
  /File has unexpected size/i,
  /is not valid yet/i
]

/** True when an apt failure is one that `apt-get update` would fix. */
export function looksStale(output: string): boolean {
  return STALE_INDEX.some(re => re.test(output))
}

/**
 * The argv for an apt program: `sudo -n` only when not root (a container
 * running as root often has no sudo at all), and through `env` so the
 * non-interactive frontend and C messages (which looksStale reads) survive
 * sudo's environment reset.
 */
export function aptArgv(isRoot: boolean, program: string, args: string[]): string[] {
  const argv = ['env', 'DEBIAN_FRONTEND=noninteractive', 'LC_ALL=C', program, ...args]
  return isRoot ? argv : ['sudo', '-n', ...argv]
}

/** Waits for a dpkg lock held by unattended-upgrades instead of failing at once. */
const LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=120']

/** apt's own error lines (`E:`), else its warnings, else the last lines. */
function said(r: ToolResult, lines: number): string {
  const all = `${r.stderr}\n${r.stdout}`.split('\n').map(l => l.trim())
  const errors = all.filter(l => l.startsWith('E:'))
  const warnings = all.filter(l => /^(W|Err):/.test(l))
  const picked = [errors, warnings, all.filter(Boolean)].find(set => set.length > 0) ?? []
  return picked.slice(-lines).join(' | ')
}

/** One line for a failure message: the command, how it ended, and what apt said about it. */
function tail(r: ToolResult, lines = 4): string {
  return failureLine(r, said(r, lines))
}

/** The apt steps of `qemu-img: auto`, with the one index refresh shared between them. */
export class Apt {
  private updated = false

  constructor(
    private readonly run: Run,
    private readonly isRoot: boolean,
    private readonly log: (line: string) => void
  ) {}

  private async apt(program: string, args: string[]): Promise<ToolResult> {
    const [file, ...rest] = aptArgv(this.isRoot, program, args)
    this.log(`$ ${[program, ...args].join(' ')}`)
    return this.run(file, rest)
  }

  /** `apt-get update`, at most once per provisioning. */
  async update(): Promise<void> {
    if (this.updated) return
    this.updated = true
    const r = await this.apt('apt-get', ['update', ...LOCK_WAIT])
    if (!succeeded(r))
      throw new ProvisionError(`qemu-img: auto could not refresh the apt index: ${tail(r)}`)
  }

  /** Runs an apt step; a stale-index failure gets one `apt-get update` and a second try. */
  private async withFreshIndex(what: string, step: () => Promise<ToolResult>): Promise<ToolResult> {
    let r = await step()
    if (!succeeded(r) && !this.updated && looksStale(`${r.stderr}\n${r.stdout}`)) {
      this.log(`${what} failed on a stale apt index (${said(r, 2)}); running apt-get update once`)
      await this.update()
      r = await step()
    }
    if (!succeeded(r)) throw new ProvisionError(`qemu-img: auto could not ${what}: ${tail(r)}`)
    return r
  }

  /**
   * The qemu-utils version apt would install, read from the local index.
   * An index that does not know the package is refreshed once.
   */
  async candidate(): Promise<string> {
    const read = async (): Promise<string | null> => {
      const r = await this.apt('apt-cache', ['policy', PACKAGE])
      return succeeded(r) ? parseCandidate(r.stdout) : null
    }
    let version = await read()
    if (version === null && !this.updated) {
      this.log(`the apt index has no candidate for ${PACKAGE}; running apt-get update once`)
      await this.update()
      version = await read()
    }
    if (version === null)
      throw new ProvisionError(
        `qemu-img: auto found no qemu-img on PATH and apt has no ${PACKAGE} package to install; pass \`qemu-img: <path>\` to a qemu-img binary instead`
      )
    return version
  }

  /** `dpkg --print-architecture`, part of the cache key. */
  async architecture(): Promise<string> {
    const r = await this.run('dpkg', ['--print-architecture'])
    if (!succeeded(r) || !r.stdout.trim())
      throw new ProvisionError(`qemu-img: auto could not read the dpkg architecture: ${tail(r)}`)
    return r.stdout.trim()
  }

  /**
   * Downloads qemu-utils and the dependencies this machine lacks (no
   * recommends: qemu-block-extra only adds network block drivers) into
   * `dir`, which then holds exactly the .deb files to cache. `--reinstall`
   * makes apt fetch qemu-utils even where the package is installed but its
   * qemu-img is not on PATH. apt downloads into a scratch archive directory
   * (it needs its own `partial/` and lock file there) and only the .deb files
   * are copied out.
   */
  async download(dir: string): Promise<string[]> {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'idf-apt-'))
    try {
      // apt fetches as its sandbox user `_apt`, which must reach the folder.
      await chmod(scratch, 0o755)
      await mkdir(path.join(scratch, 'partial'), { recursive: true })
      await this.withFreshIndex(`download ${PACKAGE}`, () =>
        this.apt('apt-get', [
          'install',
          '-y',
          '--no-install-recommends',
          '--reinstall',
          '--download-only',
          ...LOCK_WAIT,
          '-o',
          `Dir::Cache::archives=${scratch}`,
          PACKAGE
        ])
      )
      await mkdir(dir, { recursive: true })
      for (const name of await readdir(scratch))
        if (name.endsWith('.deb')) await copyFile(path.join(scratch, name), path.join(dir, name))
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
    const debs = await debFiles(dir)
    if (debs.length === 0)
      throw new ProvisionError(
        `qemu-img: auto could not download ${PACKAGE}: apt fetched no .deb files`
      )
    return debs
  }

  /**
   * Installs .deb files; apt resolves any dependency the image lacks from
   * the archive, and a package already at that version is left alone.
   */
  async install(debs: string[]): Promise<void> {
    await this.withFreshIndex(`install ${PACKAGE}`, () =>
      this.apt('apt-get', ['install', '-y', '--no-install-recommends', ...LOCK_WAIT, ...debs])
    )
  }

  /** Where the installed package put qemu-img (not looked up on PATH, which may not hold it). */
  async installedQemuImg(): Promise<string> {
    const r = await this.run('dpkg-query', ['-L', PACKAGE])
    const file = r.stdout.split('\n').find(l => /\/bin\/qemu-img$/.test(l.trim()))
    if (!succeeded(r) || !file)
      throw new ProvisionError(
        `qemu-img: auto installed ${PACKAGE} but dpkg lists no qemu-img in it: ${tail(r)}`
      )
    return file.trim()
  }
}

/** The .deb files in a folder, as absolute paths, sorted. */
export async function debFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter(n => n.endsWith('.deb'))
      .sort()
      .map(n => path.join(dir, n))
  } catch {
    return []
  }
}
