import path from 'node:path'
import { callRecord, describeEnd } from '../findings/finding.js'
import { parseJson } from '../util/json.js'
import { succeeded, type ToolResult } from '../util/tool-runner.js'
import { LIBYAL_TOOLS, type LibyalTools } from './libyal-tools.js'
import { infoFacts, libyalFacts } from './normalise.js'
import type { Outcome } from './outcome.js'
import type { SourceImage } from './source.js'
import type { Toolbox } from './toolbox.js'

/** qemu-img's check status for "this format has no check": no verdict either way. */
const CHECK_UNSUPPORTED = 63

/** qemu-img's check status for "leaked clusters only": wasteful, but every reader can read it. */
const CHECK_LEAKS_ONLY = 3

function toolFor(libyal: LibyalTools, format: string): string | undefined {
  const tool = LIBYAL_TOOLS[format]
  return tool ? libyal.found[tool] : undefined
}

/**
 * For op `info`, after instar and qemu-img agreed: the libyal reader's
 * size, cluster size and qcow2 version must match instar's info JSON. A
 * field where libyal disagrees with both instar and qemu-img is libyal's
 * own reading (the image was written by qemu-img): inconclusive, not a
 * finding. A libyal tool that cannot read the file gives no verdict here
 * (op check's cross-check is about readability). Null when there is
 * nothing to say (no tool for the format, all facts agree).
 */
export async function libyalInfoCrossCheck(
  tools: Toolbox,
  libyal: LibyalTools,
  source: SourceImage,
  instarInfo: ToolResult,
  qemuInfo?: ToolResult
): Promise<Outcome | null> {
  const tool = toolFor(libyal, source.spec.format)
  const instarDoc = parseJson(instarInfo.stdout)
  if (!tool || !succeeded(instarInfo) || instarDoc === undefined) return null
  const r = await tools.external(tool, [source.instarPath])
  if (!succeeded(r)) return null
  const theirs = libyalFacts(r.stdout)
  const ours = infoFacts(instarDoc)
  const reference = qemuInfo ? infoFacts(parseJson(qemuInfo.stdout)) : {}
  const differing = Object.keys(theirs).filter(k => ours[k] !== undefined && ours[k] !== theirs[k])
  if (differing.length === 0) return null
  // Where qemu-img reads what instar reads, libyal is the odd one out.
  const real = differing.filter(k => reference[k] === undefined || reference[k] !== ours[k])
  const shown = real.length > 0 ? real : differing
  const fields = Object.fromEntries(
    shown.map(k => [k, { instar: ours[k], libyal: theirs[k], qemu: reference[k] }])
  )
  const name = path.basename(tool)
  const details = { tool: name, libyalCall: callRecord(r), fields }
  const first = shown[0]
  const words = `${name} reads ${first} ${String(theirs[first])} where instar info says ${String(ours[first])}`
  if (real.length === 0) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_libyal_outlier',
      evidence: {
        summary: `${words}, and so does qemu-img: libyal's reading is the odd one out.`,
        instar: callRecord(instarInfo),
        qemu: qemuInfo && callRecord(qemuInfo),
        details
      }
    }
  }
  return {
    kind: 'divergence',
    type: 'libyal_info_divergence',
    evidence: {
      summary: `${words}${reference[first] === undefined ? '' : ` (qemu-img: ${String(reference[first])})`}.`,
      instar: callRecord(instarInfo),
      qemu: qemuInfo && callRecord(qemuInfo),
      instarOutput: Object.fromEntries(real.map(k => [k, ours[k]])),
      qemuOutput: Object.fromEntries(real.map(k => [k, reference[k]])),
      differingPaths: real.map(k => (k === 'compat' ? '/format-specific/data/compat' : `/${k}`)),
      details
    }
  }
}

/**
 * For op `check`: whether the image is sound according to instar's check
 * must agree with whether libyal can open it. The iteration's images are
 * written by qemu-img, so when libyal refuses one that instar (and qemu-img)
 * accept, libyal is the outlier: inconclusive, where the peer filed it
 * against instar. instar's "no check for this format" (exit 63) and
 * "leaked clusters only" (exit 3) are not a refusal to read. A crash or a
 * hang of instar is op check's to report; null then.
 */
export async function libyalCheckCrossCheck(
  tools: Toolbox,
  libyal: LibyalTools,
  source: SourceImage,
  instarCheck: ToolResult
): Promise<Outcome | null> {
  const tool = toolFor(libyal, source.spec.format)
  if (!tool || instarCheck.timedOut || instarCheck.signal !== null) return null
  if (instarCheck.exitCode === CHECK_UNSUPPORTED) return null
  const r = await tools.external(tool, [source.instarPath])
  const name = path.basename(tool)
  const details = { tool: name, libyalCall: callRecord(r), source: source.spec }
  if (r.timedOut || r.signal !== null) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_external_timeout',
      evidence: { summary: `${name} ${describeEnd(r)}; libyal gave no answer.`, details }
    }
  }
  const instarOk = instarCheck.exitCode === 0 || instarCheck.exitCode === CHECK_LEAKS_ONLY
  const libyalOk = r.exitCode === 0
  if (instarOk === libyalOk) return null
  if (instarOk) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_libyal_outlier',
      evidence: {
        summary: `${name} cannot open the ${source.spec.format} image qemu-img wrote and instar checks clean (${describeEnd(r)}).`,
        instar: callRecord(instarCheck),
        details
      }
    }
  }
  return {
    kind: 'divergence',
    type: 'libyal_check_divergence',
    evidence: {
      summary: `instar check rejects the ${source.spec.format} image (${describeEnd(instarCheck)}) that ${name} reads without complaint.`,
      instar: callRecord(instarCheck),
      details
    }
  }
}
