import path from 'node:path'
import { compareRuns } from '../exits.js'
import { compareContent } from '../oracles.js'
import { sourceVirtualSize, type SourceSpec } from '../source.js'
import type { Operation, Plan } from '../operation.js'
import type { Draw } from '../draw.js'

export const DD_TARGETS = ['raw', 'qcow2', 'vmdk', 'vpc', 'vhdx'] as const
export const DD_BS_ALIGNED = [512, 4096, 65536, 1048576] as const
export const DD_BS_UNALIGNED = [1, 777, 999, 1000, 4095, 65537, 1048577] as const
export const DD_BS_LARGE = 8 * 1024 * 1024
/** qemu-img dd's block size when bs= is not given. */
const DD_DEFAULT_BS = 512

/** Most bytes one dd call copies (the peer's max_out, which it applied only with count=). */
export const DD_MAX_BYTES = 64 * 1024 * 1024
/**
 * Most blocks one dd call copies. qemu-img dd reads and writes once per
 * block (about 20 µs a block here): 16384 blocks keep a call well under a
 * second, where the peer's unbounded bs=1 on 1 GiB ran past its timeout.
 */
export const DD_MAX_BLOCKS = 16384

/**
 * The window's shape: which kind of block size (none: qemu-img dd's 512),
 * whether count= is given (zero or not) and whether skip= is. The numbers
 * themselves are details: a dd bug is a windowing bug of a shape.
 */
export type DdKnobs = {
  bs: 'aligned' | 'unaligned' | 'large' | null
  count: 'zero' | 'set' | null
  skip: 'set' | null
}

export interface DdPlan extends Plan {
  knobs: DdKnobs
  /** null: no bs= operand (qemu-img dd's default, 512). */
  bs: number | null
  /** null: no count= operand (copy to the end of the input). */
  count: number | null
  /** Input blocks skipped (0: no skip= operand). */
  skip: number
  /** The source's virtual size, for the window arithmetic. */
  virtualSize: number
}

type Window = Pick<DdPlan, 'bs' | 'count' | 'skip' | 'virtualSize'>

/** The block size that applies: the drawn one, or qemu-img dd's default. */
function blockSize(plan: Pick<DdPlan, 'bs'>): number {
  return plan.bs ?? DD_DEFAULT_BS
}

/** Blocks one dd of this block size may copy under both caps. */
export function maxBlocks(bs: number): number {
  return Math.max(1, Math.min(DD_MAX_BLOCKS, Math.floor(DD_MAX_BYTES / bs)))
}

/**
 * Bytes qemu-img dd writes: `count` ends the input at count*bs (an
 * absolute end, not a length after skip), and `skip` starts it at skip*bs.
 */
export function ddOutputBytes(plan: Window): number {
  const bs = blockSize(plan)
  const end = plan.count === null ? plan.virtualSize : Math.min(plan.count * bs, plan.virtualSize)
  return Math.max(0, end - plan.skip * bs)
}

/**
 * Without count=, dd copies to the end of the input, so a small block size
 * on a large image is bounded by moving the window to the image's tail
 * (raising skip): the case stays "copy to the end", unaligned tails
 * included, at a bounded cost. With count=, the draw is already bounded.
 */
function boundedSkip(plan: Window): number {
  if (plan.count !== null) return plan.skip
  const bs = blockSize(plan)
  const blocks = Math.ceil(plan.virtualSize / bs)
  return Math.max(plan.skip, blocks - maxBlocks(bs))
}

/**
 * The one known divergence: an empty window into vmdk (qemu-img dd exits 1
 * on a zero-capacity disk where instar exits 0) or vhdx (qemu-img cannot
 * read instar's zero-size vhdx). Nothing else is excluded.
 */
export function excluded(target: string, outputBytes: number): boolean {
  return outputBytes === 0 && (target === 'vmdk' || target === 'vhdx')
}

/** What a knob value becomes where minimisation sets one the plan did not draw. */
const FALLBACK = { aligned: 4096, unaligned: 777, large: DD_BS_LARGE, zeroCount: 0, setCount: 16 }

const DD_KNOBS = {
  bs: { values: [null, 'aligned', 'unaligned', 'large'], default: null },
  count: { values: [null, 'zero', 'set'], default: null },
  skip: { values: [null, 'set'], default: null }
} as const

