import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DivergenceType } from '../../../src/findings/types.js'
import { caseOptions, type Case } from '../../../src/fuzz/case.js'
import { runCase } from '../../../src/fuzz/iteration.js'
import { buildSource, type SourceSpec } from '../../../src/fuzz/source.js'
import { reproScript } from '../../../src/fuzz/repro/script.js'
import { realQemuImg, STAND_IN, testToolbox } from '../../support/tools.js'
import {
  limiter,
  literally,
  readTrace,
  recording,
  relative,
  runScript,
  standInToolbox,
  type TracedCall
} from './run-script.js'

const MiB = 1 << 20

function source(
  format: SourceSpec['format'],
  pattern: SourceSpec['pattern'],
  writes: SourceSpec['writes'] = []
): SourceSpec {
  return {
    format,
    size: '4M',
    sizeBytes: 4 * MiB,
    pattern,
    ...(format === 'qcow2' ? { clusterSize: 65536 } : {}),
    writes
  }
}
const data = [
  { offset: 0, length: 4096, byte: 0x11 },
  { offset: 131072, length: 512, byte: 0x22 }
]

/** One case per operation with a planted bug that shows in it, and the finding it makes. */
interface Planted {
  name: string
  bugs: string
  type: DivergenceType
  case: Case
  env?: Record<string, string>
  timeoutSeconds?: number
}

