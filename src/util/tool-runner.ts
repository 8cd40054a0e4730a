import { spawn, type ChildProcess } from 'node:child_process'
import { CALL_MARK, killEscapee, markedProcesses, type Escapee } from './escapees.js'

/** What one tool call did: enough to classify it and to show it in a finding. */
export interface ToolResult {
  /** The full argv, binary first. */
  argv: string[]
  cwd?: string
  /** null when the process was killed by a signal. */
  exitCode: number | null
  /** e.g. 'SIGSEGV'; null when the process exited by itself. */
  signal: string | null
  /** Killed by us because it ran past the per-call timeout. */
  timedOut: boolean
  stdout: string
  stderr: string
  /** Output past the cap was dropped (the process kept running). */
  truncated: boolean
  /** When output was dropped: the bytes printed on each stream, and the most kept of each. */
  printed?: { stdout: number; stderr: number; kept: number }
  /**
   * Descendants that left the process group and held the output open
   * after the tool and its group were gone: the call ended without
   * waiting for them, and they were killed.
   */
  escaped?: Escapee[]
  durationMs: number
}

export interface RunOptions {
  cwd?: string
  env?: Record<string, string>
  /** Per-call time limit; the whole process group is killed after it. */
  timeoutMs: number
  /** Bytes kept of stdout and of stderr each; the rest is read and dropped. */
  outputCap: number
  /** Aborting kills the process group at once (cancellation). */
  signal?: AbortSignal
}

/**
 * The run cannot go on (its time is spent, or it was cancelled): whatever
 * was in progress is abandoned, never reported as a result.
 */
export class Stopped extends Error {}

/** Raised instead of starting a call once the campaign's time box is spent. */
export class DeadlineReached extends Stopped {
  constructor() {
    super('the time box is spent: no new tool call starts')
    this.name = 'DeadlineReached'
  }
}

/** Raised when the run is cancelled (SIGINT/SIGTERM) while a call runs. */
export class Cancelled extends Stopped {
  constructor() {
    super('cancelled')
    this.name = 'Cancelled'
  }
}

interface Capped {
  push(chunk: Buffer): void
  text(): string
  truncated(): boolean
  /** Bytes seen, kept or dropped. */
  total(): number
}

function capped(cap: number): Capped {
  const parts: Buffer[] = []
  let kept = 0
  let total = 0
  let dropped = false
  return {
    push(chunk) {
      total += chunk.length
      if (kept >= cap) {
        dropped = true
        return
      }
      const room = cap - kept
      if (chunk.length > room) {
        parts.push(chunk.subarray(0, room))
        kept = cap
        dropped = true
      } else {
        parts.push(chunk)
        kept += chunk.length
      }
    },
    text: () => Buffer.concat(parts).toString('utf8'),
    truncated: () => dropped,
    total: () => total
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/**
 * Process groups of the calls still running, killed if the harness exits
 * while they run (a crash, or process.exit after a fatal error), so no
 * tool outlives the step that started it.
 */
const running = new Set<number>()
process.on('exit', () => {
  for (const pid of running) killGroup(pid)
})

/** Calls started by this process: each call's mark (CALL_MARK) is unique. */
let calls = 0

/** How a spawned child ended: its exit status, or why it never ran. */
type Ending = { code: number | null; signal: NodeJS.Signals | null } | { error: Error }

/** Whether any process of the group is still there. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

/** How long output may still arrive once the tool's whole group is gone (ms). */
const DRAIN_MS = 100

/**
 * The child's end. Its pipes normally close right after it exits; a
 * process of its group that still writes is waited for until the timeout
 * kills the group. When the pipes stay open though the child and its whole
 * group are gone (or the timeout has passed), only a process outside the
 * group can hold them: it is found by the call's mark and killed, and the
 * call ends without waiting for it, instead of hanging the campaign.
 */
function ending(
  child: ChildProcess,
  mark: string,
  timedOut: () => boolean
): Promise<{ ending: Ending; escaped: Escapee[] }> {
  const pid = child.pid
  return new Promise(resolve => {
    let check: NodeJS.Timeout | undefined
    const finish = (end: Ending, escaped: Escapee[] = []): void => {
      clearTimeout(check)
      resolve({ ending: end, escaped })
    }
    // Only a child that never started ends here; one that did always exits.
    child.on('error', error => {
      if (pid === undefined) finish({ error })
    })
    child.on('close', (code, signal) => finish({ code, signal }))
    child.on('exit', (code, signal) => {
      const watch = (): void => {
        check = setTimeout(() => {
          if (pid !== undefined && !timedOut() && groupAlive(pid)) return watch()
          const escaped = markedProcesses(mark)
          for (const e of escaped) killEscapee(e)
          child.stdout?.destroy()
          child.stderr?.destroy()
          finish({ code, signal }, escaped)
        }, DRAIN_MS)
      }
      watch()
    })
  })
}

/**
 * Runs one tool with an argv array (never a shell). The child leads its own
 * process group so a timeout or cancellation kills it with every
 * descendant, and output is capped so a tool that prints a gigabyte cannot
 * take the action's memory with it; a descendant that left the group and
 * holds the output open cannot hold the call (see `ending`). Built on
 * node:child_process rather than execa: the campaign starts thousands of
 * short tool processes, where execa's per-call CPU counts, and its
 * maxBuffer would kill a tool that prints too much instead of capping it
 * (README, "Why node:child_process and not execa").
 */
export async function runTool(
  file: string,
  args: string[],
  options: RunOptions
): Promise<ToolResult> {
  if (options.signal?.aborted) throw new Cancelled()
  const started = performance.now()
  const out = capped(options.outputCap)
  const err = capped(options.outputCap)
  const mark = `${process.pid}-${++calls}`
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), [CALL_MARK]: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  const pid = child.pid
  if (pid !== undefined) running.add(pid)
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    killGroup(pid)
  }, options.timeoutMs)
  const onAbort = (): void => killGroup(pid)
  options.signal?.addEventListener('abort', onAbort, { once: true })
  const { ending: end, escaped } = await ending(child, mark, () => timedOut)
  clearTimeout(timer)
  options.signal?.removeEventListener('abort', onAbort)
  if (pid !== undefined) running.delete(pid)
  // The group is gone; reap whatever of it is left, for good measure.
  if (timedOut) killGroup(pid)
  if (options.signal?.aborted && !timedOut) throw new Cancelled()
  const spawnFailed = 'error' in end
  const truncated = out.truncated() || err.truncated()
  return {
    argv: [file, ...args],
    cwd: options.cwd,
    exitCode: spawnFailed ? 127 : end.code,
    signal: spawnFailed ? null : end.signal,
    timedOut,
    stdout: out.text(),
    stderr: spawnFailed && err.text() === '' ? end.error.message : err.text(),
    truncated,
    ...(truncated
      ? { printed: { stdout: out.total(), stderr: err.total(), kept: options.outputCap } }
      : {}),
    ...(escaped.length > 0 ? { escaped } : {}),
    durationMs: Math.round(performance.now() - started)
  }
}

/** A call that exited by itself with status 0. */
export function succeeded(r: ToolResult): boolean {
  return !r.timedOut && r.signal === null && r.exitCode === 0
}
