import { randomUUID } from 'node:crypto'
import type { Finding, IssueAction, IssueLink } from '../findings/finding.js'
import { createClient, GITHUB_PACING, type ApiUsage, type Client, type Pacing } from './client.js'
import { cancelledWhileFiling, classify, messageOf, unfiledWarning } from './failure.js'
import { coveringFingerprint } from './issue-identity.js'
import { closeAsDuplicate } from './issue-writes.js'
import { ensureLabels, FirstLabelMissing, type ReadyLabels } from './labels.js'
import { listKnown, type KnownIssue } from './listing.js'
import {
  extendRunComment,
  isRunComment,
  renderDuplicateNote,
  renderIssueBody,
  renderIssueTitle,
  renderOccurrenceComment,
  type CommentKind,
  type RunContext
} from './render.js'

export interface FilingConfig {
  token: string
  /** GITHUB_API_URL, e.g. http://127.0.0.1:PORT in tests. */
  apiUrl: string
  owner: string
  repo: string
  /** Put on every new issue; the first one finds existing findings. */
  labels: string[]
  maxNewIssues: number
  onClosed: 'reopen' | 'comment' | 'ignore'
  /** Link to this workflow run ('' locally). */
  runUrl: string
  /** Link to the run's report artifact, when it was uploaded. */
  artifactUrl?: string
  seed: number
  versions: { instar: string; qemuImg: string }
  replayCommand: (f: Finding) => string
  /** The replay command of any occurrence (issues list a few). */
  replayFor?: (at: { seed: number; iteration: number }) => string
  /** A finding's standalone reproducer, shown in its new issue. */
  reproducer?: (f: Finding) => RunContext['reproducer']
  /** The version of this action, for the replay command. */
  action?: RunContext['action']
  /** How hard to lean on the API; GitHub's advice unless a test shortens it. */
  pacing?: Pacing
  /** Progress lines (rate-limit waits); silent unless given. */
  log?: (line: string) => void
  /** Debug mode's log: one line per API request (Octokit's request log). */
  debug?: (line: string) => void
  /** Cancellation: the request in flight finishes, nothing more is filed. */
  signal?: AbortSignal
}

export interface FilingResult {
  /** fingerprint -> {number, url, action}, one entry per finding. */
  links: Map<string, IssueLink>
  /** For the job summary (e.g. the API failed mid-way). */
  warnings: string[]
  /** HTTP requests this pass sent, retries included (summary.json `api_requests`). */
  requests: number
}

/** An issue this pass created, to be checked against a shard that filed the same. */
interface Created {
  finding: Finding
  issue: KnownIssue
}

function isDuplicate(issue: KnownIssue): boolean {
  return issue.state === 'closed' && issue.stateReason === 'duplicate'
}

function link(issue: KnownIssue, action: IssueAction): IssueLink {
  return { number: issue.number, url: issue.url, action, tracked: action !== 'created' }
}

/** One filing pass: one client, the existing findings loaded once, the issues it created. */
class Filing {
  private readonly client: Client
  private readonly id = randomUUID().slice(0, 13)
  private readonly created: Created[] = []
  private known = new Map<string, KnownIssue[]>()
  /** The highest issue number the listing saw: what is above it was filed since. */
  private newest = 0
  private labels: Promise<ReadyLabels> | null = null
  /** What the pass survived and must say (a label new issues do without). */
  readonly notes: string[] = []

  constructor(
    private readonly config: FilingConfig,
    usage: ApiUsage
  ) {
    this.client = createClient(
      config.token,
      config.apiUrl,
      config.pacing ?? GITHUB_PACING,
      config.log,
      config.debug,
      usage
    )
  }

  private get repo(): { owner: string; repo: string } {
    return { owner: this.config.owner, repo: this.config.repo }
  }

  private context(f: Finding): RunContext {
    return {
      runUrl: this.config.runUrl,
      seed: this.config.seed,
      versions: this.config.versions,
      artifactUrl: this.config.artifactUrl,
      replayCommand: this.config.replayCommand(f),
      replayFor: this.config.replayFor,
      reproducer: this.config.reproducer?.(f),
      action: this.config.action
    }
  }

  /**
   * The issue already tracking this fingerprint, for findings that could
   * not be filed: open or closed as not planned, it shows the finding is
   * not new. A fixed one (closed as completed) is left out: seeing it again
   * is a regression, which is news.
   */
  trackedBy(f: Finding): IssueLink | undefined {
    const issue = this.issuesOf(f).find(i => i.state === 'open' || i.stateReason === 'not_planned')
    return issue && { number: issue.number, url: issue.url, action: 'dry-run', tracked: true }
  }

