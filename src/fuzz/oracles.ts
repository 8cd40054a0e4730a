import { stat } from 'node:fs/promises'
import { callRecord, describeEnd, type Evidence } from '../findings/finding.js'
import type { ContentPrefix, DivergenceType, ReadbackPrefix } from '../findings/types.js'
import { parseJson } from '../util/json.js'
import { succeeded, type ToolResult } from '../util/tool-runner.js'
import {
  allocationExtents,
  differingPaths,
  isClean,
  normaliseReadback,
  parseCheckMetrics,
  replaceStrings
} from './normalise.js'
import type { Outcome } from './outcome.js'
import type { Toolbox } from './toolbox.js'

/**
 * The oracles that judge what both tools wrote, through qemu-img: the
 * same view of both results compared (info readback, allocation), guest
 * content with `qemu-img compare`, and qemu-img check of what instar left.
 */

export interface ReadbackSide {
  path: string
  /** Extra string substitutions before comparing (e.g. backing paths). */
  replace?: Array<[from: string, to: string]>
  /** The call that produced the image: shown as this side's argv in a finding. */
  call?: ToolResult
}

/** What one qemu-img view of an image is, and the finding types when the two differ. */
interface View {
  /** The qemu-img arguments before the image path. */
  args: string[]
  /** The view of one side's stdout, or undefined when it is not one. */
  read: (stdout: string, side: ReadbackSide) => unknown
  /** What qemu-img does, in words: 'read back', 'map'. */
  verb: string
  /** qemu-img cannot produce the view of instar's result (fails, or prints nothing readable). */
  readFailure: DivergenceType
  divergence: DivergenceType
}

/**
 * The oracle shared by the readback and allocation checks: the same
 * qemu-img view of both tools' results, compared. When qemu-img cannot
 * produce the view of instar's result but can of its own, that is a finding,
 * not a silent pass; when it cannot of its own, the case is inconclusive.
 * Findings show the calls that wrote the images (`call`), with the
 * qemu-img views in the details.
 */
async function compareViews(
  tools: Toolbox,
  view: View,
  instar: ReadbackSide,
  qemu: ReadbackSide,
  details?: Record<string, unknown>
): Promise<Outcome> {
  const ri = await tools.qemuImg([...view.args, instar.path])
  const rq = await tools.qemuImg([...view.args, qemu.path])
  const evidence = (summary: string, extra: Partial<Evidence> = {}): Evidence => ({
    summary,
    instar: callRecord(instar.call ?? ri),
    qemu: callRecord(qemu.call ?? rq),
    ...extra,
    details: {
      ...details,
      ...(instar.call || qemu.call
        ? { readback: { instar: callRecord(ri), qemu: callRecord(rq) } }
        : {})
    }
  })
  const vq = succeeded(rq) ? view.read(rq.stdout, qemu) : undefined
  if (vq === undefined) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_reference_readback',
      evidence: evidence(`qemu-img could not ${view.verb} its own result (${describeEnd(rq)}).`)
    }
  }
  if (!succeeded(ri)) {
    return {
      kind: 'divergence',
      type: view.readFailure,
      evidence: evidence(
        `qemu-img cannot ${view.verb} the image instar wrote (${describeEnd(ri)}): ${ri.stderr.trim().slice(0, 300)}`
      )
    }
  }
  const vi = view.read(ri.stdout, instar)
  if (vi === undefined) {
    return {
      kind: 'divergence',
      type: view.readFailure,
      evidence: evidence(
        `qemu-img ${view.args[0]} on the image instar wrote printed nothing it could read.`
      )
    }
  }
  const paths = differingPaths(vi, vq)
  if (paths.length === 0) return { kind: 'pass' }
  return {
    kind: 'divergence',
    type: view.divergence,
    evidence: evidence(
      `qemu-img ${view.args[0]} of instar's result differs from qemu-img's own at ${paths.slice(0, 3).join(', ')}.`,
      {
        instarOutput: vi,
        qemuOutput: vq,
        differingPaths: paths
      }
    )
  }
}

