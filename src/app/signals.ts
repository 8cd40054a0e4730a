/**
 * Stops the campaign cleanly on SIGINT/SIGTERM (what the runner sends on
 * cancel): in-flight tools are killed and the reports of what finished are
 * still written. Repeats are ignored: a terminal's Ctrl-C reaches both the
 * relaunched process and its parent, which passes it on.
 */
export function cancelOnSignals(log: (line: string) => void): AbortController {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    log(`received ${signal}: stopping the campaign and writing the reports of what finished`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return controller
}
