import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import { callRecord, describeEnd } from '../../findings/finding.js'
import {
  compareContent,
  compareExits,
  isClean,
  parseCheckMetrics,
  type CheckMetrics
} from '../compare.js'
import { fixture, fixtureFailed } from '../fixture.js'
import { parseJson } from '../../util/json.js'
import type { Operation, Plan } from '../operation.js'
import type { Outcome } from '../outcome.js'
import { corruptQcow2, REPAIR_CORRUPTIONS, type Corruption } from '../qcow2-corrupt.js'
import type { Rng } from '../rng.js'
import { succeeded, type ToolResult } from '../../util/tool-runner.js'
import type { Toolbox } from '../toolbox.js'

export const REPAIR_TIERS = ['leaks', 'all'] as const
export const REPAIR_CLUSTER_SIZES = [512, 4096, 65536] as const

export interface RepairPlan extends Plan {
  clusterSize: number
  corruption: Corruption
  tier: (typeof REPAIR_TIERS)[number]
}

/** Guest data written before corrupting: four 64 KiB patterns from offset 0. */
const WRITES = [
  [0xaa, 0],
  [0xbb, 65536],
  [0xcc, 131072],
  [0xdd, 196608]
] as const

export function pickRepair(rng: Rng): RepairPlan {
  const clusterSize = rng.choice(REPAIR_CLUSTER_SIZES)
  const corruption = rng.choice(REPAIR_CORRUPTIONS)
  const tier = rng.choice(REPAIR_TIERS)
  const defining = [`corruption=${corruption}`, `tier=${tier}`]
  return {
    target: 'qcow2',
    options: [...defining, `cluster_size=${clusterSize}`],
    pinned: defining,
    clusterSize,
    corruption,
    tier
  }
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
  pick: rng => pickRepair(rng),
  withOptions(plan, options) {
    const cs = options.find(o => o.startsWith('cluster_size='))
    return { ...plan, options, clusterSize: cs ? Number(cs.slice('cluster_size='.length)) : 65536 }
  },
  async run(plan, { dir, tools }): Promise<Outcome> {
    const qemuPath = path.join(dir, 'repair-qemu.qcow2')
    const instarPath = path.join(dir, 'repair-instar.qcow2')
    let details: Record<string, unknown> = {
      corruption: plan.corruption,
      tier: plan.tier,
      clusterSize: plan.clusterSize
    }
    try {
      await fixture(
        'create image',
        tools.qemuImg([
          'create',
          '-q',
          '-f',
          'qcow2',
          '-o',
          `cluster_size=${plan.clusterSize}`,
          qemuPath,
          '1M'
        ])
      )
      await fixture(
        'write data',
        tools.qemuIo([
          '-f',
          'qcow2',
          ...WRITES.flatMap(([p, at]) => ['-c', `write -P ${p} ${at} 64k`]),
          qemuPath
        ])
      )
      const damage = await corruptQcow2(qemuPath, plan.corruption)
      details = { ...details, dataOffset: damage.dataOffset }
    } catch (error) {
      return fixtureFailed(error)
    }
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

    const i = await tools.instar(['check', `--repair=${plan.tier}`, '--output', 'json', instarPath])
    const q = await tools.qemuImg(['check', '-r', plan.tier, qemuPath])
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
    if (plan.tier === 'all' && incomplete === false && !isClean(mi))
      return {
        kind: 'divergence',
        type: 'repair_completeness_divergence',
        evidence: evidence(
          `instar says its repair at tier all is complete, but qemu-img check still finds ${mi.corruptions} corruptions and ${mi.leaks} leaks (qemu-img's own repair leaves ${mq.corruptions} and ${mq.leaks}).`
        )
      }
    if (isClean(mi) && isClean(mq)) {
      const content = await compareContent(tools, 'repair', 'qcow2', instarPath, qemuPath, details)
      if (content.kind === 'divergence' && content.type === 'repair_content_divergence')
        return { ...content, type: 'repair_data_divergence' }
      return content
    }
    // instar stopped short where qemu-img's repair at the same tier went all
    // the way: allowed (instar is conservative on purpose), but counted.
    if (incomplete === true && isClean(mq) && !isClean(mi))
      return {
        kind: 'inconclusive',
        type: 'inconclusive_repair_conservative',
        evidence: evidence(
          `instar declined to finish the repair (repair-incomplete) that qemu-img's tier ${plan.tier} completes.`
        )
      }
    return { kind: 'pass' }
  }
}
