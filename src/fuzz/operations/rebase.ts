import { copyFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { compareRuns } from '../exits.js'
import { compareContent, compareReadback } from '../oracles.js'
import { createImage, fixture, qemuIoWriteArgs, type DataWrite } from '../fixture.js'
import type { Operation, Plan } from '../operation.js'
import type { Draw } from '../draw.js'
import { chainKnobSchema, chainOptions, drawChainKnobs, type ChainKnobs } from '../qcow2-options.js'
import type { Toolbox } from '../toolbox.js'

export const REBASE_MODES = ['safe', 'unsafe'] as const
export const REBASE_BACKINGS = ['next', 'same', 'detach'] as const

/**
 * What a rebase is: safe or unsafe (`-u`), onto a new backing (`next`),
 * the current one (`same`) or none (`detach`, `-b ''`), and the chain's
 * qcow2 options.
 */
export type RebaseKnobs = ChainKnobs & {
  mode: (typeof REBASE_MODES)[number]
  backing: (typeof REBASE_BACKINGS)[number]
}

export interface RebasePlan extends Plan {
  target: 'qcow2'
  knobs: RebaseKnobs
  overlaySize: string
  newBackingSize: string
  /** Data in the old backing, the new backing and the overlay: distinct bytes. */
  writes: { base: DataWrite; next: DataWrite; overlay: DataWrite }
}

const REBASE_KNOBS = {
  mode: { values: REBASE_MODES, default: 'safe' },
  backing: { values: REBASE_BACKINGS, default: 'next' },
  ...chainKnobSchema([512, 4096, 65536, 262144])
} as const

/**
 * The peer's rebase picker (reference 5.12): onto a new backing (`next`),
 * onto the current one (`same`, the peer's `base.qcow2` name) or detaching
 * (`-b ''`), safe or unsafe. The fixtures use qemu's defaults (no
 * refcount_bits, no compat=0.10). Unlike the peer, every image holds data
 * (bytes from disjoint ranges, so the three layers always differ): with
 * empty images a safe and an unsafe rebase give the same result, and a
 * `-u` that rewrites data could never be seen.
 */
export function pickRebase(draw: Draw): RebasePlan {
  const overlaySize = draw.choice(['1M', '4M', '64M'])
  const newBackingSize = draw.choice(['1M', '4M', '64M'])
  const backing = draw.knob('backing', REBASE_BACKINGS, [2, 1, 1])
  const mode = draw.knob('mode', REBASE_MODES)
  const knobs = { mode, backing, ...drawChainKnobs(draw, REBASE_KNOBS.cluster_size.values) }
  const writes = {
    base: { offset: draw.choice([0, 65536, 524288]), length: 65536, byte: draw.int(1, 85) },
    next: { offset: draw.choice([0, 262144, 524288]), length: 65536, byte: draw.int(86, 170) },
    overlay: { offset: draw.choice([0, 65536, 589824]), length: 4096, byte: draw.int(171, 255) }
  }
  return { target: 'qcow2', knobs, overlaySize, newBackingSize, writes }
}

async function writeData(tools: Toolbox, file: string, w: DataWrite): Promise<void> {
  await fixture('write fixture data', tools.qemuIo(qemuIoWriteArgs('qcow2', [w], file)))
}

/**
 * Builds both sides' chains, `<side>/base.qcow2` ← `<side>/overlay.qcow2`
 * plus `<side>/next.qcow2`. The backing files are made once and copied
 * (no backing of their own, so a copy is the same image); the overlays
 * are made per side because they record their backing's absolute path.
 */
async function buildChains(plan: RebasePlan, dirs: string[], tools: Toolbox): Promise<void> {
  const { backing } = plan.knobs
  const options = chainOptions(plan.knobs)
  const create = (file: string, size: string, backing?: string): Promise<unknown> =>
    createImage(tools, `create ${path.basename(file)}`, {
      format: 'qcow2',
      file,
      size,
      options,
      backing
    })
  for (const d of dirs) await mkdir(d)
  const [first, ...others] = dirs
  // `same`: the base is what the overlay is rebased onto, so it has that size.
  const baseSize = backing === 'same' ? plan.newBackingSize : plan.overlaySize
  const leaves = backing === 'next' ? ['base.qcow2', 'next.qcow2'] : ['base.qcow2']
  await create(path.join(first, 'base.qcow2'), baseSize)
  await writeData(tools, path.join(first, 'base.qcow2'), plan.writes.base)
  if (backing === 'next') {
    await create(path.join(first, 'next.qcow2'), plan.newBackingSize)
    await writeData(tools, path.join(first, 'next.qcow2'), plan.writes.next)
  }
  for (const d of others)
    for (const leaf of leaves) await copyFile(path.join(first, leaf), path.join(d, leaf))
  for (const d of dirs) {
    const overlay = path.join(d, 'overlay.qcow2')
    await create(overlay, plan.overlaySize, path.join(d, 'base.qcow2'))
    await writeData(tools, overlay, plan.writes.overlay)
  }
}

/** The rebase argv after the subcommand, the same shape for both tools. */
export function rebaseArgs(plan: RebasePlan, sideDir: string): string[] {
  const { backing, mode } = plan.knobs
  const newBacking =
    backing === 'detach' ? '' : path.join(sideDir, backing === 'same' ? 'base.qcow2' : 'next.qcow2')
  return [
    '-f',
    'qcow2',
    '-b',
    newBacking,
    ...(mode === 'unsafe' ? ['-u'] : []),
    ...(backing === 'detach' ? [] : ['-F', 'qcow2']),
    path.join(sideDir, 'overlay.qcow2')
  ]
}

/**
 * `rebase` against `qemu-img rebase`, compared twice: qemu-img info of the
 * overlays (backing paths anonymised), then the overlays' guest content
 * through their new chains. Only the content shows what a rebase did to
 * data: a safe rebase must keep the guest view, an unsafe one must not
 * copy anything, and info looks the same either way.
 */
export const rebase: Operation<RebasePlan> = {
  name: 'rebase',
  readsSource: false,
  knobs: REBASE_KNOBS,
  pick: draw => pickRebase(draw),
  withKnobs: (plan, knobs) => ({ ...plan, knobs }),
  async run(plan, { dir, tools }) {
    const instarDir = path.join(dir, 'instar')
    const qemuDir = path.join(dir, 'qemu')
    await buildChains(plan, [qemuDir, instarDir], tools)
    const details = {
      overlaySize: plan.overlaySize,
      newBackingSize: plan.newBackingSize,
      writes: plan.writes
    }
    const i = await tools.instar(['rebase', ...rebaseArgs(plan, instarDir)])
    const q = await tools.qemuImg(['rebase', ...rebaseArgs(plan, qemuDir)])
    const exits = compareRuns(i, q, 'the rebase', details)
    if (exits) return exits
    const instarOverlay = path.join(instarDir, 'overlay.qcow2')
    const qemuOverlay = path.join(qemuDir, 'overlay.qcow2')
    const readback = await compareReadback(
      tools,
      'rebase',
      'qcow2',
      { path: instarOverlay, replace: [[instarDir, '$DIR']], call: i },
      { path: qemuOverlay, replace: [[qemuDir, '$DIR']], call: q },
      details
    )
    if (readback.kind !== 'pass') return readback
    return compareContent(tools, 'rebase', 'qcow2', instarOverlay, qemuOverlay, details, {
      instar: i,
      qemu: q
    })
  }
}
