import { describe, expect, it } from 'vitest'
import type { ToolResult } from '../../src/util/tool-runner.js'
import { runTool } from '../../src/util/tool-runner.js'
import { Apt, aptArgv, looksStale } from '../../src/qemu/apt.js'
import { ProvisionError } from '../../src/qemu/provision-error.js'

function result(argv: string[], exitCode: number, stderr = '', stdout = ''): ToolResult {
  return {
    argv,
    exitCode,
    signal: null,
    timedOut: false,
    stdout,
    stderr,
    truncated: false,
    durationMs: 1
  }
}

/**
 * A scripted apt: answers each call from `script` by the apt subcommand
 * and records every argv, so the stale-index decision can be checked
 * without touching the machine's packages.
 */
function scriptedApt(script: (argv: string[], calls: string[][]) => ToolResult) {
  const calls: string[][] = []
  const run = async (file: string, args: string[]) => {
    const argv = [file, ...args]
    calls.push(argv)
    return script(argv, calls)
  }
  return { calls, apt: new Apt(run, true, () => {}) }
}

const STALE_404 = `Err:1 http://azure.archive.ubuntu.com/ubuntu noble-updates/main amd64 qemu-utils amd64 1:8.2.2+ds-0ubuntu1.4
  404  Not Found [IP: 52.252.75.106 80]
E: Failed to fetch http://azure.archive.ubuntu.com/ubuntu/pool/main/q/qemu/qemu-utils_1%3a8.2.2+ds-0ubuntu1.4_amd64.deb  404  Not Found [IP: 52.252.75.106 80]
E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?`

describe('stale index detection', () => {
  it('recognises what apt prints when its index is behind the archive', () => {
    expect(looksStale(STALE_404)).toBe(true)
    expect(looksStale('E: Unable to locate package qemu-utils')).toBe(true)
    expect(looksStale("E: Package 'qemu-utils' has no installation candidate")).toBe(true)
  })

  it('leaves failures an update cannot fix alone', () => {
    expect(looksStale('E: Could not get lock /var/lib/dpkg/lock-frontend')).toBe(false)
    expect(looksStale("E: dpkg was interrupted, you must manually run 'dpkg --configure -a'")).toBe(
      false
    )
    expect(looksStale("E: You don't have enough free space in /var/cache/apt/archives/.")).toBe(
      false
    )
  })
})

describe('apt argv', () => {
  it('runs apt directly as root and through sudo -n otherwise', () => {
    expect(aptArgv(true, 'apt-get', ['update'])).toEqual([
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'LC_ALL=C',
      'apt-get',
      'update'
    ])
    expect(aptArgv(false, 'apt-get', ['update'])).toEqual([
      'sudo',
      '-n',
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'LC_ALL=C',
      'apt-get',
      'update'
    ])
  })
})

describe('one apt-get update on a stale index', () => {
  it('updates once and retries an install that hit a 404', async () => {
    let installs = 0
    const { apt, calls } = scriptedApt(argv => {
      if (argv.includes('install')) {
        installs++
        return installs === 1 ? result(argv, 100, STALE_404) : result(argv, 0)
      }
      return result(argv, 0)
    })
    await apt.install(['/tmp/x.deb'])
    const subcommands = calls.map(c => c[c.indexOf('apt-get') + 1])
    expect(subcommands).toEqual(['install', 'update', 'install'])
  })

  it('does not update twice when the retry fails again', async () => {
    const { apt, calls } = scriptedApt(argv =>
      argv.includes('install') ? result(argv, 100, STALE_404) : result(argv, 0)
    )
    const error = await apt.install(['/tmp/x.deb']).catch(e => e)
    expect(error).toBeInstanceOf(ProvisionError)
    // One line: what was run, how it ended, and apt's own error lines.
    expect(error.message).toBe(
      'qemu-img: auto could not install qemu-utils: `env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=120 /tmp/x.deb` exited 100: ' +
        STALE_404.split('\n')
          .filter(l => l.startsWith('E:'))
          .join(' | ')
    )
    expect(calls.filter(c => c.includes('update'))).toHaveLength(1)
  })

  it('does not update for a failure an update cannot fix', async () => {
    const { apt, calls } = scriptedApt(argv =>
      argv.includes('install')
        ? result(argv, 100, "E: dpkg was interrupted, you must manually run 'dpkg --configure -a'")
        : result(argv, 0)
    )
    await expect(apt.install(['/tmp/x.deb'])).rejects.toThrow(/dpkg was interrupted/)
    expect(calls.filter(c => c.includes('update'))).toHaveLength(0)
  })

  it('refreshes an index that does not know qemu-utils before computing the key', async () => {
    let updated = false
    const { apt } = scriptedApt(argv => {
      if (argv.includes('update')) {
        updated = true
        return result(argv, 0)
      }
      return result(
        argv,
        0,
        '',
        updated ? 'qemu-utils:\n  Candidate: 1:9.0\n' : 'qemu-utils:\n  Candidate: (none)\n'
      )
    })
    expect(await apt.candidate()).toBe('1:9.0')
  })

  it('fails with one line when even a fresh index has no qemu-utils', async () => {
    const { apt } = scriptedApt(argv => result(argv, 0, '', ''))
    await expect(apt.candidate()).rejects.toThrow(
      /no qemu-utils package to install; pass `qemu-img: <path>`/
    )
  })
})

describe('apt on this machine (read-only queries)', () => {
  const real = new Apt(
    (file, args) => runTool(file, args, { timeoutMs: 60_000, outputCap: 1024 * 1024 }),
    process.getuid?.() === 0,
    () => {}
  )

  it('reads the candidate and architecture without the network', async () => {
    expect(await real.candidate()).toMatch(/^1:7\.2/)
    expect(await real.architecture()).toMatch(/^(amd64|arm64)$/)
  })

  it('finds qemu-img in the installed package', async () => {
    expect(await real.installedQemuImg()).toBe('/usr/bin/qemu-img')
  })
})
