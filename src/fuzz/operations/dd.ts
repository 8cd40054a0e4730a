import path from 'node:path'
import { compareContent, compareRuns } from '../compare.js'
import { sourceVirtualSize, type SourceSpec } from '../image.js'
import type { Operation, Plan } from '../operation.js'
import type { Rng } from '../rng.js'

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

export interface DdPlan extends Plan {
  bs: number
  /** null: no count= operand (copy to the end of the input). */
  count: number | null
  /** Input blocks skipped (0: no skip= operand). */
  skip: number
  /** The source's virtual size, for the window arithmetic. */
  virtualSize: number
}

/** Blocks one dd of this block size may copy under both caps. */
export function maxBlocks(bs: number): number {
  return Math.max(1, Math.min(DD_MAX_BLOCKS, Math.floor(DD_MAX_BYTES / bs)))
}

/**
 * Bytes qemu-img dd writes: `count` ends the input at count*bs (an
 * absolute end, not a length after skip), and `skip` starts it at skip*bs.
 */
export function ddOutputBytes(plan: Pick<DdPlan, 'bs' | 'count' | 'skip' | 'virtualSize'>): number {
  const end =
    plan.count === null ? plan.virtualSize : Math.min(plan.count * plan.bs, plan.virtualSize)
  return Math.max(0, end - plan.skip * plan.bs)
}

/**
 * Without count=, dd copies to the end of the input, so a small block size
 * on a large image is bounded by moving the window to the image's tail
 * (raising skip): the case stays "copy to the end", unaligned tails
 * included, at a bounded cost. With count=, the draw is already bounded.
 */
function boundedSkip(plan: Pick<DdPlan, 'bs' | 'count' | 'skip' | 'virtualSize'>): number {
  if (plan.count !== null) return plan.skip
  const blocks = Math.ceil(plan.virtualSize / plan.bs)
  return Math.max(plan.skip, blocks - maxBlocks(plan.bs))
}

/**
 * The one known divergence: an empty window into vmdk (qemu-img dd exits 1
 * on a zero-capacity disk where instar exits 0) or vhdx (qemu-img cannot
 * read instar's zero-size vhdx). Nothing else is excluded.
 */
export function excluded(target: string, outputBytes: number): boolean {
  return outputBytes === 0 && (target === 'vmdk' || target === 'vhdx')
}

/**
 * The categorical shape of the window. The source format is not among
 * them: dd bugs are windowing bugs (convert fingerprints reader bugs by
 * source), and an option minimisation cannot vary would split one bug
 * into an issue per source format.
 */
function optionsOf(plan: DdPlan, bsKind: string): string[] {
  return [
    bsKind,
    ...(plan.count === 0 ? ['count=zero'] : plan.count !== null ? ['count=set'] : []),
    ...(plan.skip > 0 ? ['skip=set'] : [])
  ]
}

/**
 * The peer's draw (target, then an aligned, unaligned or 8 MiB block size,
 * skip, count), with the window bounded in blocks and bytes so no case
 * can burn the timeout.
 */
export function pickDd(rng: Rng, source: SourceSpec): DdPlan | null {
  const target = rng.choice(DD_TARGETS)
  const virtualSize = sourceVirtualSize(source)
  const roll = rng.random()
  const [bs, bsKind] =
    roll < 0.45
      ? [rng.choice(DD_BS_ALIGNED), 'bs=aligned']
      : roll < 0.9
        ? [rng.choice(DD_BS_UNALIGNED), 'bs=unaligned']
        : [DD_BS_LARGE, 'bs=large']
  const imageBlocks = Math.ceil(virtualSize / bs)
  const most = maxBlocks(bs)
  let skip = rng.int(0, Math.min(Math.max(imageBlocks * 2, 1), most * 2))
  const countRoll = rng.random()
  const count =
    countRoll < 0.55
      ? null
      : countRoll < 0.62
        ? 0
        : rng.int(1, Math.min(Math.max(Math.floor(imageBlocks * 1.5), 1), most))
  skip = boundedSkip({ bs, count, skip, virtualSize })
  const plan: DdPlan = { target, options: [], bs, count, skip, virtualSize }
  if (excluded(target, ddOutputBytes(plan))) return null
  plan.options = optionsOf(plan, bsKind)
  return plan
}

/**
 * `dd -O <target> if= of= bs= [count=] [skip=]` of the iteration's image,
 * guest data compared with compareContent (an output qemu-img cannot open
 * is a finding, where the peer's flatten silently passed).
 */
export const dd: Operation<DdPlan> = {
  name: 'dd',
  readsSource: true,
  pick: pickDd,
  withOptions(plan, options) {
    // Without its block size kind the case falls back to qemu-img dd's default, 512.
    const next: DdPlan = {
      ...plan,
      bs: options.some(o => o.startsWith('bs=')) ? plan.bs : DD_DEFAULT_BS,
      count: options.some(o => o.startsWith('count=')) ? plan.count : null,
      skip: options.includes('skip=set') ? plan.skip : 0
    }
    next.skip = boundedSkip(next)
    // Bounding needs a skip the subset dropped: not a valid smaller case.
    if (next.skip > 0 && !options.includes('skip=set')) return null
    if (excluded(next.target, ddOutputBytes(next))) return null
    return { ...next, options }
  },
  async run(plan, { dir, source, tools }) {
    const operands = (input: string, output: string): string[] => [
      '-O',
      plan.target,
      `if=${input}`,
      `of=${output}`,
      `bs=${plan.bs}`,
      ...(plan.count !== null ? [`count=${plan.count}`] : []),
      ...(plan.skip > 0 ? [`skip=${plan.skip}`] : [])
    ]
    const instarOut = path.join(dir, `instar-dd.${plan.target}`)
    const qemuOut = path.join(dir, `qemu-dd.${plan.target}`)
    const i = await tools.instar(['dd', ...operands(source!.instarPath, instarOut)])
    const q = await tools.qemuImg(['dd', ...operands(source!.qemuPath, qemuOut)])
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
