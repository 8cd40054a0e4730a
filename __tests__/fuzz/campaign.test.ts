import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fingerprint } from '../../src/findings/fingerprint.js'
import type { CampaignConfig } from '../../src/fuzz/campaign.js'
import type { OperationName } from '../../src/fuzz/operation.js'
import { campaignWithBugs } from '../support/campaign.js'
import { plannedRuns, plannedSteps } from '../support/plans.js'
import { realQemuImg, toolsUnderTest } from '../support/tools.js'

const SIX: OperationName[] = ['info', 'check', 'convert', 'convert_compressed', 'measure', 'create']
const qemuImg = realQemuImg()
const dirs: string[] = []

/** A campaign over SIX unless told otherwise, with bugs planted in the stand-in. */
const withBugs = (
  bugs: string,
  overrides: Partial<CampaignConfig>,
  extraEnv: Record<string, string> = {}
) => campaignWithBugs(bugs, { operations: SIX, ...overrides }, extraEnv)

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('a campaign over info, check, convert, convert_compressed, measure and create', () => {
  it('finds nothing against a faithful stand-in', async () => {
    const r = await withBugs('', { iterations: 36 })
    expect(r.iterations).toBe(36)
    expect(r.findings).toEqual([])
    expect(r.divergences).toBe(0)
    expect(r.inconclusive.total).toBe(0)
    const runs = Object.fromEntries(SIX.map(op => [op, r.operations[op].runs]))
    expect(runs).toEqual(plannedRuns(7, 36, SIX))
    expect(Object.values(runs).filter(n => n === 0)).toEqual([])
    expect(r.versions.instar).toMatch(/stand-in/)
    expect(r.versions.qemuImg).toMatch(/^qemu-img version \d+\.\d+/)
  })

  it('runs the libyal cross-checks on info and check when the tools are installed, without false findings', async () => {
    const r = await withBugs('', { operations: ['info', 'check'], iterations: 30 })
    expect(r.findings).toEqual([])
    expect(r.inconclusive.total).toBe(0)
    // info asks libyal about every format it reads (qcow2, vmdk, vpc); check
    // asks about the formats qemu-img can check (qcow2, vmdk; vpc exits 63).
    const steps = plannedSteps(7, 30, ['info', 'check'])
    const expected = {
      qcowinfo: steps.filter(s => s.source.format === 'qcow2').length,
      vmdkinfo: steps.filter(s => s.source.format === 'vmdk').length,
      vhdiinfo: steps.filter(s => s.source.format === 'vpc' && s.operation === 'info').length
    }
    expect(Object.values(expected).filter(n => n === 0)).toEqual([])
    expect({
      qcowinfo: r.spawns.qcowinfo,
      vmdkinfo: r.spawns.vmdkinfo,
      vhdiinfo: r.spawns.vhdiinfo
    }).toEqual(expected)
  })

  it('finds create dropping lazy_refcounts=on, minimised to that one option', async () => {
    const r = await withBugs('create-drops-lazy-refcounts', {
      operations: ['create'],
      iterations: 40
    })
    expect(r.findings.length).toBe(1)
    const [f] = r.findings
    expect(f).toMatchObject({
      type: 'create_info_divergence',
      operation: 'create',
      target: 'qcow2',
      options: ['lazy_refcounts=on']
    })
    expect(f.fingerprint).toBe(
      fingerprint('create_info_divergence', 'create', 'qcow2', ['lazy_refcounts=on'])
    )
    // The minimal case was re-run alone; later occurrences are matched to it without a run.
    expect(f.confirmed).toBe(true)
    expect(f.status).toBe('minimised')
    expect(f.occurrences.filter(o => o.confirmed).length).toBe(1)
    expect(f.evidence.differingPaths?.join(' ')).toMatch(/lazy-refcounts/)
  })

  it('finds info dropping a field on qcow2 only', async () => {
    const r = await withBugs('info-drops-field', { operations: ['info'], iterations: 30 })
    expect(r.findings.map(f => [f.type, f.target, f.options])).toEqual([
      ['info_output_divergence', 'qcow2', []]
    ])
  })

  it('finds check failing where qemu-img succeeds', async () => {
    const r = await withBugs('check-fails', { operations: ['check'], iterations: 20 })
    expect(r.findings.map(f => [f.type, f.operation, f.target])).toEqual([
      ['exit_code_divergence', 'check', 'qcow2']
    ])
  })

  it('finds corrupted convert output by guest content', async () => {
    const r = await withBugs('convert-corrupt', { operations: ['convert'], iterations: 16 })
    // Every source shows it: one finding per target drawn, with no option left.
    const targets = [...new Set(plannedSteps(7, 16, ['convert']).map(s => s.plan.target))].sort()
    expect(targets).toEqual(['qcow2', 'raw'])
    expect(r.findings.map(f => [f.type, f.target, f.options]).sort()).toEqual(
      targets.map(t => ['convert_content_divergence', t, []])
    )
  })

  it('reports a crash by SIGSEGV as instar_crash', async () => {
    const r = await withBugs(
      'segv',
      { operations: ['check'], iterations: 6 },
      { STAND_IN_CRASH: 'check' }
    )
    // One finding per source format checked, whatever else the source was.
    const formats = [...new Set(plannedSteps(7, 6, ['check']).map(s => s.source.format))].sort()
    expect(formats.length).toBeGreaterThan(1)
    expect(
      r.findings.map(f => [f.type, f.target, f.options, f.evidence.instar?.signal]).sort()
    ).toEqual(formats.map(format => ['instar_crash', format, [], 'SIGSEGV']))
  })

  // How long past its time box a run ends is measured by the bench
  // (script/bench.mjs), not asserted on a shared machine.
  it('reports a hang as instar_timeout and stops at the time box', async () => {
    const r = await withBugs(
      'hang',
      { operations: ['info'], iterations: 0, durationSeconds: 8, timeoutSeconds: 2, jobs: 2 },
      { STAND_IN_HANG: 'info' }
    )
    expect(r.stoppedBy).toBe('duration')
    expect(r.findings.length).toBeGreaterThan(0)
    expect(new Set(r.findings.map(f => f.type))).toEqual(new Set(['instar_timeout']))
  })

  it('counts a hanging qemu-img as inconclusive and files nothing', async () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'idf-hanging-qemu-'))
    dirs.push(bin)
    const wrapper = path.join(bin, 'qemu-img')
    writeFileSync(
      wrapper,
      `#!/bin/sh\n[ "$1" = measure ] && exec sleep 600\nexec ${qemuImg} "$@"\n`
    )
    chmodSync(wrapper, 0o755)
    const r = await withBugs('', {
      operations: ['measure'],
      iterations: 3,
      timeoutSeconds: 2,
      paths: { ...toolsUnderTest().paths, qemuImg: wrapper }
    })
    expect(r.findings).toEqual([])
    // qemu-img measures raw and qcow2 targets only; the other targets never call it.
    const measured = plannedSteps(7, 3, ['measure']).filter(s =>
      ['raw', 'qcow2'].includes(s.plan.target)
    ).length
    expect(measured).toBeGreaterThan(0)
    expect(r.inconclusive).toEqual({
      total: measured,
      byType: { inconclusive_external_timeout: measured }
    })
    expect(r.operations.measure.inconclusive).toBe(measured)
  })

  it('gives the same iterations the same plans whatever the parallelism', async () => {
    const a = await withBugs('create-drops-lazy-refcounts', {
      operations: ['create'],
      iterations: 12,
      jobs: 1,
      minimize: false
    })
    const b = await withBugs('create-drops-lazy-refcounts', {
      operations: ['create'],
      iterations: 12,
      jobs: 2,
      minimize: false
    })
    const key = (r: typeof a): string[] =>
      r.findings.flatMap(f => f.occurrences.map(o => `${f.fingerprint}@${o.iteration}`)).sort()
    expect(key(a)).toEqual(key(b))
  })
})
