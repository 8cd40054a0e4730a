import type { CampaignResult } from '../findings/campaign-result.js'
import type { IssueLink } from '../findings/finding.js'
import type { VerificationReport, VerifiedIssue } from '../findings/verification.js'
import type { CampaignConfig } from '../fuzz/campaign.js'
import { recheckAll, type Recheck } from '../fuzz/recheck.js'
import type { ApiUsage, Client } from '../github/client.js'
import type { OwnedIssue, Repo } from '../github/verify-issues.js'
import type { Inputs } from '../inputs.js'

/**
 * The share of the time box that re-verifying open issues may use (plus
 * one call's timeout for a run in flight); the campaign gets the rest.
 */
export const VERIFY_SHARE = 0.2

type Skipped = { verdict: 'skipped'; tries: 0; reason: string }

/** Verdicts reached before the campaign, written to the issues after it. */
export interface PendingVerification {
  client: Client
  repo: Repo
  budgetSeconds: number
  /** Seconds the listing and the re-runs took. */
  seconds: number
  issues: OwnedIssue[]
  /** One per issue: the re-run's verdict, or why the issue is skipped. */
  rechecks: (Recheck | Skipped)[]
}

/** Where verification runs: the environment, the log, its group, and warnings with a title. */
interface Where {
  env: Readonly<Record<string, string | undefined>>
  log: (line: string) => void
  /** Debug mode only: Octokit's request log. */
  debug?: (line: string) => void
  /** Counts the requests verification sends, retries included (summary.json `api_requests`). */
  usage?: ApiUsage
  group<T>(name: string, task: () => Promise<T>): Promise<T>
  warn: (title: string, message: string) => void
}

/** The campaign's settings with what verification left of the time box. */
export function timeLeft(
  config: CampaignConfig,
  pending: PendingVerification | null
): CampaignConfig {
  const spent = pending?.seconds ?? 0
  return { ...config, durationSeconds: Math.max(0, config.durationSeconds - spent) }
}

/** Why an issue without a readable stored case is skipped; broken ones are warned about one by one. */
function skipped(issue: OwnedIssue, warn: Where['warn']): Skipped {
  const reason =
    issue.stored.kind === 'broken'
      ? `its stored case is unreadable (${issue.stored.why}); was the issue edited?`
      : 'the issue carries no stored case'
  if (issue.stored.kind === 'broken')
    warn(
      'Verification',
      `Issue #${issue.number} was not verified: ${reason} It is never closed by verification.`
    )
  return { verdict: 'skipped', tries: 0, reason }
}

/** The verdict of each issue's stored case; issues without a readable one are skipped. */
async function recheckIssues(
  issues: OwnedIssue[],
  config: CampaignConfig,
  deadline: number,
  where: Where
): Promise<(Recheck | Skipped)[]> {
  const items = issues.flatMap(i =>
    i.stored.kind === 'found'
      ? [
          {
            type: i.stored.stored.type,
            stored: i.stored.stored.case,
            filedBy: i.stored.stored.filedBy
          }
        ]
      : []
  )
  const verdicts = await recheckAll(items, { ...config, deadline })
  const missing = issues.filter(i => i.stored.kind === 'missing').map(i => `#${i.number}`)
  if (missing.length > 0)
    where.warn(
      'Verification',
      `${missing.length} open issues carry no stored case (filed before cases were stored, or the marker was removed), so they were not verified: ${missing.join(', ')}`
    )
  return issues.map(i => (i.stored.kind === 'found' ? verdicts.shift()! : skipped(i, where.warn)))
}

