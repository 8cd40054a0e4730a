/**
 * Every type of the finding catalogue, made by the harness for real: each
 * row runs one case through the campaign's own boundary (runCase: fresh
 * folder, source built by the real qemu-img, the operation's oracles)
 * against something that causes exactly that type. Divergences come from
 * the stand-in instar with one planted bug (STAND-IN.md); inconclusive
 * types come from the reference misbehaving (a real qemu-img with one
 * injected fault), the machine (a full disk) or the harness itself. The
 * table is typed by the catalogue, so a type added without a row does not
 * compile, and the first test checks the same at run time.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FINDING_TYPES, type FindingType } from '../../src/findings/types.js'
import { runCampaign } from '../../src/fuzz/campaign.js'
import type { Case } from '../../src/fuzz/case.js'
import { planIteration } from '../../src/fuzz/iteration.js'
import { detectLibyal } from '../../src/fuzz/libyal-tools.js'
import type { Plan } from '../../src/fuzz/operation.js'
import type { AmendKnobs, AmendPlan } from '../../src/fuzz/operations/amend.js'
import type { CommitPlan } from '../../src/fuzz/operations/commit.js'
import type { CreatePlan } from '../../src/fuzz/operations/create.js'
import type { RebasePlan } from '../../src/fuzz/operations/rebase.js'
import type { RepairKnobs, RepairPlan } from '../../src/fuzz/operations/repair.js'
import type { SnapshotElement } from '../../src/fuzz/operations/snapshot.js'
import type { SourceSpec } from '../../src/fuzz/source.js'
import type { Toolbox } from '../../src/fuzz/toolbox.js'
import { parseQemuVersion } from '../../src/util/qemu-version.js'
import { runCase } from '../../src/fuzz/iteration.js'
import { tmpfs } from '../support/tmpfs.js'
import { realQemuImg, tempDir, testToolbox } from '../support/tools.js'
import { toolVariants } from '../support/tool-variants.js'
import { createCase, ddCase, resizeCase, snapshotCase } from './operations/crafted.js'
import { sourceWithData } from './operations/source-plan.js'

const variants = toolVariants('idf-types-')
afterAll(() => variants.cleanup())

/** What a row made: the outcome's kind and type, and its summary to explain a mismatch. */
interface Produced {
  kind: string
  type?: string
  summary?: string
}

interface Row {
  /** What makes the harness produce the type. */
  cause: string
  produce: () => Promise<Produced>
}

/** A toolbox whose stand-in has these variables (bugs, the subcommand they hit). */
function buggy(env: Record<string, string>, options: Parameters<typeof testToolbox>[0] = {}) {
  return testToolbox({ ...options, instar: variants.standIn(env) })
}

/** A toolbox over a real qemu-img with one injected fault (faulty-qemu-img.mjs). */
function faulty(fault: string, options: Parameters<typeof testToolbox>[0] = {}) {
  return testToolbox({ ...options, qemuImg: variants.faultyQemuImg(fault) })
}

/** One case through runCase in a folder of its own (`root` for a full disk). */
async function single<P extends Plan>(
  c: Case<P>,
  tools: Toolbox,
  root?: string
): Promise<Produced> {
  const own = root ? undefined : tempDir('idf-type-')
  try {
    const o = await runCase(c, root ?? own!.dir, tools)
    if (o.kind === 'pass') return { kind: 'pass' }
    if (o.kind === 'skip') return { kind: 'skip', summary: o.reason }
    return { kind: o.kind, type: o.type, summary: o.evidence.summary }
  } finally {
    own?.cleanup()
  }
}

const qcow2 = sourceWithData('qcow2')
const vmdk = sourceWithData('vmdk')
const small = sourceWithData('qcow2', '1M')

