import { createImageArgs, qemuIoWriteArgs } from '../../fixture.js'
import {
  describeElement,
  snapshotArgs,
  snapshotImageOptions,
  type SnapshotElement,
  type SnapshotPlan
} from '../../operations/snapshot.js'
import {
  call,
  EXIT_TYPES,
  fixture,
  INSTAR,
  QEMU_IMG,
  QEMU_IO,
  STEP,
  type ReproPiece,
  type Stage
} from '../piece.js'
import { line, ref } from '../words.js'

const BACKING = `${STEP}/snap-backing.qcow2`
const QEMU = ref('Q')
const INSTAR_IMAGE = ref('I')

/** buildImages: qemu-img's image (with its backing and seed data), copied for instar. */
function imageLines(plan: SnapshotPlan): string[] {
  const k = plan.knobs
  return [
    'qemu_at_least 4 0 || passed "qemu-img $(qemu_version) predates 4.0 snapshot semantics."',
    `Q=${line(`${STEP}/snap-qemu.qcow2`)}`,
    `I=${line(`${STEP}/snap-instar.qcow2`)}`,
    // qemu-img's side runs without discard, as instar never discards the clusters a snapshot frees.
    'QOPTS="driver=qcow2,file.filename=$(printf \'%s\' "$Q" | sed \'s/,/,,/g\'),file.discard=ignore"',
    ...(k.backing
      ? [
          fixture(
            'create backing',
            'create.backing',
            QEMU_IMG,
            createImageArgs({ format: 'qcow2', file: BACKING, size: plan.size })
          )
        ]
      : []),
    fixture(
      'create image',
      'create.image',
      QEMU_IMG,
      createImageArgs({
        format: 'qcow2',
        file: QEMU,
        size: plan.size,
        options: snapshotImageOptions(k),
        backing: k.backing ? BACKING : undefined
      })
    ),
    ...(plan.seedWrites.length > 0
      ? [fixture('seed writes', 'seed', QEMU_IO, qemuIoWriteArgs('qcow2', plan.seedWrites, QEMU))]
      : []),
    'cp "$Q" "$I"'
  ]
}

/** One element: a guest write by qemu-io on both, or `snapshot -c/-d/-a` by both tools. */
function elementLines(e: SnapshotElement, index: number): string[] {
  const n = `e${index}`
  const words = describeElement(e)
  if (e.kind === 'write') {
    return [
      fixture('chain write', `${n}-q`, QEMU_IO, qemuIoWriteArgs('qcow2', [e], QEMU)),
      call(`${n}-i`, QEMU_IO, qemuIoWriteArgs('qcow2', [e], INSTAR_IMAGE)),
      `ok ${n}-i || { show ${n}-i; diverged snapshot_write_failed "qemu-io cannot write to the image instar left after element ${index} ($(ended ${n}-i)), though it writes qemu-img's."; }`
    ]
  }
  const tables =
    e.kind === 'apply'
      ? []
      : [
          `if ok ${n}-i; then`,
          `  ${line('judge', 'snapshot-table', 'qemu', QEMU, words)}`,
          `  ${line('judge', 'snapshot-table', 'instar', INSTAR_IMAGE, words)}`,
          'fi'
        ]
  return [
    call(`${n}-i`, INSTAR, snapshotArgs(e, INSTAR_IMAGE)),
    call(`${n}-q`, QEMU_IMG, snapshotArgs(e, '--image-opts', ref('QOPTS'))),
    `show ${n}-i`,
    `show ${n}-q`,
    `compare_exits ${n}-i ${n}-q`,
    ...tables
  ]
}

/** The chain: after every element both files must be byte-identical (tables normalised). */
function chainStage(plan: SnapshotPlan): Stage {
  return {
    reports: [
      ...EXIT_TYPES,
      'snapshot_write_failed',
      'snapshot_normalize_failed',
      'snapshot_byte_divergence'
    ],
    lines: plan.chain.flatMap((e, index) => [
      `# element ${index}: ${describeElement(e).replace(/[\r\n]/g, ' ')}`,
      ...elementLines(e, index),
      line('judge', 'same-bytes', INSTAR_IMAGE, QEMU, String(index), describeElement(e))
    ]),
    python: ['snapshot-table', 'same-bytes']
  }
}

/** With qemu-img 9.0 or newer, both tools' `snapshot -l` of instar's image must print the same. */
const LISTING: Stage = {
  reports: [...EXIT_TYPES, 'snapshot_list_divergence'],
  lines: [
    'if qemu_at_least 9 0; then',
    '  call list-i "$INSTAR" snapshot -l "$I"',
    '  call list-q "$QEMU_IMG" snapshot -l "$I"',
    '  show list-i',
    '  show list-q',
    '  compare_exits list-i list-q',
    '  cmp -s "$W/list-i.out" "$W/list-q.out" || diverged snapshot_list_divergence "instar snapshot -l prints a different listing from qemu-img snapshot -l."',
    'fi'
  ]
}

/** qcow2 internal snapshot chains on copies of one image, as op snapshot runs them. */
export const snapshot: ReproPiece<SnapshotPlan> = {
  fixtures: plan => ({ lines: imageLines(plan) }),
  stages: plan => [chainStage(plan), LISTING]
}
