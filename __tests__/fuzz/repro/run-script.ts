import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { Toolbox } from '../../../src/fuzz/toolbox.js'
import { testToolbox } from '../../support/tools.js'

/** One tool call: its full argv and, where one was given, its folder. */
export interface TracedCall {
  argv: string[]
  cwd?: string
}

/**
 * The toolbox with every call recorded as it starts, the way a
 * reproducer's REPRO_TRACE records its own: the two must list the same
 * calls for the same case.
 */
export function recording(tools: Toolbox, calls: TracedCall[]): Toolbox {
  const record =
    (file: string, run: Toolbox['instar']): Toolbox['instar'] =>
    (args, options) => {
      calls.push({ argv: [file, ...args], ...(options?.cwd ? { cwd: options.cwd } : {}) })
      return run(args, options)
    }
  return {
    ...tools,
    instar: record(tools.paths.instar, tools.instar),
    qemuImg: record(tools.paths.qemuImg, tools.qemuImg),
    qemuIo: record(tools.paths.qemuIo, tools.qemuIo),
    external: (file, args, options) =>
      record(file, (a, o) => tools.external(file, a, o))(args, options)
  }
}

/** The calls a REPRO_TRACE file lists (`c` folder, `a` argument, `e` end of a call, NUL-separated). */
export function readTrace(file: string): TracedCall[] {
  const calls: TracedCall[] = []
  let current: TracedCall = { argv: [] }
  for (const token of readFileSync(file, 'utf8').split('\0')) {
    if (token.startsWith('c')) current.cwd = token.slice(1)
    else if (token.startsWith('a')) current.argv.push(token.slice(1))
    else if (token === 'e') {
      calls.push(current)
      current = { argv: [] }
    }
  }
  return calls
}

/** Every path of the calls with its folder prefixes replaced (`from` may match several forms). */
export function relative(calls: TracedCall[], prefixes: Array<[RegExp, string]>): TracedCall[] {
  const fix = (s: string): string => prefixes.reduce((t, [from, to]) => t.replace(from, to), s)
  return calls.map(c => ({ argv: c.argv.map(fix), ...(c.cwd ? { cwd: fix(c.cwd) } : {}) }))
}

/** A regular expression matching `text` literally. */
export function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A toolbox of the stand-in with this environment (bugs, a hang's subcommand) and timeout. */
export function standInToolbox(env: Record<string, string>, timeoutMs: number): Toolbox {
  const before = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]))
  Object.assign(process.env, env)
  try {
    return testToolbox({ timeoutMs })
  } finally {
    for (const [k, v] of Object.entries(before))
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
  }
}

export interface ScriptRun {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs a script with `sh` (dash here), its environment given whole, and waits for it to end. */
export function runScript(script: string, env: Record<string, string>): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [script], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', status => resolve({ status, stdout, stderr }))
  })
}

/** At most `n` tasks at a time (the machine has two cores for everyone). */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: Array<() => void> = []
  return async task => {
    // A finishing task hands its slot straight to the next one waiting.
    if (running >= n) await new Promise<void>(resolve => waiting.push(resolve))
    else running++
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
}
