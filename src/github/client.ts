import { getOctokit } from '@actions/github'
import { defaults } from '@actions/github/lib/utils'
import { requestLog } from '@octokit/plugin-request-log'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'

export type Client = ReturnType<typeof getOctokit>

/**
 * How hard the client leans on the API. GitHub asks integrations to leave
 * about a second between writes and more between writes that notify people
 * (new issues, comments); 5xx answers are retried with a growing pause.
 * Tests shorten the pauses; they never change what is sent.
 */
export interface Pacing {
  /** Least time between two writes (ms). */
  writeMs: number
  /** Least time between two writes that notify watchers (ms). */
  notifyMs: number
  /** Unit of the 5xx back-off: retry n waits n² units (ms). */
  retryUnitMs: number
  /** Retries of one request after a 5xx or network failure. */
  retries: number
  /**
   * Longest a single request may take before it counts as failed (ms).
   * GitHub itself ends a request that takes over 10 s, so waiting much
   * longer only waits for a network that lost it.
   */
  requestTimeoutMs: number
}

export const GITHUB_PACING: Pacing = {
  writeMs: 1_000,
  notifyMs: 3_000,
  retryUnitMs: 1_000,
  retries: 3,
  requestTimeoutMs: 20_000
}

/** Counts the HTTP requests a client sends, retries included (summary.json `api_requests`). */
export interface ApiUsage {
  requests: number
}

/** Secondary-limit waits this run accepts per request before giving up. */
const SECONDARY_LIMIT_RETRIES = 3
/** A primary rate limit is waited out only when it resets this soon (s). */
const PRIMARY_LIMIT_WAIT = 60

/**
 * A fetch that gives up on a call that hangs, and counts the calls. Per
 * call, not per request: the retry plugin calls fetch again, and each
 * attempt gets its own time and counts as one request.
 */
function withTimeout(inner: typeof fetch, ms: number, usage?: ApiUsage): typeof fetch {
  return (input, init) => {
    if (usage) usage.requests++
    const timeout = AbortSignal.timeout(ms)
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    return inner(input, { ...init, signal })
  }
}

/**
 * An Octokit from `@actions/github` (so proxies and GHES work as in any
 * action) with the throttling plugin, which waits out secondary rate limits
 * for exactly the `retry-after` GitHub sends, and the retry plugin, which
 * retries 5xx and dropped connections. Each client gets its own write
 * limiters so that its pacing is its own. The request-log plugin, applied
 * first so that it sees every attempt of a retried request, writes one
 * line per request (method, path, status, request id, time) to `debug`;
 * a failed request is the caller's to report, so it goes there too.
 * Octokit's own debug calls carry the raw request, token included, and
 * are dropped.
 */
export function createClient(
  token: string,
  apiUrl: string,
  pacing: Pacing = GITHUB_PACING,
  log: (line: string) => void = () => {},
  debug: (line: string) => void = () => {},
  usage?: ApiUsage
): Client {
  const octokit = getOctokit(
    token,
    {
      baseUrl: apiUrl.replace(/\/+$/, ''),
      log: { debug: () => {}, info: debug, warn: log, error: debug },
      throttle: {
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.writeMs }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.notifyMs }),
        onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
          log(
            `GitHub secondary rate limit on ${options.method} ${options.url}: waiting ${retryAfter} s`
          )
          return retryCount < SECONDARY_LIMIT_RETRIES
        },
        onRateLimit: (retryAfter, options, _octokit, retryCount) => {
          log(`GitHub rate limit on ${options.method} ${options.url}: resets in ${retryAfter} s`)
          return retryAfter <= PRIMARY_LIMIT_WAIT && retryCount < 1
        }
      },
      retry: { retries: pacing.retries, retryAfterBaseValue: pacing.retryUnitMs },
      request: {
        fetch: withTimeout(defaults.request?.fetch ?? fetch, pacing.requestTimeoutMs, usage)
      }
    },
    requestLog,
    throttling,
    retry
  )
  return octokit
}