  /** Every issue with the first label (listing.ts), read once before filing. */
  async load(): Promise<void> {
    const listing = await listKnown(this.client, this.repo, this.config.labels[0])
    this.known = listing.byFingerprint
    this.newest = listing.newest
  }

  /** Labels missing from the repository, created before the first new issue (labels.ts). */
  readyLabels(): Promise<ReadyLabels> {
    this.labels ??= ensureLabels(this.client, this.repo, this.config.labels).then(ready => {
      this.notes.push(...ready.warnings)
      return ready
    })
    return this.labels
  }

  /** A finding's issues; an unminimised one's are those of the known bug its options contain. */
  private issuesOf(f: Finding): KnownIssue[] {
    const fp = f.status === 'unminimised' ? coveringFingerprint(f, this.known) : f.fingerprint
    return (fp && this.known.get(fp)) || []
  }

  /** The issue a finding goes to: the oldest that is no duplicate. */
  existing(f: Finding): KnownIssue | undefined {
    const issues = this.issuesOf(f)
    return issues.find(i => !isDuplicate(i)) ?? issues[0]
  }

  /** Files one finding (never opens one unminimised); throws only what the caller must classify. */
  async file(f: Finding): Promise<IssueLink> {
    const existing = this.existing(f)
    if (existing) return this.update(f, existing)
    if (f.status === 'unminimised') return { number: null, url: null, action: 'unminimised' }
    if (this.created.length >= this.config.maxNewIssues)
      return { number: null, url: null, action: 'capped' }
    const { labels } = await this.readyLabels()
    const { data } = await this.client.rest.issues.create({
      ...this.repo,
      title: renderIssueTitle(f),
      body: renderIssueBody(f, { ...this.context(f), filingId: this.id }),
      labels
    })
    const issue: KnownIssue = {
      id: data.id,
      number: data.number,
      url: data.html_url,
      state: 'open',
      stateReason: null,
      filingId: this.id,
      identity: { type: f.type, operation: f.operation, target: f.target, options: f.options }
    }
    this.created.push({ finding: f, issue })
    this.known.set(f.fingerprint, [issue])
    return link(issue, 'created')
  }

  /**
   * A finding that already has an issue: open gets this run's comment;
   * closed as not planned (or as a duplicate) is the maintainers' decision
   * and is left alone (`suppressed`); closed as completed (or closed before
   * GitHub had reasons) follows on-closed. `ignore` is reported as
   * `suppressed` too: known, deliberately not touched.
   */
  private async update(f: Finding, issue: KnownIssue): Promise<IssueLink> {
    if (issue.state === 'open') {
      await this.comment(f, issue, 'recurrence')
      return link(issue, 'commented')
    }
    const reason = issue.stateReason ?? 'completed'
    if (reason !== 'completed' || this.config.onClosed === 'ignore')
      return link(issue, 'suppressed')
    if (this.config.onClosed === 'comment') {
      await this.comment(f, issue, 'recurrence')
      return link(issue, 'commented')
    }
    await this.client.rest.issues.update({
      ...this.repo,
      issue_number: issue.number,
      state: 'open',
      state_reason: 'reopened'
    })
    issue.state = 'open'
    issue.stateReason = 'reopened'
    await this.comment(f, issue, 'regression')
    return link(issue, 'reopened')
  }

  /**
   * At most one comment per run: when another shard of this run already
   * commented, its comment is extended instead.
   */
  private async comment(f: Finding, issue: KnownIssue, kind: CommentKind): Promise<void> {
    const ctx = this.context(f)
    if (ctx.runUrl) {
      const comments = await this.client.paginate(this.client.rest.issues.listComments, {
        ...this.repo,
        issue_number: issue.number,
        per_page: 100
      })
      const ours = comments.find(c => isRunComment(c.body, ctx.runUrl))
      const extended = ours?.body ? extendRunComment(ours.body, f, ctx) : null
      if (ours && extended) {
        await this.client.rest.issues.updateComment({
          ...this.repo,
          comment_id: ours.id,
          body: extended
        })
        return
      }
    }
    await this.client.rest.issues.createComment({
      ...this.repo,
      issue_number: issue.number,
      body: renderOccurrenceComment(f, ctx, kind)
    })
  }

