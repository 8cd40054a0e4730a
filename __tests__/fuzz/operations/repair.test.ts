import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { pickRepair, repair, type RepairPlan } from '../../../src/fuzz/operations/repair.js'
import { REPAIR_CORRUPTIONS } from '../../../src/fuzz/qcow2-corrupt.js'
import { optionsOf } from '../../../src/findings/knobs.js'
import { tempDir, testToolbox } from '../../support/tools.js'
import { drawAt, runPlan, toolboxWithBugs, unexpected } from './run-plan.js'

const plans = Array.from({ length: 1000 }, (_, i) => pickRepair(drawAt(51, i)))

describe('repair picker', () => {
  it('draws every corruption class at both tiers, on 16-bit refcounts', () => {
    const cases = new Set(plans.map(p => `${p.knobs.corruption}/${p.knobs.tier}`))
    expect(cases.size).toBe(REPAIR_CORRUPTIONS.length * 2)
    for (const p of plans)
      expect(optionsOf(p.knobs)).toEqual([
        `corruption=${p.knobs.corruption}`,
        `tier=${p.knobs.tier}`,
        `cluster_size=${p.knobs.cluster_size}`
      ])
    expect(new Set(plans.map(p => p.knobs.cluster_size))).toEqual(new Set([512, 4096, 65536]))
  })
})

function plan(
  corruption: RepairPlan['knobs']['corruption'],
  tier: RepairPlan['knobs']['tier'],
  clusterSize: RepairPlan['knobs']['cluster_size']
): RepairPlan {
  return { target: 'qcow2', knobs: { corruption, tier, cluster_size: clusterSize } }
}

/** An "instar" that is a shell script: its last argument is the image to repair. */
function fakeInstar(dir: string, body: string): string {
  const file = path.join(dir, 'instar')
  writeFileSync(file, `#!/bin/sh\nfor a; do img="$a"; done\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}

describe('repair against qemu-img', () => {
  it('finds nothing with the faithful stand-in, for every class at both tiers', async () => {
    const tools = testToolbox()
    const outcomes = []
    for (const [k, corruption] of REPAIR_CORRUPTIONS.entries())
      for (const tier of ['leaks', 'all'] as const)
        outcomes.push(
          await runPlan(repair, plan(corruption, tier, ([512, 4096, 65536] as const)[k % 3]), tools)
        )
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.every(o => o.kind === 'pass')).toBe(true)
  })

  it('catches repair-leaves-leak at tier all as a completeness divergence', async () => {
    const tools = toolboxWithBugs('repair-leaves-leak')
    const outcome = await runPlan(repair, plan('refcount_zero', 'all', 4096), tools)
    expect(outcome).toMatchObject({
      kind: 'divergence',
      type: 'repair_completeness_divergence',
      evidence: { instarOutput: { corruptions: 2 }, qemuOutput: { corruptions: 0, leaks: 0 } }
    })
    // A leak alone is repaired by the leaks tier it falls back to: nothing to report.
    expect(await runPlan(repair, plan('leaked_cluster', 'all', 4096), tools)).toEqual({
      kind: 'pass'
    })
  })

  it('finds a repair that leaves an unreadable image unsafe, and one that changes data', async () => {
    const { dir, cleanup } = tempDir('idf-fake-instar-')
    try {
      const wipes = fakeInstar(
        dir,
        'dd if=/dev/zero of="$img" bs=512 count=1 conv=notrunc 2>/dev/null\necho \'{"repair-incomplete": false}\''
      )
      expect(
        await runPlan(repair, plan('leaked_cluster', 'leaks', 512), testToolbox({ instar: wipes }))
      ).toMatchObject({ kind: 'divergence', type: 'repair_safety_divergence' })
      const rewrites = fakeInstar(
        dir,
        'qemu-img check -r all "$img" >/dev/null\nqemu-io -f qcow2 -c "write -P 0x77 0 512" "$img" >/dev/null\necho \'{"repair-incomplete": false}\''
      )
      expect(
        await runPlan(repair, plan('leaked_cluster', 'all', 512), testToolbox({ instar: rewrites }))
      ).toMatchObject({ kind: 'divergence', type: 'repair_data_divergence' })
    } finally {
      cleanup()
    }
  })
})
