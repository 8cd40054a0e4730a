import { isObject } from '../util/json.js'
import { prose } from '../util/sanitise.js'

/**
 * What re-running an open issue's stored case said: the bug `reproduces`,
 * is `fixed` (the tools agreed on every try), is `undecided` (nothing could
 * be concluded: a qemu-img timeout, a fixture that would not build, a case
 * this version cannot replay, no time left), or the issue was `skipped`
 * (its stored case is missing or was edited).
 */
export type Verdict = 'reproduces' | 'fixed' | 'undecided' | 'skipped'

/**
 * What verification did on the issue: nothing, `noted` (the body's
 * last-verified line), `commented` ("no longer reproduces"), `closed`
 * (with that comment), or `failed` (the API refused).
 */
export type VerificationAction = 'none' | 'noted' | 'commented' | 'closed' | 'failed'

export interface VerifiedIssue {
  number: number
  url: string
  fingerprint: string
  verdict: Verdict
  /** Runs of the stored case. */
  tries: number
  /** Why it is undecided or skipped, or what decided it. */
  reason?: string
  action: VerificationAction
}

/** One run's verification of the open issues its shard owns. */
export interface VerificationReport {
  closeFixed: boolean
  /**
   * The verdicts were written to the issues. False on a shard that leaves
   * filing to the filing step (`file-issues: false`): that step writes them.
   */
  written: boolean
  /** The share of the time box verification may use. */
  budgetSeconds: number
  seconds: number
  issues: VerifiedIssue[]
}

interface Entry {
  number: number
  url: string
  fingerprint: string
  tries: number
  action: VerificationAction
  reason?: string
}

/** summary.json `verification`: plain lists by verdict, so shards' reports merge by concatenation. */
export interface VerificationDocument {
  close_fixed: boolean
  /** The verdicts were written to the issues (false: the filing step writes them). */
  written: boolean
  budget_seconds: number
  seconds: number
  still_reproduces: Entry[]
  no_longer_reproduces: Entry[]
  /** Issue numbers closed as completed (a subset of no_longer_reproduces). */
  closed: number[]
  undecided: Entry[]
  skipped: Entry[]
}

function entry(i: VerifiedIssue): Entry {
  const { number, url, fingerprint, tries, action, reason } = i
  return reason === undefined
    ? { number, url, fingerprint, tries, action }
    : { number, url, fingerprint, tries, action, reason }
}

/** The issues of one verdict. */
function withVerdict(v: VerificationReport, verdict: Verdict): VerifiedIssue[] {
  return v.issues.filter(i => i.verdict === verdict)
}

/**
 * Whether a `verification` section read back from summary.json (a shard's,
 * a merged night's) is a document this version can merge and show; one of
 * another shape is merged generically and not shown.
 */
export function isVerificationDocument(v: unknown): v is VerificationDocument {
  return isObject(v) && Array.isArray(v.still_reproduces)
}

/**
 * The report as summary.json carries it: one plain list per verdict, so a
 * fan-in step can merge shards (mergeVerification) without knowing how
 * each verdict was reached.
 */
export function verificationDocument(v: VerificationReport): VerificationDocument {
  const of = (verdict: Verdict): Entry[] => withVerdict(v, verdict).map(entry)
  return {
    close_fixed: v.closeFixed,
    written: v.written,
    budget_seconds: v.budgetSeconds,
    seconds: v.seconds,
    still_reproduces: of('reproduces'),
    no_longer_reproduces: of('fixed'),
    closed: v.issues.filter(i => i.action === 'closed').map(i => i.number),
    undecided: of('undecided'),
    skipped: of('skipped')
  }
}

/**
 * The verification of several shards (each verified its own issues) as
 * one document: lists concatenated in issue order, seconds summed.
 */
export function mergeVerification(docs: readonly VerificationDocument[]): VerificationDocument {
  const all = <K extends keyof VerificationDocument>(key: K) =>
    docs.flatMap(d => d[key] as Entry[]).sort((a, b) => a.number - b.number)
  return {
    close_fixed: docs.some(d => d.close_fixed),
    written: docs.every(d => d.written),
    budget_seconds: Math.max(0, ...docs.map(d => d.budget_seconds)),
    seconds: Math.round(docs.reduce((s, d) => s + d.seconds, 0) * 10) / 10,
    still_reproduces: all('still_reproduces'),
    no_longer_reproduces: all('no_longer_reproduces'),
    closed: docs.flatMap(d => d.closed).sort((a, b) => a - b),
    undecided: all('undecided'),
    skipped: all('skipped')
  }
}

/**
 * A summary.json section read back as a report (a merged night's, to show
 * and to write its verdicts): each entry keeps the verdict of the list it
 * is in.
 */
export function reportFromDocument(doc: VerificationDocument): VerificationReport {
  const lists: [Verdict, Entry[]][] = [
    ['reproduces', doc.still_reproduces],
    ['fixed', doc.no_longer_reproduces],
    ['undecided', doc.undecided],
    ['skipped', doc.skipped]
  ]
  const issues = lists
    .flatMap(([verdict, entries]) => entries.map(e => ({ ...e, verdict })))
    .sort((a, b) => a.number - b.number)
  return {
    closeFixed: doc.close_fixed,
    written: doc.written,
    budgetSeconds: doc.budget_seconds,
    seconds: doc.seconds,
    issues
  }
}

function linked(i: VerifiedIssue, withReason: boolean): string {
  const link = `[#${i.number}](${i.url})`
  const why = withReason && i.reason ? `: ${prose(i.reason).replace(/\s+/g, ' ')}` : ''
  return `${link}${i.action === 'failed' ? ' (the API refused the update)' : ''}${why}`
}

/**
 * The job summary's "Verification" section: what re-running each open
 * issue's stored case said, with links, and why any was undecided.
 */
export function renderVerification(v: VerificationReport): string[] {
  const n = (verdict: Verdict): number => withVerdict(v, verdict).length
  const closed = v.issues.filter(i => i.action === 'closed')
  const lines = [
    '### Verification',
    '',
    `The stored case of each open issue this shard owns was re-run: ${v.issues.length} issue${v.issues.length === 1 ? '' : 's'} in ${v.seconds.toFixed(1)} s of a ${v.budgetSeconds.toFixed(0)} s share of the time box (\`close-fixed: ${v.closeFixed}\`).${v.written ? '' : ' The verdicts were not written to the issues: the filing step writes them (`file-issues: false`).'}`,
    '',
    '| still reproduces | no longer reproduces | closed | undecided | skipped |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${n('reproduces')} | ${n('fixed')} | ${closed.length} | ${n('undecided')} | ${n('skipped')} |`,
    ''
  ]
  const list = (label: string, issues: VerifiedIssue[], reasons: boolean): void => {
    if (issues.length > 0)
      lines.push(`- **${label}:** ${issues.map(i => linked(i, reasons)).join(', ')}`)
  }
  list('Still reproduces', withVerdict(v, 'reproduces'), false)
  list('No longer reproduces', withVerdict(v, 'fixed'), false)
  list('Closed as completed', closed, false)
  list('Undecided (never closed)', withVerdict(v, 'undecided'), true)
  list('Skipped', withVerdict(v, 'skipped'), true)
  return [...lines, '']
}
