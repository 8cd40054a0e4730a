import type { Client } from './client.js'
import { issueIdentity, type IssueIdentity } from './issue-identity.js'
import { parseFilingId, parseFingerprint } from './render.js'

/** An issue that carries a fingerprint marker. */
export interface KnownIssue {
  id: number
  number: number
  url: string
  state: string
  stateReason: string | null
  filingId: string | null
  /** What the issue tracks (from its stored case or its title), to match unminimised findings. */
  identity: IssueIdentity | null
}

/** Issues by the fingerprint in their marker, oldest first; and the newest number seen. */
export interface Listing {
  byFingerprint: Map<string, KnownIssue[]>
  newest: number
}

/**
 * Every issue with the label, open and closed, keyed by the fingerprint in
 * its marker, newest first from GitHub and oldest first here. The search
 * API would be cheaper but is rate limited and its index lags behind new
 * issues, which is exactly when two shards need to see each other.
 *
 * `above`: only issues numbered higher are wanted (those filed since an
 * earlier listing), and paging stops at the first page that reaches it, so
 * checking for a race costs one page instead of the whole tracker.
 */
export async function listKnown(
  client: Client,
  repo: { owner: string; repo: string },
  label: string,
  above = 0
): Promise<Listing> {
  const items = await client.paginate(
    client.rest.issues.listForRepo,
    { ...repo, labels: label, state: 'all', sort: 'created', direction: 'desc', per_page: 100 },
    (response, done) => {
      if (above > 0 && response.data.some(item => item.number <= above)) done()
      return response.data
    }
  )
  const byFingerprint = new Map<string, KnownIssue[]>()
  let newest = above
  for (const item of items) {
    newest = Math.max(newest, item.number)
    if (item.pull_request || item.number <= above) continue
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
    byFingerprint.set(fp, [...(byFingerprint.get(fp) ?? []), issue])
  }
  for (const issues of byFingerprint.values()) issues.sort((a, b) => a.number - b.number)
  return { byFingerprint, newest }
}
