import path from 'node:path'
import { compareRuns } from '../exits.js'
import { compareReadback } from '../oracles.js'
import { createImage } from '../fixture.js'
import type { Operation, Plan } from '../operation.js'
import { optionsOf } from '../../findings/knobs.js'
import type { Draw } from '../draw.js'
import { drawQcow2Knobs, qcow2KnobSchema, validQcow2, type Qcow2Knobs } from '../qcow2-options.js'
import { parseSize, resolveResize } from '../size.js'

export const RESIZE_TARGETS = ['qcow2', 'raw'] as const
/** Not 2 MiB: instar's resize works in a 32 MiB scratch area that such clusters overflow. */
const RESIZE_CLUSTER_SIZES = [512, 4096, 65536, 262144] as const
/** Never `metadata`: instar cannot preallocate metadata on a qcow2 resize. */
const PREALLOCATIONS = [null, 'off', 'falloc', 'full'] as const

/**
 * What a resize is: the seed image's qcow2 options (none for raw), the
 * `--preallocation` mode, the direction (a shrink passes `--shrink`) and
 * whether the new size is absolute (`4M`) or relative (`+63M`, `-512K`).
 */
export type ResizeKnobs = Partial<Qcow2Knobs> & {
  preallocation: (typeof PREALLOCATIONS)[number]
  resize: 'grow' | 'shrink'
  size_form: 'absolute' | 'relative'
}

export interface ResizePlan extends Plan {
  target: (typeof RESIZE_TARGETS)[number]
  knobs: ResizeKnobs
  /** Virtual size the image is created with. */
  startSize: string
  /** The resize argument: `4M`, `+63M` or `-512K`. */
  endSpec: string
}

const RESIZE_KNOBS = {
  ...qcow2KnobSchema(RESIZE_CLUSTER_SIZES),
  preallocation: { values: PREALLOCATIONS, default: null },
  resize: { values: ['grow', 'shrink'], default: 'grow' },
  size_form: { values: ['absolute', 'relative'], default: 'absolute' }
} as const

/** The `-o` options the seed image is created with (a qcow2's knobs; none for raw). */
export function seedOptions(plan: ResizePlan): string[] {
  return optionsOf(plan.knobs, ['cluster_size', 'extended_l2', 'lazy_refcounts', 'refcount_bits'])
}

/** The resize argv after the subcommand, the same for both tools. */
export function resizeArgs(plan: ResizePlan, file: string): string[] {
  const { preallocation, resize: direction } = plan.knobs
  return [
    '-f',
    plan.target,
    ...(direction === 'shrink' ? ['--shrink'] : []),
    ...(preallocation ? ['--preallocation', preallocation] : []),
    file,
    plan.endSpec
  ]
}

/** Sizes for a preallocating resize: small (qemu-img writes every byte of `full`), always growing. */
function preallocatingSizes(rng: Draw): { startSize: string; endSpec: string } {
  const startSize = rng.choice(['1M', '4M'])
  let endSpec = rng.choice(['4M', '8M', '16M'])
  if (parseSize(endSpec) === parseSize(startSize)) endSpec = '16M'
  return { startSize, endSpec }
}

/** Sizes for a plain resize: absolute, `+N` or `-N` (the dash-leading positional). */
function plainSizes(
  rng: Draw,
  starts: string[],
  absEnds: string[],
  fallback: string,
  adds: string[]
): { startSize: string; endSpec: string; form: string } {
  const startSize = rng.choice(starts)
  const form = rng.choice(['abs', 'add', 'sub'])
  if (form === 'abs') {
    let endSpec = rng.choice(absEnds)
    if (parseSize(endSpec) === parseSize(startSize)) endSpec = fallback
    return { startSize, endSpec, form: 'absolute' }
  }
  let endSpec: string
  if (form === 'add') endSpec = rng.choice(adds)
  else if (parseSize(startSize) > 1 << 20) endSpec = rng.choice(['-512K', '-1M'])
  else endSpec = '+63M'
  return { startSize, endSpec, form: 'relative' }
}

/** Whether a preallocation writes data (qemu-img writes every byte of `full`): such resizes stay small. */
function preallocates(p: ResizeKnobs['preallocation']): boolean {
  return p === 'falloc' || p === 'full'
}

/** The direction and form a (start, end) pair has. */
function shapeOf(startSize: string, endSpec: string): Pick<ResizeKnobs, 'resize' | 'size_form'> {
  const start = parseSize(startSize)
  return {
    resize: resolveResize(start, endSpec) < start ? 'shrink' : 'grow',
    size_form: /^[+-]/.test(endSpec) ? 'relative' : 'absolute'
  }
}

