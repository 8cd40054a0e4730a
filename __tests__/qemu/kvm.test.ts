import { accessSync, constants, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runTool, type ToolResult } from '../../src/util/tool-runner.js'
import { KVM_UDEV_RULE, prepareKvm } from '../../src/qemu/kvm.js'
import { tempDir } from '../support/tools.js'

/** Whether this process can open the real /dev/kvm (root can, on this machine). */
const kvmOpen = (() => {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK)
    return true
  } catch {
    return false
  }
})()

let tmp: ReturnType<typeof tempDir>
let ran: string[][]

beforeEach(() => {
  tmp = tempDir('idf-kvm-')
  ran = []
})
afterEach(() => tmp.cleanup())

function ok(argv: string[]): ToolResult {
  return {
    argv,
    exitCode: 0,
    signal: null,
    timedOut: false,
    stdout: '',
    stderr: '',
    truncated: false,
    durationMs: 1
  }
}

/**
 * The runner's commands: `install` (which writes the rule) runs for real
 * into a temporary rules folder, the udevadm steps (absent here, and not
 * ours to trigger on a shared machine) are recorded; `fixes` says whether
 * the trigger makes the device accessible.
 */
function hostedRunner(fixes: boolean, udevadmFails = false) {
  let accessible = false
  const rulesFile = path.join(tmp.dir, '99-kvm4all.rules')
  return {
    rulesFile,
    canOpen: () => accessible,
    run: async (file: string, args: string[]) => {
      const argv = [file, ...args]
      ran.push(argv)
      const program = file === 'sudo' ? args[1] : file
      const rest = file === 'sudo' ? args.slice(2) : args
      if (program === 'install')
        return runTool('install', rest, { timeoutMs: 10_000, outputCap: 4096 })
      if (udevadmFails)
        return {
          ...ok(argv),
          exitCode: 1,
          stderr: 'Failed to send reload request: Permission denied'
        }
      if (argv.includes('--name-match=kvm') && fixes) accessible = true
      return ok(argv)
    }
  }
}

describe('prepareKvm', () => {
  it('reports a missing device (instar operations needing KVM will fail)', async () => {
    const device = path.join(tmp.dir, 'kvm')
    const r = await prepareKvm(() => {}, { device })
    expect(r).toEqual({
      state: 'missing',
      note: `${device} is missing: instar operations that need KVM (its mutating operations run in a KVM guest) will fail`
    })
  })

  it('leaves an accessible device alone', async () => {
    const r = await prepareKvm(() => {}, {
      device: tmp.dir,
      canOpen: () => true,
      run: async () => {
        throw new Error('no command expected')
      }
    })
    expect(r.state).toBe('ok')
  })

  it.runIf(kvmOpen)('sees this machine’s open /dev/kvm as it is', async () => {
    expect(await prepareKvm(() => {})).toEqual({ state: 'ok', note: '/dev/kvm is accessible' })
  })

  it('opens an inaccessible device with the udev rule, through sudo when not root', async () => {
    const runner = hostedRunner(true)
    const r = await prepareKvm(() => {}, { device: tmp.dir, isRoot: false, ...runner })
    expect(r).toEqual({
      state: 'fixed',
      note: `${tmp.dir} made accessible with a udev rule (${runner.rulesFile})`
    })
    expect(readFileSync(runner.rulesFile, 'utf8')).toBe(
      'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"\n'
    )
    expect(readFileSync(runner.rulesFile, 'utf8')).toBe(KVM_UDEV_RULE)
    expect(ran.map(a => a.slice(0, 4))).toEqual([
      ['sudo', '-n', 'install', '-m'],
      ['sudo', '-n', 'udevadm', 'control'],
      ['sudo', '-n', 'udevadm', 'trigger'],
      ['sudo', '-n', 'udevadm', 'settle']
    ])
    expect(ran[2]).toEqual(['sudo', '-n', 'udevadm', 'trigger', '--name-match=kvm'])
  })

  it('runs the same steps without sudo as root', async () => {
    const runner = hostedRunner(true)
    const r = await prepareKvm(() => {}, { device: tmp.dir, isRoot: true, ...runner })
    expect(r.state).toBe('fixed')
    expect(ran.map(a => a[0])).toEqual(['install', 'udevadm', 'udevadm', 'udevadm'])
  })

  it('says so when the rule does not help', async () => {
    const r = await prepareKvm(() => {}, { device: tmp.dir, isRoot: true, ...hostedRunner(false) })
    expect(r.state).toBe('inaccessible')
    expect(r.note).toMatch(
      /exists but this user cannot open it and the udev rule did not help: instar operations that need KVM/
    )
  })

  it('names the command that failed, how it ended and what it said, in one line', async () => {
    const r = await prepareKvm(() => {}, {
      device: tmp.dir,
      isRoot: true,
      ...hostedRunner(false, true)
    })
    expect(r.state).toBe('inaccessible')
    expect(r.note).toContain(
      '(`udevadm control --reload-rules` exited 1: Failed to send reload request: Permission denied)'
    )
    expect(ran).toHaveLength(2)
  })
})
