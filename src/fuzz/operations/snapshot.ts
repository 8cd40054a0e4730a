import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import { callRecord, describeEnd, type Evidence } from '../../findings/finding.js'
import { compareExits } from '../exits.js'
import { createImage, fixture, qemuIoWriteArgs, type DataWrite } from '../fixture.js'
import { compareFileBytes } from '../file-compare.js'
import type { Operation, Plan } from '../operation.js'
import type { Outcome } from '../outcome.js'
import type { Toolbox } from '../toolbox.js'
import type { Draw } from '../draw.js'
import { parseSize } from '../size.js'
import { normaliseSnapshotTable } from '../normalise.js'
import { succeeded, type ToolResult } from '../../util/tool-runner.js'
import { qemuAtLeast } from '../../util/qemu-version.js'

/**
 * Names drawn for `-c`: an id-like name, spaces, non-ASCII, and exactly
 * 255 bytes (the longest both tools accept; qemu-img truncates longer ones
 * where instar refuses, and an empty name is accepted only by qemu-img).
 */
export const SNAPSHOT_NAME_POOL = [
  'alpha',
  'beta',
  'gamma',
  '2',
  'snap with spaces',
  'snäp-名前',
  'L'.repeat(255)
] as const

/** instar's snapshot table holds 16 entries; a 17th is a documented refusal. */
export const SNAPSHOT_MAX_LIVE = 16
export const SNAPSHOT_CLUSTER_SIZES = [512, 4096, 65536] as const

export interface SnapshotWrite extends DataWrite {
  kind: 'write'
}

export type SnapshotElement = { kind: 'create' | 'delete' | 'apply'; arg: string } | SnapshotWrite

/** The image's qcow2 options: cluster size, version, extended L2, a backing file. */
export type SnapshotKnobs = {
  cluster_size: (typeof SNAPSHOT_CLUSTER_SIZES)[number]
  compat: '1.1' | '0.10'
  extended_l2: boolean
  backing: boolean
}

/**
 * A qcow2 image (16-bit refcounts, never resized, no dirty, compressed,
 * encrypted, external-data or bitmap features: all documented instar
 * refusals) and a chain of snapshot operations and guest writes on it.
 */
export interface SnapshotPlan extends Plan {
  target: 'qcow2'
  knobs: SnapshotKnobs
  size: string
  seedWrites: SnapshotWrite[]
  chain: SnapshotElement[]
}

const SNAPSHOT_KNOBS = {
  cluster_size: { values: SNAPSHOT_CLUSTER_SIZES, default: 65536 },
  compat: { values: ['1.1', '0.10'], default: '1.1' },
  extended_l2: { values: [false, true], default: false },
  backing: { values: [false, true], default: false }
} as const

/** 512-byte clusters stay at 4M: instar never grows its refcount blocks. */
const SMALL_CLUSTER_SIZE = '4M'

/** Whether the picker could draw these knobs for an image of this size (see pickSnapshot). */
function validSnapshot(k: SnapshotKnobs, size: string): boolean {
  if (k.extended_l2 && (k.cluster_size !== 65536 || k.compat !== '1.1')) return false
  return k.cluster_size !== 512 || size === SMALL_CLUSTER_SIZE
}

const FLAGS = { create: '-c', delete: '-d', apply: '-a' } as const

function pickWrite(rng: Draw, sizeBytes: number): SnapshotWrite {
  const length = rng.choice([4096, 65536, 131072])
  const offset = Math.floor(rng.int(0, sizeBytes - length) / 4096) * 4096
  return { kind: 'write', offset, length, byte: rng.int(1, 255) }
}

/** A name (3 in 5), an id (2 in 5) of a live snapshot, a missing name, or a random id. */
function pickArg(rng: Draw, live: Array<{ id: number; name: string }>): string {
  let choices = ['no-such-snapshot', String(rng.int(1, 20))]
  if (live.length > 0) {
    const entry = rng.choice(live)
    const id = String(entry.id)
    choices = [entry.name, entry.name, entry.name, id, id, ...choices]
  }
  return rng.choice(choices)
}

/**
 * The peer's chain picker. Avoided by construction, as documented
 * divergences: 512-byte clusters above 4M (instar never grows its refcount
 * blocks), more than 16 live snapshots, names outside 1..255 bytes,
 * refcount_bits other than 16, a resize inside a chain, extended L2 except
 * with 64 KiB clusters on compat 1.1.
 */
