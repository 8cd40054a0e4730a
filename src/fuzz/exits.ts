import { callRecord, describeEnd, type Evidence } from '../findings/finding.js'
import { firstLine } from '../util/first-line.js'
import { succeeded, type ToolResult } from '../util/tool-runner.js'
import type { Outcome } from './outcome.js'

/** Exit code of a Rust panic: instar crashed, whatever qemu-img did. */
export const RUST_PANIC_EXIT = 101

function both(
  instar: ToolResult,
  qemu: ToolResult,
  summary: string,
  details?: Record<string, unknown>
): Evidence {
  return { summary, instar: callRecord(instar), qemu: callRecord(qemu), details }
}

/**
 * A call that failed because the disk is full: not a disagreement of the
 * tools but of the machine (the campaign stops starting iterations).
 */
export function outOfSpace(r: ToolResult): boolean {
  return /No space left on device|Disk quota exceeded/i.test(r.stderr)
}

/**
 * How a failed call ended and the first line it printed on stderr (what
 * the tool said was wrong), short enough for a one-line summary. It is the
 * tool's text: every place that shows a summary sanitises it.
 */
function endAndSaid(r: ToolResult): string {
  const said = firstLine(r.stderr)
  if (!said) return describeEnd(r)
  return `${describeEnd(r)}: ${said.length > 160 ? `${said.slice(0, 159)}…` : said}`
}

function crashed(r: ToolResult): boolean {
  return !r.timedOut && (r.signal !== null || r.exitCode === RUST_PANIC_EXIT)
}

/** instar killed by a signal or panicking, with qemu-img's end when there was a reference call. */
function crash(
  instar: ToolResult,
  qemu: ToolResult | undefined,
  details?: Record<string, unknown>
): Outcome {
  const how = instar.signal
    ? `was killed by ${instar.signal}`
    : `panicked (exit ${RUST_PANIC_EXIT})`
  const ref = qemu ? `; qemu-img ${describeEnd(qemu)}` : ''
  return {
    kind: 'divergence',
    type: 'instar_crash',
    evidence: {
      summary: `instar ${how}${ref}.`,
      instar: callRecord(instar),
      qemu: qemu && callRecord(qemu),
      details
    }
  }
}

/**
 * The one exit-status classifier every operation uses, in this order:
 * instar killed by a signal or panicking is `instar_crash` (even when
 * qemu-img also refused the input, which the peer never reported); a
 * qemu-img timeout is inconclusive; an instar timeout where qemu-img
 * finished is `instar_timeout` (the peer hid these); then success vs
 * failure, unless `exitParity` is false (formats whose check qemu-img does
 * not implement). Returns null when both succeeded or both refused cleanly.
 */
export function compareExits(
  instar: ToolResult,
  qemu: ToolResult,
  details?: Record<string, unknown>,
  exitParity = true
): Outcome | null {
  if (crashed(instar)) return crash(instar, qemu, details)
  if (qemu.timedOut) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_external_timeout',
      evidence: both(
        instar,
        qemu,
        `qemu-img ${describeEnd(qemu)}; the reference gave no answer.`,
        details
      )
    }
  }
  if (instar.timedOut) {
    return {
      kind: 'divergence',
      type: 'instar_timeout',
      evidence: both(
        instar,
        qemu,
        `instar ${describeEnd(instar)} where qemu-img finished (${describeEnd(qemu)}).`,
        details
      )
    }
  }
  if (exitParity && succeeded(instar) !== succeeded(qemu)) {
    const full = [instar, qemu].find(r => !succeeded(r) && outOfSpace(r))
    if (full)
      return {
        kind: 'inconclusive',
        type: 'inconclusive_no_space',
        evidence: both(
          instar,
          qemu,
          `${full === instar ? 'instar' : 'qemu-img'} ran out of disk space: nothing was decided.`,
          details
        )
      }
    const summary = succeeded(instar)
      ? `instar succeeded where qemu-img failed (${endAndSaid(qemu)}).`
      : `instar failed (${endAndSaid(instar)}) where qemu-img succeeded.`
    return {
      kind: 'divergence',
      type: 'exit_code_divergence',
      evidence: both(instar, qemu, summary, details)
    }
  }
  return null
}

/**
 * For an instar call with no qemu-img counterpart (self-consistency checks
 * such as measure -O vmdk): a crash or a hang is still a finding.
 */
export function instarCrashOrHang(
  instar: ToolResult,
  details?: Record<string, unknown>
): Outcome | null {
  if (crashed(instar)) return crash(instar, undefined, details)
  if (instar.timedOut) {
    return {
      kind: 'divergence',
      type: 'instar_timeout',
      evidence: { summary: `instar ${describeEnd(instar)}.`, instar: callRecord(instar), details }
    }
  }
  return null
}

/**
 * compareExits for the usual case where what follows compares outputs:
 * when both tools refused cleanly there is nothing to compare, so that is a
 * skip. Returns null only when both succeeded.
 */
export function compareRuns(
  instar: ToolResult,
  qemu: ToolResult,
  what: string,
  details?: Record<string, unknown>
): Outcome | null {
  const exits = compareExits(instar, qemu, details)
  if (exits) return exits
  return succeeded(instar) ? null : { kind: 'skip', reason: `both tools refused ${what}` }
}
