import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import { callRecord, describeEnd, type Evidence } from '../../findings/finding.js'
import { compareContent, compareExits } from '../compare.js'
import { fixture, qemuIoWrites, type DataWrite } from '../fixture.js'
import { compareFileBytes } from '../file-compare.js'
import type { Operation, Plan } from '../operation.js'
import type { Outcome } from '../outcome.js'
import type { Draw } from '../draw.js'
import { parseSize } from '../size.js'
import { normaliseSnapshotTable } from '../snapshot-table.js'
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

/** The chain element in a few words, for summaries. */
function describe(e: SnapshotElement): string {
  if (e.kind === 'write') return `write of ${e.length} bytes at ${e.offset}`
  return `${FLAGS[e.kind]} '${e.arg.length > 40 ? `${e.arg.slice(0, 20)}…(${e.arg.length})` : e.arg}'`
}

/**
 * qcow2 internal snapshot chains: `instar snapshot -c/-d/-a` against
 * qemu-img's on copies of one image, guest writes by qemu-io on both. After
 * every element the two files must be byte-identical once the snapshot
 * table's dates and padding are normalised, with only a zero tail allowed;
 * at the end instar's image must pass `qemu-img check`, both must hold the
 * same guest data, and with qemu-img 9.0 or newer `snapshot -l` must print
 * the same listing.
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
    const backingPath = path.join(dir, 'snap-backing.qcow2')
    const qemuPath = path.join(dir, 'snap-qemu.qcow2')
    const instarPath = path.join(dir, 'snap-instar.qcow2')
    const k = plan.knobs
    const baseOptions = { ...k, size: plan.size, seedWrites: plan.seedWrites }
    if (k.backing)
      await fixture(
        'create backing',
        tools.qemuImg(['create', '-q', '-f', 'qcow2', backingPath, plan.size])
      )
    await fixture(
      'create image',
      tools.qemuImg([
        'create',
        '-q',
        '-f',
        'qcow2',
        '-o',
        `cluster_size=${k.cluster_size}`,
        '-o',
        `compat=${k.compat}`,
        ...(k.extended_l2 ? ['-o', 'extended_l2=on'] : []),
        ...(k.backing ? ['-b', backingPath, '-F', 'qcow2'] : []),
        qemuPath,
        plan.size
      ])
    )
    if (plan.seedWrites.length > 0)
      await fixture(
        'seed writes',
        tools.qemuIo(['-f', 'qcow2', ...qemuIoWrites(plan.seedWrites), qemuPath])
      )
    await copyFile(qemuPath, instarPath)

    let lastInstar: ToolResult | undefined
    let lastQemu: ToolResult | undefined
    for (const [index, element] of plan.chain.entries()) {
      const details = { elementIndex: index, element, chain: plan.chain, baseOptions }
      const evidence = (summary: string, extra: Record<string, unknown> = {}): Evidence => ({
        summary,
        instar: lastInstar && callRecord(lastInstar),
        qemu: lastQemu && callRecord(lastQemu),
        details: { ...details, ...extra }
      })
      if (element.kind === 'write') {
        await fixture(
          'chain write',
          tools.qemuIo(['-f', 'qcow2', ...qemuIoWrites([element]), qemuPath])
        )
        const w = await tools.qemuIo(['-f', 'qcow2', ...qemuIoWrites([element]), instarPath])
        if (!succeeded(w)) {
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
      } else {
        const flag = FLAGS[element.kind]
        lastInstar = await tools.instar(['snapshot', flag, element.arg, instarPath])
        lastQemu = await tools.qemuImg([
          'snapshot',
          flag,
          element.arg,
          '--image-opts',
          imageOpts(qemuPath)
        ])
        const exits = compareExits(lastInstar, lastQemu, details)
        if (exits) return exits
        if (element.kind !== 'apply' && succeeded(lastInstar)) {
          const nq = await normaliseSnapshotTable(qemuPath)
          if (!nq.ok)
            return {
              kind: 'inconclusive',
              type: 'inconclusive_reference_snapshot_table',
              evidence: evidence(`qemu-img's snapshot table cannot be walked: ${nq.reason}.`)
            }
          const ni = await normaliseSnapshotTable(instarPath)
          if (!ni.ok)
            return {
              kind: 'divergence',
              type: 'snapshot_normalize_failed',
              evidence: evidence(
                `the snapshot table instar wrote cannot be walked after ${describe(element)}: ${ni.reason}.`
              )
            }
        }
      }
      const diff = await compareFileBytes(instarPath, qemuPath)
      if (diff) {
        const where =
          diff.kind === 'prefix_mismatch'
            ? `byte ${diff.offset} (instar 0x${diff.instarByte.toString(16)}, qemu-img 0x${diff.qemuByte.toString(16)})`
            : `a non-zero tail at byte ${diff.offset} of ${diff.side === 'instar' ? "instar's" : "qemu-img's"} longer file`
        return {
          kind: 'divergence',
          type: 'snapshot_byte_divergence',
          evidence: evidence(
            `after element ${index} (${describe(element)}) the images differ at ${where}.`,
            { difference: diff }
          )
        }
      }
    }

    const details = { chain: plan.chain, baseOptions }
    const checked = await tools.qemuImg(['check', instarPath])
    if (checked.timedOut)
      return {
        kind: 'inconclusive',
        type: 'inconclusive_external_timeout',
        evidence: {
          summary: `qemu-img check ${describeEnd(checked)} on instar's image.`,
          qemu: callRecord(checked),
          details
        }
      }
    if (!succeeded(checked)) {
      const reference = await tools.qemuImg(['check', qemuPath])
      if (!succeeded(reference))
        return {
          kind: 'inconclusive',
          type: 'inconclusive_reference_check',
          evidence: {
            summary: `qemu-img check fails on both results (${describeEnd(checked)}, ${describeEnd(reference)}).`,
            instar: callRecord(checked),
            qemu: callRecord(reference),
            details
          }
        }
      return {
        kind: 'divergence',
        type: 'snapshot_check_divergence',
        evidence: {
          summary: `qemu-img check fails on instar's image (${describeEnd(checked)}) and passes qemu-img's.`,
          instar: callRecord(checked),
          qemu: callRecord(reference),
          details
        }
      }
    }
    const content = await compareContent(tools, 'snapshot', 'qcow2', instarPath, qemuPath, details)
    if (content.kind !== 'pass' || !qemuAtLeast(tools.qemuVersion, 9, 0)) return content

    // Both listings of instar's image: dates render in local time, which both share.
    const li = await tools.instar(['snapshot', '-l', instarPath])
    const lq = await tools.qemuImg(['snapshot', '-l', instarPath])
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
}