export function pickSnapshot(rng: Draw): SnapshotPlan {
  const clusterSize = rng.knob('cluster_size', SNAPSHOT_CLUSTER_SIZES)
  const compat = rng.knob('compat', SNAPSHOT_KNOBS.compat.values)
  const extendedL2 =
    clusterSize === 65536 && compat === '1.1' && rng.knob('extended_l2', [false, true], [7, 3])
  const size = clusterSize === 512 ? SMALL_CLUSTER_SIZE : rng.choice(['4M', '16M', '64M'])
  const sizeBytes = parseSize(size)
  const backing = rng.knob('backing', [false, true], [3, 1])
  const seedWrites = Array.from({ length: rng.int(0, 2) }, () => pickWrite(rng, sizeBytes))
  const live: Array<{ id: number; name: string }> = []
  const chain: SnapshotElement[] = []
  const length = rng.int(1, 8)
  for (let k = 0; k < length; k++) {
    const kinds = ['delete', 'apply', 'write'] as const
    const kind =
      live.length < SNAPSHOT_MAX_LIVE
        ? rng.choice([...kinds, 'create', 'create', 'create'] as const)
        : rng.choice(kinds)
    if (kind === 'write') {
      chain.push(pickWrite(rng, sizeBytes))
    } else if (kind === 'create') {
      const name = rng.choice(SNAPSHOT_NAME_POOL)
      live.push({ id: Math.max(0, ...live.map(e => e.id)) + 1, name })
      chain.push({ kind, arg: name })
    } else {
      const arg = pickArg(rng, live)
      if (kind === 'delete') {
        const at = live.findIndex(e => e.name === arg)
        if (at >= 0) live.splice(at, 1)
      }
      chain.push({ kind, arg })
    }
  }
  const knobs = { cluster_size: clusterSize, compat, extended_l2: extendedL2, backing }
  return { target: 'qcow2', knobs, size, seedWrites, chain }
}

/** qemu-img's side: without discard, as instar never discards the clusters a snapshot frees. */
function imageOpts(file: string): string {
  return `driver=qcow2,file.filename=${file.replaceAll(',', ',,')},file.discard=ignore`
}

/**
 * The chain element in a few words: the summaries of findings and the
 * reproducer's comments and verdicts say it alike, so a script's output
 * reads like the finding it reproduces.
 */
export function describeElement(e: SnapshotElement): string {
  if (e.kind === 'write') return `write of ${e.length} bytes at ${e.offset}`
  return `${FLAGS[e.kind]} '${e.arg.length > 40 ? `${e.arg.slice(0, 20)}…(${e.arg.length})` : e.arg}'`
}

/**
 * `snapshot -c/-d/-a <arg>` followed by how the tool is given the image
 * (instar: its path; qemu-img: `--image-opts` without discard), so the
 * harness and the reproducer run the same argv.
 */
export function snapshotArgs(
  element: Exclude<SnapshotElement, SnapshotWrite>,
  ...image: string[]
): string[] {
  return ['snapshot', FLAGS[element.kind], element.arg, ...image]
}

/**
 * The image's `-o` options from the knobs; the reproducer creates its
 * image from the same list, so a new knob reaches both.
 */
export function snapshotImageOptions(k: SnapshotKnobs): string[] {
  const options = [`cluster_size=${k.cluster_size}`, `compat=${k.compat}`]
  if (k.extended_l2) options.push('extended_l2=on')
  return options
}

/** The two images a chain runs on, side by side. */
interface Images {
  qemuPath: string
  instarPath: string
}

/** The last snapshot call of each tool: what a finding shows as its argv. */
interface LastCalls {
  instar?: ToolResult
  qemu?: ToolResult
}

/** Builds qemu-img's image (and its backing, and its seed data) and copies it for instar. */
async function buildImages(plan: SnapshotPlan, dir: string, tools: Toolbox): Promise<Images> {
  const backingPath = path.join(dir, 'snap-backing.qcow2')
  const qemuPath = path.join(dir, 'snap-qemu.qcow2')
  const instarPath = path.join(dir, 'snap-instar.qcow2')
  const k = plan.knobs
  if (k.backing)
    await createImage(tools, 'create backing', {
      format: 'qcow2',
      file: backingPath,
      size: plan.size
    })
  await createImage(tools, 'create image', {
    format: 'qcow2',
    file: qemuPath,
    size: plan.size,
    options: snapshotImageOptions(k),
    backing: k.backing ? backingPath : undefined
  })
  if (plan.seedWrites.length > 0)
    await fixture('seed writes', tools.qemuIo(qemuIoWriteArgs('qcow2', plan.seedWrites, qemuPath)))
  await copyFile(qemuPath, instarPath)
  return { qemuPath, instarPath }
}

type ElementEvidence = (summary: string, extra?: Record<string, unknown>) => Evidence

/** A guest write through qemu-io on both images; instar's image must still take it. */
async function writeElement(
  element: SnapshotWrite,
  index: number,
  images: Images,
  tools: Toolbox,
  evidence: ElementEvidence
): Promise<Outcome | null> {
  await fixture('chain write', tools.qemuIo(qemuIoWriteArgs('qcow2', [element], images.qemuPath)))
  const w = await tools.qemuIo(qemuIoWriteArgs('qcow2', [element], images.instarPath))
  if (succeeded(w)) return null
  return {
    kind: 'divergence',
    type: 'snapshot_write_failed',
    evidence: {
      ...evidence(
        `qemu-io cannot write to the image instar left after element ${index} (${describeEnd(w)}), though it writes qemu-img's.`
      ),
      instar: callRecord(w)
    }
  }
}

