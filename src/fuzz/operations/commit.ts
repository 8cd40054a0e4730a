import { copyFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { compareRuns } from '../exits.js'
import {
  compareAllocation,
  compareContent,
  compareReadback,
  type ReadbackSide
} from '../oracles.js'
import { createImage, fixture, qemuIoWriteArgs } from '../fixture.js'
import type { Operation, Plan } from '../operation.js'
import type { Outcome } from '../outcome.js'
import type { Draw } from '../draw.js'
import { chainKnobSchema, chainOptions, drawChainKnobs, type ChainKnobs } from '../qcow2-options.js'
import type { Toolbox } from '../toolbox.js'

/**
 * What a commit is: an explicit `-b base.qcow2` or not, seeded data in
 * the overlay or not, and the chain's qcow2 options.
 */
export type CommitKnobs = ChainKnobs & {
  base: 'explicit' | null
  data: 'seed-64k' | null
}

export interface CommitPlan extends Plan {
  target: 'qcow2'
  knobs: CommitKnobs
  overlaySize: string
}

/** The overlay's seeded data (the peer's `seed-64k`). */
export const SEED_WRITE = { offset: 0, length: 65536, byte: 0xab }

const COMMIT_KNOBS = {
  base: { values: [null, 'explicit'], default: null },
  data: { values: [null, 'seed-64k'], default: null },
  ...chainKnobSchema([512, 4096, 65536])
} as const

/**
 * The peer's commit picker (reference 5.13): qcow2 only (instar's info
 * does not expose vmdk's parentFileNameHint), clusters of at most 64 KiB
 * (instar's guest-side table limits), an optional explicit `-b base.qcow2`
 * and optional seeded data in the overlay.
 */
export function pickCommit(draw: Draw): CommitPlan {
  const overlaySize = draw.choice(['1M', '4M', '64M'])
  const base = draw.knob('base', COMMIT_KNOBS.base.values)
  const data = draw.knob('data', COMMIT_KNOBS.data.values)
  const knobs = { base, data, ...drawChainKnobs(draw, COMMIT_KNOBS.cluster_size.values) }
  return { target: 'qcow2', knobs, overlaySize }
}

/**
 * Builds `<side>/base.qcow2` ← `<side>/overlay.qcow2` once and copies it:
 * the overlay names its backing by the relative `base.qcow2` (made with
 * cwd = the side's directory, as the peer does), so the copy is a chain of
 * its own.
 */
async function buildChains(plan: CommitPlan, dirs: string[], tools: Toolbox): Promise<void> {
  const options = chainOptions(plan.knobs)
  for (const d of dirs) await mkdir(d)
  const [first, ...others] = dirs
  const base = path.join(first, 'base.qcow2')
  const overlay = path.join(first, 'overlay.qcow2')
  const size = plan.overlaySize
  await createImage(tools, 'create base', { format: 'qcow2', file: base, size, options })
  await createImage(tools, 'create overlay', {
    format: 'qcow2',
    file: overlay,
    size,
    options: [...options, 'backing_file=base.qcow2,backing_fmt=qcow2'],
    cwd: first
  })
  if (plan.knobs.data === 'seed-64k') {
    await fixture('seed overlay', tools.qemuIo(qemuIoWriteArgs('qcow2', [SEED_WRITE], overlay)))
  }
  for (const d of others) {
    await copyFile(base, path.join(d, 'base.qcow2'))
    await copyFile(overlay, path.join(d, 'overlay.qcow2'))
  }
}

/**
 * `commit`'s arguments after the subcommand, run in the chain's folder
 * `side` (an explicit `-b base.qcow2` is relative to it); the reproducer
 * runs the same ones.
 */
export function commitArgs(plan: CommitPlan, side: string): string[] {
  return [
    ...(plan.knobs.base === 'explicit' ? ['-b', 'base.qcow2'] : []),
    path.join(side, 'overlay.qcow2')
  ]
}

/**
 * `commit` against `qemu-img commit` (cwd = the chain's directory, so an
 * explicit `-b base.qcow2` is relative), then both layers compared: info
 * of overlay and backing (the peer's oracle), the backing's guest data
 * (the commit's payload), and the overlay's allocation (without `-b`,
 * qemu-img empties the overlay; data left there reads the same through
 * the chain, and info cannot see it).
 */
export const commit: Operation<CommitPlan> = {
  name: 'commit',
  readsSource: false,
  knobs: COMMIT_KNOBS,
  pick: draw => pickCommit(draw),
  withKnobs: (plan, knobs) => ({ ...plan, knobs }),
  async run(plan, { dir, tools }) {
    const instarDir = path.join(dir, 'instar')
    const qemuDir = path.join(dir, 'qemu')
    await buildChains(plan, [qemuDir, instarDir], tools)
    const details = { overlaySize: plan.overlaySize }
    const i = await tools.instar(['commit', ...commitArgs(plan, instarDir)], { cwd: instarDir })
    const q = await tools.qemuImg(['commit', ...commitArgs(plan, qemuDir)], { cwd: qemuDir })
    const exits = compareRuns(i, q, 'the commit', details)
    if (exits) return exits
    const sides = (file: string): [ReadbackSide, ReadbackSide] => [
      { path: path.join(instarDir, file), replace: [[instarDir, '$DIR']], call: i },
      { path: path.join(qemuDir, file), replace: [[qemuDir, '$DIR']], call: q }
    ]
    const overlay = sides('overlay.qcow2')
    const backing = sides('base.qcow2')
    const checks: Array<() => Promise<Outcome>> = [
      () => compareReadback(tools, 'commit_overlay', 'qcow2', ...overlay, details),
      () => compareReadback(tools, 'commit_backing', 'qcow2', ...backing, details),
      () =>
        compareContent(
          tools,
          'commit_backing',
          'qcow2',
          backing[0].path,
          backing[1].path,
          details,
          {
            instar: i,
            qemu: q
          }
        ),
      () => compareAllocation(tools, 'commit_overlay', 'qcow2', ...overlay, details)
    ]
    for (const check of checks) {
      const outcome = await check()
      if (outcome.kind !== 'pass') return outcome
    }
    return { kind: 'pass' }
  }
}
