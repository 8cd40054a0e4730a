import type { CampaignResult } from '../findings/campaign-result.js'
import type { IssueLink } from '../findings/finding.js'
import type {
  VerificationAction,
  VerificationReport,
  VerifiedIssue
} from '../findings/verification.js'
import type { CampaignConfig } from '../fuzz/campaign.js'
import { recheckAll, type Recheck } from '../fuzz/recheck.js'
import type { ApiUsage, Client } from '../github/client.js'
import type { Decided, OwnedIssue, Repo } from '../github/verify-issues.js'
import type { Inputs } from '../inputs.js'
import type { Warn } from './filing.js'
import { apiTarget } from './github-env.js'

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
  warn: Warn
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
  inputs: Pick<Inputs, 'token' | 'labels'>,
  shard: Inputs['shard'],
  where: Where
): Promise<{ client: Client; repo: Repo; issues: OwnedIssue[] } | null> {
  // Octokit is loaded only when there is GitHub work (see script/bundle.mjs).
  const [{ createClient }, { listOwnedIssues }, { messageOf }] = await Promise.all([
    import('../github/client.js'),
    import('../github/verify-issues.js'),
    import('../github/failure.js')
  ])
  const { owner, repo: name, apiUrl } = apiTarget(where.env)
  const repo = { owner, repo: name }
  const client = createClient(inputs.token, apiUrl, undefined, where.log, where.debug, where.usage)
  try {
    return {
      client,
      repo,
      issues: await listOwnedIssues(client, repo, inputs.labels[0], shard)
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
    const listed = await listIssues(inputs, inputs.shard, where)
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

/** One issue's verdict as the run decided it, and why. */
type Decision = Decided & { reason?: string }

/** The run, as verdicts need it: what its fuzzing found and filed, and where it ran. */
interface RunFound {
  result: CampaignResult
  links: ReadonlyMap<string, IssueLink>
  runUrl: string
}

/** A bug the run's fuzzing found again reproduces, whatever its replays said. */
function overruled(decided: Decision[], run: RunFound): Decision[] {
  return decided.map(d =>
    d.verdict === 'fixed' && foundAgain(d.issue, run.result, run.links)
      ? { ...d, verdict: 'reproduces', reason: "found again by this run's fuzzing" }
      : d
  )
}

/**
 * The verification report of some decided issues, with the verdicts
 * written to them first (github/verify-issues.ts applyVerdicts) when
 * `write`; a shard that leaves filing to the filing step only reports.
 */
async function reportVerdicts(
  target: { client: Client; repo: Repo },
  decided: Decision[],
  settings: { closeFixed: boolean; write: boolean; budgetSeconds: number; seconds: number },
  run: RunFound,
  where: Where & { signal: AbortSignal }
): Promise<VerificationReport> {
  let actions: VerificationAction[] = decided.map(() => 'none')
  if (settings.write) {
    const { applyVerdicts } = await import('../github/verify-issues.js')
    const context = {
      closeFixed: settings.closeFixed,
      runUrl: run.runUrl,
      instar: run.result.versions.instar,
      commit: where.env.GITHUB_SHA ?? '',
      date: new Date().toISOString().slice(0, 10)
    }
    const applied = await applyVerdicts(target.client, target.repo, decided, context, where.signal)
    for (const w of applied.warnings) where.warn('Verification', w)
    actions = applied.actions
  }
  const issues: VerifiedIssue[] = decided.map((d, k) => ({
    number: d.issue.number,
    url: d.issue.url,
    fingerprint: d.issue.fingerprint,
    verdict: d.verdict,
    tries: d.tries,
    ...(d.reason ? { reason: d.reason } : {}),
    action: actions[k]
  }))
  const { closeFixed, write, budgetSeconds, seconds } = settings
  return { closeFixed, written: write, budgetSeconds, seconds, issues }
}

/**
 * The run's verification report, with its verdicts written to the issues
 * when `write` (a shard with `file-issues: false` leaves that to the
 * filing step, which writes what the shards decided: applyNightVerdicts).
 * A bug the campaign found again counts as reproducing whatever its
 * re-runs said.
 */
export function settleVerification(
  pending: PendingVerification,
  inputs: Inputs,
  run: RunFound,
  where: Where & { signal: AbortSignal },
  write = true
): Promise<VerificationReport> {
  return where.group('Verification results', () => {
    const decided = overruled(
      pending.issues.map((issue, k) => ({ issue, ...pending.rechecks[k] })),
      run
    )
    const { budgetSeconds, seconds } = pending
    const settings = { closeFixed: inputs.closeFixed, write, budgetSeconds, seconds }
    return reportVerdicts(pending, decided, settings, run, where)
  })
}

/**
 * The filing step's half of verification: the shards re-ran the stored
 * cases and reported their verdicts without writing them; this writes
 * them, once per issue, after the night's issues were filed (a bug any
 * shard found again reproduces). Issues closed since the shards listed
 * them are left alone. Null, with a warning, when the issues cannot be
 * listed.
 */
export function applyNightVerdicts(
  shardReport: VerificationReport,
  inputs: Pick<Inputs, 'token' | 'labels' | 'closeFixed'>,
  run: RunFound,
  where: Where & { signal: AbortSignal }
): Promise<VerificationReport | null> {
  return where.group('Verification results', async () => {
    const listed = await listIssues(inputs, { index: 1, count: 1 }, where)
    if (!listed) return null
    const open = new Map(listed.issues.map(i => [i.number, i]))
    const decided = overruled(
      shardReport.issues.flatMap(v => {
        const issue = open.get(v.number)
        return issue ? [{ issue, verdict: v.verdict, tries: v.tries, reason: v.reason }] : []
      }),
      run
    )
    const settings = {
      closeFixed: inputs.closeFixed,
      write: true,
      budgetSeconds: shardReport.budgetSeconds,
      seconds: shardReport.seconds
    }
    return reportVerdicts(listed, decided, settings, run, where)
  })
}
