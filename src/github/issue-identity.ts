import type { Finding } from '../findings/finding.js'
import { fingerprint } from '../findings/fingerprint.js'
import { readCaseMarker } from './case-marker.js'

/** The bug an issue tracks: what its fingerprint was made of. */
export interface IssueIdentity {
  type: string
  operation: string
  target: string
  options: string[]
}

const TITLE = /^\[diff-fuzz\] ([a-z0-9_]+): (\S+) (\S+)((?: \S+)*)$/

/**
 * The identity an issue's title spells (`[diff-fuzz] <type>: <operation>
 * <target> <options...>`), when it still agrees with the fingerprint
 * marker: a title a person edited, or one cut at GitHub's length limit,
 * says nothing reliable and gives null.
 */
export function identityFromTitle(title: string, issueFingerprint: string): IssueIdentity | null {
  const m = TITLE.exec(title)
  if (!m) return null
  const [, type, operation, target, rest] = m
  const options = rest.split(' ').filter(Boolean)
  return fingerprint(type, operation, target, options) === issueFingerprint
    ? { type, operation, target, options }
    : null
}

/** The identity from the issue's stored case, else from its title; null when neither holds. */
export function issueIdentity(
  body: string | null | undefined,
  title: string,
  issueFingerprint: string
): IssueIdentity | null {
  const read = readCaseMarker(body, issueFingerprint)
  if (read.kind !== 'found') return identityFromTitle(title, issueFingerprint)
  const { type, operation, target, options } = read.stored
  return { type, operation, target, options }
}

/**
 * The known fingerprint an unminimised finding belongs to: among the
 * issues of the same (type, operation, target), the one whose options are
 * the largest subset of the finding's (the minimal case the finding's case
 * contains, as the confirmer attributes occurrences). Undefined when none
 * is: the finding then opens nothing.
 */
export function coveringFingerprint(
  f: Pick<Finding, 'type' | 'operation' | 'target' | 'options'>,
  known: ReadonlyMap<string, readonly { identity: IssueIdentity | null }[]>
): string | undefined {
  const have = new Set(f.options)
  let best: { fp: string; size: number } | undefined
  for (const [fp, issues] of known) {
    const id = issues.find(i => i.identity)?.identity
    if (!id || id.type !== f.type || id.operation !== f.operation || id.target !== f.target)
      continue
    if (!id.options.every(o => have.has(o))) continue
    if (!best || id.options.length > best.size) best = { fp, size: id.options.length }
  }
  return best?.fp
}