/** A new size of the given shape for a start size, where minimisation changed the shape. */
function endFor(startSize: string, shape: Pick<ResizeKnobs, 'resize' | 'size_form'>): string {
  const start = parseSize(startSize)
  if (shape.size_form === 'relative') return shape.resize === 'grow' ? '+1M' : '-512K'
  if (shape.resize === 'grow') return `${Math.ceil((2 * start) / (1 << 20))}M`
  return `${Math.max(1, Math.floor(start / 2 / 1024))}K`
}

/**
 * The plan with other knobs: the sizes are kept when the direction and
 * form are unchanged, else a fixed size of the new shape stands in.
 * Null for combinations the picker avoids (see pickResize) or a shape the
 * start size cannot have (shrinking a preallocating case).
 */
function withResizeKnobs(plan: ResizePlan, knobs: ResizeKnobs): ResizePlan | null {
  if (plan.target === 'qcow2') {
    if (!validQcow2(knobs as Qcow2Knobs)) return null
    if (knobs.extended_l2 && !['off', null].includes(knobs.preallocation)) return null
  }
  const drawn = shapeOf(plan.startSize, plan.endSpec)
  const same = drawn.resize === knobs.resize && drawn.size_form === knobs.size_form
  if (preallocates(knobs.preallocation)) {
    if (knobs.resize !== 'grow' || knobs.size_form !== 'absolute') return null
    if (parseSize(plan.startSize) > 4 << 20) return null
  }
  const endSpec = same ? plan.endSpec : endFor(plan.startSize, knobs)
  if (parseSize(plan.startSize) === resolveResize(parseSize(plan.startSize), endSpec)) return null
  return { ...plan, knobs, endSpec }
}

/**
 * The peer's resize picker (reference 5.10), steered around instar's
 * documented resize gaps: qcow2 and raw only (qemu-img cannot resize the
 * others); no qcow2 2 MiB clusters (instar's 32 MiB resize scratch limit);
 * no metadata preallocation on qcow2; no extended_l2 with a preallocation
 * other than off; no compat=0.10. Every refcount_bits width is drawn.
 */
export function pickResize(draw: Draw): ResizePlan {
  const target = draw.knob('target', RESIZE_TARGETS)
  const qcow2 = target === 'qcow2' ? drawQcow2Knobs(draw, RESIZE_CLUSTER_SIZES) : undefined
  const preallocation = qcow2?.extended_l2
    ? draw.knob('preallocation', [null, 'off'] as const)
    : draw.knob('preallocation', PREALLOCATIONS)
  let sizes: { startSize: string; endSpec: string }
  if (preallocates(preallocation)) {
    sizes = preallocatingSizes(draw)
  } else if (target === 'qcow2') {
    sizes = plainSizes(
      draw,
      ['1M', '4M', '16M', '256M'],
      ['4M', '16M', '64M', '256M', '1G'],
      '1G',
      ['+1M', '+15M', '+63M', '+256M']
    )
  } else {
    sizes = plainSizes(draw, ['1M', '4M', '16M', '64M'], ['4M', '16M', '64M', '256M'], '256M', [
      '+1M',
      '+15M',
      '+63M'
    ])
  }
  const knobs = { ...(qcow2 ?? {}), preallocation, ...shapeOf(sizes.startSize, sizes.endSpec) }
  return { target, knobs, ...sizes }
}

/**
 * `resize` of a fresh image against `qemu-img resize`, compared through
 * qemu-img info. Both seeds are made by qemu-img (the peer made instar's
 * with instar create, so a create bug surfaced as a resize finding; create
 * has its own operation).
 */
export const resize: Operation<ResizePlan> = {
  name: 'resize',
  readsSource: false,
  knobs: RESIZE_KNOBS,
  pick: draw => pickResize(draw),
  withKnobs: withResizeKnobs,
  async run(plan, { dir, tools }) {
    const instarPath = path.join(dir, `resize-instar.${plan.target}`)
    const qemuPath = path.join(dir, `resize-qemu.${plan.target}`)
    for (const file of [instarPath, qemuPath])
      await createImage(tools, 'create seed image', {
        format: plan.target,
        file,
        size: plan.startSize,
        options: seedOptions(plan)
      })
    const details = { startSize: plan.startSize, endSpec: plan.endSpec }
    const i = await tools.instar(['resize', ...resizeArgs(plan, instarPath)])
    const q = await tools.qemuImg(['resize', ...resizeArgs(plan, qemuPath)])
    const exits = compareRuns(i, q, 'the resize', details)
    if (exits) return exits
    return compareReadback(
      tools,
      'resize',
      plan.target,
      { path: instarPath, call: i },
      { path: qemuPath, call: q },
      details
    )
  }
}
