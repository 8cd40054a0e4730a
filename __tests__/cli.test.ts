import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectRoot } from './support/action-runner.js'
import { STAND_IN } from './support/tools.js'

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
