import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import { callRecord, describeEnd } from '../../findings/finding.js'
import { compareExits } from '../exits.js'
import { compareContent } from '../oracles.js'
import { isClean, parseCheckMetrics, type CheckMetrics } from '../normalise.js'
import { createImage, fixture, qemuIoWrites, type DataWrite } from '../fixture.js'
import { parseJson } from '../../util/json.js'
import type { Operation, Plan } from '../operation.js'
import type { Outcome } from '../outcome.js'
import { corruptQcow2, REPAIR_CORRUPTIONS, type Corruption } from '../qcow2-corrupt.js'
import type { Draw } from '../draw.js'
import { succeeded, type ToolResult } from '../../util/tool-runner.js'
import type { Toolbox } from '../toolbox.js'

export const REPAIR_TIERS = ['leaks', 'all'] as const
export const REPAIR_CLUSTER_SIZES = [512, 4096, 65536] as const

/** What a repair case is: the damage done, the tier asked for, the image's cluster size. */
export type RepairKnobs = {
  corruption: Corruption
  tier: (typeof REPAIR_TIERS)[number]
  cluster_size: (typeof REPAIR_CLUSTER_SIZES)[number]
}

export interface RepairPlan extends Plan {
  target: 'qcow2'
  knobs: RepairKnobs
}

/**
 * Defaults that show the most: a zeroed refcount needs tier `all`, and
 * only tier `all` is held to completeness, so a repair bug that does not
 * depend on the damage or the tier still reproduces at the defaults and
 * minimises to one identity.
 */
const REPAIR_KNOBS = {
  corruption: { values: REPAIR_CORRUPTIONS, default: 'refcount_zero' },
  tier: { values: REPAIR_TIERS, default: 'all' },
  cluster_size: { values: REPAIR_CLUSTER_SIZES, default: 65536 }
} as const

/** Guest data written before corrupting: four 64 KiB patterns from offset 0. */
export const REPAIR_WRITES: readonly DataWrite[] = [
  { offset: 0, length: 65536, byte: 0xaa },
  { offset: 65536, length: 65536, byte: 0xbb },
  { offset: 131072, length: 65536, byte: 0xcc },
  { offset: 196608, length: 65536, byte: 0xdd }
]

export function pickRepair(draw: Draw): RepairPlan {
  const cluster_size = draw.knob('cluster_size', REPAIR_CLUSTER_SIZES)
  const corruption = draw.knob('corruption', REPAIR_CORRUPTIONS)
  const tier = draw.knob('tier', REPAIR_TIERS)
  return { target: 'qcow2', knobs: { corruption, tier, cluster_size } }
}

/** `qemu-img check --output=json` counters, or null with the call when it gave none. */
async function metricsOf(
  tools: Toolbox,
  file: string
): Promise<{ metrics: CheckMetrics | null; result: ToolResult }> {
  const result = await tools.qemuImg(['check', '--output=json', file])
  return { metrics: result.timedOut ? null : parseCheckMetrics(result.stdout), result }
}

/**
 * `instar check --repair=<tier> --output json` against `qemu-img check -r
 * <tier>` on copies of one deliberately corrupted qcow2. The oracle, on
 * qemu-img check of both results: safety (instar never leaves more
 * corruptions or leaks than it found, nor an image qemu-img cannot check),
 * completeness (at tier `all`, instar saying the repair is complete means
 * the image is clean; tier `leaks` is exempt, instar's being deliberately
 * narrower), data (when both are clean, the guest data is the same). A
 * baseline the reference cannot establish is inconclusive.
 */
