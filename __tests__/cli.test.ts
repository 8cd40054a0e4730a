import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import type { CellStats, CoverageMap } from '../src/findings/coverage.js'
import { coverageSpace } from '../src/fuzz/coverage-space.js'
import { projectRoot } from './support/action-runner.js'
import { STAND_IN, tempDir } from './support/tools.js'

const reportDir = mkdtempSync(path.join(os.tmpdir(), 'idf-cli-'))
afterAll(() => rmSync(reportDir, { recursive: true, force: true }))

function cli(args: string[], bugs = '') {
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'dist', 'cli.js'), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, STAND_IN_BUGS: bugs },
    timeout: 240_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('dist/cli.js', () => {
  it('runs a dry-run campaign, then replays a finding to the same fingerprint', async () => {
    const run = cli(
      [
        'run',
        '--instar',
        STAND_IN,
        '--seed',
        '99',
        '--iterations',
        '12',
        '--operations',
        'create',
        '--report-dir',
        reportDir
      ],
      'create-drops-lazy-refcounts'
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('## instar-diff-fuzz: 1 finding')
    expect(run.stdout).toContain('---- issue that would be filed for ')
    expect(run.stdout).toContain(
      '[diff-fuzz] create_info_divergence: create qcow2 lazy_refcounts=on'
    )
    const summary = JSON.parse(readFileSync(path.join(reportDir, 'summary.json'), 'utf8'))
    const [finding] = summary.findings
    expect(finding.issue.action).toBe('dry-run')
    expect(finding.replay).toContain(
      `--seed 99 --iteration ${finding.first.iteration} --operations create`
    )

    // The finding's standalone reproducer, written with the reports and shown in the issue.
    const script = path.join(reportDir, 'findings', finding.fingerprint, 'repro.sh')
    expect(run.stdout).toContain(readFileSync(script, 'utf8'))
    const repro = (bugs: string) =>
      spawnSync('sh', [script], {
        encoding: 'utf8',
        env: { ...process.env, INSTAR: STAND_IN, STAND_IN_BUGS: bugs }
      }).status
    expect(repro('create-drops-lazy-refcounts')).toBe(1)
    expect(repro('')).toBe(0)
    // ...and written again from the finding's report by `repro`.
    const json = path.join(reportDir, 'findings', `${finding.fingerprint}.json`)
    expect(cli(['repro', '--finding', json]).stdout).toBe(readFileSync(script, 'utf8'))
    const notAFinding = cli(['repro', '--finding', path.join(reportDir, 'summary.json')])
    expect(notAFinding.code).toBe(2)
    expect(notAFinding.stderr.trim().split('\n')).toHaveLength(1)
    expect(notAFinding.stderr).toContain("Invalid input 'finding'")

    const args = [
      'replay',
      '--instar',
      STAND_IN,
      '--seed',
      '99',
      '--iteration',
      String(finding.first.iteration),
      '--operations',
      'create'
    ]
    const replay = cli(args, 'create-drops-lazy-refcounts')
    expect(replay.code).toBe(1)
    const replayed = JSON.parse(replay.stdout)
    expect(replayed.fingerprint).toBe(finding.fingerprint)
    expect(replayed.occurrence.iteration).toBe(finding.first.iteration)

    // Once the bug is fixed, the same iteration no longer reproduces.
    const fixed = cli(args, '')
    expect(fixed.code).toBe(0)
    expect(fixed.stdout).toContain('no longer reproduces')
  })

  it('rejects bad flags with one line and exit 2', () => {
    const r = cli(['run', '--instar', STAND_IN, '--duration', '5 mins'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain("'duration'")
    const noIteration = cli(['replay', '--instar', STAND_IN, '--seed', '1'])
    expect(noIteration.code).toBe(2)
    expect(noIteration.stderr).toContain("'iteration'")
  })

  it('prints usage for help and for an unknown command', () => {
    expect(cli(['--help']).stdout).toContain('node dist/cli.js replay')
    expect(cli(['frobnicate']).code).toBe(2)
  })
})

/**
 * A map of earlier nights in which every value and pair of create ran a
 * thousand times, except qcow2 targets, 512-byte clusters and 1-bit
 * refcounts: steering then favours exactly the bug's rare cell.
 */
function earlierNights(): CoverageMap {
  const { values, pairs } = coverageSpace(['create']).create
  const rare = ['target=qcow2', 'cluster_size=512', 'refcount_bits=1']
  const stats = (runs: number): CellStats => ({ runs, divergences: 0, last: '2026-01-01' })
  return {
    version: 1,
    campaigns: 9,
    operations: {
      create: {
        runs: 9000,
        values: Object.fromEntries(values.map(v => [v, stats(rare.includes(v) ? 0 : 1000)])),
        pairs: Object.fromEntries(pairs.map(p => [p, stats(1000)]))
      }
    }
  }
}

describe('dist/cli.js with a coverage file', () => {
  it('steers from the file, adds the run to it, and replays a steered finding with its weights', () => {
    const tmp = tempDir('idf-cli-coverage-')
    onTestFinished(tmp.cleanup)
    const file = path.join(tmp.dir, 'coverage.json')
    const reportDir = path.join(tmp.dir, 'report')
    writeFileSync(file, JSON.stringify(earlierNights()))
    const run = cli(
      [
        'run',
        '--instar',
        STAND_IN,
        '--seed',
        '3',
        '--iterations',
        '4',
        '--operations',
        'create',
        '--coverage-file',
        file,
        '--report-dir',
        reportDir
      ],
      'create-rare-refcount'
    )
    expect(run.stderr).toContain('coverage: steering the pickers of create towards what ran least')
    expect(run.stdout).toContain('### Coverage of the option space')
    const summary = JSON.parse(readFileSync(path.join(reportDir, 'summary.json'), 'utf8'))
    expect(summary.steering.mode).toBe('coverage')
    expect(summary.steering.weights.create.cluster_size).toEqual({
      '512': 1,
      '4096': 0.05,
      '65536': 0.05,
      '262144': 0.05,
      '2097152': 0.05
    })
    expect(summary.coverage.accumulated.campaigns).toBe(10)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(summary.coverage.accumulated)
    expect(summary.findings.map((f: { options: string[] }) => f.options)).toEqual([
      ['cluster_size=512', 'refcount_bits=1']
    ])
    const [finding] = summary.findings
    // Its divergences are counted on its cells, in this run's map and the accumulated one.
    for (const map of [summary.coverage.run, summary.coverage.accumulated])
      expect(map.operations.create.pairs['cluster_size=512 refcount_bits=1'].divergences).toBe(
        finding.occurrences
      )
    expect(summary.coverage.operations.create.diverged).toEqual({
      'cluster_size=512': finding.occurrences,
      'refcount_bits=1': finding.occurrences,
      'target=qcow2': finding.occurrences
    })
    const weights = path.join(reportDir, 'summary.json')
    expect(finding.replay).toContain(`--weights ${weights}`)
    const found = JSON.parse(
      readFileSync(path.join(reportDir, 'findings', `${finding.fingerprint}.json`), 'utf8')
    )
    expect(found.steering).toEqual(summary.steering)

    const replay = (extra: string[]) =>
      cli(
        [
          'replay',
          '--instar',
          STAND_IN,
          '--seed',
          '3',
          '--iteration',
          String(finding.first.iteration),
          '--operations',
          'create',
          ...extra
        ],
        'create-rare-refcount'
      )
    const steered = replay(['--weights', weights])
    expect(steered.code).toBe(1)
    expect(JSON.parse(steered.stdout).fingerprint).toBe(finding.fingerprint)
    // Without the weights the same iteration draws other values.
    const unsteered = replay([])
    expect(unsteered.code).toBe(0)
    expect(unsteered.stdout).toContain('no longer reproduces')
  })
})
