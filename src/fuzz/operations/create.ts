import path from 'node:path'
import { compareRuns } from '../exits.js'
import { compareReadback } from '../oracles.js'
import { optionsOf } from '../../findings/knobs.js'
import type { Draw } from '../draw.js'
import type { Operation, Plan } from '../operation.js'
import { drawQcow2Knobs, qcow2KnobSchema, validQcow2, type Qcow2Knobs } from '../qcow2-options.js'
import { QCOW2_CLUSTER_SIZES } from '../source.js'

export const CREATE_TARGETS = ['qcow2', 'vmdk', 'vhdx', 'raw'] as const
const PREALLOCATIONS = [null, 'metadata', 'falloc', 'full'] as const

/**
 * The `-o` options of a create, one knob each: a qcow2's (see
 * qcow2-options.ts, plus preallocation), a vmdk's subformat, a vhdx's block
 * size. A knob's option is exactly what both tools are given.
 */
export type CreateKnobs = Partial<Qcow2Knobs> & {
  preallocation?: (typeof PREALLOCATIONS)[number]
  subformat?: 'monolithicSparse' | 'streamOptimized'
  block_size?: '16M' | '32M'
  /** `-o unknown_option=on`: a key no format has, which both tools must refuse. */
  unknown_option?: boolean
}

export interface CreatePlan extends Plan {
  target: (typeof CREATE_TARGETS)[number]
  knobs: CreateKnobs
  size: string
}

const CREATE_KNOBS = {
  ...qcow2KnobSchema(QCOW2_CLUSTER_SIZES),
  preallocation: { values: PREALLOCATIONS, default: null },
  subformat: { values: ['monolithicSparse', 'streamOptimized'], default: 'monolithicSparse' },
  // Always given: instar's default block size (8 MiB) differs from qemu-img's on purpose.
  block_size: { values: ['16M', '32M'], default: '32M' },
  unknown_option: { values: [false, true], default: false }
} as const

/**
 * One create in 20 also passes a key no format has. qemu-img refuses it,
 * so instar must too: an option accepted and silently ignored is how
 * compression_type=zstd once went unnoticed, and asymmetric acceptance is
 * a finding (seed 000). When both refuse, the case is a skip.
 */
function withUnknownOption(draw: Draw, plan: CreatePlan): CreatePlan {
  const unknown_option = draw.knob('unknown_option', [false, true], [19, 1])
  return { ...plan, knobs: { ...plan.knobs, unknown_option } }
}

/** metadata preallocation at 512-byte clusters is slow in qemu-img: preallocating cases are 1M. */
const PREALLOCATED_SIZE = '1M'

/**
 * Draws (target, size, options) biased away from instar's documented
 * writer divergences: no vpc target (CHS rounding), no qcow2 compat=0.10
 * (hard-coded 1.1), no compression_type=zstd (accepted and ignored), no
 * preallocation with extended L2, and an explicit vhdx block_size
 * (instar's default differs). Every refcount_bits width is drawn: missing
 * that dimension once let a corruption bug hide. Now and then an unknown
 * key too (withUnknownOption).
 */
export function pickCreate(draw: Draw): CreatePlan {
  return withUnknownOption(draw, pickValidCreate(draw))
}

function pickValidCreate(draw: Draw): CreatePlan {
  const target = draw.knob('target', CREATE_TARGETS)
  if (target === 'qcow2') {
    const qcow2 = drawQcow2Knobs(draw, QCOW2_CLUSTER_SIZES)
    const preallocation = qcow2.extended_l2 ? null : draw.knob('preallocation', PREALLOCATIONS)
    const size = preallocation ? PREALLOCATED_SIZE : draw.choice(['1M', '16M', '64M'])
    return { target, knobs: { ...qcow2, preallocation }, size }
  }
  if (target === 'vmdk') {
    const subformat = draw.knob('subformat', CREATE_KNOBS.subformat.values)
    return { target, knobs: { subformat }, size: draw.choice(['1M', '16M', '64M', '256M']) }
  }
  if (target === 'vhdx') {
    const block_size = draw.knob('block_size', CREATE_KNOBS.block_size.values)
    return { target, knobs: { block_size }, size: draw.choice(['64M', '256M', '1G']) }
  }
  return { target, knobs: {}, size: draw.choice(['1M', '16M', '64M', '256M']) }
}

/** The plan with other knobs; null for a qcow2 combination the picker never draws. */
function withCreateKnobs(plan: CreatePlan, knobs: CreateKnobs): CreatePlan | null {
  if (plan.target === 'qcow2') {
    if (!validQcow2(knobs as Qcow2Knobs) || (knobs.extended_l2 && knobs.preallocation)) return null
    return { ...plan, knobs, size: knobs.preallocation ? PREALLOCATED_SIZE : plan.size }
  }
  return { ...plan, knobs }
}

/** The create argv (after the program), the same for both tools: every knob is an `-o`. */
export function createArgs(plan: CreatePlan, file: string): string[] {
  return [
    'create',
    '-f',
    plan.target,
    ...optionsOf(plan.knobs).flatMap(o => ['-o', o]),
    file,
    plan.size
  ]
}

/** `instar create` against `qemu-img create`, compared through qemu-img info. */
export const create: Operation<CreatePlan> = {
  name: 'create',
  readsSource: false,
  knobs: CREATE_KNOBS,
  pick: draw => pickCreate(draw),
  withKnobs: withCreateKnobs,
  async run(plan, { dir, tools }) {
    const instarPath = path.join(dir, `create-instar.${plan.target}`)
    const qemuPath = path.join(dir, `create-qemu.${plan.target}`)
    const details = { size: plan.size }
    const i = await tools.instar(createArgs(plan, instarPath))
    const q = await tools.qemuImg(createArgs(plan, qemuPath))
    const exits = compareRuns(i, q, 'the options', details)
    if (exits) return exits
    return compareReadback(
      tools,
      'create',
      plan.target,
      { path: instarPath, call: i },
      { path: qemuPath, call: q },
      details
    )
  }
}
