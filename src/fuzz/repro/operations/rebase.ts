import { createImageArgs, qemuIoWriteArgs, type DataWrite } from '../../fixture.js'
import { rebaseArgs, type RebasePlan } from '../../operations/rebase.js'
import { chainOptions } from '../../qcow2-options.js'
import {
  contentStage,
  fixture,
  QEMU_IMG,
  QEMU_IO,
  readbackStage,
  runsStage,
  INSTAR_DIR,
  QEMU_DIR,
  type ReproPiece
} from '../piece.js'
import { line } from '../words.js'

/**
 * The chains of rebase's buildChains: base (and next) made once in
 * qemu-img's folder and copied, each side's overlay made in its own
 * folder (it records its backing's absolute path), every layer with data.
 */
function chainLines(plan: RebasePlan): string[] {
  const { backing } = plan.knobs
  const options = chainOptions(plan.knobs)
  const create = (file: string, size: string, backingFile?: string): string =>
    fixture(
      `create ${file.split('/').pop()}`,
      `create.${file.split('/').slice(-2).join('.')}`,
      QEMU_IMG,
      createImageArgs({ format: 'qcow2', file, size, options, backing: backingFile })
    )
  const write = (file: string, w: DataWrite): string =>
    fixture(
      'write fixture data',
      `write.${file.split('/').slice(-2).join('.')}`,
      QEMU_IO,
      qemuIoWriteArgs('qcow2', [w], file)
    )
  const baseSize = backing === 'same' ? plan.newBackingSize : plan.overlaySize
  const leaves = backing === 'next' ? ['base.qcow2', 'next.qcow2'] : ['base.qcow2']
  const lines = [
    line('mkdir', QEMU_DIR, INSTAR_DIR),
    create(`${QEMU_DIR}/base.qcow2`, baseSize),
    write(`${QEMU_DIR}/base.qcow2`, plan.writes.base)
  ]
  if (backing === 'next')
    lines.push(
      create(`${QEMU_DIR}/next.qcow2`, plan.newBackingSize),
      write(`${QEMU_DIR}/next.qcow2`, plan.writes.next)
    )
  lines.push(...leaves.map(leaf => line('cp', `${QEMU_DIR}/${leaf}`, `${INSTAR_DIR}/${leaf}`)))
  for (const d of [QEMU_DIR, INSTAR_DIR])
    lines.push(
      create(`${d}/overlay.qcow2`, plan.overlaySize, `${d}/base.qcow2`),
      write(`${d}/overlay.qcow2`, plan.writes.overlay)
    )
  return lines
}

/** `rebase` of both chains: the overlays' info (folders as $DIR), then their guest data. */
export const rebase: ReproPiece<RebasePlan> = {
  fixtures: plan => ({ lines: chainLines(plan) }),
  stages: plan => {
    const instarOverlay = `${INSTAR_DIR}/overlay.qcow2`
    const qemuOverlay = `${QEMU_DIR}/overlay.qcow2`
    return [
      runsStage(
        ['rebase', ...rebaseArgs(plan, INSTAR_DIR)],
        ['rebase', ...rebaseArgs(plan, QEMU_DIR)],
        'the rebase'
      ),
      readbackStage('rebase', 'qcow2', instarOverlay, qemuOverlay, [INSTAR_DIR, QEMU_DIR]),
      contentStage('rebase', 'qcow2', instarOverlay, qemuOverlay)
    ]
  }
}
