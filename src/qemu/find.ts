import { accessSync, constants, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { firstLine } from '../util/first-line.js'
import { parseQemuVersion, type QemuVersion } from '../util/qemu-version.js'
import { succeeded } from '../util/tool-runner.js'
import { setupRunner, type Run } from './setup-command.js'

export interface VerifiedQemu {
  qemuImg: string
  qemuIo: string
  version: QemuVersion
}

export const VERSION_TIMEOUT_MS = 15_000

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The first executable `name` in a PATH-style list, like `command -v`, without a shell. */
export function findExecutable(name: string, pathEnv: string): string | null {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue
    const file = path.resolve(dir, name)
    if (isExecutableFile(file)) return file
  }
  return null
}

/**
 * qemu-io ships in the same package as qemu-img, so it is looked for beside
 * the binary as named, then beside its real location (a symlinked qemu-img
 * in /usr/local/bin still finds its package's qemu-io).
 */
function qemuIoBeside(qemuImg: string): string | null {
  const candidates = [path.join(path.dirname(qemuImg), 'qemu-io')]
  try {
    candidates.push(path.join(path.dirname(realpathSync(qemuImg)), 'qemu-io'))
  } catch {
    // the caller has already checked that qemuImg exists
  }
  return candidates.find(isExecutableFile) ?? null
}

/**
 * Checks that `file` is a qemu-img that runs and has qemu-io beside it.
 * Returns the reason it is not usable instead of throwing, because the
 * caller decides whether that is fatal (a given path) or a reason to
 * install one (a broken qemu-img on PATH).
 */
export async function verifyQemuImg(
  file: string,
  run: Run = setupRunner({ timeoutMs: VERSION_TIMEOUT_MS })
): Promise<VerifiedQemu | { problem: string }> {
  const qemuImg = path.resolve(file)
  let isDir: boolean
  try {
    isDir = statSync(qemuImg).isDirectory()
  } catch {
    return { problem: 'does not exist' }
  }
  if (isDir) return { problem: 'is a directory, not the qemu-img binary' }
  if (!isExecutableFile(qemuImg)) return { problem: 'is not executable' }
  const r = await run(qemuImg, ['--version'])
  if (r.timedOut)
    return { problem: `does not run: \`--version\` took over ${VERSION_TIMEOUT_MS / 1000} s` }
  if (!succeeded(r)) {
    const why = firstLine(r.stderr) || firstLine(r.stdout)
    const status = r.signal ? `was killed by ${r.signal}` : `exited ${r.exitCode}`
    return { problem: `does not run: \`--version\` ${status}${why ? `: ${why}` : ''}` }
  }
  if (!/^qemu-img version \d+\.\d+/m.test(r.stdout))
    return {
      problem: `is not qemu-img: \`--version\` printed "${firstLine(r.stdout).slice(0, 120)}"`
    }
  const qemuIo = qemuIoBeside(qemuImg)
  if (!qemuIo)
    return {
      problem: `has no qemu-io beside it (looked in ${path.dirname(qemuImg)}); qemu-io comes from the same package and the campaign needs it`
    }
  return { qemuImg, qemuIo, version: parseQemuVersion(r.stdout) }
}
