import { randomUUID } from 'node:crypto'
import type { Finding, IssueAction, IssueLink } from '../findings/finding.js'
import { createClient, GITHUB_PACING, type Client, type Pacing } from './client.js'
import { classify, messageOf } from './failure.js'
import { closeAsDuplicate, ensureLabels } from './issue-writes.js'
import { coveringFingerprint, issueIdentity, type IssueIdentity } from './issue-identity.js'
import {
  extendRunComment,
  isRunComment,
  parseFilingId,
  parseFingerprint,
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
}

/** An issue that carries a fingerprint marker. */
interface KnownIssue {
  id: number
  number: number
  url: string
  state: string
  stateReason: string | null
  filingId: string | null
  /** What the issue tracks (from its stored case or its title), to match unminimised findings. */
  identity: IssueIdentity | null
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
  private labelsReady = false

  constructor(private readonly config: FilingConfig) {
    this.client = createClient(
      config.token,
      config.apiUrl,
      config.pacing ?? GITHUB_PACING,
      config.log,
      config.debug
    )
  }

  private get repo(): { owner: string; repo: string } {
    return { owner: this.config.owner, repo: this.config.repo }
  }

  private context(f: Finding): RunContext {
    return {
      runUrl: this.config.runUrl,
      artifactUrl: this.config.artifactUrl,
      seed: this.config.seed,
      versions: this.config.versions,
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

  /**
   * Every issue with the first label, open and closed, every page, keyed by
   * the fingerprint in its marker, oldest first. The search API would be
   * cheaper but is rate limited and its index lags behind new issues, which
   * is exactly when two shards need to see each other.
   */
  async load(): Promise<void> {
    const items = await this.client.paginate(this.client.rest.issues.listForRepo, {
      ...this.repo,
      labels: this.config.labels[0],
      state: 'all',
      per_page: 100
    })
    const known = new Map<string, KnownIssue[]>()
    for (const item of items) {
      if (item.pull_request) continue
      const fp = parseFingerprint(item.body)
      if (!fp) continue
      const issue: KnownIssue = {
        id: item.id,
        number: item.number,
        url: item.html_url,
        state: item.state,
        stateReason: item.state_reason ?? null,
        filingId: parseFilingId(item.body),
        identity: issueIdentity(item.body, item.title, fp)
      }
      known.set(fp, [...(known.get(fp) ?? []), issue])
    }
    for (const issues of known.values()) issues.sort((a, b) => a.number - b.number)
    this.known = known
  }

  /** A finding's issues; an unminimised one's are those of the known bug its options contain. */
  private issuesOf(f: Finding): KnownIssue[] {
    const fp = f.status === 'unminimised' ? coveringFingerprint(f, this.known) : f.fingerprint
    return (fp && this.known.get(fp)) || []
  }

  /** Files one finding (never opens one unminimised); throws only what the caller must classify. */
  async file(f: Finding): Promise<IssueLink> {
    const issues = this.issuesOf(f)
    const existing = issues.find(i => !isDuplicate(i)) ?? issues[0]
    if (existing) return this.update(f, existing)
    if (f.status === 'unminimised') return { number: null, url: null, action: 'unminimised' }
    if (this.created.length >= this.config.maxNewIssues)
      return { number: null, url: null, action: 'capped' }
    await this.ensureLabels()
    const { data } = await this.client.rest.issues.create({
      ...this.repo,
      title: renderIssueTitle(f),
      body: renderIssueBody(f, { ...this.context(f), filingId: this.id }),
      labels: this.config.labels
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

  private async ensureLabels(): Promise<void> {
    if (this.labelsReady) return
    await ensureLabels(this.client, this.repo, this.config.labels)
    this.labelsReady = true
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
    await this.load()
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

/**
 * Files new findings as issues and comments on known ones, one GitHub
 * issue per fingerprint. Files or comments; NEVER throws: reports were
 * written before this runs, and every finding comes back with an action —
 * `dry-run` when the token may not write issues, `failed` when the API
 * gave out, with a warning for the job summary either way.
 */
export async function fileFindings(
  findings: Finding[],
  config: FilingConfig
): Promise<FilingResult> {
  const links = new Map<string, IssueLink>()
  const warnings: string[] = []
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
  if (findings.length === 0) return { links, warnings }
  if (!config.token || config.labels.length === 0) {
    markRest('dry-run')
    warnings.push(
      config.token
        ? 'No labels were configured, so existing findings cannot be found; no issues were filed (dry run).'
        : 'No token was given, so no issues were filed (dry run).'
    )
    return { links, warnings }
  }
  try {
    filing = new Filing(config)
    await filing.load()
    // Unminimised findings last: they may belong to a bug this pass files.
    const last = (f: Finding): number => Number(f.status === 'unminimised')
    for (const f of [...findings].sort((a, b) => last(a) - last(b))) {
      try {
        links.set(f.fingerprint, await filing.file(f))
      } catch (error) {
        if (classify(error) !== 'rejected') throw error
        links.set(f.fingerprint, { number: null, url: null, action: 'failed' })
        warnings.push(`GitHub refused to file finding ${f.fingerprint}: ${messageOf(error)}`)
      }
    }
    await filing.settleRaces(links, warnings)
  } catch (error) {
    if (classify(error) === 'denied') {
      const n = markRest('dry-run')
      warnings.push(
        `The token may not write issues (${messageOf(error)}); ${n} findings were not filed (dry run). Grant \`issues: write\` to file them.`
      )
    } else {
      const n = markRest('failed')
      warnings.push(
        `The GitHub API failed mid-way (${messageOf(error)}); ${n} findings were not filed. Every finding is in the reports.`
      )
    }
  }
  return { links, warnings }
}
