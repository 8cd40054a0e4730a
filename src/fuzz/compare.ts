import { stat } from 'node:fs/promises'
import { callRecord, describeEnd, type Evidence } from '../findings/finding.js'
import { FixtureError } from './image.js'
import { differingPaths, normaliseReadback, parseJson, replaceStrings } from './normalise.js'
import type { Outcome } from './operation.js'
import { succeeded, type ToolResult } from './tool-runner.js'
import type { Toolbox } from './toolbox.js'

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

function crashed(r: ToolResult): boolean {
  return !r.timedOut && (r.signal !== null || r.exitCode === RUST_PANIC_EXIT)
}

function crashEvidence(
  instar: ToolResult,
  qemu: ToolResult | undefined,
  details?: Record<string, unknown>
): Evidence {
  const how = instar.signal
    ? `was killed by ${instar.signal}`
    : `panicked (exit ${RUST_PANIC_EXIT})`
  const ref = qemu ? `; qemu-img ${describeEnd(qemu)}` : ''
  return {
    summary: `instar ${how}${ref}.`,
    instar: callRecord(instar),
    qemu: qemu && callRecord(qemu),
    details
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
  if (crashed(instar))
    return {
      kind: 'divergence',
      type: 'instar_crash',
      evidence: crashEvidence(instar, qemu, details)
    }
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
    const summary = succeeded(instar)
      ? `instar succeeded where qemu-img failed (${describeEnd(qemu)}).`
      : `instar failed (${describeEnd(instar)}) where qemu-img succeeded.`
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
export function instarAlone(instar: ToolResult, details?: Record<string, unknown>): Outcome | null {
  if (crashed(instar))
    return {
      kind: 'divergence',
      type: 'instar_crash',
      evidence: crashEvidence(instar, undefined, details)
    }
  if (instar.timedOut) {
    return {
      kind: 'divergence',
      type: 'instar_timeout',
      evidence: { summary: `instar ${describeEnd(instar)}.`, instar: callRecord(instar), details }
    }
  }
  return null
}

/** A fixture the reference tools could not build: inconclusive, never filed against instar. */
export function fixtureFailed(error: unknown): Outcome {
  if (error instanceof FixtureError) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_fixture_failed',
      evidence: {
        summary: `the reference tools could not build the fixture (${error.step}): ${error.message}`,
        qemu: error.result ? callRecord(error.result) : undefined
      }
    }
  }
  throw error
}

/** Runs a reference-side fixture step; a failure becomes a FixtureError. */
export async function fixture(step: string, call: Promise<ToolResult>): Promise<ToolResult> {
  const r = await call
  if (!succeeded(r))
    throw new FixtureError(
      step,
      r,
      `${r.argv
        .slice(0, 2)
        .map(a => a.split('/').pop())
        .join(' ')} ${describeEnd(r)}: ${r.stderr.trim().slice(0, 300)}`
    )
  return r
}

export interface ReadbackSide {
  path: string
  /** Extra string substitutions before comparing (e.g. backing paths). */
  replace?: Array<[from: string, to: string]>
}

/**
 * The readback oracle of operations that write images (create, resize,
 * amend, rebase, commit): `qemu-img info --output=json` on both results,
 * normalised and compared. When qemu-img cannot read what instar wrote but
 * reads its own result, that is a finding (`<prefix>_info_readback_failure`),
 * not a silent pass; when it cannot read its own, the case is inconclusive.
 */