/**
 * The plan with other window knobs: numbers the plan drew are kept where
 * their knob is unchanged, fixed ones stand in where it changed, and the
 * window is bounded again for the (possibly rebuilt) source. Null when
 * the bound needs a skip the knobs do not give, or the window is the one
 * known divergence.
 */
function withWindow(plan: DdPlan, knobs: DdKnobs, source: SourceSpec): DdPlan | null {
  const same = <K extends keyof DdKnobs>(k: K): boolean => knobs[k] === plan.knobs[k]
  const bs = same('bs') ? plan.bs : knobs.bs === null ? null : FALLBACK[knobs.bs]
  const count = same('count')
    ? plan.count
    : knobs.count === null
      ? null
      : knobs.count === 'zero'
        ? FALLBACK.zeroCount
        : FALLBACK.setCount
  const next: DdPlan = {
    ...plan,
    knobs,
    bs,
    count,
    skip: knobs.skip === null ? 0 : same('skip') ? plan.skip : 1,
    virtualSize: sourceVirtualSize(source)
  }
  next.skip = boundedSkip(next)
  if (next.skip > 0 && knobs.skip === null) return null
  if (excluded(next.target, ddOutputBytes(next))) return null
  return next
}

/**
 * The peer's draw (target, then an aligned, unaligned or 8 MiB block size,
 * skip, count), with the window bounded in blocks and bytes so no case
 * can burn the timeout.
 */
export function pickDd(draw: Draw, source: SourceSpec): DdPlan | null {
  const target = draw.knob('target', DD_TARGETS)
  const virtualSize = sourceVirtualSize(source)
  const kind = draw.knob('bs', ['aligned', 'unaligned', 'large'] as const, [45, 45, 10])
  const bs =
    kind === 'aligned'
      ? draw.choice(DD_BS_ALIGNED)
      : kind === 'unaligned'
        ? draw.choice(DD_BS_UNALIGNED)
        : DD_BS_LARGE
  const imageBlocks = Math.ceil(virtualSize / bs)
  const most = maxBlocks(bs)
  let skip = draw.int(0, Math.min(Math.max(imageBlocks * 2, 1), most * 2))
  const countKind = draw.knob('count', [null, 'zero', 'set'] as const, [55, 7, 38])
  const count =
    countKind === null
      ? null
      : countKind === 'zero'
        ? 0
        : draw.int(1, Math.min(Math.max(Math.floor(imageBlocks * 1.5), 1), most))
  skip = boundedSkip({ bs, count, skip, virtualSize })
  const knobs: DdKnobs = { bs: kind, count: countKind, skip: skip > 0 ? 'set' : null }
  const plan: DdPlan = { target, knobs, bs, count, skip, virtualSize }
  return excluded(target, ddOutputBytes(plan)) ? null : plan
}

/** The dd operands, the same for both tools: only the operands the plan sets are given. */
export function ddOperands(plan: DdPlan, input: string, output: string): string[] {
  return [
    '-O',
    plan.target,
    `if=${input}`,
    `of=${output}`,
    ...(plan.bs !== null ? [`bs=${plan.bs}`] : []),
    ...(plan.count !== null ? [`count=${plan.count}`] : []),
    ...(plan.skip > 0 ? [`skip=${plan.skip}`] : [])
  ]
}

/**
 * `dd -O <target> if= of= bs= [count=] [skip=]` of the iteration's image,
 * guest data compared with compareContent (an output qemu-img cannot open
 * is a finding, where the peer's flatten silently passed).
 */
export const dd: Operation<DdPlan> = {
  name: 'dd',
  readsSource: true,
  knobs: DD_KNOBS,
  pick: pickDd,
  withKnobs: (plan, knobs, source) => withWindow(plan, knobs, source!),
  async run(plan, { dir, source, tools }) {
    const instarOut = path.join(dir, `instar-dd.${plan.target}`)
    const qemuOut = path.join(dir, `qemu-dd.${plan.target}`)
    const i = await tools.instar(['dd', ...ddOperands(plan, source!.instarPath, instarOut)])
    const q = await tools.qemuImg(['dd', ...ddOperands(plan, source!.qemuPath, qemuOut)])
    const details = {
      bs: plan.bs,
      count: plan.count,
      skip: plan.skip,
      outputBytes: ddOutputBytes(plan),
      source: source!.spec
    }
    const exits = compareRuns(i, q, 'the dd', details)
    if (exits) return exits
    return compareContent(tools, 'dd', plan.target, instarOut, qemuOut, details, {
      instar: i,
      qemu: q
    })
  }
}
