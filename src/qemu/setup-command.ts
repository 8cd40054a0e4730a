import type { Result } from 'execa'
import { shellCommand } from '../util/shell.js'
import type { ToolResult } from '../util/tool-runner.js'

/** Runs one setup program with an argv array (tests pass a recorder; the action passes setupRunner). */
export type Run = (file: string, args: string[]) => Promise<ToolResult>

export interface SetupRunOptions {
  timeoutMs: number
  /** Debug mode: each command, each line it prints and how it ended, one log line each. */
  debug?: (line: string) => void
}

/**
 * Output kept per stream. Setup commands print little; one that prints
 * this much is broken, and execa ends it rather than hold it all.
 */
const MAX_BUFFER = 16 * 1024 * 1024

/** The longest command a failure line quotes (a list of .deb files can run to kilobytes). */
const COMMAND_CHARS = 240

/**
 * A runner for the few commands that prepare the machine (apt, dpkg, sudo,
 * udevadm, `qemu-img --version`), built on execa: in debug mode its
 * verbose log shows every command and its output, and a timeout ends the
 * command with SIGTERM, then SIGKILL. execa is imported on the first
 * command, not at start-up, so a run that never reaches setup never loads
 * it. The campaign's thousands of tool calls keep util/tool-runner, which
 * costs less per call and caps output instead of killing a chatty tool
 * (README, "Why node:child_process and not execa").
 */
export function setupRunner(options: SetupRunOptions): Run {
  const { debug } = options
  return async (file, args) => {
    const { execa } = await import('execa')
    const r = await execa(file, args, {
      reject: false,
      stdin: 'ignore',
      timeout: options.timeoutMs,
      forceKillAfterDelay: 2_000,
      maxBuffer: MAX_BUFFER,
      stripFinalNewline: false,
      verbose: debug ? (line: string) => void debug(line) : 'none'
    })
    return toolResult(file, args, r)
  }
}

/** execa's result in the shape the rest of the harness reads. */
function toolResult(file: string, args: string[], r: Result): ToolResult {
  // A command that never started (not found, not executable) has no exit
  // status: it reads as the shell's 127, with execa's reason as its stderr.
  const started = r.exitCode !== undefined || r.signal !== undefined
  return {
    argv: [file, ...args],
    exitCode: r.exitCode ?? (started ? null : 127),
    signal: r.signal ?? null,
    timedOut: r.timedOut,
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: started
      ? typeof r.stderr === 'string'
        ? r.stderr
        : ''
      : (r.originalMessage ?? r.shortMessage ?? ''),
    truncated: r.isMaxBuffer,
    durationMs: Math.round(r.durationMs)
  }
}

/**
 * One line for a failed setup command: the command as a shell would run
 * it, how it ended, and what it said (`said`, else its last stderr lines,
 * else its last stdout lines). The step's failure message and the job
 * summary quote it, so it must stand alone.
 */
export function failureLine(r: ToolResult, said?: string): string {
  const full = shellCommand(r.argv)
  const command = full.length > COMMAND_CHARS ? `${full.slice(0, COMMAND_CHARS - 1)}…` : full
  const how = r.timedOut
    ? `timed out after ${(r.durationMs / 1000).toFixed(0)} s`
    : r.signal
      ? `was killed by ${r.signal}`
      : `exited ${r.exitCode}`
  const text = said ?? lastLines(r.stderr.trim() ? r.stderr : r.stdout, 3)
  return `\`${command}\` ${how}${text ? `: ${text}` : ''}`
}

function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
    .slice(-count)
    .join(' | ')
}
