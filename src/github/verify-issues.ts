import type { Verdict, VerificationAction } from '../findings/verification.js'
import { inlineCode } from '../util/sanitise.js'
import { headLines, readCaseMarker, splitHead, type CaseMarkerRead } from './case-marker.js'
import type { Client } from './client.js'
import { classify, messageOf } from './failure.js'
import { parseFingerprint, runLink } from './render.js'

/** The verdict an issue's body records from its last verification. */
export interface LastVerified {
  /** UTC date, YYYY-MM-DD. */
  date: string
  result: 'reproduces' | 'fixed'
}

/** An open issue this shard verifies: our fingerprint marker, and what it stores. */
export interface OwnedIssue {
  number: number
  url: string
  body: string
  fingerprint: string
  stored: CaseMarkerRead
  lastVerified: LastVerified | null
}

export interface Repo {
  owner: string
  repo: string
}

const VERIFIED_MARKER =
  /^<!-- instar-diff-fuzz verified=(\d{4}-\d{2}-\d{2}) result=(reproduces|fixed) -->$/
const VERIFIED_LINE = '**Last verified:**'

/** What the body's last-verified marker says, when it has one. */
export function parseLastVerified(body: string | null | undefined): LastVerified | null {
  for (const line of headLines(body)) {
    const m = VERIFIED_MARKER.exec(line)
    if (m) return { date: m[1], result: m[2] as LastVerified['result'] }
  }
  return null
}

/**
 * The issues a shard owns: open, with the first label and our fingerprint
 * marker, whose number falls in the shard's slice (number mod n = i - 1),
 * so a matrix verifies each issue once. The ones verified longest ago (or
 * never) come first: what the time share did not reach last night is
 * first tonight, so no issue starves.
 */
export async function listOwnedIssues(
  client: Client,
  repo: Repo,
  label: string,
  shard: { index: number; count: number }
): Promise<OwnedIssue[]> {
  const items = await client.paginate(client.rest.issues.listForRepo, {
    ...repo,
    labels: label,
    state: 'open',
    per_page: 100
  })
  const owned: OwnedIssue[] = []
  for (const item of items) {
    const fp = parseFingerprint(item.body)
    if (item.pull_request || !fp || item.number % shard.count !== shard.index - 1) continue
    owned.push({
      number: item.number,
      url: item.html_url,
      body: item.body ?? '',
      fingerprint: fp,
      stored: readCaseMarker(item.body, fp),
      lastVerified: parseLastVerified(item.body)
    })
  }
  const key = (i: OwnedIssue): string => i.lastVerified?.date ?? ''
  return owned.sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number)
}

/** Who verified, where and when: what the comment and the last-verified line say. */
export interface VerificationContext {
  closeFixed: boolean
  /** Link to this workflow run ('' locally). */
  runUrl: string
  /** `instar --version` of the instar under test. */
  instar: string
  /** The instar commit under test (GITHUB_SHA), '' when unknown. */
  commit: string
  /** Today, UTC, YYYY-MM-DD. */
  date: string
}

function instarWords(ctx: VerificationContext): string {
  const commit = /^[0-9a-f]{7,40}$/.test(ctx.commit) ? ` (commit ${ctx.commit})` : ''
  return `instar ${inlineCode(ctx.instar)}${commit}`
}

/**
 * The body with its last-verified marker and line (replaced, or added at
 * the end of the head, after our other markers). Only this line changes,
 * so one PATCH a night keeps "last seen" in one place without a comment.
 */
export function withLastVerified(
  body: string,
  result: LastVerified['result'],
  ctx: VerificationContext
): string {
  const nl = body.includes('\r\n') ? '\r\n' : '\n'
  const { head, rest } = splitHead(body)
  const kept = head
    .split(/\r?\n/)
    .filter(line => !VERIFIED_MARKER.test(line) && !line.startsWith(VERIFIED_LINE))
  const words = result === 'fixed' ? 'no longer reproduces' : 'still reproduces'
  kept.push(
    `<!-- instar-diff-fuzz verified=${ctx.date} result=${result} -->`,
    `${VERIFIED_LINE} ${words} with ${instarWords(ctx)} on ${ctx.date} in ${runLink(ctx.runUrl)}.`
  )
  return kept.join(nl) + rest
}

/** The one comment on an issue whose stored case no longer diverges. */
export function renderFixedComment(ctx: VerificationContext, tries: number): string {
  return [
    `No longer reproduces with ${instarWords(ctx)} in ${runLink(ctx.runUrl)}: the stored case ran ${tries} times and instar agreed with qemu-img every time.`,
    '',
    ctx.closeFixed
      ? 'Closing as completed. If the divergence comes back, the run that finds it reopens this issue as a regression.'
      : 'Left open (`close-fixed: false`): close it once the fix is confirmed; if the divergence comes back, this issue gets the finding.'
  ].join('\n')
}

/** One issue's verdict, with the tries it took. */
export interface Decided {
  issue: OwnedIssue
  verdict: Verdict
  tries: number
}

/**
 * Writes one verdict: a reproducing bug gets its last-verified line (at
 * most once a day, no comment); a fixed one gets one comment, then is
 * closed as completed with `close-fixed`, or marked fixed in the body so
 * the comment is not repeated on later nights. Nothing else is written.
 */
async function applyOne(
  client: Client,
  repo: Repo,
  d: Decided,
  ctx: VerificationContext
): Promise<VerificationAction> {
  const { issue, verdict } = d
  if (verdict !== 'reproduces' && verdict !== 'fixed') return 'none'
  const last = issue.lastVerified
  const body = withLastVerified(issue.body, verdict, ctx)
  const update = (extra: object = {}) =>
    client.rest.issues.update({ ...repo, issue_number: issue.number, body, ...extra })
  const alreadyFixed = last?.result === 'fixed' && !ctx.closeFixed
  if (verdict === 'reproduces' || alreadyFixed) {
    if (last?.result === verdict && last.date === ctx.date) return 'none'
    await update()
    return 'noted'
  }
  await client.rest.issues.createComment({
    ...repo,
    issue_number: issue.number,
    body: renderFixedComment(ctx, d.tries)
  })
  if (!ctx.closeFixed) {
    await update()
    return 'commented'
  }
  await update({ state: 'closed', state_reason: 'completed' })
  return 'closed'
}

/**
 * Writes every verdict, in issue order. Never throws: a refused request
 * fails that issue; a token that may not write, or an API that gave out,
 * fails the rest; each with a warning. A cancelled run writes nothing more.
 */
export async function applyVerdicts(
  client: Client,
  repo: Repo,
  decided: Decided[],
  ctx: VerificationContext,
  signal?: AbortSignal
): Promise<{ actions: VerificationAction[]; warnings: string[] }> {
  const actions: VerificationAction[] = decided.map(() => 'none')
  const warnings: string[] = []
  for (const [k, d] of decided.entries()) {
    if (signal?.aborted) break
    try {
      actions[k] = await applyOne(client, repo, d, ctx)
    } catch (error) {
      actions[k] = 'failed'
      if (classify(error) === 'rejected') {
        warnings.push(`Could not update #${d.issue.number} after verifying it: ${messageOf(error)}`)
        continue
      }
      const rest = decided
        .slice(k + 1)
        .filter(r => r.verdict === 'reproduces' || r.verdict === 'fixed')
      for (const r of rest) actions[decided.indexOf(r)] = 'failed'
      warnings.push(
        `Verified issues could not be updated (${messageOf(error)}); ${rest.length + 1} verdicts were not written. They are in summary.json.`
      )
      break
    }
  }
  return { actions, warnings }
}