export const repair: Operation<RepairPlan> = {
  name: 'repair',
  readsSource: false,
  knobs: REPAIR_KNOBS,
  pick: draw => pickRepair(draw),
  withKnobs: (plan, knobs) => ({ ...plan, knobs }),
  async run(plan, { dir, tools }): Promise<Outcome> {
    const qemuPath = path.join(dir, 'repair-qemu.qcow2')
    const instarPath = path.join(dir, 'repair-instar.qcow2')
    const { corruption, tier, cluster_size: clusterSize } = plan.knobs
    let details: Record<string, unknown> = { corruption, tier, clusterSize }
    await createImage(tools, 'create image', {
      format: 'qcow2',
      file: qemuPath,
      size: '1M',
      options: [`cluster_size=${clusterSize}`]
    })
    await fixture(
      'write data',
      tools.qemuIo(['-f', 'qcow2', ...qemuIoWrites(REPAIR_WRITES), qemuPath])
    )
    const damage = await corruptQcow2(qemuPath, corruption)
    details = { ...details, dataOffset: damage.dataOffset }
    const baseline = await metricsOf(tools, qemuPath)
    if (baseline.metrics === null) {
      return {
        kind: 'inconclusive',
        type: 'inconclusive_repair_no_baseline',
        evidence: {
          summary: `qemu-img check gave no counters for the corrupted image (${describeEnd(baseline.result)}).`,
          qemu: callRecord(baseline.result),
          details
        }
      }
    }
    const orig = baseline.metrics
    details = { ...details, orig }
    await copyFile(qemuPath, instarPath)

    const i = await tools.instar(['check', `--repair=${tier}`, '--output', 'json', instarPath])
    const q = await tools.qemuImg(['check', '-r', tier, qemuPath])
    // Exit statuses of a repair are not compared (the tools report partial
    // repairs differently); crashes and hangs still are.
    const exits = compareExits(i, q, details, false)
    if (exits) return exits

    const after = await metricsOf(tools, instarPath)
    const reference = await metricsOf(tools, qemuPath)
    if (after.result.timedOut || reference.metrics === null) {
      const r = after.result.timedOut ? after.result : reference.result
      return {
        kind: 'inconclusive',
        type: 'inconclusive_reference_check',
        evidence: {
          summary: `qemu-img check gave no counters for a repaired image (${describeEnd(r)}).`,
          qemu: callRecord(r),
          details
        }
      }
    }
    const mq = reference.metrics
    const mi = after.metrics
    const evidence = (summary: string) => ({
      summary,
      instar: callRecord(i),
      qemu: callRecord(after.result),
      instarOutput: mi ?? after.result.stdout,
      qemuOutput: mq,
      details: { ...details, qemuRepair: callRecord(q) }
    })
    if (mi === null)
      return {
        kind: 'divergence',
        type: 'repair_safety_divergence',
        evidence: evidence(
          `qemu-img check cannot read the image instar repaired (${describeEnd(after.result)}).`
        )
      }
    if (mi.checkErrors > 0 || mi.corruptions > orig.corruptions || mi.leaks > orig.leaks)
      return {
        kind: 'divergence',
        type: 'repair_safety_divergence',
        evidence: evidence(
          `instar's repair left the image worse: ${mi.corruptions} corruptions, ${mi.leaks} leaks, ${mi.checkErrors} check errors (before: ${orig.corruptions}, ${orig.leaks}, ${orig.checkErrors}).`
        )
      }

    const report = parseJson(i.stdout) as Record<string, unknown> | undefined
    const flag = report?.['repair-incomplete']
    const incomplete = typeof flag === 'boolean' ? flag : null
    if (incomplete === null && succeeded(i))
      return {
        kind: 'divergence',
        type: 'repair_json_parse_failure',
        evidence: evidence(
          'instar check --repair --output json succeeded without a JSON report carrying a boolean "repair-incomplete".'
        )
      }
    if (tier === 'all' && incomplete === false && !isClean(mi))
      return {
        kind: 'divergence',
        type: 'repair_completeness_divergence',
        evidence: evidence(
          `instar says its repair at tier all is complete, but qemu-img check still finds ${mi.corruptions} corruptions and ${mi.leaks} leaks (qemu-img's own repair leaves ${mq.corruptions} and ${mq.leaks}).`
        )
      }
    if (isClean(mi) && isClean(mq)) {
      return compareContent(tools, 'repair', 'qcow2', instarPath, qemuPath, details)
    }
    // instar stopped short where qemu-img's repair at the same tier went all
    // the way: allowed (instar is conservative on purpose), but counted.
    if (incomplete === true && isClean(mq) && !isClean(mi))
      return {
        kind: 'inconclusive',
        type: 'inconclusive_repair_conservative',
        evidence: evidence(
          `instar declined to finish the repair (repair-incomplete) that qemu-img's tier ${tier} completes.`
        )
      }
    return { kind: 'pass' }
  }
}
