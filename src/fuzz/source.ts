import { open, stat } from 'node:fs/promises'
import path from 'node:path'
import { createImage, fixture, qemuIoWriteArgs, type DataWrite } from './fixture.js'
import type { KnobSchema } from '../findings/knobs.js'
import type { Draw } from './draw.js'
import { parseSize } from './size.js'
import type { Toolbox } from './toolbox.js'

export const SOURCE_FORMATS = ['qcow2', 'raw', 'vmdk', 'vpc'] as const
export const VIRTUAL_SIZES = ['1M', '4M', '16M', '64M', '256M', '1G'] as const
export const QCOW2_CLUSTER_SIZES = [512, 4096, 65536, 262144, 2097152] as const
/**
 * What the source holds: nothing, the peer's 1-4 qemu-io writes, or (raw
 * only) an MBR. The peer's `sparse` wrote nothing, like `zeros`, and its
 * `mbr` wrote nothing outside raw: as knobs they would be values that
 * change nothing, so they are folded into `zeros`.
 */
export const DATA_PATTERNS = ['zeros', 'random', 'mbr'] as const

export type SourceFormat = (typeof SOURCE_FORMATS)[number]
export type DataPattern = (typeof DATA_PATTERNS)[number]

/** The source image as drawn: everything needed to build it again. */
export interface SourceSpec {
  format: SourceFormat
  size: string
  sizeBytes: number
  pattern: DataPattern
  /** qcow2 only. */
  clusterSize?: number
  /** The data the `random` pattern writes (none for the others). */
  writes: DataWrite[]
}

/**
 * The source's knobs, as options of the cases that read it: its format
 * (`from`, where the operation's target is another format), its qcow2
 * cluster size and its data pattern. Sizes and the written bytes are not
 * knobs: they never enter a finding's identity.
 */
export type SourceKnobs = {
  from?: SourceFormat
  cluster_size?: number
  pattern: DataPattern
}

export const SOURCE_KNOBS: KnobSchema<SourceKnobs> = {
  from: { values: SOURCE_FORMATS, default: 'raw' },
  cluster_size: { values: QCOW2_CLUSTER_SIZES, default: 65536 },
  pattern: { values: DATA_PATTERNS, default: 'zeros' }
}

/** The data a source gets when minimisation switches it to `random` from a drawn empty one. */
const FALLBACK_WRITES: readonly DataWrite[] = [{ offset: 0, length: 4096, byte: 0x5a }]

/**
 * The disk size qemu-img gives each drawn source size: vpc rounds up to a
 * CHS geometry (qemu's calculate_geometry), the other formats keep it.
 */
const VPC_VIRTUAL_SIZES: Readonly<Record<string, number>> = {
  '1M': 1079296,
  '4M': 4212736,
  '16M': 16781312,
  '64M': 67125248,
  '256M': 268886016,
  '1G': 1073995776
}

/** The virtual size the source really has (what dd must copy, for example). */
export function sourceVirtualSize(source: SourceSpec): number {
  return (source.format === 'vpc' && VPC_VIRTUAL_SIZES[source.size]) || source.sizeBytes
}

/**
 * A built source. Both tools read the same file (`instarPath` and
 * `qemuPath` are equal): the operations that read it never write it, and
 * the iteration checks after every step that instar did not modify it.
 * A copy would cost a process and, for sparse images, could not keep
 * qemu-img's allocated-but-zero first block, which changes measure's answer.
 */
export interface SourceImage {
  spec: SourceSpec
  qemuPath: string
  instarPath: string
}

/**
 * Draws a source image the way the Python peer does (format, size, data
 * pattern, qcow2 cluster size, 1-4 qemu-io writes for `random`), all up
 * front so the plan of an iteration never depends on how tools behaved.
 */
export function drawSource(draw: Draw): SourceSpec {
  const format = draw.knob('from', SOURCE_FORMATS)
  const size = draw.choice(VIRTUAL_SIZES)
  // The peer's four patterns, equally likely: `sparse` (and `mbr` off raw) wrote nothing.
  const pattern =
    format === 'raw'
      ? draw.knob('pattern', DATA_PATTERNS, [2, 1, 1])
      : draw.knob('pattern', ['zeros', 'random'] as const, [3, 1])
  const spec: SourceSpec = { format, size, sizeBytes: parseSize(size), pattern, writes: [] }
  if (format === 'qcow2') spec.clusterSize = draw.knob('cluster_size', QCOW2_CLUSTER_SIZES)
  if (pattern === 'random') {
    const n = draw.int(1, 4)
    for (let i = 0; i < n; i++) {
      spec.writes.push({
        offset: draw.choice([0, 4096, 8192, 65536, 131072]),
        length: draw.choice([512, 4096]),
        byte: draw.int(0, 255)
      })
    }
  }
  return spec
}

