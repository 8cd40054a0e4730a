import path from 'node:path'
import type { LibyalTools } from './libyal-tools.js'
import type { QemuVersion } from '../util/qemu-version.js'
import { DeadlineReached, runTool, type ToolResult } from '../util/tool-runner.js'

export interface ToolPaths {
  instar: string
  /** The verified reference binary; its directory also holds qemu-io. */
  qemuImg: string
  qemuIo: string
}

export interface CallOptions {
  cwd?: string
}

/** How many calls something happened to, and the first of them in words (for one warning line). */
export interface CallCount {
  count: number
  first?: string
}

/**
 * Every tool call an operation makes goes through here: one place that
 * enforces the per-call timeout, the output cap, the time box and
 * cancellation, and counts processes for the benchmark.
 */
export interface Toolbox {
  readonly paths: ToolPaths
  readonly qemuVersion: QemuVersion
  instar(args: string[], options?: CallOptions): Promise<ToolResult>
  qemuImg(args: string[], options?: CallOptions): Promise<ToolResult>
  qemuIo(args: string[], options?: CallOptions): Promise<ToolResult>
  /** Any other program (cp, libyal tools), under the same limits. */
  external(file: string, args: string[], options?: CallOptions): Promise<ToolResult>
  /** Processes started so far, by program name. */
  readonly spawns: Map<string, number>
  /** Calls that left a process outside their group holding their output open. */
  readonly escapes: CallCount
  /** Calls whose output passed the cap (and was cut). */
  readonly floods: CallCount
  /** The libyal tools found once per campaign: a third implementation as an oracle. */
  readonly libyal?: LibyalTools
}

export interface ToolboxConfig {
  paths: ToolPaths
  qemuVersion: QemuVersion
  timeoutMs: number
  outputCap?: number
  /** Epoch milliseconds after which no call starts. */
  deadline: number
  signal?: AbortSignal
  libyal?: LibyalTools
}

/**
 * instar picks the qemu-img output profile it imitates by running
 * `qemu-img --version` from its PATH, so every instar call sees the
 * reference qemu-img's directory first.
 */
export function instarEnv(
  qemuImg: string,
  base: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v
  env.PATH = [path.dirname(qemuImg), base.PATH ?? ''].filter(Boolean).join(path.delimiter)
  // Stable, locale-free messages from both tools.
  env.LC_ALL = 'C'
  return env
}

/** Bytes of each stream of one call that are kept (the rest is read and dropped). */
export const OUTPUT_CAP = 4 * 1024 * 1024

export function createToolbox(config: ToolboxConfig): Toolbox {
  const spawns = new Map<string, number>()
  // Only the first of each is described: a run can flood thousands of times.
  const escapes: CallCount = { count: 0 }
  const floods: CallCount = { count: 0 }
  const outputCap = config.outputCap ?? OUTPUT_CAP
  const env = instarEnv(config.paths.qemuImg)
  const call = async (
    file: string,
    args: string[],
    options: CallOptions = {}
  ): Promise<ToolResult> => {
    if (Date.now() >= config.deadline) throw new DeadlineReached()
    const name = path.basename(file)
    spawns.set(name, (spawns.get(name) ?? 0) + 1)
    const r = await runTool(file, args, {
      cwd: options.cwd,
      env,
      timeoutMs: config.timeoutMs,
      outputCap,
      signal: config.signal
    })
    const { printed, escaped } = r
    if (printed) {
      floods.count++
      floods.first ??= `${name} ${args.join(' ')}: ${printed.stdout.toLocaleString('en-US')} bytes on stdout, ${printed.stderr.toLocaleString('en-US')} on stderr`
    }
    if (escaped) {
      escapes.count++
      escapes.first ??= `${name} ${args.join(' ')}: ${escaped.map(e => `pid ${e.pid} (${e.command})`).join(', ')}`
    }
    return r
  }
  return {
    paths: config.paths,
    qemuVersion: config.qemuVersion,
    spawns,
    escapes,
    floods,
    libyal: config.libyal,
    instar: (args, o) => call(config.paths.instar, args, o),
    qemuImg: (args, o) => call(config.paths.qemuImg, args, o),
    qemuIo: (args, o) => call(config.paths.qemuIo, args, o),
    external: (file, args, o) => call(file, args, o)
  }
}
