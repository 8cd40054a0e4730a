import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import path from 'node:path'
import { callRecord, describeEnd } from '../findings/finding.js'
import type { SourceImage } from './source.js'
import { parseJson } from '../util/json.js'
import type { Outcome } from './outcome.js'
import { succeeded, type ToolResult } from '../util/tool-runner.js'
import type { Toolbox } from './toolbox.js'

/**
 * The libyal reader for each image format (Debian packages libqcow-utils,
 * libvmdk-utils, libvhdi-utils): a third implementation, independent of
 * both qemu-img and instar, used as a tie-breaker on info and check.
 */
export const LIBYAL_TOOLS: Readonly<Record<string, string>> = {
  qcow2: 'qcowinfo',
  vmdk: 'vmdkinfo',
  vpc: 'vhdiinfo',
  vhdx: 'vhdiinfo'
}

/** Which libyal tools this machine has, found once per campaign. */
export interface LibyalTools {
  /** Tool name → absolute path, for the tools found. */
  found: Record<string, string>
  /** Tool names not found on PATH. */
  missing: string[]
}

/** qemu-img's check status for "this format has no check": no verdict either way. */
const CHECK_UNSUPPORTED = 63
/** qemu-img's check status for "leaked clusters only": wasteful, but every reader can read it. */
const CHECK_LEAKS_ONLY = 3

/**
 * Looks the libyal tools up on PATH without starting any process, so it
 * can run once at campaign start and its absence be logged once (the peer
 * did the same with shutil.which).
 */
export async function detectLibyal(searchPath = process.env.PATH ?? ''): Promise<LibyalTools> {
  const found: Record<string, string> = {}
  const missing: string[] = []
  for (const tool of new Set(Object.values(LIBYAL_TOOLS))) {
    let hit: string | undefined
    for (const dir of searchPath.split(path.delimiter)) {
      if (!dir) continue
      const candidate = path.join(dir, tool)
      if (
        await access(candidate, constants.X_OK).then(
          () => true,
          () => false
        )
      ) {
        hit = candidate
        break
      }
    }
    if (hit) found[tool] = hit
    else missing.push(tool)
  }
  return { found, missing }
}

/** One log line per tool, for the campaign banner: found where, or which formats lose the cross-check. */
export function describeLibyal(libyal: LibyalTools): string[] {
  const formatsOf = (tool: string): string =>
    Object.entries(LIBYAL_TOOLS)
      .filter(([, t]) => t === tool)
      .map(([f]) => f)
      .join('/')
  return [
    ...Object.entries(libyal.found).map(([tool, at]) => `libyal: ${tool} found at ${at}`),
    ...libyal.missing.map(
      tool => `libyal: ${tool} not found; ${formatsOf(tool)} info/check are not cross-checked`
    )
  ]
}

/**
 * `key: value` lines of a libyal tool's report. The 2020 and 2021 releases
 * put the colon in different places (`Media size:\t\t4 MiB` vs
 * `Media size\t\t: 4 MiB`); splitting on the first colon handles both.
 */
export function parseLibyalReport(stdout: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key && value) fields[key] = value
  }
  return fields
}

/** Bytes of `1.0 MiB (1048576 bytes)`, `65536 bytes` or `65536`; undefined otherwise. */
export function libyalBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const m = /\((\d+) bytes\)/.exec(value) ?? /^(\d+)(?: bytes)?$/.exec(value)
  return m ? Number(m[1]) : undefined
}

/**
 * The facts a libyal report states reliably across releases, named as in
 * qemu-img/instar info JSON. Only these are compared: the size in bytes,
 * the qcow2 cluster size when the release prints it, and the qcow2 version
 * (which instar reports as `format-specific.data.compat`, a field op info
 * does not compare, so this is the one check libyal adds on its own).
 */
export function libyalFacts(stdout: string): Record<string, number | string> {
  const f = parseLibyalReport(stdout)
  const facts: Record<string, number | string> = {}
  const size = libyalBytes(f['media size'])
  if (size !== undefined) facts['virtual-size'] = size
  const cluster = libyalBytes(f['cluster block size'] ?? f['cluster size'])
  if (cluster !== undefined) facts['cluster-size'] = cluster
  const version = f['format version']
  if (/^QEMU Copy-On-Write/m.test(stdout) && (version === '2' || version === '3'))
    facts.compat = version === '2' ? '0.10' : '1.1'
  return facts
}

/** The same facts read from an info JSON document (instar's or qemu-img's). */
function infoFacts(doc: unknown): Record<string, unknown> {
  const d = (doc ?? {}) as Record<string, unknown>
  const fs = d['format-specific'] as { data?: Record<string, unknown> } | undefined
  return {
    'virtual-size': d['virtual-size'],
    'cluster-size': d['cluster-size'],
    compat: fs?.data?.compat
  }
}

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
