import { isObject } from '../../util/json.js'
import { caseDimensions, type Case } from '../case.js'
import type { DataWrite } from '../fixture.js'
import type { SourceSpec } from '../source.js'

function isWrite(v: unknown): v is DataWrite {
  return (
    isObject(v) &&
    typeof v.offset === 'number' &&
    typeof v.length === 'number' &&
    typeof v.byte === 'number'
  )
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`
}

function writeWords(w: DataWrite): string {
  return `${w.length} bytes of ${hex(w.byte)} at offset ${w.offset}`
}

/** A detail of a plan in words: writes as writes, snapshot elements as commands, the rest as JSON. */
function detailWords(value: unknown): string {
  if (isWrite(value))
    return `${isObject(value) && value.kind === 'write' ? 'write ' : ''}${writeWords(value)}`
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(detailWords).join('; ')
  if (isObject(value) && typeof value.kind === 'string' && typeof value.arg === 'string') {
    const arg =
      value.arg.length > 40
        ? `${value.arg.slice(0, 20)}…(${value.arg.length} characters)`
        : value.arg
    return `${value.kind} '${arg}'`
  }
  if (isObject(value))
    return Object.entries(value)
      .map(([k, v]) => `${k} ${detailWords(v)}`)
      .join(', ')
  return value === null || value === undefined ? 'none' : String(value)
}

/** The source image in words: format, size, cluster size, what it holds. */
function sourceWords(s: SourceSpec): string {
  const clusters = s.clusterSize ? ` with ${s.clusterSize}-byte clusters` : ''
  const holds =
    s.pattern === 'mbr'
      ? 'an MBR (boot signature and one Linux partition entry at sector 2048), nothing else'
      : s.writes.length === 0
        ? 'no data (all zeros)'
        : `${s.writes.length} write${s.writes.length === 1 ? '' : 's'}: ${s.writes.map(writeWords).join('; ')}`
  return `source: a ${s.size} ${s.format} image${clusters} (made by qemu-img create), holding ${holds}`
}

/**
 * The drawn case in words, as an issue and a reproducer's header show it:
 * the source (format, size, cluster size, data), the operation and its
 * target, every knob (defaults included), and the plan's other details
 * (sizes, writes, windows, a snapshot chain).
 */
export function caseWords(c: Case): string[] {
  const knobs = Object.entries(caseDimensions(c))
    .filter(([k]) => k !== 'size')
    .map(([k, v]) => `${k}=${v}`)
  const details = Object.entries(c.plan).filter(([k]) => k !== 'target' && k !== 'knobs')
  return [
    ...(c.source ? [sourceWords(c.source)] : []),
    `operation: ${c.operation} on a ${c.plan.target} target; knobs: ${knobs.length > 0 ? knobs.join(', ') : 'none'}`,
    ...details.map(([k, v]) => `${k}: ${detailWords(v)}`)
  ]
}