export async function compareReadback(
  tools: Toolbox,
  prefix: string,
  target: string,
  instar: ReadbackSide,
  qemu: ReadbackSide,
  details?: Record<string, unknown>
): Promise<Outcome> {
  const ri = await tools.qemuImg(['info', '--output=json', instar.path])
  const rq = await tools.qemuImg(['info', '--output=json', qemu.path])
  if (!succeeded(rq) || parseJson(rq.stdout) === undefined) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_reference_readback',
      evidence: both(
        ri,
        rq,
        `qemu-img could not read back its own result (${describeEnd(rq)}).`,
        details
      )
    }
  }
  if (!succeeded(ri)) {
    return {
      kind: 'divergence',
      type: `${prefix}_info_readback_failure`,
      evidence: both(
        ri,
        rq,
        `qemu-img cannot read the image instar wrote (${describeEnd(ri)}): ${ri.stderr.trim().slice(0, 300)}`,
        details
      )
    }
  }
  const di = parseJson(ri.stdout)
  if (di === undefined) {
    return {
      kind: 'divergence',
      type: `${prefix}_info_json_parse_failure`,
      evidence: both(ri, rq, 'qemu-img info on the image instar wrote did not print JSON.', details)
    }
  }
  let ni = normaliseReadback(di, target, instar.path)
  let nq = normaliseReadback(parseJson(rq.stdout), target, qemu.path)
  for (const [from, to] of instar.replace ?? []) ni = replaceStrings(ni, from, to, true)
  for (const [from, to] of qemu.replace ?? []) nq = replaceStrings(nq, from, to, true)
  const paths = differingPaths(ni, nq)
  if (paths.length === 0) return { kind: 'pass' }
  return {
    kind: 'divergence',
    type: `${prefix}_info_divergence`,
    evidence: {
      summary: `qemu-img info of instar's result differs from qemu-img's own at ${paths.slice(0, 3).join(', ')}.`,
      instar: callRecord(ri),
      qemu: callRecord(rq),
      instarOutput: ni,
      qemuOutput: nq,
      differingPaths: paths,
      details
    }
  }
}

/**
 * Guest-content oracle for images both tools wrote (convert, dd, repair):
 * `qemu-img compare` reads only allocated data, so holes cost nothing
 * (the peer flattened both and hashed them in Python). Raw outputs must
 * also match in length, as the peer's whole-file hash required; other
 * formats must have the same virtual size. An output qemu-img cannot open
 * is a `<prefix>_unreadable_output` finding, not the peer's silent pass.
 */
export async function compareContent(
  tools: Toolbox,
  prefix: string,
  format: string,
  instarPath: string,
  qemuPath: string,
  details?: Record<string, unknown>
): Promise<Outcome> {
  if (format === 'raw') {
    const [si, sq] = await Promise.all([
      stat(instarPath).catch(() => null),
      stat(qemuPath).catch(() => null)
    ])
    if (sq === null)
      return {
        kind: 'inconclusive',
        type: 'inconclusive_reference_output_missing',
        evidence: { summary: 'qemu-img reported success but wrote no output file.', details }
      }
    if (si === null)
      return {
        kind: 'divergence',
        type: `${prefix}_missing_output`,
        evidence: { summary: 'instar reported success but wrote no output file.', details }
      }
    if (si.size !== sq.size) {
      return {
        kind: 'divergence',
        type: `${prefix}_content_divergence`,
        evidence: {
          summary: `raw output lengths differ: instar ${si.size} bytes, qemu-img ${sq.size} bytes.`,
          details: { ...details, instarLength: si.size, qemuLength: sq.size }
        }
      }
    }
  }
  const cmp = await tools.qemuImg(['compare', '-f', format, '-F', format, instarPath, qemuPath])
  if (cmp.exitCode === 0 && !/size mismatch/i.test(cmp.stdout)) return { kind: 'pass' }
  if (cmp.exitCode === 0 || cmp.exitCode === 1) {
    return {
      kind: 'divergence',
      type: `${prefix}_content_divergence`,
      evidence: {
        summary: `guest data differs: ${cmp.stdout.trim().split('\n').pop()}`,
        qemu: callRecord(cmp),
        details
      }
    }
  }
  // compare could not run: find out which side qemu-img cannot open.
  const ri = await tools.qemuImg(['info', '-f', format, '--output=json', instarPath])
  if (!succeeded(ri)) {
    return {
      kind: 'divergence',
      type: `${prefix}_unreadable_output`,
      evidence: {
        summary: `qemu-img cannot open instar's ${format} output (${describeEnd(ri)}): ${ri.stderr.trim().slice(0, 300)}`,
        instar: callRecord(ri),
        details
      }
    }
  }
  return {
    kind: 'inconclusive',
    type: 'inconclusive_compare_failed',
    evidence: {
      summary: `qemu-img compare failed (${describeEnd(cmp)}).`,
      qemu: callRecord(cmp),
      details
    }
  }
}
