/**
 * How a failed call affects the rest: `denied` (the token may not write
 * issues: nothing can be filed, a dry run), `disabled` (the repository has
 * issues turned off: nothing can be filed), `unavailable` (the API is down,
 * unreachable or rate-limited beyond what the plugins waited out: stop,
 * the rest failed), `rejected` (this one request was refused, e.g. a
 * locked issue: that finding failed, the others go on).
 */
export type Failure = 'denied' | 'disabled' | 'unavailable' | 'rejected'

/** The HTTP status Octokit attached to an error, if any. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** What a failed API call means for the rest of the filing pass. */
export function classify(error: unknown): Failure {
  const status = statusOf(error)
  const message = messageOf(error)
  if (status === undefined || status >= 500 || status === 429) return 'unavailable'
  if (/rate limit/i.test(message)) return 'unavailable'
  if (status === 401) return 'denied'
  if (status === 410) return 'disabled'
  if (status === 403 && /not accessible|permission|must have/i.test(message)) return 'denied'
  return 'rejected'
}

/**
 * No HTTP answer at all (connection refused, DNS failure, reset, timeout):
 * Octokit reports those as a 500 without a response.
 */
export function unanswered(error: unknown): boolean {
  return statusOf(error) === 500 && (error as { response?: unknown }).response === undefined
}

/**
 * The one line that says why the remaining `n` findings were not filed,
 * and what they become: a dry run when the token may not write, `failed`
 * otherwise (issues disabled, the API unreachable or down).
 */
export function unfiledWarning(
  error: unknown,
  n: number,
  where: { apiUrl: string; repo: string; seconds: number }
): { action: 'dry-run' | 'failed'; line: string } {
  const why = messageOf(error)
  const findings = `${n} finding${n === 1 ? ' was' : 's were'} not filed`
  switch (classify(error)) {
    case 'denied':
      return {
        action: 'dry-run',
        line: `The token may not write issues (${why}); ${findings} (dry run). Grant \`issues: write\` to file them.`
      }
    case 'disabled':
      return {
        action: 'failed',
        line: `Issues are disabled on ${where.repo} (GitHub answered 410: ${why}); ${findings}. Enable issues in the repository's settings, or set \`file-issues: false\`. Every finding is in the reports.`
      }
    default:
      return {
        action: 'failed',
        line: unanswered(error)
          ? `The GitHub API at ${where.apiUrl} could not be reached (${why}); gave up after ${where.seconds.toFixed(1)} s of retries, ${findings}. Every finding is in the reports.`
          : `The GitHub API failed mid-way (${why}); ${findings}. Every finding is in the reports.`
      }
  }
}

/** The line a run cancelled while filing leaves: what was filed, and that nothing is half-written. */
export function cancelledWhileFiling(filed: number, unfiled: number): string {
  return `The run was cancelled while filing: ${filed} finding${filed === 1 ? ' was' : 's were'} filed before the signal, ${unfiled} ${unfiled === 1 ? 'was' : 'were'} not (${unfiled === 1 ? 'it is' : 'they are'} in the reports). No issue is half-written: each is created with its whole body in one request.`
}
