/** How long the one health request may take before a service is skipped. */
export const PROBE_TIMEOUT_MS = 5_000

/**
 * Whether the runner belongs to a GitHub Enterprise Server, where the
 * results service behind the cache v2 and artifact v4 clients does not
 * exist. The same test as the @actions clients make, so we skip exactly
 * where they would refuse.
 */
export function isEnterpriseServer(serverUrl: string | undefined): boolean {
  const host = new URL(serverUrl || 'https://github.com').hostname.toLowerCase()
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')
}

/**
 * One request, no retries, to learn whether an Actions service is there.
 * The @actions clients retry a 5xx answer five times with growing pauses
 * before giving up; a run should notice a sick service at once and go on
 * without it. Any answer below 500 means the service is up
 * (a miss or a refusal is the real client's business). Returns null when
 * up, else the reason in words (`answered 503`, `is unreachable (...)`).
 */
export async function serviceProblem(url: URL, init: RequestInit): Promise<string | null> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    await response.body?.cancel()
    return response.status >= 500 ? `answered ${response.status}` : null
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    if ((error as Error).name === 'TimeoutError')
      return `did not answer within ${PROBE_TIMEOUT_MS / 1000} s`
    return `is unreachable (${cause ?? (error as Error).message})`
  }
}

/** A twirp JSON call as the results service takes it, for serviceProblem. */
export function twirpProbe(
  base: string,
  service: string,
  method: string,
  body: unknown,
  token: string
): [URL, RequestInit] {
  return [
    new URL(`twirp/${service}/${method}`, base),
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    }
  ]
}
