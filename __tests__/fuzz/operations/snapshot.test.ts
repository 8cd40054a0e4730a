import { describe, expect, it } from 'vitest'
import {
  pickSnapshot,
  snapshot,
  SNAPSHOT_MAX_LIVE,
  SNAPSHOT_NAME_POOL,
  type SnapshotPlan
} from '../../../src/fuzz/operations/snapshot.js'
import { optionsOf } from '../../../src/findings/knobs.js'
import { parseSize } from '../../../src/fuzz/size.js'
import { parseQemuVersion } from '../../../src/util/qemu-version.js'
import { testToolbox } from '../../support/tools.js'
import { drawAt, runPlan, toolboxWithBugs, unexpected } from './run-plan.js'

const plans = Array.from({ length: 3000 }, (_, i) => pickSnapshot(drawAt(41, i)))

describe('snapshot picker', () => {
  it('keeps 512-byte clusters at 4M (instar never grows its refcount blocks)', () => {
    const small = plans.filter(p => p.knobs.cluster_size === 512)
    expect(small.length).toBeGreaterThan(plans.length / 6)
    expect(new Set(small.map(p => p.size))).toEqual(new Set(['4M']))
    expect(new Set(plans.map(p => p.size))).toEqual(new Set(['4M', '16M', '64M']))
  })

  it('draws extended L2 only with 64 KiB clusters on compat 1.1', () => {
    const ext = plans.filter(p => p.knobs.extended_l2)
    expect(ext.length).toBeGreaterThan(0)
    for (const p of ext) expect([p.knobs.cluster_size, p.knobs.compat]).toEqual([65536, '1.1'])
  })

  it('never asks for refcount widths, resizes or features instar refuses', () => {
    const keys = new Set(plans.flatMap(p => optionsOf(p.knobs).map(o => o.split('=')[0])))
    expect(keys).toEqual(new Set(['cluster_size', 'compat', 'extended_l2', 'backing']))
    const kinds = new Set(plans.flatMap(p => p.chain.map(e => e.kind)))
    expect(kinds).toEqual(new Set(['create', 'delete', 'apply', 'write']))
  })

  it('names snapshots from the pool only: never empty, never over 255 bytes', () => {
    for (const p of plans)
      for (const e of p.chain) if (e.kind === 'create') expect(SNAPSHOT_NAME_POOL).toContain(e.arg)
    for (const name of SNAPSHOT_NAME_POOL) {
      expect(Buffer.byteLength(name)).toBeGreaterThan(0)
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255)
    }
  })

  it('never has more than 16 snapshots live and keeps chains 1..8 long', () => {
    for (const p of plans) {
      expect(p.chain.length).toBeGreaterThanOrEqual(1)
      expect(p.chain.length).toBeLessThanOrEqual(8)
      expect(p.chain.filter(e => e.kind === 'create').length).toBeLessThanOrEqual(SNAPSHOT_MAX_LIVE)
    }
  })

  it('writes inside the disk, 4 KiB aligned', () => {
    for (const p of plans)
      for (const w of [...p.seedWrites, ...p.chain])
        if (w.kind === 'write') {
          expect(w.offset % 4096).toBe(0)
          expect(w.offset + w.length).toBeLessThanOrEqual(parseSize(p.size))
        }
  })

  it('minimises to the qemu-img defaults, keeping the chain', () => {
    const p = plans.find(
      p => p.knobs.backing && p.knobs.cluster_size === 512 && p.knobs.compat === '0.10'
    )!
    const defaults = {
      cluster_size: 65536,
      compat: '0.10',
      extended_l2: false,
      backing: false
    } as const
    expect(snapshot.withKnobs(p, defaults, undefined)).toMatchObject({
      knobs: defaults,
      chain: p.chain
    })
    // 512-byte clusters only on 4M images (instar never grows refcount blocks).
    const big = plans.find(p => p.size !== '4M')!
    expect(snapshot.withKnobs(big, { ...big.knobs, cluster_size: 512 }, undefined)).toBeNull()
  })
})

describe('snapshot against qemu-img', () => {
  it('finds nothing with the faithful stand-in over drawn chains', async () => {
    const tools = testToolbox()
    const outcomes = []
    for (const plan of plans.slice(0, 14)) outcomes.push(await runPlan(snapshot, plan, tools))
    expect(unexpected(outcomes)).toEqual([])
    expect(outcomes.filter(o => o.kind === 'pass').length).toBe(14)
  })

  const revert: SnapshotPlan = {
    target: 'qcow2',
    knobs: { cluster_size: 65536, compat: '1.1', extended_l2: false, backing: false },
    size: '4M',
    seedWrites: [{ kind: 'write', offset: 0, length: 4096, byte: 1 }],
    chain: [
      { kind: 'create', arg: 'snäp-名前' },
      { kind: 'write', offset: 0, length: 65536, byte: 2 },
      { kind: 'apply', arg: 'snäp-名前' },
      { kind: 'delete', arg: '1' }
    ]
  }

  it('catches snapshot-apply-noop as a byte divergence at the apply', async () => {
    const outcome = await runPlan(snapshot, revert, toolboxWithBugs('snapshot-apply-noop'))
    expect(outcome).toMatchObject({
      kind: 'divergence',
      type: 'snapshot_byte_divergence',
      evidence: { details: { elementIndex: 2, element: { kind: 'apply' } } }
    })
  })

  it('passes the same chain faithfully, and skips before qemu-img 4.0', async () => {
    const tools = testToolbox()
    expect(await runPlan(snapshot, revert, tools)).toEqual({ kind: 'pass' })
    // The -l listing comparison is gated on 9.0; pretend, to run it here.
    const listed = { ...tools, qemuVersion: parseQemuVersion('qemu-img version 9.0.0') }
    const spawned = tools.spawns.get('stand-in-instar.mjs') ?? 0
    expect(await runPlan(snapshot, revert, listed)).toEqual({ kind: 'pass' })
    expect(tools.spawns.get('stand-in-instar.mjs')).toBe(spawned + 4)
    const old = { ...tools, qemuVersion: parseQemuVersion('qemu-img version 3.1.0') }
    expect(await runPlan(snapshot, revert, old)).toMatchObject({ kind: 'skip' })
  })
})
