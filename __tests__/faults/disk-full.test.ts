import { spawnSync } from 'node:child_process'
import { readdirSync, statfsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { runPipeline, type PipelinePorts } from '../../src/app/pipeline.js'
import { renderJobSummary } from '../../src/findings/job-summary.js'
import { parseInputs } from '../../src/inputs.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { tmpfs } from '../support/tmpfs.js'
import { STAND_IN } from '../support/tools.js'

/**
 * Fault: the disk fills up mid-run, under the work folder and the report
 * folder alike (two size-capped filesystems, filled to the last byte when
 * the first finding is announced). The campaign stops starting
 * iterations, keeps what it found in memory, files the issue anyway, and
 * says in one error line each what stopped and what could not be written.
 */
const work = tmpfs('320m')
const reports = tmpfs('1m')
let server: GitHubServer | undefined

afterEach(async () => {
  await server?.close()
})
afterAll(() => {
  work?.cleanup()
  reports?.cleanup()
})

/** Takes every byte left on the filesystem of `dir` (zeros until it is full). */
function fill(dir: string): void {
  spawnSync('sh', ['-c', 'cat /dev/zero > "$0"', path.join(dir, 'filler')])
  expect(statfsSync(dir).bavail).toBe(0)
}

describe.skipIf(work === null || reports === null)('a disk that fills up mid-run', () => {
  it('stops the campaign, files from memory, and says once what could not be written', async () => {
    server = await startGitHubServer()
    const reportDir = path.join(reports!.dir, 'reports')
    const inputs = parseInputs(
      name =>
        ({
          instar: STAND_IN,
          operations: 'create',
          seed: '11',
          iterations: '24',
          duration: '5m',
          token: 'test-token',
          'report-dir': reportDir
        })[name] ?? ''
    )
    const annotations: Array<{ level: string; title: string; message: string }> = []
    const announced: string[] = []
    const ports: PipelinePorts = {
      log: line => {
        const fp = /^NEW FINDING ([0-9a-f]{16})/.exec(line)?.[1]
        if (!fp) return
        announced.push(fp)
        if (announced.length === 1) {
          fill(work!.dir)
          fill(reports!.dir)
        }
      },
      annotate: (level, title, message) => annotations.push({ level, title, message }),
      group: (_name, task) => task(),
      env: {
        GITHUB_API_URL: server.url,
        GITHUB_REPOSITORY: 'octo/instar',
        RUNNER_TEMP: work!.dir
      },
      instarPath: STAND_IN,
      prepareKvm: false
    }
    const saved = process.env.STAND_IN_BUGS
    process.env.STAND_IN_BUGS = 'create-drops-lazy-refcounts'
    const report = await runPipeline(inputs, ports).finally(() => {
      if (saved === undefined) delete process.env.STAND_IN_BUGS
      else process.env.STAND_IN_BUGS = saved
    })

    // The campaign stopped starting iterations and kept what it had found.
    expect(report.result.stoppedBy).toBe('no-space')
    expect(report.result.iterations).toBeLessThan(24)
    expect(announced).toHaveLength(1)
    expect(report.result.findings.map(f => f.fingerprint)).toEqual(announced)
    // Filed from memory.
    expect(server.state.issues.map(i => i.title)).toEqual([
      '[diff-fuzz] create_info_divergence: create qcow2 lazy_refcounts=on'
    ])
    expect([...report.links.values()].map(l => l.action)).toEqual(['created'])
    // One error line for what stopped, one for what could not be written
    // (the third marks the new finding), and no other.
    const errors = annotations.filter(a => a.level === 'error')
    expect(errors.map(a => a.title)).toEqual([
      'Disk full',
      'Reports',
      'New finding: create_info_divergence'
    ])
    expect(errors[0].message).toMatch(
      /^(the work folder .* has \d+ MiB free \(less than 256 MiB\)|a tool ran out of disk space in the work folder .*|the work folder .* is full \(.*ENOSPC.*\)): no more iterations were started; what was found is kept$/
    )
    expect(errors[1].message).toMatch(
      new RegExp(
        `^could not write the reports to ${reportDir} \\(ENOSPC: no space left on device, .*\\); the 1 findings are in the job summary and filed as issues all the same$`
      )
    )
    // Nothing half-written is left in the report folder.
    const left = readdirSync(reportDir, { recursive: true }).map(String)
    expect(left.filter(n => n.includes('.tmp-'))).toEqual([])
    // The job summary carries the finding, its issue and both lines.
    const summary = renderJobSummary(report.result, report.links, report.info)
    expect(summary).toContain(announced[0])
    expect(summary).toContain(`[#1](${server.url}/octo/instar/issues/1) created`)
    expect(summary).toContain('no more iterations were started; what was found is kept')
    expect(summary).toContain('could not write the reports to')
  })
})
