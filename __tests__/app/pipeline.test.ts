import { afterEach, describe, expect, it } from 'vitest'
import { runPipeline, type PipelinePorts } from '../../src/app/pipeline.js'
import { parseInputs } from '../../src/inputs.js'
import { startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { tmpfs } from '../support/tmpfs.js'
import { STAND_IN, tempDir } from '../support/tools.js'

/** The pipeline in this process, with ports that record what a runner would show. */
function ports(env: Record<string, string>) {
  const annotations: Array<{ level: string; title: string; message: string }> = []
  const groups: string[] = []
  const p: PipelinePorts = {
    log: () => {},
    annotate: (level, title, message) => annotations.push({ level, title, message }),
    group: (name, task) => {
      groups.push(name)
      return task()
    },
    env,
    instarPath: STAND_IN,
    prepareKvm: false
  }
  return { p, annotations, groups }
}

const cleanups: Array<() => void> = []
let server: GitHubServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  for (const c of cleanups.splice(0)) c()
})

function withBugs<T>(bugs: string, task: () => Promise<T>): Promise<T> {
  const saved = process.env.STAND_IN_BUGS
  process.env.STAND_IN_BUGS = bugs
  return task().finally(() => {
    if (saved === undefined) delete process.env.STAND_IN_BUGS
    else process.env.STAND_IN_BUGS = saved
  })
}

const reports = tmpfs('8k')

describe('the pipeline', () => {
  it.skipIf(reports === null)(
    'files the issues from memory when the report folder is full, and says so in one error line',
    async () => {
      cleanups.push(reports!.cleanup)
      const work = tempDir('idf-runner-')
      cleanups.push(work.cleanup)
      server = await startGitHubServer()
      const inputs = parseInputs(
        name =>
          ({
            instar: STAND_IN,
            operations: 'create',
            seed: '11',
            iterations: '24',
            duration: '5m',
            token: 'test-token',
            'report-dir': reports!.dir
          })[name] ?? ''
      )
      const { p, annotations, groups } = ports({
        GITHUB_API_URL: server.url,
        GITHUB_REPOSITORY: 'octo/instar',
        RUNNER_TEMP: work.dir
      })
      const report = await withBugs('create-drops-lazy-refcounts', () => runPipeline(inputs, p))
      expect(groups).toEqual([
        'Reference qemu-img',
        'Coverage map',
        'Campaign',
        'Reports',
        'Issues'
      ])
      expect(report.result.findings.map(f => f.options)).toEqual([['lazy_refcounts=on']])
      // Filed all the same:
      expect(server.state.issues.filter(i => !i.pull_request).map(i => i.title)).toEqual([
        '[diff-fuzz] create_info_divergence: create qcow2 lazy_refcounts=on'
      ])
      expect([...report.links.values()].map(l => l.action)).toEqual(['created'])
      // ...and the reports that could not be written are one error, said once.
      const errors = annotations.filter(a => a.level === 'error' && a.title === 'Reports')
      expect(errors).toHaveLength(1)
      expect(errors[0].message).toMatch(
        /could not write the reports to .*ENOSPC.*the 1 findings are in the job summary and filed as issues all the same/
      )
      // One annotation for the new finding.
      expect(
        annotations.filter(a => a.title === 'New finding: create_info_divergence')
      ).toHaveLength(1)
      expect(report.failure).toBe('1 new, regressed or unfiled findings')
    }
  )
})
