import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../src/findings/fingerprint.js'
import { projectRoot } from './support/action-runner.js'
import { STAND_IN, tempDir } from './support/tools.js'

/**
 * `cli.js merge` over two shards' report folders made by real campaigns
 * with planted bugs: the same code the filing step runs, without GitHub.
 */

const BUGS = 'info-drops-field,check-fails'
const PLANTED = [
  fingerprint('info_output_divergence', 'info', 'qcow2', []),
  fingerprint('exit_code_divergence', 'check', 'qcow2', [])
].sort()

const tmp = tempDir('idf-merge-')
afterAll(() => tmp.cleanup())

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist', 'cli.js'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, STAND_IN_BUGS: BUGS }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

function shard(i: number): Promise<{ code: number | null }> {
  return cli([
    'run',
    '--instar',
    STAND_IN,
    '--seed',
    '5',
    '--iterations',
    '6',
    '--operations',
    'info,check',
    '--shard',
    `${i}/2`,
    '--report-dir',
    path.join(tmp.dir, `shard-${i}`)
  ])
}

type Summary = {
  iterations: number
  divergences: number
  shard: string
  findings: { fingerprint: string; occurrences: number; issue: { action: string } }[]
  operations: Record<string, { runs: number }>
  shards: { shard: string; source: string }[]
  missing_shards: string[]
}
const summaryOf = (dir: string): Summary =>
  JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'))

describe('dist/cli.js merge', () => {
  it('merges two shards into one night: every finding once, occurrences and counts added, one job summary', async () => {
    const [one, two] = await Promise.all([shard(1), shard(2)])
    expect([one.code, two.code]).toEqual([1, 1])
    const a = summaryOf(path.join(tmp.dir, 'shard-1'))
    const b = summaryOf(path.join(tmp.dir, 'shard-2'))
    // Both shards found both planted bugs: the merge has something to unite.
    expect(a.findings.map(f => f.fingerprint).sort()).toEqual(PLANTED)
    expect(b.findings.map(f => f.fingerprint).sort()).toEqual(PLANTED)
    // A file only one shard wrote travels with it.
    mkdirSync(path.join(tmp.dir, 'shard-2', 'extra'))
    writeFileSync(path.join(tmp.dir, 'shard-2', 'extra', 'note.txt'), 'kept')

    const out = path.join(tmp.dir, 'night')
    const merge = await cli([
      'merge',
      '--reports',
      path.join(tmp.dir, 'shard-1'),
      path.join(tmp.dir, 'shard-2'),
      '--report-dir',
      out
    ])
    expect(merge.code).toBe(0)
    const night = summaryOf(out)
    expect(night.shard).toBe('1/2, 2/2')
    expect(night.shards.map(s => s.shard)).toEqual(['1/2', '2/2'])
    expect(night.missing_shards).toEqual([])
    expect(night.iterations).toBe(a.iterations + b.iterations)
    expect(night.divergences).toBe(a.divergences + b.divergences)
    expect(night.operations.check.runs).toBe(a.operations.check.runs + b.operations.check.runs)
    expect(night.findings.map(f => f.fingerprint).sort()).toEqual(PLANTED)
    for (const f of night.findings) {
      const seen = (s: Summary): number =>
        s.findings.find(x => x.fingerprint === f.fingerprint)!.occurrences
      expect(f.occurrences).toBe(seen(a) + seen(b))
      expect(f.issue.action).toBe('dry-run')
      const doc = JSON.parse(
        readFileSync(path.join(out, 'findings', `${f.fingerprint}.json`), 'utf8')
      )
      expect(doc.occurrences).toHaveLength(f.occurrences)
      // Each shard's occurrences, none twice: shards run disjoint iterations.
      const places = doc.occurrences.map(
        (o: { iteration: number; step: number }) => `${o.iteration}:${o.step}`
      )
      expect(new Set(places).size).toBe(f.occurrences)
    }
    expect(readFileSync(path.join(out, 'shards', '2-of-2', 'extra', 'note.txt'), 'utf8')).toBe(
      'kept'
    )
    expect(existsSync(path.join(out, 'shards', '1-of-2'))).toBe(false)

    // One job summary covering both shards, each finding once.
    expect(merge.stdout).toContain(
      `## instar-diff-fuzz: 2 findings (${night.divergences} divergent runs)`
    )
    expect(merge.stdout).toContain(`| ${night.iterations} | ${night.divergences} | 2 |`)
    for (const s of ['1/2', '2/2'])
      expect(merge.stdout).toMatch(new RegExp(`^\\| ${s} \\| 5 \\| `, 'm'))
    for (const fp of PLANTED)
      expect(merge.stdout.split('\n').filter(l => l.startsWith(`| \`${fp}\``))).toHaveLength(1)
  })

  it('names the input when a folder is not a report', async () => {
    const run = await cli(['merge', '--reports', path.join(tmp.dir, 'nowhere')])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^Invalid input 'reports': .*nowhere.* is not a folder/)
  })
})