const qcow2Knobs = {
  cluster_size: 65536,
  extended_l2: false,
  lazy_refcounts: true,
  refcount_bits: null
}
const PLANTED: Planted[] = [
  {
    name: 'info',
    bugs: 'info-drops-field',
    type: 'info_output_divergence',
    case: {
      operation: 'info',
      plan: { target: 'qcow2', knobs: {} },
      source: source('qcow2', 'random', data)
    }
  },
  {
    name: 'check (exit status)',
    bugs: 'check-fails',
    type: 'exit_code_divergence',
    case: {
      operation: 'check',
      plan: { target: 'qcow2', knobs: {} },
      source: source('qcow2', 'zeros')
    }
  },
  {
    name: 'check (a panic, on a raw MBR)',
    bugs: 'panic',
    type: 'instar_crash',
    case: { operation: 'check', plan: { target: 'raw', knobs: {} }, source: source('raw', 'mbr') }
  },
  {
    name: 'convert (from raw data)',
    bugs: 'convert-corrupt',
    type: 'convert_content_divergence',
    case: {
      operation: 'convert',
      plan: { target: 'qcow2', knobs: {}, compress: false } as never,
      source: source('raw', 'random', data)
    }
  },
  {
    name: 'convert_compressed',
    bugs: 'convert-corrupt',
    type: 'convert_content_divergence',
    case: {
      operation: 'convert_compressed',
      plan: { target: 'qcow2', knobs: {}, compress: true } as never,
      source: source('vpc', 'random', data)
    }
  },
  {
    name: 'measure',
    bugs: 'measure-off',
    type: 'measure_numeric_divergence',
    case: {
      operation: 'measure',
      plan: { target: 'qcow2', knobs: {} },
      source: source('qcow2', 'random', data)
    }
  },
  {
    name: 'create',
    bugs: 'create-drops-lazy-refcounts',
    type: 'create_info_divergence',
    case: {
      operation: 'create',
      plan: { target: 'qcow2', knobs: { ...qcow2Knobs, preallocation: null }, size: '16M' } as never
    }
  },
  {
    name: 'resize',
    bugs: 'resize-ignores-shrink',
    type: 'exit_code_divergence',
    case: {
      operation: 'resize',
      plan: {
        target: 'raw',
        knobs: { preallocation: null, resize: 'shrink', size_form: 'relative' },
        startSize: '4M',
        endSpec: '-1M'
      } as never
    }
  },
  {
    name: 'amend',
    bugs: 'amend-keeps-lazy',
    type: 'amend_info_divergence',
    case: {
      operation: 'amend',
      plan: {
        target: 'qcow2',
        knobs: { case: 'lazy-on', cluster_size: 65536, refcount_bits: null, lazy_refcounts: false }
      }
    }
  },
  {
    name: 'rebase',
    bugs: 'rebase-unsafe-rewrites',
    type: 'rebase_content_divergence',
    case: {
      operation: 'rebase',
      plan: {
        target: 'qcow2',
        knobs: { mode: 'unsafe', backing: 'next', cluster_size: 65536, lazy_refcounts: false },
        overlaySize: '4M',
        newBackingSize: '4M',
        writes: {
          base: { offset: 65536, length: 65536, byte: 17 },
          next: { offset: 262144, length: 65536, byte: 100 },
          overlay: { offset: 589824, length: 4096, byte: 200 }
        }
      } as never
    }
  },
  {
    name: 'commit',
    bugs: 'commit-leaves-overlay',
    type: 'commit_overlay_allocation_divergence',
    case: {
      operation: 'commit',
      plan: {
        target: 'qcow2',
        knobs: { base: null, data: 'seed-64k', cluster_size: 4096, lazy_refcounts: false },
        overlaySize: '4M'
      } as never
    }
  },
  {
    name: 'map',
    bugs: 'map-merges',
    type: 'map_extent_count_divergence',
    case: {
      operation: 'map',
      plan: { target: 'qcow2', knobs: { start_offset: null, max_length: null } },
      source: source('qcow2', 'random', data)
    }
  },
  {
    name: 'snapshot',
    bugs: 'snapshot-apply-noop',
    type: 'snapshot_byte_divergence',
    case: {
      operation: 'snapshot',
      plan: {
        target: 'qcow2',
        knobs: { cluster_size: 65536, compat: '1.1', extended_l2: false, backing: true },
        size: '4M',
        seedWrites: [{ kind: 'write', offset: 0, length: 4096, byte: 1 }],
        chain: [
          { kind: 'create', arg: "snap 'with' spaces" },
          { kind: 'write', offset: 0, length: 4096, byte: 2 },
          { kind: 'apply', arg: "snap 'with' spaces" }
        ]
      } as never
    }
  },
  {
    name: 'repair',
    bugs: 'repair-leaves-leak',
    type: 'repair_completeness_divergence',
    case: {
      operation: 'repair',
      plan: {
        target: 'qcow2',
        knobs: { corruption: 'refcount_zero', tier: 'all', cluster_size: 4096 }
      }
    }
  },
  {
    name: 'dd',
    bugs: 'dd-skip-off-by-one',
    type: 'dd_content_divergence',
    case: {
      operation: 'dd',
      plan: {
        target: 'qcow2',
        knobs: { bs: 'aligned', count: null, skip: 'set' },
        bs: 65536,
        count: null,
        skip: 2,
        virtualSize: 4 * MiB
      } as never,
      source: source('qcow2', 'random', [{ offset: 131072, length: 4096, byte: 0x33 }])
    }
  },
  {
    name: 'a hang (info)',
    bugs: 'hang',
    env: { STAND_IN_HANG: 'info' },
    timeoutSeconds: 2,
    type: 'instar_timeout',
    case: {
      operation: 'info',
      plan: { target: 'vmdk', knobs: {} },
      source: source('vmdk', 'zeros')
    }
  }
]

// Scripts live and run under a path with spaces, quotes and a comma, as any path may.
const root = mkdtempSync(path.join(os.tmpdir(), 'idf-repro-'))
const awkward = path.join(root, `it's a "repro", really`)
mkdirSync(awkward)
afterAll(() => rmSync(root, { recursive: true, force: true }))

const qemuImg = realQemuImg()
const slot = limiter(2)

function scriptEnv(tmp: string, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/',
    TMPDIR: tmp,
    INSTAR: STAND_IN,
    QEMU_IMG: qemuImg,
    ...extra
  }
}