const onSource = (
  operation: Case['operation'],
  target: string,
  source: SourceSpec,
  extra: Record<string, unknown> = {}
): Case => ({ operation, plan: { target, knobs: {}, ...extra }, source })
const info = (source = qcow2) => onSource('info', source.format, source)
const check = (source = qcow2) => onSource('check', source.format, source)
const convert = (target: string) => onSource('convert', target, qcow2, { compress: false })
const measure = (target: string, source = qcow2) => onSource('measure', target, source)
const map = (): Case => ({
  operation: 'map',
  plan: { target: 'qcow2', knobs: { start_offset: null, max_length: null } },
  source: qcow2
})
const dd = (target: string, skip = 0) => ddCase(target, qcow2, 40, skip)
const create = (knobs: Partial<CreatePlan['knobs']> = {}) => createCase(knobs)
const resize = () => resizeCase()
const amend = (knobs: Partial<AmendKnobs> = {}): Case<AmendPlan> => ({
  operation: 'amend',
  plan: {
    target: 'qcow2',
    knobs: {
      case: 'noop',
      cluster_size: 65536,
      refcount_bits: null,
      lazy_refcounts: false,
      ...knobs
    }
  }
})
const rebase = (mode: 'safe' | 'unsafe' = 'safe'): Case<RebasePlan> => ({
  operation: 'rebase',
  plan: {
    target: 'qcow2',
    knobs: { mode, backing: 'next', cluster_size: 65536, lazy_refcounts: false },
    overlaySize: '1M',
    newBackingSize: '1M',
    writes: {
      base: { offset: 0, length: 65536, byte: 0x11 },
      next: { offset: 262144, length: 65536, byte: 0x66 },
      overlay: { offset: 589824, length: 4096, byte: 0xcc }
    }
  }
})
const commit = (): Case<CommitPlan> => ({
  operation: 'commit',
  plan: {
    target: 'qcow2',
    knobs: { base: null, data: 'seed-64k', cluster_size: 65536, lazy_refcounts: false },
    overlaySize: '1M'
  }
})
const snapshot = (chain: SnapshotElement[]) =>
  snapshotCase(chain, {}, '4M', [{ kind: 'write', offset: 0, length: 4096, byte: 0x21 }])
const repair = (
  corruption: RepairKnobs['corruption'],
  tier: RepairKnobs['tier'] = 'all',
  cluster_size: RepairKnobs['cluster_size'] = 65536
): Case<RepairPlan> => ({
  operation: 'repair',
  plan: { target: 'qcow2', knobs: { corruption, tier, cluster_size } }
})

const CREATE_ALPHA: SnapshotElement = { kind: 'create', arg: 'alpha' }
const WRITE: SnapshotElement = { kind: 'write', offset: 0, length: 65536, byte: 0x42 }

/** Damage the stand-in does to the image a subcommand wrote (or to its backing file). */
const damage = (bug: string, after: string, file: 'image' | 'backing' = 'image') => ({
  STAND_IN_BUGS: bug,
  STAND_IN_DAMAGE_AFTER: after,
  STAND_IN_DAMAGE_FILE: file
})