/** The source's knobs; `from` only where the case's target is not the source's own format. */
export function sourceKnobs(spec: SourceSpec, withFormat: boolean): SourceKnobs {
  return {
    ...(withFormat ? { from: spec.format } : {}),
    ...(spec.format === 'qcow2' ? { cluster_size: spec.clusterSize ?? 65536 } : {}),
    pattern: spec.pattern
  }
}

/**
 * The source with other knob values, for minimisation: a new format gets
 * qcow2's default cluster size or loses it, `zeros` drops the writes and
 * `random` keeps the drawn ones (or writes one fixed block). Null when the
 * combination is not a source the generator could draw (an MBR off raw).
 */
export function withSourceKnobs(spec: SourceSpec, knobs: Partial<SourceKnobs>): SourceSpec | null {
  const format = knobs.from ?? spec.format
  const pattern = knobs.pattern ?? spec.pattern
  if (pattern === 'mbr' && format !== 'raw') return null
  const writes =
    pattern !== 'random' ? [] : spec.writes.length > 0 ? spec.writes : [...FALLBACK_WRITES]
  const next: SourceSpec = { format, size: spec.size, sizeBytes: spec.sizeBytes, pattern, writes }
  if (format === 'qcow2') next.clusterSize = knobs.cluster_size ?? spec.clusterSize ?? 65536
  return next
}

/** The `-o` options the source is created with. */
export function sourceCreateOptions(spec: SourceSpec): string[] {
  if (spec.format === 'qcow2' && spec.clusterSize) return [`cluster_size=${spec.clusterSize}`]
  if (spec.format === 'vmdk') return ['subformat=monolithicSparse']
  return []
}

/** Fills each write's range with its byte, as qemu-io's `write -P` does on raw. */
async function writeBytes(file: string, writes: DataWrite[]): Promise<void> {
  const fh = await open(file, 'r+')
  try {
    for (const w of writes) await fh.write(Buffer.alloc(w.length, w.byte), 0, w.length, w.offset)
  } finally {
    await fh.close()
  }
}

/**
 * The peer's MBR pattern, as the bytes put in place on raw: one Linux
 * partition entry at 446 (bootable, type 0x83, first sector 2048 as a
 * little-endian 32-bit number, zero sectors long) and the boot signature
 * at 510. One list, so the reproducer's printf writes what buildSource writes.
 */
export const MBR_WRITES: ReadonlyArray<{ offset: number; bytes: readonly number[] }> = [
  { offset: 446, bytes: [0x80, 0, 1, 0, 0x83, 0, 0, 0, 0x00, 0x08, 0, 0, 0, 0, 0, 0] },
  { offset: 510, bytes: [0x55, 0xaa] }
]

/** Writes the peer's MBR pattern in place. */
async function writeMbr(file: string): Promise<void> {
  const fh = await open(file, 'r+')
  try {
    for (const w of MBR_WRITES) await fh.write(Buffer.from(w.bytes), 0, w.bytes.length, w.offset)
  } finally {
    await fh.close()
  }
}

/**
 * Builds the source in `dir` with qemu-img (and qemu-io for data writes).
 * A reference-side failure is a FixtureError: inconclusive, never instar's.
 */
export async function buildSource(
  spec: SourceSpec,
  dir: string,
  tools: Toolbox
): Promise<SourceImage> {
  const file = path.join(dir, `source.${spec.format}`)
  await createImage(tools, 'create source', {
    format: spec.format,
    file,
    size: spec.size,
    options: sourceCreateOptions(spec)
  })
  if (spec.writes.length > 0 && spec.format === 'raw') {
    // On raw, qemu-io's `write -P` is a plain write at an offset: no process needed.
    await writeBytes(file, spec.writes)
  } else if (spec.writes.length > 0) {
    // One qemu-io for all writes: it runs its -c commands in order.
    await fixture(
      'write source data',
      tools.qemuIo(qemuIoWriteArgs(spec.format, spec.writes, file))
    )
  }
  if (spec.pattern === 'mbr' && spec.format === 'raw') await writeMbr(file)
  return { spec, qemuPath: file, instarPath: file }
}

/** Size and change times of a file: any write by anyone changes it. */
export async function fileSignature(file: string): Promise<string> {
  const st = await stat(file, { bigint: true })
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}`
}
