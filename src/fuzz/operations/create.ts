import path from 'node:path'
import { compareReadback, compareRuns } from '../compare.js'
import { QCOW2_CLUSTER_SIZES } from '../image.js'
import type { Operation, Plan } from '../operation.js'

export interface CreatePlan extends Plan {
  size: string
}

/**
 * Draws (target, size, options) biased away from instar's documented
 * writer divergences: no vpc target (CHS rounding), no qcow2 compat=0.10
 * (hard-coded 1.1), no compression_type=zstd (accepted and ignored), and an
 * explicit vhdx block_size (instar's default differs). Every refcount_bits
 * width is drawn: missing that dimension once let a corruption bug hide.
 */
export function pickCreate(rng: import('../rng.js').Rng): CreatePlan {
  const target = rng.choice(['qcow2', 'vmdk', 'vhdx', 'raw'] as const)
  if (target === 'qcow2') {
    const options: string[] = []
    const cs = rng.choice(QCOW2_CLUSTER_SIZES)
    options.push(`cluster_size=${cs}`)
    const extL2 = rng.random() < 0.3 && cs >= 16384
    if (extL2) options.push('extended_l2=on')
    if (rng.random() < 0.3) options.push('lazy_refcounts=on')
    if (rng.random() < 0.4) options.push(`refcount_bits=${rng.choice([1, 2, 4, 8, 16, 32, 64])}`)
    const prealloc = extL2 ? null : rng.choice([null, 'metadata', 'falloc', 'full'])
    if (prealloc) {
      options.push(`preallocation=${prealloc}`)
      // metadata preallocation at 512-byte clusters is slow in qemu-img.
      return { target, options, size: '1M' }
    }
    return { target, options, size: rng.choice(['1M', '16M', '64M']) }
  }
  if (target === 'vmdk') {
    const subformat = rng.choice(['monolithicSparse', 'streamOptimized'])
    return {
      target,
      options: [`subformat=${subformat}`],
      size: rng.choice(['1M', '16M', '64M', '256M'])
    }
  }
  if (target === 'vhdx') {
    const bs = rng.choice(['16M', '32M'])
    return {
      target,
      options: [`block_size=${bs}`],
      size: rng.choice(['64M', '256M', '1G']),
      pinned: [`block_size=${bs}`]
    }
  }
  return { target, options: [], size: rng.choice(['1M', '16M', '64M', '256M']) }
}

/** `instar create` against `qemu-img create`, compared through qemu-img info. */
export const create: Operation<CreatePlan> = {
  name: 'create',
  readsSource: false,
  pick: rng => pickCreate(rng),
  withOptions: (plan, options) => ({ ...plan, options }),
  async run(plan, { dir, tools }) {
    const instarPath = path.join(dir, `create-instar.${plan.target}`)
    const qemuPath = path.join(dir, `create-qemu.${plan.target}`)
    const args = (file: string): string[] => [
      'create',
      '-f',
      plan.target,
      ...plan.options.flatMap(o => ['-o', o]),
      file,
      plan.size
    ]
    const details = { size: plan.size }
    const i = await tools.instar(args(instarPath))
    const q = await tools.qemuImg(args(qemuPath))
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
