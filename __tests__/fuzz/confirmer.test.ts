import { describe, expect, it } from 'vitest'
import { fingerprint } from '../../src/findings/fingerprint.js'
import type { Case } from '../../src/fuzz/case.js'
import { Confirmer, type ConfirmerConfig } from '../../src/fuzz/confirmer.js'
import type { CheckPlan } from '../../src/fuzz/operations/check.js'
import type { CreatePlan } from '../../src/fuzz/operations/create.js'
import type { Outcome } from '../../src/fuzz/outcome.js'
import type { SourceSpec } from '../../src/fuzz/source.js'
import { DeadlineReached } from '../../src/util/tool-runner.js'

/**
 * The confirmer without qemu-img: its `run` port is a function of the
 * case, standing for a bug whose reach the test decides, so what gets
 * re-run, minimised and attributed is checked exactly.
 */

const evidence = { summary: 'lazy-refcounts differs' }
const diverges: Outcome = { kind: 'divergence', type: 'create_info_divergence', evidence }

function createCase(knobs: Partial<CreatePlan['knobs']>): Case<CreatePlan> {
  return {
    operation: 'create',
    plan: {
      target: 'qcow2',
      size: '16M',
      knobs: {
        cluster_size: 4096,
        extended_l2: false,
        lazy_refcounts: true,
        refcount_bits: null,
        preallocation: null,
        ...knobs
      }
    }
  }
}

function checkCase(clusterSize: number, pattern: SourceSpec['pattern'] = 'zeros'): Case<CheckPlan> {
  return {
    operation: 'check',
    plan: { target: 'qcow2', knobs: {} },
    source: { format: 'qcow2', size: '4M', sizeBytes: 4 << 20, pattern, clusterSize, writes: [] }
  }
}

/** A confirmer over a bug: `bug(case)` says whether the case diverges; every run is recorded. */
function confirmerFor(bug: (c: Case) => Outcome, overrides: Partial<ConfirmerConfig> = {}) {
  const runs: Case[] = []
  const exclusive: string[] = []
  const confirmer = new Confirmer({
    run: async c => {
      runs.push(c)
      return bug(c)
    },
    exclusive: async task => {
      exclusive.push('exclusive')
      return task()
    },
    minimize: true,
    maxTrials: 32,
    maxSeconds: 180,
    newWorkUntil: Number.MAX_SAFE_INTEGER,
    deadline: Number.MAX_SAFE_INTEGER,
    log: () => {},
    ...overrides
  })
  return { confirmer, runs, exclusive }
}

const lazyBug = (c: Case): Outcome =>
  (c.plan as CreatePlan).knobs.lazy_refcounts ? diverges : { kind: 'pass' }

