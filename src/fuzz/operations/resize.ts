import path from 'node:path'
import { compareReadback, compareRuns } from '../compare.js'
import { fixture, fixtureFailed } from '../fixture.js'
import type { Operation, Plan } from '../operation.js'
import type { Rng } from '../rng.js'
import { parseSize, resolveResize } from '../size.js'

export interface ResizePlan extends Plan {
  target: 'qcow2' | 'raw'
  /** Virtual size the image is created with. */
  startSize: string
  /** The resize argument: `4M`, `+63M` or `-512K`. */
  endSpec: string
}

/** Fingerprint options that are not qemu-img create `-o` options. */
const RESIZE_KEYS = ['preallocation', 'resize', 'size_form']

function optionValue(options: string[], key: string): string | undefined {
  return options.find(o => o.startsWith(`${key}=`))?.slice(key.length + 1)
}

/** The `-o` options the seed image is created with. */
export function seedOptions(plan: ResizePlan): string[] {
  return plan.options.filter(o => !RESIZE_KEYS.includes(o.split('=')[0]))
}

/** The resize argv after the subcommand, the same for both tools. */
export function resizeArgs(plan: ResizePlan, file: string): string[] {
  const prealloc = optionValue(plan.options, 'preallocation')
  return [
    '-f',
    plan.target,
    ...(optionValue(plan.options, 'resize') === 'shrink' ? ['--shrink'] : []),
    ...(prealloc ? ['--preallocation', prealloc] : []),
    file,
    plan.endSpec
  ]
}

/** Sizes for a preallocating resize: small (qemu-img writes every byte of `full`), always growing. */
function preallocatingSizes(rng: Rng): { startSize: string; endSpec: string } {
  const startSize = rng.choice(['1M', '4M'])
  let endSpec = rng.choice(['4M', '8M', '16M'])
  if (parseSize(endSpec) === parseSize(startSize)) endSpec = '16M'
  return { startSize, endSpec }
}

/** Sizes for a plain resize: absolute, `+N` or `-N` (the dash-leading positional). */
function plainSizes(
  rng: Rng,
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

/**
 * The peer's resize picker (reference 5.10), steered around instar's
 * documented resize gaps: qcow2 and raw only (qemu-img cannot resize the
 * others); no qcow2 2 MiB clusters (instar's 32 MiB resize scratch limit);
 * no metadata preallocation on qcow2; no extended_l2 with a preallocation
 * other than off; no compat=0.10. Every refcount_bits width is drawn.
 * The direction and the size form are pinned: they are the case.
 */
export function pickResize(rng: Rng): ResizePlan {
  const target = rng.choice(['qcow2', 'raw'] as const)
  const options: string[] = []
  let prealloc: string | null
  if (target === 'qcow2') {
    const cs = rng.choice([512, 4096, 65536, 262144])
    options.push(`cluster_size=${cs}`)
    const extL2 = rng.random() < 0.3 && cs >= 16384
    if (extL2) options.push('extended_l2=on')
    if (rng.random() < 0.3) options.push('lazy_refcounts=on')
    if (rng.random() < 0.4) options.push(`refcount_bits=${rng.choice([1, 2, 4, 8, 16, 32, 64])}`)
    prealloc = extL2 ? rng.choice([null, 'off']) : rng.choice([null, 'off', 'falloc', 'full'])
  } else {
    prealloc = rng.choice([null, 'off', 'falloc', 'full'])
  }
  let sizes: { startSize: string; endSpec: string; form: string }
  if (prealloc === 'falloc' || prealloc === 'full') {
    sizes = { ...preallocatingSizes(rng), form: 'absolute' }
  } else if (target === 'qcow2') {
    sizes = plainSizes(rng, ['1M', '4M', '16M', '256M'], ['4M', '16M', '64M', '256M', '1G'], '1G', [
      '+1M',
      '+15M',
      '+63M',
      '+256M'
    ])
  } else {
    sizes = plainSizes(rng, ['1M', '4M', '16M', '64M'], ['4M', '16M', '64M', '256M'], '256M', [
      '+1M',
      '+15M',
      '+63M'
    ])
  }
  if (prealloc) options.push(`preallocation=${prealloc}`)
  const startBytes = parseSize(sizes.startSize)
  const shrink = resolveResize(startBytes, sizes.endSpec) < startBytes
  const pinned = [`resize=${shrink ? 'shrink' : 'grow'}`, `size_form=${sizes.form}`]
  options.push(...pinned)
  return { target, options, pinned, startSize: sizes.startSize, endSpec: sizes.endSpec }
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
  pick: rng => pickResize(rng),
  withOptions: (plan, options) => ({ ...plan, options }),
  async run(plan, { dir, tools }) {
    const instarPath = path.join(dir, `resize-instar.${plan.target}`)
    const qemuPath = path.join(dir, `resize-qemu.${plan.target}`)
    const create = seedOptions(plan).flatMap(o => ['-o', o])
    try {
      for (const file of [instarPath, qemuPath]) {
        await fixture(
          'create seed image',
          tools.qemuImg(['create', '-q', '-f', plan.target, ...create, file, plan.startSize])
        )
      }
    } catch (error) {
      return fixtureFailed(error)
    }
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
