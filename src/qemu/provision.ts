import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { QemuVersion } from '../util/qemu-version.js'
import { succeeded } from '../util/tool-runner.js'
import { Apt, debFiles, PACKAGE } from './apt.js'
import { debCacheKey, isDebianLike, parseOsRelease } from './cache-key.js'
import { findExecutable, VERSION_TIMEOUT_MS, verifyQemuImg, type VerifiedQemu } from './find.js'
import { ProvisionError } from './provision-error.js'
import { setupRunner, type Run } from './setup-command.js'

export { ProvisionError } from './provision-error.js'

export interface QemuSetup {
  /** Absolute path of the verified binary. */
  qemuImg: string
  /** qemu-io beside it (same directory, or beside the binary a symlink points at). */
  qemuIo: string
  version: QemuVersion
  source: 'given' | 'path' | 'cache' | 'apt'
  cacheHit: boolean
  /** Time provisioning took. */
  seconds: number
  /** Lines for the job summary: which path was taken, the cache key, ... */
  notes: string[]
  /** Problems that did not stop provisioning (already emitted through `warn`). */
  warnings: string[]
}

/** The machine as provisioning sees it; tests replace parts of it. */
export interface ProvisionEnv {
  /** PATH searched for qemu-img in `auto` mode. */
  path: string
  isRoot: boolean
  /** The text of /etc/os-release, or null without one (macOS, Windows). */
  osRelease: string | null
  /** Finds a system program (apt-get, sudo) or returns null. */
  which: (name: string) => string | null
  /** Runs apt, dpkg and sudo. */
  run: Run
  /** Runs `qemu-img --version` on a candidate binary. */
  probe: Run
  /** The folder of .deb files that is cached; its path is part of the cache version. */
  debDir: string
  /** A problem provisioning survived (the pipeline makes it an annotation with a title). */
  warn: (line: string) => void
  /** Debug mode's log: every command, its output and how it ended. */
  debug?: (line: string) => void
}

const APT_TIMEOUT_MS = 15 * 60_000

function readOsRelease(): string | null {
  for (const file of ['/etc/os-release', '/usr/lib/os-release'])
    if (existsSync(file)) return readFileSync(file, 'utf8')
  return null
}

/**
 * The real machine: process PATH, /etc/os-release, commands through
 * execa, the runner's temp folder; warnings go to the log unless the
 * caller says where.
 */
export function systemEnv(
  log: (line: string) => void = () => {},
  debug?: (line: string) => void
): ProvisionEnv {
  return {
    path: process.env.PATH ?? '',
    isRoot: process.getuid?.() === 0,
    osRelease: readOsRelease(),
    which: name => findExecutable(name, process.env.PATH ?? ''),
    run: setupRunner({ timeoutMs: APT_TIMEOUT_MS, debug }),
    probe: setupRunner({ timeoutMs: VERSION_TIMEOUT_MS, debug }),
    // RUNNER_TEMP is the same path on every run of a runner image, which the
    // cache needs: the restored archive is unpacked where it was made.
    debDir: path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'instar-diff-fuzz-qemu-debs'),
    warn: line => log(`warning: ${line}`),
    debug
  }
}

const ACCEPTED =
  'a path to a qemu-img binary that runs (with qemu-io beside it), or `auto` to use the one on PATH or install qemu-utils through apt'

function elapsed(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10
}

function label(q: VerifiedQemu): string {
  return `${q.qemuImg} (${q.version.text})`
}

/**
 * Produces the reference qemu-img the campaign compares against: the given
 * binary, or with `auto` the one on PATH, or qemu-utils installed through
 * apt with its packages kept in the Actions cache so later runs restore
 * them instead of downloading. Fails with one line (a ProvisionError) that
 * says what to pass instead.
 */