/**
 * The readback oracle of operations that write images (create, resize,
 * amend, rebase, commit): `qemu-img info --output=json` of both results,
 * normalised (and with each side's `replace` substitutions) and compared.
 */
export function compareReadback(
  tools: Toolbox,
  prefix: ReadbackPrefix,
  target: string,
  instar: ReadbackSide,
  qemu: ReadbackSide,
  details?: Record<string, unknown>
): Promise<Outcome> {
  const read = (stdout: string, side: ReadbackSide): unknown => {
    const doc = parseJson(stdout)
    if (doc === undefined) return undefined
    let out = normaliseReadback(doc, target, side.path)
    for (const [from, to] of side.replace ?? []) out = replaceStrings(out, from, to, true)
    return out
  }
  const view: View = {
    args: ['info', '--output=json'],
    read,
    verb: 'read back',
    readFailure: `${prefix}_info_readback_failure` as const,
    divergence: `${prefix}_info_divergence` as const
  }
  return compareViews(tools, view, instar, qemu, details)
}

/** The finding types of the guest-content oracle, per operation (the peer's names). */
export const CONTENT_TYPES: Record<
  ContentPrefix,
  { content: DivergenceType; missing?: DivergenceType; unreadable: DivergenceType }
> = {
  convert: {
    content: 'convert_content_divergence',
    missing: 'convert_missing_output',
    unreadable: 'convert_unreadable_output'
  },
  dd: {
    content: 'dd_content_divergence',
    missing: 'dd_missing_output',
    unreadable: 'dd_unreadable_output'
  },
  rebase: { content: 'rebase_content_divergence', unreadable: 'rebase_unreadable_output' },
  repair: { content: 'repair_data_divergence', unreadable: 'repair_unreadable_output' },
  commit_backing: {
    content: 'commit_backing_content_divergence',
    unreadable: 'commit_backing_unreadable_output'
  }
}

type ContentEvidence = (
  summary: string,
  checked?: ToolResult,
  extra?: Record<string, unknown>
) => Evidence

/**
 * Raw outputs must exist and match in length, as the peer's whole-file
 * hash required (qemu-img compare would call a zero tail equal). Null when
 * they do.
 */
