import { stat } from 'node:fs/promises'
import path from 'node:path'
import { callRecord } from '../../findings/finding.js'
import { compareRuns, instarCrashOrHang } from '../exits.js'
import { jsonObject } from '../../util/json.js'
import type { Operation, Plan, StepContext } from '../operation.js'
import type { Outcome } from '../outcome.js'
import type { SourceImage } from '../source.js'
import { succeeded, type ToolResult } from '../../util/tool-runner.js'
import type { Toolbox } from '../toolbox.js'

const MEASURED = ['required', 'fully-allocated'] as const

/** instar's spelling of the JSON flag is two arguments: `--output json`. */
function instarMeasure(
  plan: MeasurePlan,
  source: SourceImage,
  tools: Toolbox
): Promise<ToolResult> {
  return tools.instar(['measure', '-O', plan.target, '--output', 'json', source.instarPath])
}

/** raw and qcow2: qemu-img measures them too, so the numbers must be equal. */
async function againstReference(
  plan: MeasurePlan,
  { source, tools }: StepContext
): Promise<Outcome> {
  const i = await instarMeasure(plan, source!, tools)
  const q = await tools.qemuImg(['measure', '-O', plan.target, '--output=json', source!.qemuPath])
  const details = { source: source!.spec }
  const exits = compareRuns(i, q, 'to measure', details)
  if (exits) return exits
  const mi = jsonObject(i.stdout)
  const mq = jsonObject(q.stdout)
  const evidence = {
    instar: callRecord(i),
    qemu: callRecord(q),
    instarOutput: mi ?? i.stdout,
    qemuOutput: mq,
    details
  }
  if (!mi)
    return {
      kind: 'divergence',
      type: 'measure_json_parse_failure',
      evidence: {
        ...evidence,
        summary: 'instar measure --output json did not print a JSON object.'
      }
    }
  if (!mq)
    return {
      kind: 'inconclusive',
      type: 'inconclusive_reference_output',
      evidence: { ...evidence, summary: 'qemu-img measure printed no JSON object.' }
    }
  const differing = MEASURED.filter(k => mi[k] !== mq[k])
  if (differing.length > 0) {
    const k = differing[0]
    return {
      kind: 'divergence',
      type: 'measure_numeric_divergence',
      evidence: {
        ...evidence,
        summary: `measure's ${k} differs: instar ${String(mi[k])}, qemu-img ${String(mq[k])}.`,
        differingPaths: differing.map(d => `/${d}`)
      }
    }
  }
  if ('bitmaps' in mi !== 'bitmaps' in mq) {
    return {
      kind: 'divergence',
      type: 'measure_bitmaps_presence_divergence',
      evidence: {
        ...evidence,
        summary: `instar ${'bitmaps' in mi ? 'prints' : 'omits'} "bitmaps" where qemu-img ${'bitmaps' in mq ? 'prints' : 'omits'} it.`,
        differingPaths: ['/bitmaps']
      }
    }
  }
  return { kind: 'pass' }
}

/**
 * vmdk, vpc and vhdx: qemu-img cannot measure them, so instar is checked
 * against itself: what its own convert writes must fit under the
 * fully-allocated figure it promised, with the peer's cushion.
 */
async function selfConsistency(
  plan: MeasurePlan,
  { dir, source, tools }: StepContext
): Promise<Outcome> {
  const details: Record<string, unknown> = { source: source!.spec }
  const m = await instarMeasure(plan, source!, tools)
  const fault = instarCrashOrHang(m, details)
  if (fault) return fault
  if (!succeeded(m)) return { kind: 'skip', reason: 'instar declined to measure' }
  const doc = jsonObject(m.stdout)
  const fully = doc?.['fully-allocated']
  if (!doc || typeof doc.required !== 'number' || typeof fully !== 'number') {
    return {
      kind: 'divergence',
      type: 'measure_json_parse_failure',
      evidence: {
        summary: 'instar measure did not print integer "required" and "fully-allocated".',
        instar: callRecord(m),
        details
      }
    }
  }
  const out = path.join(dir, `instar-meas.${plan.target}`)
  const c = await tools.instar(['convert', '-O', plan.target, source!.instarPath, out])
  const convertFault = instarCrashOrHang(c, details)
  if (convertFault) return convertFault
  if (!succeeded(c)) return { kind: 'skip', reason: 'instar declined to convert' }
  const written = await stat(out).catch(() => null)
  if (written === null) {
    return {
      kind: 'divergence',
      type: 'measure_missing_output',
      evidence: {
        summary: `instar convert -O ${plan.target} reported success but wrote no file.`,
        instar: callRecord(c),
        details
      }
    }
  }
  const actual = written.size
  const cushion = Math.max(1 << 20, Math.floor(fully / 16))
  if (actual <= fully + cushion) return { kind: 'pass' }
  return {
    kind: 'divergence',
    type: 'measure_above_fully_allocated_bound',
    evidence: {
      summary: `instar's ${plan.target} convert wrote ${actual} bytes, above its own fully-allocated figure ${fully} plus a ${cushion}-byte cushion.`,
      instar: callRecord(m),
      details: {
        ...details,
        required: doc.required,
        fullyAllocated: fully,
        convertActualSize: actual,
        cushion
      }
    }
  }
}

/** measure's options are the source's (its format, cluster size, data): it has none of its own. */
export interface MeasurePlan extends Plan {
  knobs: Record<string, never>
}

/** `measure -O <target>` of the iteration's image. */
export const measure: Operation<MeasurePlan> = {
  name: 'measure',
  readsSource: true,
  knobs: {},
  pick: draw => ({
    target: draw.knob('target', ['raw', 'qcow2', 'vmdk', 'vpc', 'vhdx']),
    knobs: {}
  }),
  withKnobs: plan => plan,
  run: (plan, ctx) =>
    plan.target === 'raw' || plan.target === 'qcow2'
      ? againstReference(plan, ctx)
      : selfConsistency(plan, ctx)
}