describe('Confirmer', () => {
  it('re-runs a new case, minimises it to the knob it needs, and names the minimal case', async () => {
    const { confirmer, runs } = confirmerFor(lazyBug)
    const r = await confirmer.resolve('create_info_divergence', createCase({}), evidence).resolution
    expect(r.kind).toBe('finding')
    if (r.kind !== 'finding') return
    expect(r.rerun).toBe(true)
    expect(r.identity).toMatchObject({
      fingerprint: fingerprint('create_info_divergence', 'create', 'qcow2', ['lazy_refcounts=on']),
      options: ['lazy_refcounts=on'],
      status: 'minimised',
      confirmed: true
    })
    // The stored minimal case has every dropped knob at its default.
    expect(r.identity.case.plan.knobs).toMatchObject({ cluster_size: 65536, lazy_refcounts: true })
    expect(runs.length).toBe(1 + r.identity.runs.minimise)
    expect(confirmer.cost.confirmRuns).toBe(1)
  })

  it('attributes a later case that contains a known minimal case without running anything', async () => {
    const { confirmer, runs } = confirmerFor(lazyBug)
    await confirmer.resolve('create_info_divergence', createCase({}), evidence).resolution
    const before = runs.length
    const later = confirmer.resolve(
      'create_info_divergence',
      createCase({ cluster_size: 512, refcount_bits: 8 }),
      evidence
    )
    const r = await later.resolution
    expect(runs.length).toBe(before)
    expect(r).toMatchObject({
      kind: 'finding',
      rerun: false,
      identity: { options: ['lazy_refcounts=on'] }
    })
    expect(confirmer.cost.attributed).toBe(1)
  })

  it('minimises a bug found twice at once only once, and lets the second finder go on', async () => {
    const { confirmer } = confirmerFor(lazyBug)
    const first = confirmer.resolve('create_info_divergence', createCase({}), evidence)
    const second = confirmer.resolve(
      'create_info_divergence',
      createCase({ cluster_size: 262144 }),
      evidence
    )
    expect(first.queued).toBe(false)
    expect(second.queued).toBe(true)
    const [a, b] = await Promise.all([first.resolution, second.resolution])
    expect(a.kind === 'finding' && b.kind === 'finding').toBe(true)
    if (a.kind !== 'finding' || b.kind !== 'finding') return
    expect(b.identity.fingerprint).toBe(a.identity.fingerprint)
    expect(confirmer.cost.confirmRuns).toBe(1)
  })

  it('calls a divergence that does not reproduce flaky, and tries that case again next time', async () => {
    let calls = 0
    const { confirmer } = confirmerFor(() => (calls++ === 0 ? { kind: 'pass' } : diverges))
    const c = createCase({})
    expect(await confirmer.resolve('create_info_divergence', c, evidence).resolution).toEqual({
      kind: 'flaky',
      summary: evidence.summary
    })
    const again = await confirmer.resolve('create_info_divergence', c, evidence).resolution
    expect(again.kind).toBe('finding')
  })

  it('counts a re-run on a nearly full disk as neither reproduced nor flaky', async () => {
    // What runCase makes of a divergence seen with the work folder below its floor.
    const full: Outcome = {
      kind: 'inconclusive',
      type: 'inconclusive_no_space',
      evidence: { summary: 'create_info_divergence seen with the work folder nearly full' }
    }
    const { confirmer, runs } = confirmerFor(() => full)
    const r = await confirmer.resolve('create_info_divergence', createCase({}), evidence).resolution
    expect(r).toMatchObject({
      kind: 'finding',
      rerun: false,
      identity: { status: 'unminimised', confirmed: false, evidence }
    })
    expect(runs).toHaveLength(1)
  })

  it('confirms a hang with every other worker paused, and minimises it without pausing', async () => {
    const hang: Outcome = { kind: 'divergence', type: 'instar_timeout', evidence }
    const { confirmer, exclusive, runs } = confirmerFor(() => hang)
    const r = await confirmer.resolve('instar_timeout', checkCase(512, 'random'), evidence)
      .resolution
    expect(exclusive).toEqual(['exclusive'])
    expect(runs.length).toBeGreaterThan(1)
    expect(r).toMatchObject({ kind: 'finding', identity: { options: [], status: 'minimised' } })
  })

  it('knows the cases a minimised hang covers, and only those', async () => {
    const hang: Outcome = { kind: 'divergence', type: 'instar_timeout', evidence }
    // A hang of check on qcow2 images with 512-byte clusters, whatever the data.
    const bug = (c: Case): Outcome => (c.source?.clusterSize === 512 ? hang : { kind: 'pass' })
    const { confirmer } = confirmerFor(bug)
    expect(confirmer.knownHang(checkCase(512))).toBeNull()
    const r = await confirmer.resolve('instar_timeout', checkCase(512, 'random'), evidence)
      .resolution
    const fp = fingerprint('instar_timeout', 'check', 'qcow2', ['cluster_size=512'])
    expect(r).toMatchObject({ kind: 'finding', identity: { fingerprint: fp } })
    expect(confirmer.knownHang(checkCase(512, 'zeros'))).toBe(fp)
    expect(confirmer.knownHang(checkCase(512, 'random'))).toBe(fp)
    expect(confirmer.knownHang(checkCase(4096))).toBeNull()
    // Another divergence of the same case is no hang: it is still run.
    const exit: Outcome = { kind: 'divergence', type: 'exit_code_divergence', evidence }
    const other = confirmerFor(c => (c.source?.clusterSize === 512 ? exit : { kind: 'pass' }))
    await other.confirmer.resolve('exit_code_divergence', checkCase(512), evidence).resolution
    expect(other.confirmer.knownHang(checkCase(512))).toBeNull()
  })

  it('keeps the source dimension a check bug needs: cluster_size=512', async () => {
    const exit: Outcome = { kind: 'divergence', type: 'exit_code_divergence', evidence }
    const bug = (c: Case): Outcome => (c.source?.clusterSize === 512 ? exit : { kind: 'pass' })
    const { confirmer } = confirmerFor(bug)
    const r = await confirmer.resolve('exit_code_divergence', checkCase(512, 'random'), evidence)
      .resolution
    expect(r).toMatchObject({
      kind: 'finding',
      identity: { operation: 'check', target: 'qcow2', options: ['cluster_size=512'] }
    })
  })

  it('reports a case found after the reserve began unminimised, without running it', async () => {
    const { confirmer, runs } = confirmerFor(lazyBug, { newWorkUntil: Date.now() - 1 })
    const r = await confirmer.resolve('create_info_divergence', createCase({}), evidence).resolution
    expect(runs).toEqual([])
    expect(r).toMatchObject({
      kind: 'finding',
      rerun: false,
      identity: {
        status: 'unminimised',
        confirmed: false,
        options: ['cluster_size=4096', 'lazy_refcounts=on']
      }
    })
  })

  it('reports a minimisation the time box cuts short as unminimised with the smallest case so far', async () => {
    let n = 0
    const { confirmer } = confirmerFor(c => {
      if (++n > 2) throw new DeadlineReached()
      return lazyBug(c)
    })
    const r = await confirmer.resolve(
      'create_info_divergence',
      createCase({ refcount_bits: 8 }),
      evidence
    ).resolution
    expect(r).toMatchObject({
      kind: 'finding',
      identity: { status: 'unminimised', confirmed: true }
    })
    if (r.kind !== 'finding') return
    // cluster_size was dropped before time ran out; refcount_bits was not decided.
    expect(r.identity.options).toEqual(['lazy_refcounts=on', 'refcount_bits=8'])
  })

  it('takes the options as drawn as the identity when minimisation is off', async () => {
    const { confirmer, runs } = confirmerFor(lazyBug, { minimize: false })
    const r = await confirmer.resolve('create_info_divergence', createCase({}), evidence).resolution
    expect(runs.length).toBe(1)
    expect(r).toMatchObject({
      kind: 'finding',
      identity: { status: 'as-drawn', options: ['cluster_size=4096', 'lazy_refcounts=on'] }
    })
  })
})