export async function provisionQemu(
  input: string,
  log: (line: string) => void = () => {},
  overrides: Partial<ProvisionEnv> = {}
): Promise<QemuSetup> {
  const started = performance.now()
  const env = { ...systemEnv(log, overrides.debug), ...overrides }
  const notes: string[] = []
  const warnings: string[] = []
  const warn = (line: string): void => {
    warnings.push(line)
    notes.push(`warning: ${line}`)
    env.warn(line)
  }
  const done = (
    q: VerifiedQemu,
    source: QemuSetup['source'],
    cacheHit: boolean,
    how: string
  ): QemuSetup => {
    const seconds = elapsed(started)
    notes.unshift(`qemu-img: ${label(q)}, ${how}, in ${seconds} s`)
    log(`qemu-img: ${label(q)}, ${how}, in ${seconds} s`)
    return { ...q, source, cacheHit, seconds, notes, warnings }
  }

  const wanted = input.trim()
  if (wanted !== '' && wanted !== 'auto') {
    const q = await verifyQemuImg(wanted, env.probe)
    if ('problem' in q)
      throw new ProvisionError(`qemu-img: "${wanted}" ${q.problem}; accepted: ${ACCEPTED}`)
    return done(q, 'given', false, 'as given')
  }

  const onPath = findExecutable('qemu-img', env.path)
  if (onPath) {
    const q = await verifyQemuImg(onPath, env.probe)
    if (!('problem' in q)) return done(q, 'path', false, 'found on PATH')
    log(`qemu-img on PATH (${onPath}) ${q.problem}: installing ${PACKAGE} instead`)
    notes.push(`qemu-img on PATH (${onPath}) ${q.problem}`)
  } else {
    log('no qemu-img on PATH: installing qemu-utils through apt')
  }

  const apt = await aptFor(env, log)
  const candidate = await apt.candidate()
  const { key, restored, debs, fromCache } = await installDebs(env, apt, candidate, log, warn)
  const q = await verifyQemuImg(await apt.installedQemuImg(), env.probe)
  if ('problem' in q)
    throw new ProvisionError(
      `qemu-img: auto installed ${PACKAGE} ${candidate} but its qemu-img ${q.problem}; pass \`qemu-img: <path>\` instead`
    )
  notes.push(`cache key: ${key}`)
  if (!restored.hit && restored.usable) {
    const { saveDebs } = await import('./cache.js')
    await saveDebs(env.debDir, key, log, warn)
  }
  const packages = `${debs.length} package${debs.length === 1 ? '' : 's'}`
  return fromCache
    ? done(
        q,
        'cache',
        true,
        `installed ${PACKAGE} ${candidate} from the Actions cache (${packages})`
      )
    : done(
        q,
        'apt',
        false,
        `installed ${PACKAGE} ${candidate} through apt (${packages} downloaded)`
      )
}

/**
 * Installs qemu-utils' packages: restored from the Actions cache when the
 * key matches, else downloaded through apt. A cached set apt can no longer
 * install must not block every later run until the key changes, so it is
 * fetched afresh (and not saved: the key exists).
 */
async function installDebs(
  env: ProvisionEnv,
  apt: Apt,
  candidate: string,
  log: (line: string) => void,
  warn: (line: string) => void
): Promise<{
  key: string
  restored: { hit: boolean; usable: boolean }
  debs: string[]
  fromCache: boolean
}> {
  const arch = await apt.architecture()
  const key = debCacheKey({ os: parseOsRelease(env.osRelease ?? ''), arch, candidate })
  log(`cache key: ${key}`)

  await rm(env.debDir, { recursive: true, force: true })
  await mkdir(env.debDir, { recursive: true })
  // Loaded only on this path: @actions/cache brings the Azure SDK, and a
  // smaller harness process forks its thousands of tool processes faster.
  const { restoreDebs } = await import('./cache.js')
  const restored = await restoreDebs(env.debDir, key, log, warn)
  const cached = restored.hit ? await debFiles(env.debDir) : []
  if (cached.length > 0) {
    log(`restored ${cached.length} packages from the Actions cache`)
    try {
      await apt.install(cached)
      return { key, restored, debs: cached, fromCache: true }
    } catch (error) {
      warn(
        `the cached qemu-utils packages did not install (${(error as Error).message}): downloading them again`
      )
      await rm(env.debDir, { recursive: true, force: true })
    }
  }
  const debs = await apt.download(env.debDir)
  log(`downloaded ${debs.length} packages: ${debs.map(d => path.basename(d)).join(', ')}`)
  await apt.install(debs)
  return { key, restored, debs, fromCache: false }
}

/**
 * apt, when this runner can use it: a Debian or Ubuntu with apt-get, run as
 * root or with password-less sudo. Anything else is the one-line failure
 * that tells the user to pass a qemu-img.
 */
async function aptFor(env: ProvisionEnv, log: (line: string) => void): Promise<Apt> {
  const release = env.osRelease === null ? null : parseOsRelease(env.osRelease)
  const system = release ? release.id || 'this Linux' : process.platform
  if (!release || !isDebianLike(release) || !env.which('apt-get') || !env.which('dpkg'))
    throw new ProvisionError(
      `qemu-img: auto found no qemu-img on PATH and cannot install one: ${system} is not a Debian/Ubuntu runner with apt; install qemu-img in an earlier step, or pass \`qemu-img: <path>\``
    )
  if (!env.isRoot) {
    const sudo = env.which('sudo')
    const works = sudo !== null && succeeded(await env.run(sudo, ['-n', 'true']))
    if (!works)
      throw new ProvisionError(
        `qemu-img: auto found no qemu-img on PATH and cannot install qemu-utils: the runner user is not root and has no password-less sudo; install qemu-img in an earlier step, or pass \`qemu-img: <path>\``
      )
  }
  return new Apt(env.run, env.isRoot, log)
}