async function compareRawLengths(
  types: (typeof CONTENT_TYPES)[ContentPrefix],
  instarPath: string,
  qemuPath: string,
  evidence: ContentEvidence
): Promise<Outcome | null> {
  const [si, sq] = await Promise.all([
    stat(instarPath).catch(() => null),
    stat(qemuPath).catch(() => null)
  ])
  if (sq === null)
    return {
      kind: 'inconclusive',
      type: 'inconclusive_reference_output_missing',
      evidence: evidence('qemu-img reported success but wrote no output file.')
    }
  if (si === null)
    return {
      kind: 'divergence',
      type: types.missing ?? types.unreadable,
      evidence: evidence('instar reported success but wrote no output file.')
    }
  if (si.size === sq.size) return null
  return {
    kind: 'divergence',
    type: types.content,
    evidence: evidence(
      `raw output lengths differ: instar ${si.size} bytes, qemu-img ${sq.size} bytes.`,
      undefined,
      { instarLength: si.size, qemuLength: sq.size }
    )
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
  prefix: ContentPrefix,
  format: string,
  instarPath: string,
  qemuPath: string,
  details?: Record<string, unknown>,
  /** The calls that wrote the two outputs: shown as the finding's argv. */
  calls: { instar?: ToolResult; qemu?: ToolResult } = {}
): Promise<Outcome> {
  const types = CONTENT_TYPES[prefix]
  const evidence: ContentEvidence = (summary, checked, extra = {}) => ({
    summary,
    instar: calls.instar && callRecord(calls.instar),
    qemu: calls.qemu && callRecord(calls.qemu),
    details: { ...details, ...extra, ...(checked ? { check: callRecord(checked) } : {}) }
  })
  if (format === 'raw') {
    const lengths = await compareRawLengths(types, instarPath, qemuPath, evidence)
    if (lengths) return lengths
  }
  const cmp = await tools.qemuImg(['compare', '-f', format, '-F', format, instarPath, qemuPath])
  const sizeMismatch = /size mismatch/i.test(cmp.stdout)
  if (cmp.exitCode === 0 && !sizeMismatch) return { kind: 'pass' }
  if (cmp.exitCode === 0 || cmp.exitCode === 1) {
    const what =
      sizeMismatch && cmp.exitCode === 0
        ? 'virtual sizes differ (the extra part reads as zeros)'
        : `guest data differs: ${cmp.stdout.trim().split('\n').pop()}`
    return {
      kind: 'divergence',
      type: types.content,
      evidence: evidence(`${what}.`, cmp)
    }
  }
  // compare could not run. An image qemu-img cannot even compare with
  // itself is one it cannot open or read through (a header it refuses, a
  // table pointing mid-cluster, a cluster that will not inflate), which
  // info alone would miss: that side is at fault.
  const self = await tools.qemuImg(['compare', '-f', format, '-F', format, instarPath, instarPath])
  if (!succeeded(self)) {
    return {
      kind: 'divergence',
      type: types.unreadable,
      evidence: evidence(
        `qemu-img cannot read instar's ${format} output (${describeEnd(self)}): ${self.stderr.trim().slice(0, 300)}`,
        self
      )
    }
  }
  return {
    kind: 'inconclusive',
    type: 'inconclusive_compare_failed',
    evidence: evidence(`qemu-img compare failed (${describeEnd(cmp)}).`, cmp)
  }
}

/**
 * The structural oracle for a qcow2 image instar modified in place (amend):
 * qemu-img check must find it clean. Unclean is `<prefix>_check_divergence`.
 * It runs after the readback, so qemu-img has opened the image already:
 * a check that times out or prints no counters at all is qemu-img's own
 * failure, inconclusive (the peer filed both against instar). Returns null
 * when the image is clean.
 */
export async function checkClean(
  tools: Toolbox,
  prefix: 'amend',
  imagePath: string,
  details?: Record<string, unknown>,
  /** The instar call that left the image: shown as the finding's argv. */
  call?: ToolResult
): Promise<Outcome | null> {
  const r = await tools.qemuImg(['check', '-f', 'qcow2', '--output=json', imagePath])
  const instar = call && callRecord(call)
  if (r.timedOut) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_external_timeout',
      evidence: { summary: `qemu-img check ${describeEnd(r)}.`, qemu: callRecord(r), details }
    }
  }
  const metrics = parseCheckMetrics(r.stdout)
  if (metrics === null) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_reference_check',
      evidence: {
        summary: `qemu-img check printed no counters for an image its info reads (${describeEnd(r)}): ${r.stderr.trim().slice(0, 300)}`,
        instar,
        qemu: callRecord(r),
        details
      }
    }
  }
  if (isClean(metrics)) return null
  return {
    kind: 'divergence',
    type: `${prefix}_check_divergence` as const,
    evidence: {
      summary: `qemu-img check finds the image instar left unclean: ${metrics.corruptions} corruptions, ${metrics.leaks} leaks, ${metrics.checkErrors} check errors.`,
      instar,
      qemu: callRecord(r),
      details: { ...details, metrics }
    }
  }
}

/**
 * Allocation oracle for images whose guest data alone cannot show a bug
 * (commit must empty the overlay, and its data reads the same from either
 * layer): both images' `qemu-img map` extents, layout-insensitive, must
 * match. `<prefix>_allocation_divergence` when they differ,
 * `<prefix>_map_readback_failure` when qemu-img cannot map instar's image.
 */
export function compareAllocation(
  tools: Toolbox,
  prefix: 'commit_overlay',
  format: string,
  instar: ReadbackSide,
  qemu: ReadbackSide,
  details?: Record<string, unknown>
): Promise<Outcome> {
  const view: View = {
    args: ['map', '-f', format, '--output=json'],
    read: stdout => allocationExtents(parseJson(stdout)) ?? undefined,
    verb: 'map',
    readFailure: `${prefix}_map_readback_failure` as const,
    divergence: `${prefix}_allocation_divergence` as const
  }
  return compareViews(tools, view, instar, qemu, details)
}