/** The harness's calls for the case, and its verdict, with the stand-in's bugs planted. */
async function harnessRun(p: Planted): Promise<{ type: string; calls: TracedCall[] }> {
  const calls: TracedCall[] = []
  const env = { STAND_IN_BUGS: p.bugs, ...p.env }
  const tools = recording(standInToolbox(env, (p.timeoutSeconds ?? 30) * 1000), calls)
  const dir = mkdtempSync(path.join(root, 'harness-'))
  const outcome = await runCase(p.case, dir, tools)
  const prefixes: Array<[RegExp, string]> = [
    [new RegExp(`${literally(dir)}/case-[^/]+/source-[^/]+`, 'g'), '<source>'],
    [new RegExp(`${literally(dir)}/case-[^/]+/step`, 'g'), '<step>']
  ]
  return { type: 'type' in outcome ? outcome.type : outcome.kind, calls: relative(calls, prefixes) }
}

/** The script's calls for the case (its REPRO_TRACE), with its own folder made relative. */
function scriptCalls(trace: string, tmp: string): TracedCall[] {
  const prefixes = [tmp, tmp.replaceAll(',', ',,')].flatMap((t): Array<[RegExp, string]> => [
    [new RegExp(`${literally(t)}/[^/]+/source`, 'g'), '<source>'],
    [new RegExp(`${literally(t)}/[^/]+/step`, 'g'), '<step>']
  ])
  return relative(readTrace(trace), prefixes)
}

describe('repro.sh of each operation, against the planted bug and the faithful stand-in', () => {
  for (const [k, p] of PLANTED.entries()) {
    it.concurrent(`${p.name}: exits 1 with the bug, making the harness's calls; 0 without`, () =>
      slot(async () => {
        const dir = path.join(awkward, `case ${k}`)
        const tmp = path.join(dir, 'tmp, too')
        mkdirSync(tmp, { recursive: true })
        const script = path.join(dir, 'repro.sh')
        const timeoutSeconds = p.timeoutSeconds ?? 30
        writeFileSync(
          script,
          reproScript({
            fingerprint: `case-${k}`,
            type: p.type,
            options: caseOptions(p.case),
            case: p.case,
            timeoutSeconds
          })
        )
        const harness = await harnessRun(p)
        expect(harness.type).toBe(p.type)

        const trace = path.join(dir, 'trace')
        const buggy = await runScript(
          script,
          scriptEnv(tmp, { STAND_IN_BUGS: p.bugs, REPRO_TRACE: trace, ...p.env })
        )
        expect(buggy.stderr).toBe('')
        expect(buggy.stdout).toContain(`DIVERGENCE ${p.type}:`)
        expect(buggy.stdout).toContain('The finding reproduces.')
        expect(buggy.status).toBe(1)
        const calls = scriptCalls(trace, tmp)
        expect(calls.filter(c => c.argv[0] === STAND_IN).length).toBeGreaterThan(0)
        expect(calls).toEqual(harness.calls)

        // Kept, the faithful run's source can be compared with the harness's, byte for byte.
        const faithful = await runScript(script, scriptEnv(tmp, { REPRO_KEEP: '1' }))
        expect(faithful.stdout).toContain('The finding does not reproduce.')
        expect(faithful.status).toBe(0)
        const kept = /the case is kept in (.+)\n/.exec(faithful.stderr)![1]
        try {
          // vpc and vmdk stamp a creation time or a random id: no two builds are the same bytes.
          if (p.case.source && ['raw', 'qcow2'].includes(p.case.source.format))
            await expectSameSource(p.case.source, kept)
        } finally {
          rmSync(kept, { recursive: true, force: true })
        }
      })
    )
  }
})

/** The source the script built is the one buildSource builds (raw data and the MBR are put in place without qemu-io). */
async function expectSameSource(spec: SourceSpec, kept: string): Promise<void> {
  const dir = mkdtempSync(path.join(root, 'source-'))
  const built = await buildSource(spec, dir, testToolbox())
  expect(
    readFileSync(path.join(kept, 'source', `source.${spec.format}`)).equals(
      readFileSync(built.qemuPath)
    )
  ).toBe(true)
}