/** The open issues this shard owns, and the client that listed them; null (warned) when listing failed. */
async function listIssues(
  inputs: Inputs,
  where: Where
): Promise<{ client: Client; repo: Repo; issues: OwnedIssue[] } | null> {
  // Octokit is loaded only when there is GitHub work (see script/bundle.mjs).
  const [{ createClient }, { listOwnedIssues }, { messageOf }] = await Promise.all([
    import('../github/client.js'),
    import('../github/verify-issues.js'),
    import('../github/failure.js')
  ])
  const [owner, name] = where.env.GITHUB_REPOSITORY!.split('/')
  const repo = { owner, repo: name }
  const apiUrl = where.env.GITHUB_API_URL || 'https://api.github.com'
  const client = createClient(inputs.token, apiUrl, undefined, where.log, where.debug, where.usage)
  try {
    return {
      client,
      repo,
      issues: await listOwnedIssues(client, repo, inputs.labels[0], inputs.shard)
    }
  } catch (error) {
    where.warn(
      'Verification',
      `Could not list the open issues to verify (${messageOf(error)}); none was verified this run.`
    )
    return null
  }
}

/**
 * Re-runs the stored case of every open issue this shard owns, within
 * VERIFY_SHARE of the time box, before the campaign (which gets what is
 * left). Writes nothing to GitHub: settleVerification does, after the
 * campaign, so a bug the campaign finds again is never closed. Null, with
 * a warning, when the issues cannot be listed.
 */
export function recheckOpenIssues(
  inputs: Inputs,
  config: CampaignConfig,
  where: Where
): Promise<PendingVerification | null> {
  return where.group('Verification', async () => {
    const started = Date.now()
    const budgetSeconds = inputs.durationSeconds * VERIFY_SHARE
    const listed = await listIssues(inputs, where)
    if (!listed) return null
    const { issues } = listed
    where.log(
      `verifying ${issues.length} open issues of shard ${inputs.shard.index}/${inputs.shard.count} within ${budgetSeconds.toFixed(0)} s`
    )
    const rechecks = await recheckIssues(issues, config, started + budgetSeconds * 1000, where)
    for (const [k, { number }] of issues.entries()) {
      const r = rechecks[k]
      where.log(`#${number}: ${r.verdict}${r.reason ? ` (${r.reason})` : ''}`)
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10
    return { ...listed, budgetSeconds, seconds, rechecks }
  })
}

/** Whether this run's fuzzing found the issue's bug again (its fingerprint, or a comment on it). */
function foundAgain(
  issue: OwnedIssue,
  result: CampaignResult,
  links: ReadonlyMap<string, IssueLink>
): boolean {
  return (
    result.findings.some(f => f.fingerprint === issue.fingerprint) ||
    [...links.values()].some(l => l.number === issue.number)
  )
}

/**
 * Writes the verdicts (github/verify-issues.ts applyVerdicts) and returns
 * the run's verification report. A bug the campaign found again counts as
 * reproducing whatever its re-runs said.
 */
export function settleVerification(
  pending: PendingVerification,
  inputs: Inputs,
  run: { result: CampaignResult; links: ReadonlyMap<string, IssueLink>; runUrl: string },
  where: Where & { signal: AbortSignal }
): Promise<VerificationReport> {
  return where.group('Verification results', async () => {
    const decided = pending.issues.map((issue, k) => {
      const { verdict, tries, reason } = pending.rechecks[k]
      return verdict === 'fixed' && foundAgain(issue, run.result, run.links)
        ? {
            issue,
            verdict: 'reproduces' as const,
            tries,
            reason: "found again by this run's fuzzing"
          }
        : { issue, verdict, tries, reason }
    })
    const { applyVerdicts } = await import('../github/verify-issues.js')
    const context = {
      closeFixed: inputs.closeFixed,
      runUrl: run.runUrl,
      instar: run.result.versions.instar,
      commit: where.env.GITHUB_SHA ?? '',
      date: new Date().toISOString().slice(0, 10)
    }
    const applied = await applyVerdicts(
      pending.client,
      pending.repo,
      decided,
      context,
      where.signal
    )
    for (const w of applied.warnings) where.warn('Verification', w)
    const issues: VerifiedIssue[] = decided.map((d, k) => ({
      number: d.issue.number,
      url: d.issue.url,
      fingerprint: d.issue.fingerprint,
      verdict: d.verdict,
      tries: d.tries,
      ...(d.reason ? { reason: d.reason } : {}),
      action: applied.actions[k]
    }))
    const { budgetSeconds, seconds } = pending
    return { closeFixed: inputs.closeFixed, budgetSeconds, seconds, issues }
  })
}