/** A campaign whose only divergence does not come back when re-run: flaky. */
async function flakyCampaign(): Promise<Produced> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'idf-flaky-'))
  try {
    // The first seed whose iteration 0 checks a qcow2 source (check-fails needs one).
    let seed = 1
    while (planIteration(seed, 0, ['check']).source.format !== 'qcow2') seed++
    const qemuImg = realQemuImg()
    const r = await runCampaign({
      seed,
      shard: { index: 1, count: 1 },
      operations: ['check'],
      jobs: 1,
      iterations: 1,
      durationSeconds: 120,
      timeoutSeconds: 30,
      minimize: true,
      paths: {
        instar: variants.standIn({
          STAND_IN_BUGS: 'check-fails',
          STAND_IN_ONCE: path.join(work, 'planted')
        }),
        qemuImg,
        qemuIo: path.join(path.dirname(qemuImg), 'qemu-io')
      },
      qemuVersion: testToolbox().qemuVersion,
      workRoot: path.join(work, 'campaign')
    })
    const [type, ...others] = Object.keys(r.inconclusive.byType)
    const counted = r.findings.length === 0 && others.length === 0 && r.inconclusive.total === 1
    return counted
      ? { kind: 'inconclusive', type }
      : { kind: 'campaign', summary: JSON.stringify({ findings: r.findings, by: r.inconclusive }) }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** A create that fills a 1.5 MiB disk: instar's image fits, qemu-img's does not. */
async function fullDisk(): Promise<Produced> {
  const disk = tmpfs('1536k')
  if (!disk)
    throw new Error('this machine cannot mount a tmpfs (tests run as root, see script/setup)')
  try {
    return await single(create({ preallocation: 'full' }), testToolbox(), disk.dir)
  } finally {
    disk.cleanup()
  }
}

const libyal = detectLibyal()
async function withLibyal(env: Record<string, string>) {
  const found = await libyal
  // script/setup installs the libyal tools: their absence fails the row, it does not skip it.
  expect(found.missing).toEqual([])
  return buggy(env, { libyal: found })
}

const ROWS = {
  instar_crash: {
    cause: 'panic in map (exit 101)',
    produce: () => single(map(), buggy({ STAND_IN_BUGS: 'panic', STAND_IN_CRASH: 'map' }))
  },
  instar_timeout: {
    cause: 'hang in info, per-call timeout 1.5 s',
    produce: () =>
      single(info(), buggy({ STAND_IN_BUGS: 'hang', STAND_IN_HANG: 'info' }, { timeoutMs: 1500 }))
  },
  exit_code_divergence: {
    cause: 'check-fails on a clean qcow2',
    produce: () => single(check(), buggy({ STAND_IN_BUGS: 'check-fails' }))
  },
  instar_modified_input: {
    cause: 'info-writes-input',
    produce: () => single(info(), buggy({ STAND_IN_BUGS: 'info-writes-input' }))
  },
  info_output_divergence: {
    cause: 'info-drops-field',
    produce: () => single(info(), buggy({ STAND_IN_BUGS: 'info-drops-field' }))
  },
  info_json_parse_failure: {
    cause: 'garbage-json in info',
    produce: () => single(info(), buggy({ STAND_IN_BUGS: 'garbage-json' }))
  },
  libyal_info_divergence: {
    cause: "info-wrong-compat, against the real qcowinfo's format version",
    produce: async () => single(info(), await withLibyal({ STAND_IN_BUGS: 'info-wrong-compat' }))
  },
  libyal_check_divergence: {
    cause: 'check-rejects-vmdk, which the real vmdkinfo opens',
    produce: async () =>
      single(check(vmdk), await withLibyal({ STAND_IN_BUGS: 'check-rejects-vmdk' }))
  },
  convert_content_divergence: {
    cause: 'convert-corrupt',
    produce: () => single(convert('raw'), buggy({ STAND_IN_BUGS: 'convert-corrupt' }))
  },
  convert_missing_output: {
    cause: 'no-output, raw target',
    produce: () => single(convert('raw'), buggy({ STAND_IN_BUGS: 'no-output' }))
  },
  convert_unreadable_output: {
    cause: 'no-output, qcow2 target',
    produce: () => single(convert('qcow2'), buggy({ STAND_IN_BUGS: 'no-output' }))
  },
  dd_content_divergence: {
    cause: 'dd-skip-off-by-one',
    produce: () => single(dd('raw', 3), buggy({ STAND_IN_BUGS: 'dd-skip-off-by-one' }))
  },
  dd_missing_output: {
    cause: 'no-output, raw target',
    produce: () => single(dd('raw'), buggy({ STAND_IN_BUGS: 'no-output' }))
  },
  dd_unreadable_output: {
    cause: 'no-output, qcow2 target',
    produce: () => single(dd('qcow2'), buggy({ STAND_IN_BUGS: 'no-output' }))
  },
  measure_json_parse_failure: {
    cause: 'garbage-json in measure',
    produce: () =>
      single(
        measure('qcow2'),
        buggy({ STAND_IN_BUGS: 'garbage-json', STAND_IN_GARBAGE: 'measure' })
      )
  },
  measure_numeric_divergence: {
    cause: 'measure-off',
    produce: () => single(measure('qcow2'), buggy({ STAND_IN_BUGS: 'measure-off' }))
  },
  measure_bitmaps_presence_divergence: {
    cause: 'measure-bitmaps, raw target',
    produce: () => single(measure('raw'), buggy({ STAND_IN_BUGS: 'measure-bitmaps' }))
  },
  measure_above_fully_allocated_bound: {
    cause: 'measure-underestimates, vhdx target of a 1 MiB source',
    produce: () =>
      single(measure('vhdx', small), buggy({ STAND_IN_BUGS: 'measure-underestimates' }))
  },
  measure_missing_output: {
    cause: "no-output in measure's own convert, vmdk target",
    produce: () => single(measure('vmdk'), buggy({ STAND_IN_BUGS: 'no-output' }))
  },
  create_info_readback_failure: {
    cause: 'header-damage after create',
    produce: () => single(create(), buggy(damage('header-damage', 'create')))
  },
  create_info_divergence: {
    cause: 'create-drops-lazy-refcounts',
    produce: () =>
      single(
        create({ lazy_refcounts: true }),
        buggy({ STAND_IN_BUGS: 'create-drops-lazy-refcounts' })
      )
  },
  resize_info_readback_failure: {
    cause: 'header-damage after resize',
    produce: () => single(resize(), buggy(damage('header-damage', 'resize')))
  },
  resize_info_divergence: {
    cause: 'resize-overshoots',
    produce: () => single(resize(), buggy({ STAND_IN_BUGS: 'resize-overshoots' }))
  },
  amend_info_readback_failure: {
    cause: 'header-damage after amend',
    produce: () => single(amend(), buggy(damage('header-damage', 'amend')))
  },
  amend_info_divergence: {
    cause: 'amend-keeps-lazy',
    produce: () => single(amend({ case: 'lazy-on' }), buggy({ STAND_IN_BUGS: 'amend-keeps-lazy' }))
  },
  amend_check_divergence: {
    cause: 'amend-leaks',
    produce: () => single(amend(), buggy({ STAND_IN_BUGS: 'amend-leaks' }))
  },
  rebase_info_readback_failure: {
    cause: 'header-damage after rebase',
    produce: () => single(rebase(), buggy(damage('header-damage', 'rebase')))
  },
  rebase_info_divergence: {
    cause: 'noop rebase onto a new backing',
    produce: () => single(rebase(), buggy({ STAND_IN_BUGS: 'noop', STAND_IN_NOOP: 'rebase' }))
  },
  rebase_content_divergence: {
    cause: 'rebase-unsafe-rewrites',
    produce: () => single(rebase('unsafe'), buggy({ STAND_IN_BUGS: 'rebase-unsafe-rewrites' }))
  },
  rebase_unreadable_output: {
    cause: 'l1-damage after rebase',
    produce: () => single(rebase(), buggy(damage('l1-damage', 'rebase')))
  },
  commit_overlay_info_readback_failure: {
    cause: 'header-damage to the overlay after commit',
    produce: () => single(commit(), buggy(damage('header-damage', 'commit')))
  },
  commit_overlay_info_divergence: {
    cause: 'sets-lazy-refcounts on the overlay after commit',
    produce: () => single(commit(), buggy(damage('sets-lazy-refcounts', 'commit')))
  },
  commit_overlay_allocation_divergence: {
    cause: 'commit-leaves-overlay',
    produce: () => single(commit(), buggy({ STAND_IN_BUGS: 'commit-leaves-overlay' }))
  },
  commit_overlay_map_readback_failure: {
    cause: 'l1-damage to the overlay after commit',
    produce: () => single(commit(), buggy(damage('l1-damage', 'commit')))
  },
  commit_backing_info_readback_failure: {
    cause: 'header-damage to the backing file after commit',
    produce: () => single(commit(), buggy(damage('header-damage', 'commit', 'backing')))
  },
  commit_backing_info_divergence: {
    cause: 'sets-lazy-refcounts on the backing file after commit',
    produce: () => single(commit(), buggy(damage('sets-lazy-refcounts', 'commit', 'backing')))
  },
  commit_backing_content_divergence: {
    cause: 'noop commit of seeded data',
    produce: () => single(commit(), buggy({ STAND_IN_BUGS: 'noop', STAND_IN_NOOP: 'commit' }))
  },
  commit_backing_unreadable_output: {
    cause: 'l1-damage to the backing file after commit',
    produce: () => single(commit(), buggy(damage('l1-damage', 'commit', 'backing')))
  },
  map_json_parse_failure: {
    cause: 'garbage-json in map',
    produce: () => single(map(), buggy({ STAND_IN_BUGS: 'garbage-json', STAND_IN_GARBAGE: 'map' }))
  },
  map_json_shape_divergence: {
    cause: 'map-not-array',
    produce: () => single(map(), buggy({ STAND_IN_BUGS: 'map-not-array' }))
  },
  map_extent_count_divergence: {
    cause: 'map-merges',
    produce: () => single(map(), buggy({ STAND_IN_BUGS: 'map-merges' }))
  },
  map_field_divergence: {
    cause: 'map-flips-zero',
    produce: () => single(map(), buggy({ STAND_IN_BUGS: 'map-flips-zero' }))
  },
  snapshot_write_failed: {
    cause: 'snapshot-keeps-lock, then a guest write',
    produce: () =>
      single(snapshot([CREATE_ALPHA, WRITE]), buggy({ STAND_IN_BUGS: 'snapshot-keeps-lock' }))
  },
  snapshot_normalize_failed: {
    cause: 'snapshot-bad-table',
    produce: () => single(snapshot([CREATE_ALPHA]), buggy({ STAND_IN_BUGS: 'snapshot-bad-table' }))
  },
  snapshot_byte_divergence: {
    cause: 'snapshot-apply-noop',
    produce: () =>
      single(
        snapshot([CREATE_ALPHA, WRITE, { kind: 'apply', arg: 'alpha' }]),
        buggy({ STAND_IN_BUGS: 'snapshot-apply-noop' })
      )
  },
  snapshot_list_divergence: {
    cause: 'snapshot-list-differs, listing compared as with qemu-img 9.0',
    produce: () => {
      const tools = buggy({ STAND_IN_BUGS: 'snapshot-list-differs' })
      const nine = { ...tools, qemuVersion: parseQemuVersion('qemu-img version 9.0.0') }
      return single(snapshot([CREATE_ALPHA]), nine)
    }
  },
  repair_safety_divergence: {
    cause: 'header-damage after the repair',
    produce: () => single(repair('leaked_cluster'), buggy(damage('header-damage', 'check')))
  },
  repair_completeness_divergence: {
    cause: 'repair-leaves-leak at tier all',
    produce: () =>
      single(repair('refcount_zero', 'all', 4096), buggy({ STAND_IN_BUGS: 'repair-leaves-leak' }))
  },
  repair_data_divergence: {
    cause: 'repair-drops-data',
    produce: () =>
      single(repair('refcount_too_high'), buggy({ STAND_IN_BUGS: 'repair-drops-data' }))
  },
  repair_json_parse_failure: {
    cause: 'garbage-json in the repair report',
    produce: () =>
      single(
        repair('leaked_cluster'),
        buggy({ STAND_IN_BUGS: 'garbage-json', STAND_IN_GARBAGE: 'check' })
      )
  },
  repair_unreadable_output: {
    cause: 'repair-compresses',
    produce: () =>
      single(repair('refcount_too_high'), buggy({ STAND_IN_BUGS: 'repair-compresses' }))
  },
  inconclusive_flaky: {
    cause: 'check-fails planted in the first call only, in a one-iteration campaign',
    produce: flakyCampaign
  },
  inconclusive_external_timeout: {
    cause: 'qemu-img measure hangs (injected), per-call timeout 1.5 s',
    produce: () => single(measure('raw'), faulty('hang:measure', { timeoutMs: 1500 }))
  },
  inconclusive_fixture_failed: {
    cause: 'an amend fixture qemu-img refuses to create (compat=0.10, 8-bit refcounts)',
    produce: () => single(amend({ case: 'upgrade', refcount_bits: 8 }), testToolbox())
  },
  harness_error: {
    cause: 'a check case without the source it reads',
    produce: () =>
      single({ operation: 'check', plan: { target: 'qcow2', knobs: {} } }, testToolbox())
  },
  inconclusive_libyal_outlier: {
    cause: 'a qcowinfo that cannot open what qemu-img wrote and instar checks clean',
    produce: () =>
      single(
        check(),
        testToolbox({
          libyal: { found: { qcowinfo: variants.script('qcowinfo', 'exit 1') }, missing: [] }
        })
      )
  },
  inconclusive_reference_check: {
    cause: "qemu-img check prints no counters for instar's amended image (injected)",
    produce: () => single(amend(), faulty('no-json:check'))
  },
  inconclusive_reference_output: {
    cause: 'qemu-img measure prints no JSON (injected)',
    produce: () => single(measure('raw'), faulty('no-json:measure'))
  },
  inconclusive_reference_output_missing: {
    cause: 'qemu-img convert succeeds without its output (injected)',
    produce: () => single(convert('raw'), faulty('drop-output:convert'))
  },
  inconclusive_reference_readback: {
    cause: 'qemu-img info cannot read its own new image (injected)',
    produce: () => single(create(), faulty('fail-info:create-qemu'))
  },
  inconclusive_reference_snapshot_table: {
    cause: 'qemu-img snapshot -c leaves its own table unwalkable (injected)',
    produce: () => single(snapshot([CREATE_ALPHA]), faulty('bad-snapshot-table'))
  },
  inconclusive_repair_no_baseline: {
    cause: 'qemu-img check prints no counters for the corrupted image (injected)',
    produce: () => single(repair('leaked_cluster'), faulty('no-json:check'))
  },
  inconclusive_repair_conservative: {
    cause: 'repair-declines where qemu-img repairs',
    produce: () => single(repair('leaked_cluster'), buggy({ STAND_IN_BUGS: 'repair-declines' }))
  },
  inconclusive_compare_failed: {
    cause: 'qemu-img compare of the two outputs fails (injected)',
    produce: () => single(convert('qcow2'), faulty('fail-compare'))
  },
  inconclusive_no_space: {
    cause: "a full disk (a 1.5 MiB tmpfs) under qemu-img's preallocated create",
    produce: fullDisk
  }
} satisfies Record<FindingType, Row>

describe('the finding catalogue, type by type', () => {
  it('has a row making each type, and no row for a type it lacks', () => {
    expect(Object.keys(ROWS).sort()).toEqual(Object.keys(FINDING_TYPES).sort())
  })

  it.concurrent.each(Object.entries(ROWS) as Array<[FindingType, Row]>)('%s', async (type, row) => {
    const produced = await row.produce()
    expect(
      { kind: produced.kind, type: produced.type },
      `${row.cause}: ${produced.summary ?? ''}`
    ).toEqual({ kind: FINDING_TYPES[type].kind, type })
  })
})