/** `snapshot -c/-d/-a` on both; after -c and -d both tables must be walkable (and are normalised). */
async function snapshotElement(
  element: Exclude<SnapshotElement, SnapshotWrite>,
  images: Images,
  tools: Toolbox,
  last: LastCalls,
  evidence: ElementEvidence,
  details: Record<string, unknown>
): Promise<Outcome | null> {
  last.instar = await tools.instar(snapshotArgs(element, images.instarPath))
  last.qemu = await tools.qemuImg(snapshotArgs(element, '--image-opts', imageOpts(images.qemuPath)))
  const exits = compareExits(last.instar, last.qemu, details)
  if (exits) return exits
  if (element.kind === 'apply' || !succeeded(last.instar)) return null
  const nq = await normaliseSnapshotTable(images.qemuPath)
  if (!nq.ok)
    return {
      kind: 'inconclusive',
      type: 'inconclusive_reference_snapshot_table',
      evidence: evidence(`qemu-img's snapshot table cannot be walked: ${nq.reason}.`)
    }
  const ni = await normaliseSnapshotTable(images.instarPath)
  if (ni.ok) return null
  return {
    kind: 'divergence',
    type: 'snapshot_normalize_failed',
    evidence: evidence(
      `the snapshot table instar wrote cannot be walked after ${describeElement(element)}: ${ni.reason}.`
    )
  }
}

/** After each element the files must be byte-identical (a zero tail aside). */
async function sameBytes(
  element: SnapshotElement,
  index: number,
  images: Images,
  evidence: ElementEvidence
): Promise<Outcome | null> {
  const diff = await compareFileBytes(images.instarPath, images.qemuPath)
  if (!diff) return null
  const where =
    diff.kind === 'prefix_mismatch'
      ? `byte ${diff.offset} (instar 0x${diff.instarByte.toString(16)}, qemu-img 0x${diff.qemuByte.toString(16)})`
      : `a non-zero tail at byte ${diff.offset} of ${diff.side === 'instar' ? "instar's" : "qemu-img's"} longer file`
  return {
    kind: 'divergence',
    type: 'snapshot_byte_divergence',
    evidence: evidence(
      `after element ${index} (${describeElement(element)}) the images differ at ${where}.`,
      { difference: diff }
    )
  }
}

/** With qemu-img 9.0 or newer, both tools' `snapshot -l` of instar's image must print the same. */
async function sameListing(
  images: Images,
  tools: Toolbox,
  details: Record<string, unknown>
): Promise<Outcome> {
  if (!qemuAtLeast(tools.qemuVersion, 9, 0)) return { kind: 'pass' }
  // Dates render in local time, which both share.
  const li = await tools.instar(['snapshot', '-l', images.instarPath])
  const lq = await tools.qemuImg(['snapshot', '-l', images.instarPath])
  const exits = compareExits(li, lq, details)
  if (exits) return exits
  if (li.stdout === lq.stdout) return { kind: 'pass' }
  return {
    kind: 'divergence',
    type: 'snapshot_list_divergence',
    evidence: {
      summary: 'instar snapshot -l prints a different listing from qemu-img snapshot -l.',
      instar: callRecord(li),
      qemu: callRecord(lq),
      instarOutput: li.stdout,
      qemuOutput: lq.stdout,
      details
    }
  }
}

/**
 * qcow2 internal snapshot chains: `instar snapshot -c/-d/-a` against
 * qemu-img's on copies of one image, guest writes by qemu-io on both. After
 * every element the two files must be byte-identical once the snapshot
 * table's dates and padding are normalised, with only a zero tail allowed,
 * and with qemu-img 9.0 or newer `snapshot -l` must print the same listing
 * at the end. Byte identity after every element is what the peer's
 * end-of-chain `qemu-img check` and `compare` would judge (identical bytes
 * check and read the same), so they are not run.
 */
export const snapshot: Operation<SnapshotPlan> = {
  name: 'snapshot',
  readsSource: false,
  knobs: SNAPSHOT_KNOBS,
  pick: rng => pickSnapshot(rng),
  withKnobs: (plan, knobs) => (validSnapshot(knobs, plan.size) ? { ...plan, knobs } : null),
  async run(plan, { dir, tools }): Promise<Outcome> {
    if (!qemuAtLeast(tools.qemuVersion, 4, 0))
      return {
        kind: 'skip',
        reason: `qemu-img ${tools.qemuVersion.text} predates 4.0 snapshot semantics`
      }
    const images = await buildImages(plan, dir, tools)
    const baseOptions = { ...plan.knobs, size: plan.size, seedWrites: plan.seedWrites }
    const last: LastCalls = {}
    for (const [index, element] of plan.chain.entries()) {
      const details = { elementIndex: index, element, chain: plan.chain, baseOptions }
      const evidence: ElementEvidence = (summary, extra = {}) => ({
        summary,
        instar: last.instar && callRecord(last.instar),
        qemu: last.qemu && callRecord(last.qemu),
        details: { ...details, ...extra }
      })
      const stepped =
        element.kind === 'write'
          ? await writeElement(element, index, images, tools, evidence)
          : await snapshotElement(element, images, tools, last, evidence, details)
      const outcome = stepped ?? (await sameBytes(element, index, images, evidence))
      if (outcome) return outcome
    }
    return sameListing(images, tools, { chain: plan.chain, baseOptions })
  }
}
