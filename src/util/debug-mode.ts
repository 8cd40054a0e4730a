/**
 * Whether the run is in debug mode: a workflow re-run with debug logging
 * (the runner sets RUNNER_DEBUG=1), a repository that sets the
 * ACTIONS_STEP_DEBUG variable, or a local run with RUNNER_DEBUG=1. Only
 * then are debug lines produced at all: the runner hides `::debug::` lines
 * otherwise, but formatting thousands of them would still cost time.
 */
export function inDebugMode(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.RUNNER_DEBUG === '1' || env.ACTIONS_STEP_DEBUG?.toLowerCase() === 'true'
}