  /**
   * Two shards can find the same new fingerprint at the same moment, and a
   * create whose response was lost can be retried into a second issue.
   * Listing again after creating shows both: the newer one is closed as a
   * duplicate of the older, and the finding goes to the older one (as
   * `created` when this pass made it, else like any existing issue).
   */
  async settleRaces(links: Map<string, IssueLink>, warnings: string[]): Promise<void> {
    if (this.created.length === 0) return
    const since = await listKnown(this.client, this.repo, this.config.labels[0], this.newest)
    for (const [fp, issues] of since.byFingerprint) {
      const all = new Map([...(this.known.get(fp) ?? []), ...issues].map(i => [i.number, i]))
      this.known.set(
        fp,
        [...all.values()].sort((a, b) => a.number - b.number)
      )
    }
    for (const { finding, issue } of this.created) {
      const older = this.known
        .get(finding.fingerprint)
        ?.find(i => i.number < issue.number && !isDuplicate(i))
      if (!older) continue
      try {
        await this.client.rest.issues.createComment({
          ...this.repo,
          issue_number: issue.number,
          body: renderDuplicateNote(older.number)
        })
        await closeAsDuplicate(this.client, this.repo, issue.number, older.id)
        this.config.log?.(
          `#${issue.number} and #${older.number} were filed for ${finding.fingerprint} at the same moment: #${issue.number} was closed as a duplicate`
        )
        links.set(
          finding.fingerprint,
          older.filingId === this.id ? link(older, 'created') : await this.update(finding, older)
        )
      } catch (error) {
        if (classify(error) !== 'rejected') throw error
        warnings.push(
          `#${issue.number} duplicates #${older.number} but could not be closed: ${messageOf(error)}`
        )
      }
    }
  }
}

/** What one finding's refusal says, naming the issue it concerned when there was one. */
function refusal(f: Finding, issue: KnownIssue | undefined, error: unknown): string {
  if (error instanceof FirstLabelMissing) return error.message
  const what = `finding ${f.fingerprint} (${f.type} in ${f.operation} ${f.target})`
  const why = messageOf(error).replace(/\.$/, '')
  return issue
    ? `GitHub refused this run's update of #${issue.number} for ${what}: ${why}. Its occurrences are in the reports; the other findings were filed.`
    : `GitHub refused to open an issue for ${what}: ${why}. It is in the reports; the other findings were filed.`
}

/**
 * Files new findings as issues and comments on known ones, one GitHub
 * issue per fingerprint. Files or comments; NEVER throws: reports were
 * written before this runs, and every finding comes back with an action —
 * `dry-run` when the token may not write issues, `failed` when the API
 * gave out or the run was cancelled, with one line for the job summary per
 * cause. A cancellation lets the finding in flight finish (an issue is
 * created whole, with its body, in one request) and files nothing more.
 */
export async function fileFindings(
  findings: Finding[],
  config: FilingConfig
): Promise<FilingResult> {
  const started = Date.now()
  const usage: ApiUsage = { requests: 0 }
  const links = new Map<string, IssueLink>()
  const warnings: string[] = []
  const warn = (line: string): void => {
    if (!warnings.includes(line)) warnings.push(line)
  }
  let filing: Filing | undefined
  // Unfiled findings keep the issue that already tracks them, when one was loaded.
  const markRest = (action: IssueAction): number => {
    let n = 0
    for (const f of findings)
      if (!links.has(f.fingerprint)) {
        const known = filing?.trackedBy(f)
        links.set(f.fingerprint, {
          number: known?.number ?? null,
          url: known?.url ?? null,
          action,
          tracked: known !== undefined
        })
        n++
      }
    return n
  }
  const result = (): FilingResult => ({ links, warnings, requests: usage.requests })
  if (findings.length === 0) return result()
  if (!config.token || config.labels.length === 0) {
    markRest('dry-run')
    warn(
      config.token
        ? 'No labels were configured, so existing findings cannot be found; no issues were filed (dry run).'
        : 'No token was given, so no issues were filed (dry run).'
    )
    return result()
  }
  try {
    filing = new Filing(config, usage)
    await filing.load()
    // Unminimised findings last: they may belong to a bug this pass files.
    const last = (f: Finding): number => Number(f.status === 'unminimised')
    for (const f of [...findings].sort((a, b) => last(a) - last(b))) {
      if (config.signal?.aborted) break
      try {
        links.set(f.fingerprint, await filing.file(f))
      } catch (error) {
        const label = error instanceof FirstLabelMissing ? error : null
        if (!label && classify(error) !== 'rejected') throw error
        links.set(f.fingerprint, { number: null, url: null, action: label?.action ?? 'failed' })
        warn(refusal(f, filing.existing(f), error))
      }
    }
    for (const note of filing.notes) warn(note)
    if (config.signal?.aborted) {
      const filed = links.size
      const n = markRest('failed')
      if (n > 0) warn(cancelledWhileFiling(filed, n))
    } else await filing.settleRaces(links, warnings)
  } catch (error) {
    const n = findings.length - links.size
    const { action, line } = unfiledWarning(error, n, {
      apiUrl: config.apiUrl,
      repo: `${config.owner}/${config.repo}`,
      seconds: (Date.now() - started) / 1000
    })
    markRest(action)
    warn(line)
  }
  return result()
}
