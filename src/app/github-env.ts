/**
 * Where this run stands on GitHub, read from the runner's environment
 * (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_API_URL):
 * the links every report, issue and artifact points at, and the
 * repository the API calls go to.
 */

type Env = Readonly<Record<string, string | undefined>>

/** The link to this workflow run ('' off GitHub), for issues, comments and summaries. */
export function runUrl(env: Env): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env
  return GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
    ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
    : ''
}

/**
 * The repository the API calls go to and the API's base URL (github.com's
 * unless the runner says otherwise, as on GitHub Enterprise Server).
 * Only called once GITHUB_REPOSITORY is known to be set.
 */
export function apiTarget(env: Env): { owner: string; repo: string; apiUrl: string } {
  const [owner, repo] = env.GITHUB_REPOSITORY!.split('/')
  return { owner, repo, apiUrl: env.GITHUB_API_URL || 'https://api.github.com' }
}
