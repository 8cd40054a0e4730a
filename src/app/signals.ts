/**
 * Stops the run cleanly on SIGINT/SIGTERM (what the runner sends on
 * cancel: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that):
 * in-flight tools are killed, no issue is filed after the one in flight,
 * and the reports of what finished are still written. Repeats are ignored:
 * a terminal's Ctrl-C reaches both the relaunched process and its parent,
 * which passes it on.
 */
export function cancelOnSignals(log: (line: string) => void): AbortController {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    log(
      `received ${signal}: stopping (no new tool call, no new issue) and writing the reports of what finished`
    )
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return controller
}
