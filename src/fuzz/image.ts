import { open, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Rng } from './rng.js'
import { parseSize } from './size.js'
import { succeeded, type ToolResult } from './tool-runner.js'
import type { Toolbox } from './toolbox.js'

export const SOURCE_FORMATS = ['qcow2', 'raw', 'vmdk', 'vpc'] as const
export const VIRTUAL_SIZES = ['1M', '4M', '16M', '64M', '256M', '1G'] as const
export const QCOW2_CLUSTER_SIZES = [512, 4096, 65536, 262144, 2097152] as const
export const DATA_PATTERNS = ['zeros', 'random', 'sparse', 'mbr'] as const

export type SourceFormat = (typeof SOURCE_FORMATS)[number]

export interface DataWrite {
  offset: number
  length: number
  byte: number
}

/** The iteration's source image as drawn: everything needed to build it again. */
export interface SourceSpec {
  format: SourceFormat
  size: string
  sizeBytes: number
  pattern: (typeof DATA_PATTERNS)[number]
  clusterSize?: number
  writes: DataWrite[]
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

/** Raised when qemu-img or qemu-io could not build a fixture: never instar's fault. */
export class FixtureError extends Error {
  constructor(
    readonly step: string,
    readonly result: ToolResult | undefined,
    message: string
  ) {
    super(message)
    this.name = 'FixtureError'
  }
}

/**
 * Draws a source image the way the Python peer does (format, size, data
 * pattern, qcow2 cluster size, 1–4 qemu-io writes for `random`), all up
 * front so the plan of an iteration never depends on how tools behaved.
 */
export function drawSource(rng: Rng): SourceSpec {
  const format = rng.choice(SOURCE_FORMATS)
  const size = rng.choice(VIRTUAL_SIZES)
  const pattern = rng.choice(DATA_PATTERNS)
  const spec: SourceSpec = { format, size, sizeBytes: parseSize(size), pattern, writes: [] }
  if (format === 'qcow2') spec.clusterSize = rng.choice(QCOW2_CLUSTER_SIZES)
  if (pattern === 'random') {
    const n = rng.int(1, 4)
    for (let i = 0; i < n; i++) {
      spec.writes.push({
        offset: rng.choice([0, 4096, 8192, 65536, 131072]),
        length: rng.choice([512, 4096]),
        byte: rng.int(0, 255)
      })
    }
  }
  return spec
}

/** The `-o` options the source is created with. */
export function sourceCreateOptions(spec: SourceSpec): string[] {
  if (spec.format === 'qcow2' && spec.clusterSize) return [`cluster_size=${spec.clusterSize}`]
  if (spec.format === 'vmdk') return ['subformat=monolithicSparse']
  return []
}

/** Writes the peer's MBR pattern: boot signature and one Linux partition entry. */
async function writeMbr(file: string): Promise<void> {
  const entry = Buffer.alloc(16)
  entry.writeUInt8(0x80, 0)
  entry.writeUInt8(0, 1)
  entry.writeUInt8(1, 2)
  entry.writeUInt8(0, 3)
  entry.writeUInt8(0x83, 4)
  entry.writeUInt32LE(2048, 8)
  entry.writeUInt32LE(0, 12)
  const fh = await open(file, 'r+')
  try {
    await fh.write(entry, 0, 16, 446)
    await fh.write(Buffer.from([0x55, 0xaa]), 0, 2, 510)
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
  const opts = sourceCreateOptions(spec).flatMap(o => ['-o', o])
  const created = await tools.qemuImg(['create', '-q', '-f', spec.format, ...opts, file, spec.size])
  if (!succeeded(created)) {
    throw new FixtureError(
      'create source',
      created,
      `qemu-img create failed: ${created.stderr.trim()}`
    )
  }
  for (const w of spec.writes) {
    const wrote = await tools.qemuIo([
      '-f',
      spec.format,
      '-c',
      `write -P ${w.byte} ${w.offset} ${w.length}`,
      file
    ])
    if (!succeeded(wrote)) {
      throw new FixtureError(
        'write source data',
        wrote,
        `qemu-io write failed: ${wrote.stderr.trim()}`
      )
    }
  }
  if (spec.pattern === 'mbr' && spec.format === 'raw') await writeMbr(file)
  return { spec, qemuPath: file, instarPath: file }
}

/** Size and change times of a file: any write by anyone changes it. */
export async function fileSignature(file: string): Promise<string> {
  const st = await stat(file, { bigint: true })
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}`
}
