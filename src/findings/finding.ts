import type { ToolResult } from '../util/tool-runner.js'

/** One tool call as shown in a finding: argv, how it ended, output excerpts. */
export interface CallRecord {
  argv: string[]
  cwd?: string
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  stdout: string
  stderr: string
  durationMs: number
}

/** What a divergence looked like: enough to understand it without re-running. */
export interface Evidence {
  /** What diverged, in plain words (one or two sentences). */
  summary: string
  instar?: CallRecord
  qemu?: CallRecord
  /** Normalised outputs that were compared, when the comparison was of outputs. */
  instarOutput?: unknown
  qemuOutput?: unknown
  /** JSON-pointer-like paths where the outputs first differ (a few at most). */
  differingPaths?: string[]
  /** Operation-specific facts (sizes, windows, fixture steps). */
  details?: Record<string, unknown>
}

/** Where and how one divergence was seen. */
export interface Occurrence {
  seed: number
  iteration: number
  /** Index of the operation within the iteration's chain. */
  step: number
  /** Options as picked, before minimisation. */
  originalOptions: string[]
  /** Re-ran alone and diverged the same way again (false: no time was left to check). */
  confirmed: boolean
  evidence: Evidence
  /** Versions of both tools for this occurrence. */
  versions: { instar: string; qemuImg: string }
}

/** One fingerprint: one bug, one issue, any number of occurrences. */
export interface Finding {
  fingerprint: string
  type: string
  operation: string
  target: string
  /** Minimised when minimisation is on and had time. */
  options: string[]
  occurrences: Occurrence[]
}

/** How filing went for a finding (the contract's issue.action values). */
export type IssueAction =
  'created' | 'commented' | 'reopened' | 'suppressed' | 'capped' | 'dry-run' | 'failed'

export interface IssueLink {
  number: number | null
  url: string | null
  action: IssueAction
}

const EXCERPT = 2000

function excerpt(text: string, limit = EXCERPT): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}\n… (${text.length - limit} more characters)`
}

/** Shrinks a tool result to what a finding keeps. */
export function callRecord(r: ToolResult): CallRecord {
  return {
    argv: r.argv,
    cwd: r.cwd,
    exitCode: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    stdout: excerpt(r.stdout),
    stderr: excerpt(r.stderr),
    durationMs: r.durationMs
  }
}

/** How a call ended, in words: `exit 1`, `killed by SIGSEGV`, `timed out after 30 s`. */
export function describeEnd(
  r: Pick<CallRecord, 'exitCode' | 'signal' | 'timedOut' | 'durationMs'>
): string {
  if (r.timedOut) return `timed out after ${(r.durationMs / 1000).toFixed(1)} s`
  if (r.signal) return `killed by ${r.signal}`
  return `exit ${r.exitCode}`
}
