import path from 'node:path'
import { checkClean, compareReadback, compareRuns } from '../compare.js'
import { fixture, fixtureFailed } from '../fixture.js'
import type { Operation, Plan } from '../operation.js'
import type { Rng } from '../rng.js'

export const AMEND_CASES = ['upgrade', 'downgrade', 'lazy-on', 'lazy-off', 'noop'] as const
export type AmendCase = (typeof AMEND_CASES)[number]

export interface AmendPlan extends Plan {
  target: 'qcow2'
}

/** What each case creates the image with and what it amends (reference 5.11). */
const CASES: Record<AmendCase, { create: string[]; amend: string[] }> = {
  upgrade: { create: ['compat=0.10'], amend: ['compat=1.1'] },
  downgrade: { create: ['compat=1.1'], amend: ['compat=0.10'] },
  'lazy-on': { create: ['compat=1.1'], amend: ['lazy_refcounts=on'] },
  'lazy-off': { create: ['compat=1.1', 'lazy_refcounts=on'], amend: ['lazy_refcounts=off'] },
  noop: { create: ['compat=1.1'], amend: ['compat=1.1'] }
}

function caseOf(plan: AmendPlan): AmendCase {
  return plan.options.find(o => o.startsWith('case='))!.slice('case='.length) as AmendCase
}

/**
 * The `-o` options of the fixture and of the amend, from the plan's
 * options: `case=` picks the pair, `cluster_size` and `refcount_bits` go
 * to the fixture, and an upgrade's `lazy_refcounts=on` goes to the amend.
 */
export function amendOptions(plan: AmendPlan): { create: string[]; amend: string[] } {
  const c = CASES[caseOf(plan)]
  const create = [...c.create]
  const amend = [...c.amend]
  for (const o of plan.options) {
    if (o.startsWith('cluster_size=') || o.startsWith('refcount_bits=')) create.push(o)
    else if (o === 'lazy_refcounts=on') amend.push(o)
  }
  return { create, amend }
}

/**
 * The peer's amend picker (reference 5.11). Never compression_type (instar
 * refuses to downgrade a zstd image where qemu-img accepts). compat=0.10
 * images support only 16-bit refcounts, so a case that starts or ends at
 * compat=0.10 draws refcount_bits=16 at most (the peer drew any width for
 * upgrades and had qemu-img create fail on both sides).
 */
export function pickAmend(rng: Rng): AmendPlan {
  const amendCase = rng.choice(AMEND_CASES)
  const options = [`case=${amendCase}`]
  options.push(`cluster_size=${rng.choice([512, 4096, 65536])}`)
  const v2 = amendCase === 'upgrade' || amendCase === 'downgrade'
  if (rng.random() < 0.4) {
    options.push(`refcount_bits=${v2 ? 16 : rng.choice([1, 2, 4, 8, 16, 32, 64])}`)
  }
  if (amendCase === 'upgrade' && rng.random() < 0.5) options.push('lazy_refcounts=on')
  return { target: 'qcow2', options, pinned: [options[0]] }
}

/**
 * `amend` of a qemu-img-made qcow2 (instar create cannot make v2 images)
 * against `qemu-img amend`: qemu-img info of both results must match, and
 * qemu-img check must find instar's result clean.
 */
export const amend: Operation<AmendPlan> = {
  name: 'amend',
  readsSource: false,
  pick: rng => pickAmend(rng),
  withOptions: (plan, options) => ({ ...plan, options }),
  async run(plan, { dir, tools }) {
    const instarPath = path.join(dir, 'amend-instar.qcow2')
    const qemuPath = path.join(dir, 'amend-qemu.qcow2')
    const opts = amendOptions(plan)
    const create = opts.create.flatMap(o => ['-o', o])
    try {
      for (const file of [instarPath, qemuPath]) {
        await fixture(
          'create image to amend',
          tools.qemuImg(['create', '-q', '-f', 'qcow2', ...create, file, '1M'])
        )
      }
    } catch (error) {
      return fixtureFailed(error)
    }
    const args = (file: string): string[] => [
      'amend',
      '-f',
      'qcow2',
      ...opts.amend.flatMap(o => ['-o', o]),
      file
    ]
    const details = { createOptions: opts.create, amendOptions: opts.amend }
    const i = await tools.instar(args(instarPath))
    const q = await tools.qemuImg(args(qemuPath))
    const exits = compareRuns(i, q, 'the amendment', details)
    if (exits) return exits
    const readback = await compareReadback(
      tools,
      'amend',
      'qcow2',
      { path: instarPath, call: i },
      { path: qemuPath, call: q },
      details
    )
    if (readback.kind !== 'pass') return readback
    return (await checkClean(tools, 'amend', instarPath, details, i)) ?? { kind: 'pass' }
  }
}
