import { spawn } from 'node:child_process'

/** V8's young generation, in MB per semi-space: Node only takes it at start-up. */
const SMALL_YOUNG_GENERATION = '--max-semi-space-size=1'
const RELAUNCHED = 'INSTAR_DIFF_FUZZ_RELAUNCHED'

/**
 * Runs this entry point again, once, in a Node with a small young
 * generation, and returns that run's exit code; returns null inside the
 * re-run, which does the work. Why: the campaign forks thousands of tool
 * processes, fork() costs CPU in proportion to the forking process's
 * memory, and under the campaign's allocation rate V8 grows its young
 * generation to tens of megabytes it never returns (measured: a 60 s
 * campaign peaked at 149 MB and spent 11.4% of all CPU in the harness;
 * with this flag 122 MB and 10.0%). Signals the runner sends on cancel are
 * passed on, so the re-run still writes its reports.
 */
export async function relaunchWithSmallHeap(): Promise<number | null> {
  if (process.env[RELAUNCHED] || process.execArgv.includes(SMALL_YOUNG_GENERATION)) return null
  const child = spawn(
    process.execPath,
    [SMALL_YOUNG_GENERATION, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, [RELAUNCHED]: '1' }
    }
  )
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal)
  }
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  return new Promise(resolve => {
    child.on('error', () => resolve(null))
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}
