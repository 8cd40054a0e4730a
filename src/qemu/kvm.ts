import { accessSync, constants, existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { succeeded } from '../util/tool-runner.js'
import { failureLine, setupRunner, type Run } from './setup-command.js'

export type KvmState = 'ok' | 'fixed' | 'missing' | 'inaccessible'

export interface KvmResult {
  state: KvmState
  /** One line for the log and the job summary. */
  note: string
}

/**
 * The rule GitHub's own documentation and the setup actions of the
 * emulator ecosystem use to open /dev/kvm to the runner user.
 */
export const KVM_UDEV_RULE = 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"\n'

export interface KvmEnv {
  device: string
  rulesFile: string
  isRoot: boolean
  /** Whether this process can open the device read-write. */
  canOpen: (device: string) => boolean
  run: Run
  /** Debug mode's log (every command the preparation runs). */
  debug?: (line: string) => void
}

function canOpen(device: string): boolean {
  try {
    accessSync(device, constants.R_OK | constants.W_OK)
    return true
  } catch {
    return false
  }
}

function systemKvmEnv(debug?: (line: string) => void): KvmEnv {
  return {
    device: '/dev/kvm',
    rulesFile: '/etc/udev/rules.d/99-kvm4all.rules',
    isRoot: process.getuid?.() === 0,
    canOpen,
    run: setupRunner({ timeoutMs: 30_000, debug })
  }
}

const NEEDS_KVM =
  'instar operations that need KVM (its mutating operations run in a KVM guest) will fail'

/**
 * Makes /dev/kvm usable for instar's mutating operations. Hosted runners
 * have the device but only root and the kvm group may open it, so a udev
 * rule opens it to everyone and a trigger applies it at once. A runner
 * without the device is only warned about: the read-only operations still
 * work.
 */
export async function prepareKvm(
  log: (line: string) => void,
  overrides: Partial<KvmEnv> = {}
): Promise<KvmResult> {
  const env = { ...systemKvmEnv(overrides.debug), ...overrides }
  if (!existsSync(env.device))
    return { state: 'missing', note: `${env.device} is missing: ${NEEDS_KVM}` }
  if (env.canOpen(env.device)) {
    log(`${env.device} is accessible`)
    return { state: 'ok', note: `${env.device} is accessible` }
  }
  log(`${env.device} is not accessible to this user: adding a udev rule for it`)
  const sudo = (argv: string[]): [string, string[]] =>
    env.isRoot ? [argv[0], argv.slice(1)] : ['sudo', ['-n', ...argv]]
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'idf-kvm-'))
  const failures: string[] = []
  try {
    const rule = path.join(scratch, 'kvm.rules')
    await writeFile(rule, KVM_UDEV_RULE)
    const steps = [
      ['install', '-m', '0644', rule, env.rulesFile],
      ['udevadm', 'control', '--reload-rules'],
      ['udevadm', 'trigger', '--name-match=kvm'],
      ['udevadm', 'settle', '--timeout=10']
    ]
    for (const step of steps) {
      const r = await env.run(...sudo(step))
      if (!succeeded(r)) {
        failures.push(failureLine(r))
        break
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  if (env.canOpen(env.device)) {
    log(`${env.device} is accessible after the udev rule`)
    return {
      state: 'fixed',
      note: `${env.device} made accessible with a udev rule (${env.rulesFile})`
    }
  }
  const why = failures.length > 0 ? ` (${failures.join('; ')})` : ''
  return {
    state: 'inaccessible',
    note: `${env.device} exists but this user cannot open it and the udev rule did not help${why}: ${NEEDS_KVM}`
  }
}
