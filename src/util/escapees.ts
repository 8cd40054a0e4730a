import { readdirSync, readFileSync } from 'node:fs'

/**
 * A process that left a tool's process group (setsid, a double fork into
 * a new session) and still held the tool's output open after the tool and
 * its group were gone. Killing the group cannot reach it, and the output
 * pipes never close while it lives.
 */
export interface Escapee {
  pid: number
  /** Its command line, as /proc shows it. */
  command: string
}

/**
 * The variable that marks every process of one tool call: descendants
 * inherit it wherever they go, so the ones that left the call's process
 * group (and were reparented away from it) can still be found.
 */
export const CALL_MARK = 'INSTAR_DIFF_FUZZ_CALL'

function commandOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
  } catch {
    return '?'
  }
}

function carries(pid: string, mark: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark)
  } catch {
    return false
  }
}

/**
 * The processes still alive that carry one call's mark (`CALL_MARK=id`).
 * Only a call whose output outlives its whole process group gets here, so
 * a walk over /proc is affordable; where /proc cannot be read the answer
 * is empty.
 */
export function markedProcesses(id: string): Escapee[] {
  const mark = `${CALL_MARK}=${id}`
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter(n => /^\d+$/.test(n) && Number(n) !== process.pid)
  } catch {
    return []
  }
  return pids
    .filter(pid => carries(pid, mark))
    .map(pid => ({ pid: Number(pid), command: commandOf(pid) }))
}

/** Kills an escapee, and the group it leads when it made one of its own (setsid does). */
export function killEscapee(e: Escapee): void {
  try {
    const stat = readFileSync(`/proc/${e.pid}/stat`, 'utf8')
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
    if (pgrp === e.pid) process.kill(-e.pid, 'SIGKILL')
  } catch {
    // no group of its own, or already gone
  }
  try {
    process.kill(e.pid, 'SIGKILL')
  } catch {
    // already gone
  }
}
