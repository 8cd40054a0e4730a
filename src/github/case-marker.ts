import type { Finding, StoredCase } from '../findings/finding.js'
import { fingerprint } from '../findings/fingerprint.js'
import { ACTION_LABEL } from '../util/action-version.js'

/**
 * What an issue stores about its bug, beside the fingerprint marker: the
 * identity (type, operation, target, options) and the minimal case that
 * reproduces it, plus the action version that filed it. Verification
 * replays `case` as stored; the unminimised-finding match reads `options`.
 */
export interface IssueCase {
  type: string
  operation: string
  target: string
  options: string[]
  case: StoredCase
  /** `instar-diff-fuzz <version>`: who stored the case. */
  filedBy: string
}

/** What an issue body holds in the place of the case marker. */
export type CaseMarkerRead =
  | { kind: 'found'; stored: IssueCase }
  /** No case marker: filed before cases were stored, or removed by a person. */
  | { kind: 'missing' }
  /** A marker that does not decode to a case of this fingerprint (edited by a person). */
  | { kind: 'broken'; why: string }

const CASE_MARKER = /^<!-- instar-diff-fuzz case=([A-Za-z0-9+/=]*) -->$/

/**
 * The hidden line that stores the finding's case in its issue. The JSON
 * is base64-encoded so nothing in it (a `-->` in a path, say) can end the
 * HTML comment early.
 */
export function caseMarker(f: Finding): string {
  const stored: IssueCase = {
    type: f.type,
    operation: f.operation,
    target: f.target,
    options: f.options,
    case: f.case,
    filedBy: ACTION_LABEL
  }
  return `<!-- instar-diff-fuzz case=${Buffer.from(JSON.stringify(stored)).toString('base64')} -->`
}

/**
 * The lines before the body's first blank line: where our hidden markers
 * sit, before any untrusted text. Markers are read only there, so a marker
 * quoted in tool output further down cannot pose as the issue's own.
 */
export function headLines(body: string | null | undefined): string[] {
  return splitHead(body ?? '').head.split(/\r?\n/)
}

/** The body as its head (our markers, up to the first blank line) and the rest. */
export function splitHead(body: string): { head: string; rest: string } {
  const end = body.search(/\r?\n\r?\n/)
  return end === -1 ? { head: body, rest: '' } : { head: body.slice(0, end), rest: body.slice(end) }
}

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every(s => typeof s === 'string')

/** Why a decoded marker is not an IssueCase, or null when it is one. */
function shapeProblem(v: Record<string, unknown>): string | null {
  for (const key of ['type', 'operation', 'target', 'filedBy'])
    if (typeof v[key] !== 'string') return `"${key}" is not a string`
  if (!isStrings(v.options)) return '"options" is not a list of strings'
  const c = v.case as Record<string, unknown> | null
  if (typeof c !== 'object' || c === null) return '"case" is not an object'
  if (typeof c.schema !== 'number' || typeof c.operation !== 'string')
    return '"case" has no schema or operation'
  const plan = c.plan as Record<string, unknown> | null
  if (typeof plan !== 'object' || plan === null || typeof plan.knobs !== 'object')
    return '"case" has no plan with knobs'
  if (c.operation !== v.operation || plan.target !== v.target)
    return '"case" is for another operation or target'
  return null
}

/**
 * The case an issue stores, checked against the issue's fingerprint: a
 * person may have removed the marker or edited it, and an edited case must
 * never be replayed (a case that no longer diverges would close the issue).
 */
export function readCaseMarker(
  body: string | null | undefined,
  issueFingerprint: string
): CaseMarkerRead {
  const line = headLines(body).find(l => l.startsWith('<!-- instar-diff-fuzz case='))
  if (line === undefined) return { kind: 'missing' }
  const encoded = CASE_MARKER.exec(line)?.[1]
  if (encoded === undefined) return { kind: 'broken', why: 'the case marker is not base64' }
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))
  } catch {
    return { kind: 'broken', why: 'the case marker does not hold JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'broken', why: 'the case marker does not hold an object' }
  const problem = shapeProblem(value as Record<string, unknown>)
  if (problem) return { kind: 'broken', why: `the stored case is malformed: ${problem}` }
  const stored = value as IssueCase
  if (
    fingerprint(stored.type, stored.operation, stored.target, stored.options) !== issueFingerprint
  )
    return { kind: 'broken', why: "the stored case does not match the issue's fingerprint" }
  return { kind: 'found', stored }
}
