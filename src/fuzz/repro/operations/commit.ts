import { createImageArgs, qemuIoWriteArgs } from '../../fixture.js'
import { commitArgs, SEED_WRITE, type CommitPlan } from '../../operations/commit.js'
import { chainOptions } from '../../qcow2-options.js'
import {
  contentStage,
  fixture,
  inFolder,
  QEMU_IMG,
  QEMU_IO,
  readbackStage,
  runsStage,
  INSTAR_DIR,
  QEMU_DIR,
  type ReproPiece
} from '../piece.js'
import { line } from '../words.js'

/** commit's buildChains: base ← overlay (a relative backing, made in its folder), copied. */
function chainLines(plan: CommitPlan): string[] {
  const options = chainOptions(plan.knobs)
  const base = `${QEMU_DIR}/base.qcow2`
  const overlay = `${QEMU_DIR}/overlay.qcow2`
  const size = plan.overlaySize
  return [
    line('mkdir', QEMU_DIR, INSTAR_DIR),
    fixture(
      'create base',
      'create.base',
      QEMU_IMG,
      createImageArgs({ format: 'qcow2', file: base, size, options })
    ),
    inFolder(QEMU_DIR),
    fixture(
      'create overlay',
      'create.overlay',
      QEMU_IMG,
      createImageArgs({
        format: 'qcow2',
        file: overlay,
        size,
        options: [...options, 'backing_file=base.qcow2,backing_fmt=qcow2']
      })
    ),
    inFolder(''),
    ...(plan.knobs.data === 'seed-64k'
      ? [fixture('seed overlay', 'seed', QEMU_IO, qemuIoWriteArgs('qcow2', [SEED_WRITE], overlay))]
      : []),
    line('cp', base, `${INSTAR_DIR}/base.qcow2`),
    line('cp', overlay, `${INSTAR_DIR}/overlay.qcow2`)
  ]
}

/**
 * `commit` in each chain's folder, then both layers: the overlay's and the
 * backing's info, the backing's guest data, the overlay's allocation.
 */
export const commit: ReproPiece<CommitPlan> = {
  fixtures: plan => ({ lines: chainLines(plan) }),
  stages: plan => {
    const sides = (file: string): [string, string] => [
      `${INSTAR_DIR}/${file}`,
      `${QEMU_DIR}/${file}`
    ]
    const folders: [string, string] = [INSTAR_DIR, QEMU_DIR]
    return [
      runsStage(
        ['commit', ...commitArgs(plan, INSTAR_DIR)],
        ['commit', ...commitArgs(plan, QEMU_DIR)],
        'the commit',
        folders
      ),
      readbackStage('commit_overlay', 'qcow2', ...sides('overlay.qcow2'), folders),
      readbackStage('commit_backing', 'qcow2', ...sides('base.qcow2'), folders),
      contentStage('commit_backing', 'qcow2', ...sides('base.qcow2')),
      {
        reports: ['commit_overlay_map_readback_failure', 'commit_overlay_allocation_divergence'],
        lines: [line('allocation', 'commit_overlay', 'qcow2', ...sides('overlay.qcow2'))],
        python: ['allocation']
      }
    ]
  }
}