/**
 * A script for a modified source runs every check of its operation (the
 * harness checks the source after all of them): the faithful stand-in
 * passes each one, the stages the other findings' scripts stop before
 * included (libyal where its tools are installed, amend's check, the end
 * of a snapshot chain, repair's data), and measure's self-check.
 */
describe('every check of an operation, against the faithful stand-in', () => {
  const full: Array<[string, Case]> = [
    ...PLANTED.filter(p =>
      ['info', 'check (exit status)', 'amend', 'snapshot', 'repair'].includes(p.name)
    ).map((p): [string, Case] => [p.name, p.case]),
    [
      'measure (vmdk: instar against itself)',
      {
        operation: 'measure',
        plan: { target: 'vmdk', knobs: {} },
        source: source('raw', 'random', data)
      }
    ]
  ]
  for (const [k, [name, c]] of full.entries()) {
    it.concurrent(`${name}: exits 0`, () =>
      slot(async () => {
        const script = path.join(awkward, `full ${k}.sh`)
        writeFileSync(
          script,
          reproScript({
            fingerprint: `full-${k}`,
            type: 'instar_modified_input',
            options: [],
            case: c,
            timeoutSeconds: 30
          })
        )
        const run = await runScript(script, scriptEnv(root, {}))
        expect(run.stderr).toBe('')
        expect(run.stdout).toContain('NO DIVERGENCE: every check agrees.')
        expect(run.status).toBe(0)
      })
    )
  }

  it('finds an instar that modifies the image it was only asked to read', async () => {
    const toucher = path.join(awkward, 'touching instar')
    writeFileSync(
      toucher,
      `#!/bin/sh\nfor a; do last=$a; done\ntouch "$last"\nexec '${STAND_IN}' "$@"\n`,
      {
        mode: 0o755
      }
    )
    const script = path.join(awkward, 'modified.sh')
    writeFileSync(
      script,
      reproScript({
        fingerprint: 'modified',
        type: 'instar_modified_input',
        options: [],
        case: PLANTED[0].case,
        timeoutSeconds: 30
      })
    )
    const run = await runScript(script, scriptEnv(root, { INSTAR: toucher }))
    expect(run.stdout).toContain(
      'DIVERGENCE instar_modified_input: instar modified the source image it was only asked to read.'
    )
    expect(run.status).toBe(1)
  })
})

describe('repro.sh exit statuses besides 0 and 1', () => {
  const info = PLANTED[0]
  const script = path.join(awkward, 'other.sh')
  writeFileSync(
    script,
    reproScript({
      fingerprint: 'other',
      type: info.type,
      options: [],
      case: info.case,
      timeoutSeconds: 30
    })
  )

  it('exits 3 and names it when another divergence shows up instead', async () => {
    const run = await runScript(script, scriptEnv(root, { STAND_IN_BUGS: 'garbage-json' }))
    expect(run.stdout).toContain(
      'DIVERGENCE info_json_parse_failure: instar info --output json did not print JSON.'
    )
    expect(run.stdout).toContain(
      "This is another divergence than the finding's (info_output_divergence)."
    )
    expect(run.status).toBe(3)
  })

  it('names the signal that killed instar', async () => {
    const check = PLANTED[2]
    const crash = path.join(awkward, 'crash.sh')
    writeFileSync(
      crash,
      reproScript({
        fingerprint: 'crash',
        type: check.type,
        options: [],
        case: check.case,
        timeoutSeconds: 30
      })
    )
    const run = await runScript(crash, scriptEnv(root, { STAND_IN_BUGS: 'segv' }))
    expect(run.stdout).toContain(
      'DIVERGENCE instar_crash: instar was killed by SIGSEGV; qemu-img exit 63.'
    )
    expect(run.status).toBe(1)
  })

  it('exits 2 when the reference tools cannot build the case', async () => {
    const run = await runScript(script, scriptEnv(root, { QEMU_IMG: '/bin/false' }))
    expect(run.stdout).toContain(
      'INCONCLUSIVE inconclusive_fixture_failed: the reference tools could not build the fixture (create source): exit 1.'
    )
    expect(run.status).toBe(2)
  })
})
