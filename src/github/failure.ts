/**
 * How a failed call affects the rest: `denied` (the token may not write
 * issues: nothing can be filed, a dry run), `unavailable` (the API is down
 * or rate-limited beyond what the plugins waited out: stop, the rest
 * failed), `rejected` (this one request was refused, e.g. a locked issue:
 * that finding failed, the others go on).
 */
export type Failure = 'denied' | 'unavailable' | 'rejected'

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
  if (status === 403 && /not accessible|permission|must have/i.test(message)) return 'denied'
  return 'rejected'
}
