import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ToolResult } from '../../src/util/tool-runner.js'
import { ProvisionError, provisionQemu, type ProvisionEnv } from '../../src/qemu/provision.js'
import { realQemuImg, tempDir } from '../support/tools.js'

const qemuImg = realQemuImg()
const DEBIAN = readFileSync('/etc/os-release', 'utf8')
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=42\n'

let tmp: ReturnType<typeof tempDir>
let ran: string[][]

beforeEach(() => {
  tmp = tempDir('idf-provision-')
  ran = []
})
afterEach(() => tmp.cleanup())

/**
 * A machine with no qemu-img on PATH whose system commands are recorded
 * and answered by `answer`: the decision logic runs for real, but nothing
 * is installed.
 */
function machine(overrides: Partial<ProvisionEnv> = {}, answer = 0): Partial<ProvisionEnv> {
  const empty = path.join(tmp.dir, 'empty-bin')
  mkdirSync(empty, { recursive: true })
  return {
    path: empty,
    isRoot: true,
    osRelease: DEBIAN,
    which: name => `/usr/bin/${name}`,
    run: async (file: string, args: string[]): Promise<ToolResult> => {
      ran.push([file, ...args])
      return {
        argv: [file, ...args],
        exitCode: answer,
        signal: null,
        timedOut: false,
        stdout: args.includes('--print-architecture') ? 'amd64\n' : '',
        stderr: answer === 0 ? '' : 'sudo: a password is required',
        truncated: false,
        durationMs: 1
      }
    },
    debDir: path.join(tmp.dir, 'debs'),
    warn: () => {},
    ...overrides
  }
}

async function failure(input: string, env: Partial<ProvisionEnv>): Promise<string> {
  const error = await provisionQemu(input, () => {}, env).then(
    () => null,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ProvisionError)
  const message = (error as Error).message
  expect(message).not.toContain('\n')
  return message
}

describe('qemu-img: <path>', () => {
  it('uses a given binary that runs, with qemu-io beside it', async () => {
    const q = await provisionQemu(qemuImg, () => {}, machine())
    expect(q).toMatchObject({
      qemuImg,
      qemuIo: path.join(path.dirname(qemuImg), 'qemu-io'),
      source: 'given',
      cacheHit: false
    })
    expect(q.version.text).toMatch(/^qemu-img version 7\.2/)
    expect(q.notes[0]).toMatch(/as given/)
    expect(ran).toEqual([])
  })

  it('fails with one line naming the input, the value and what is accepted', async () => {
    const missing = path.join(tmp.dir, 'nope', 'qemu-img')
    expect(await failure(missing, machine())).toBe(
      `qemu-img: "${missing}" does not exist; accepted: a path to a qemu-img binary that runs (with qemu-io beside it), or \`auto\` to use the one on PATH or install qemu-utils through apt`
    )
    const broken = path.join(tmp.dir, 'qemu-img')
    writeFileSync(broken, '#!/bin/sh\necho "error while loading shared libraries" >&2\nexit 127\n')
    chmodSync(broken, 0o755)
    expect(await failure(broken, machine())).toMatch(
      /^qemu-img: ".*qemu-img" does not run: `--version` exited 127: error while loading shared libraries; accepted: /
    )
    expect(ran).toEqual([])
  })

  it('does not fall back to auto when the given path is broken', async () => {
    const message = await failure(
      path.join(tmp.dir, 'missing'),
      machine({ path: process.env.PATH })
    )
    expect(message).toMatch(/does not exist/)
  })
})

describe('qemu-img: auto', () => {
  it('uses the qemu-img on PATH without touching apt', async () => {
    const q = await provisionQemu('auto', () => {}, machine({ path: path.dirname(qemuImg) }))
    expect(q).toMatchObject({ qemuImg, source: 'path', cacheHit: false, warnings: [] })
    expect(q.notes[0]).toMatch(/found on PATH/)
    expect(ran).toEqual([])
  })

  it('skips a qemu-img on PATH that does not run', async () => {
    const bin = path.join(tmp.dir, 'bin')
    mkdirSync(bin)
    writeFileSync(path.join(bin, 'qemu-img'), '#!/bin/sh\nexit 1\n')
    chmodSync(path.join(bin, 'qemu-img'), 0o755)
    // No apt here, so skipping it ends in the no-apt failure rather than a broken setup.
    expect(await failure('auto', machine({ path: bin, osRelease: FEDORA }))).toMatch(
      /found no qemu-img on PATH and cannot install one/
    )
  })

  it('fails clearly on a runner without apt', async () => {
    expect(await failure('auto', machine({ osRelease: FEDORA }))).toBe(
      'qemu-img: auto found no qemu-img on PATH and cannot install one: fedora is not a Debian/Ubuntu runner with apt; install qemu-img in an earlier step, or pass `qemu-img: <path>`'
    )
    expect(await failure('auto', machine({ osRelease: null }))).toMatch(
      new RegExp(`cannot install one: ${process.platform} is not a Debian/Ubuntu runner with apt`)
    )
    expect(await failure('auto', machine({ which: () => null }))).toMatch(
      /debian is not a Debian\/Ubuntu runner with apt/
    )
    expect(ran).toEqual([])
  })

  it('fails clearly when not root and sudo is missing or wants a password', async () => {
    const noSudo = machine({ isRoot: false, which: n => (n === 'sudo' ? null : `/usr/bin/${n}`) })
    expect(await failure('auto', noSudo)).toBe(
      'qemu-img: auto found no qemu-img on PATH and cannot install qemu-utils: the runner user is not root and has no password-less sudo; install qemu-img in an earlier step, or pass `qemu-img: <path>`'
    )
    expect(ran).toEqual([])
    expect(await failure('auto', machine({ isRoot: false }, 1))).toMatch(/no password-less sudo/)
    expect(ran).toEqual([['/usr/bin/sudo', '-n', 'true']])
  })

  it('runs apt through sudo -n when not root', async () => {
    // Every command "succeeds" with empty output, so the candidate lookup
    // (which finds none, updates once and looks again) is where it stops;
    // what matters is how apt was invoked.
    expect(await failure('auto', machine({ isRoot: false }))).toMatch(/no qemu-utils package/)
    const aptCalls = ran.filter(c => c.includes('apt-cache') || c.includes('apt-get'))
    expect(aptCalls.map(c => c.slice(6).join(' '))).toEqual([
      'policy qemu-utils',
      'update -o DPkg::Lock::Timeout=120',
      'policy qemu-utils'
    ])
    for (const c of aptCalls) expect(c.slice(0, 3)).toEqual(['sudo', '-n', 'env'])
  })
})
