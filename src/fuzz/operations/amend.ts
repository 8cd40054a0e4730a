import path from 'node:path'
import { compareRuns } from '../exits.js'
import { checkClean, compareReadback } from '../oracles.js'
import { createImage } from '../fixture.js'
import type { Operation, Plan } from '../operation.js'
import { optionsOf } from '../../findings/knobs.js'
import type { Draw } from '../draw.js'
import { REFCOUNT_WIDTHS } from '../qcow2-options.js'

export const AMEND_CASES = ['upgrade', 'downgrade', 'lazy-on', 'lazy-off', 'noop'] as const
export type AmendCase = (typeof AMEND_CASES)[number]

/**
 * What an amend is: the case (which pair of create and amend options),
 * the image's cluster size and refcount width, and, for an upgrade, an
 * extra `lazy_refcounts=on` in the amendment.
 */
export type AmendKnobs = {
  case: AmendCase
  cluster_size: number
  /** null: not given (16). */
  refcount_bits: number | null
  lazy_refcounts: boolean
}

export interface AmendPlan extends Plan {
  target: 'qcow2'
  knobs: AmendKnobs
}

/** What each case creates the image with and what it amends (reference 5.11). */
const CASES: Record<AmendCase, { create: string[]; amend: string[] }> = {
  upgrade: { create: ['compat=0.10'], amend: ['compat=1.1'] },
  downgrade: { create: ['compat=1.1'], amend: ['compat=0.10'] },
  'lazy-on': { create: ['compat=1.1'], amend: ['lazy_refcounts=on'] },
  'lazy-off': { create: ['compat=1.1', 'lazy_refcounts=on'], amend: ['lazy_refcounts=off'] },
  noop: { create: ['compat=1.1'], amend: ['compat=1.1'] }
}

const AMEND_KNOBS = {
  case: { values: AMEND_CASES, default: 'noop' },
  cluster_size: { values: [512, 4096, 65536], default: 65536 },
  refcount_bits: { values: [null, ...REFCOUNT_WIDTHS], default: null },
  lazy_refcounts: { values: [false, true], default: false }
} as const

/** Cases that start or end at compat=0.10, which supports only 16-bit refcounts. */
function touchesV2(c: AmendCase): boolean {
  return c === 'upgrade' || c === 'downgrade'
}

/** The `-o` options of the fixture and of the amend, from the knobs. */
export function amendOptions(plan: AmendPlan): { create: string[]; amend: string[] } {
  const k = plan.knobs
  const c = CASES[k.case]
  return {
    create: [...c.create, ...optionsOf(k, ['cluster_size', 'refcount_bits'])],
    amend: [...c.amend, ...optionsOf(k, ['lazy_refcounts'])]
  }
}

/** `amend`'s arguments after the subcommand (the reproducer runs the same ones). */
export function amendArgs(plan: AmendPlan, file: string): string[] {
  return ['-f', 'qcow2', ...amendOptions(plan).amend.flatMap(o => ['-o', o]), file]
}

/** Whether the picker could draw these knobs (see pickAmend). */
function validAmend(k: AmendKnobs): boolean {
  if (touchesV2(k.case) && k.refcount_bits !== null && k.refcount_bits !== 16) return false
  return !k.lazy_refcounts || k.case === 'upgrade'
}

/**
 * The peer's amend picker (reference 5.11). Never compression_type (instar
 * refuses to downgrade a zstd image where qemu-img accepts). compat=0.10
 * images support only 16-bit refcounts, so a case that starts or ends at
 * compat=0.10 draws refcount_bits=16 at most (the peer drew any width for
 * upgrades and had qemu-img create fail on both sides).
 */
export function pickAmend(draw: Draw): AmendPlan {
  const amendCase = draw.knob('case', AMEND_CASES)
  const cluster_size = draw.knob('cluster_size', AMEND_KNOBS.cluster_size.values)
  const widths = touchesV2(amendCase) ? [16] : REFCOUNT_WIDTHS
  const refcount_bits = draw.knob(
    'refcount_bits',
    [null, ...widths],
    [1.5 * widths.length, ...widths.map(() => 1)]
  )
  const lazy_refcounts = amendCase === 'upgrade' && draw.knob('lazy_refcounts', [false, true])
  return {
    target: 'qcow2',
    knobs: { case: amendCase, cluster_size, refcount_bits, lazy_refcounts }
  }
}

/**
 * `amend` of a qemu-img-made qcow2 (instar create cannot make v2 images)
 * against `qemu-img amend`: qemu-img info of both results must match, and
 * qemu-img check must find instar's result clean.
 */
export const amend: Operation<AmendPlan> = {
  name: 'amend',
  readsSource: false,
  knobs: AMEND_KNOBS,
  pick: draw => pickAmend(draw),
  withKnobs: (plan, knobs) => (validAmend(knobs) ? { ...plan, knobs } : null),
  async run(plan, { dir, tools }) {
    const instarPath = path.join(dir, 'amend-instar.qcow2')
    const qemuPath = path.join(dir, 'amend-qemu.qcow2')
    const opts = amendOptions(plan)
    for (const file of [instarPath, qemuPath])
      await createImage(tools, 'create image to amend', {
        format: 'qcow2',
        file,
        size: '1M',
        options: opts.create
      })
    const details = { createOptions: opts.create, amendOptions: opts.amend }
    const i = await tools.instar(['amend', ...amendArgs(plan, instarPath)])
    const q = await tools.qemuImg(['amend', ...amendArgs(plan, qemuPath)])
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
