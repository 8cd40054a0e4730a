import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { shellQuote } from '../../src/util/shell.js'
import { STAND_IN } from '../support/tools.js'

/**
 * An instar that misbehaves in one subcommand (`sub`) the way `script`
 * says, and is the stand-in everywhere else: a real executable, so the
 * fault reaches the harness through the same runner as any tool.
 */
export function misbehavingInstar(dir: string, sub: string, script: string): string {
  const file = path.join(dir, `instar-${sub}`)
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      `if [ "$1" = ${shellQuote(sub)} ]; then`,
      script,
      'fi',
      `exec ${shellQuote(STAND_IN)} "$@"`,
      ''
    ].join('\n')
  )
  chmodSync(file, 0o755)
  return file
}

/** Pids of the processes whose command line is exactly `argv` (a test's own unique markers). */
export function processesRunning(argv: string[]): number[] {
  const wanted = `${argv.join('\0')}\0`
  return readdirSync('/proc')
    .filter(n => /^\d+$/.test(n))
    .filter(pid => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === wanted
      } catch {
        return false
      }
    })
    .map(Number)
}

/** Waits until none of these processes runs any more (a SIGKILL is delivered, not awaited). */
export async function gone(argv: string[], withinMs = 5_000): Promise<number[]> {
  const until = Date.now() + withinMs
  let left = processesRunning(argv)
  while (left.length > 0 && Date.now() < until) {
    await new Promise(resolve => setTimeout(resolve, 20))
    left = processesRunning(argv)
  }
  return left
}
