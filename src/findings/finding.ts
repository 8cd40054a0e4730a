import type { Escapee } from '../util/escapees.js'
import type { ToolResult } from '../util/tool-runner.js'
import type { Knobs } from './knobs.js'
import type { DivergenceType } from './types.js'

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
  /** The tool printed more than the runner keeps: bytes printed per stream, and the most kept. */
  printed?: { stdout: number; stderr: number; kept: number }
  /** Descendants that left the process group holding the output open: not waited for, killed. */
  escaped?: Escapee[]
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

/** Where and how one divergence was seen: evidence and counts, never identity. */
export interface Occurrence {
  seed: number
  iteration: number
  /** Index of the operation within the iteration's chain. */
  step: number
  /** The case's options as drawn. */
  originalOptions: string[]
  /** The case as drawn, knob by knob, with its size: what an issue counts across occurrences. */
  dimensions: Record<string, string>
  /**
   * This occurrence's own case was re-run alone and diverged the same way.
   * false: it was attributed to a finding whose minimal case it contains
   * (no re-run needed), or no time was left to re-run it.
   */
  confirmed: boolean
  /** What it looked like; kept for the first occurrences of a finding only (OCCURRENCE_EVIDENCE). */
  evidence?: Evidence
  /** Versions of both tools for this occurrence. */
  versions: { instar: string; qemuImg: string }
}

/** Occurrences of one finding that keep their full evidence; the rest are counted and located. */
export const OCCURRENCE_EVIDENCE = 10

/**
 * An occurrence as a finding keeps it at `index` among its occurrences:
 * whole for the first OCCURRENCE_EVIDENCE, without its evidence after, so
 * a finding seen thousands of times stays small. One rule for a campaign
 * (fuzz/tally.ts) and a merge of shards (merge.ts).
 */
export function keptOccurrence(o: Occurrence, index: number): Occurrence {
  if (index < OCCURRENCE_EVIDENCE || o.evidence === undefined) return o
  const counted = { ...o }
  delete counted.evidence
  return counted
}

/**
 * How a finding's options were reached: `minimised` to the knobs the
 * divergence needs; `unminimised`, because the time box or the finding's
 * budget cut minimisation short (reported and matched against known
 * issues, never opened as a new one); `as-drawn`, with `minimize: false`.
 */
export type FindingStatus = 'minimised' | 'unminimised' | 'as-drawn'

/**
 * A case as a finding keeps it (built and read by src/fuzz/case.ts):
 * plain JSON, everything needed to rebuild and re-run it.
 */
export interface StoredCase {
  schema: number
  operation: string
  plan: { target: string; knobs: Knobs }
  source?: object
}

/** One fingerprint: one bug, one issue, any number of occurrences. */
export interface Finding {
  fingerprint: string
  type: DivergenceType
  operation: string
  target: string
  /** The options of the minimal case's kept knobs (all of the case's when not minimised). */
  options: string[]
  status: FindingStatus
  /** The minimal case (the case as drawn when not minimised): what reproduces the bug alone. */
  case: StoredCase
  /** What the minimal case's own run showed (its confirmation or its last minimisation trial). */
  evidence: Evidence
  /** The minimal case diverged again when re-run alone. */
  confirmed: boolean
  /** Runs confirmation and minimisation cost for this finding. */
  runs: { confirm: number; minimise: number }
  occurrences: Occurrence[]
}

/** How filing went for a finding (the contract's issue.action values). */
export type IssueAction =
  | 'created'
  | 'commented'
  | 'reopened'
  | 'suppressed'
  | 'capped'
  | 'dry-run'
  | 'failed'
  | 'unminimised'

export interface IssueLink {
  number: number | null
  url: string | null
  action: IssueAction
  /**
   * An existing issue tracks this finding (an open one, or one closed as
   * not planned), even where this run filed nothing (a dry run, an API
   * failure): the finding is not news.
   */
  tracked?: boolean
}

/** Issues opened, and existing ones commented on or reopened: the outputs and the summary's totals. */
export function issueCounts(links: Iterable<IssueLink>): { created: number; updated: number } {
  const actions = [...links].map(l => l.action)
  return {
    created: actions.filter(a => a === 'created').length,
    updated: actions.filter(a => a === 'commented' || a === 'reopened').length
  }
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
    durationMs: r.durationMs,
    ...(r.printed ? { printed: r.printed } : {}),
    ...(r.escaped ? { escaped: r.escaped } : {})
  }
}

const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`

/**
 * What was unusual about a call besides how it ended, in words, for issue
 * bodies and summaries: output cut at the runner's cap (the tool was not
 * stopped for it), and descendants that escaped its process group.
 */
export function callNotes(name: string, call: CallRecord): string[] {
  const notes: string[] = []
  const p = call.printed
  if (p) {
    const streams = (['stdout', 'stderr'] as const)
      .filter(s => p[s] > p.kept)
      .map(s => `${bytes(p[s])} on ${s}`)
    notes.push(
      `Output truncated: ${name} printed ${streams.join(' and ')}; the first ${bytes(p.kept)} of each stream were kept (the tool was not stopped for it), and the excerpts below come from them.`
    )
  }
  if (call.escaped?.length)
    notes.push(
      `${name} left ${call.escaped.length === 1 ? 'a process' : `${call.escaped.length} processes`} outside its process group holding its output open (${call.escaped.map(e => `pid ${e.pid}: ${e.command}`).join('; ')}): the call ended without waiting for ${call.escaped.length === 1 ? 'it' : 'them'}, and ${call.escaped.length === 1 ? 'it was' : 'they were'} killed.`
    )
  return notes
}

/** How a call ended, in words: `exit 1`, `killed by SIGSEGV`, `timed out after 30 s`. */
export function describeEnd(
  r: Pick<CallRecord, 'exitCode' | 'signal' | 'timedOut' | 'durationMs'>
): string {
  if (r.timedOut) return `timed out after ${(r.durationMs / 1000).toFixed(1)} s`
  if (r.signal) return `killed by ${r.signal}`
  return `exit ${r.exitCode}`
}
