import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../src/findings/fingerprint.js'
import { structure } from './github/markdown.js'
import { runAction, type ActionRun } from './support/action-runner.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { realQemuImg, STAND_IN } from './support/tools.js'

/**
 * The bundled action's log and job summary in debug mode, filing against
 * the loopback GitHub, with a stand-in whose check prints markup on stderr
 * (`hostile-stderr`). The same action without debug mode is checked by
 * workflows.test.ts on CI's own `uses: ./` inputs.
 */
const HOSTILE = 'ERROR </summary><img src=x onerror=alert(1)> @octocat fixes #1 | `rm -rf` <!--'
const FP = fingerprint('exit_code_divergence', 'check', 'qcow2', [])

let server: GitHubServer
let run: ActionRun
let lines: string[]

beforeAll(async () => {
  server = await startGitHubServer()
  run = await runAction(
    {
      instar: STAND_IN,
      seed: '7',
      iterations: '3',
      duration: '2m',
      operations: 'check',
      token: 'test-token'
    },
    {
      STAND_IN_BUGS: 'hostile-stderr',
      GITHUB_API_URL: server.url,
      GITHUB_REPOSITORY: 'octo/instar',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '77',
      RUNNER_DEBUG: '1'
    }
  )
  lines = run.stdout.split('\n')
})
afterAll(async () => {
  await server.close()
  rmSync(run.runnerTemp, { recursive: true, force: true })
})

describe('the bundled action in debug mode', () => {
  it('files the one planted bug and fails the step for it', () => {
    expect(run.code).toBe(1)
    expect(run.outputs['new-issues']).toBe('1')
    expect(server.state.issues).toHaveLength(1)
  })

  it('puts each phase in one group, every group closed', () => {
    const groups = lines.filter(l => l.startsWith('::group::')).map(l => l.slice(9))
    expect(groups).toEqual([
      'Reference qemu-img',
      'KVM',
      'Coverage map',
      'Verification',
      'Campaign',
      'Reports',
      'Reproducers',
      'Report artifact',
      'Issues',
      'Verification results'
    ])
    let open = 0
    for (const l of lines) {
      if (l.startsWith('::group::')) expect(open++).toBe(0)
      if (l === '::endgroup::') expect(--open).toBe(0)
    }
  })

  it('marks the new issue with one error annotation, titled', () => {
    const annotations = lines.filter(l => /^::(error|warning|notice)/.test(l))
    const issue = server.state.issues[0]
    expect(annotations).toHaveLength(3)
    // Off GitHub's servers there is no artifact service: one warning, with its title.
    expect(annotations[0]).toMatch(
      /^::warning title=Report artifact::instar-diff-fuzz-1-of-1 was not uploaded: /
    )
    expect(annotations[1]).toBe(
      `::error title=New finding%3A exit_code_divergence::check qcow2 [] (${FP}, created) ${server.url}/octo/instar/issues/${issue.number}: instar failed (exit 3: ${HOSTILE}) where qemu-img succeeded.`
    )
    expect(annotations[2]).toMatch(/^::error::instar-diff-fuzz: 1 new, regressed or unfiled/)
  })

  it('logs every setup command and every API request as debug lines', () => {
    const debug = lines.filter(l => l.startsWith('::debug::')).map(l => l.slice(9))
    expect(debug[0]).toMatch(/^inputs: \{.*"token":"\*\*\*"/)
    expect(debug.join('\n')).not.toContain('test-token')
    const qemuImg = realQemuImg()
    expect(debug.filter(l => / \$ /.test(l)).map(l => l.replace(/^.* \$ /, ''))).toEqual([
      `${qemuImg} --version`
    ])
    const requests = debug.filter(l => / - \d{3} with id .* in \d+ms$/.test(l))
    expect(requests.map(l => l.replace(/ with id .*$/, ''))).toEqual(
      server.state.requests.map(
        r =>
          `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''} - ${r.status}`
      )
    )
  })

  it('shows the tool output in the job summary only sanitised', () => {
    const summary = run.summary
    expect(summary).toContain(
      'instar failed (exit 3: ERROR &lt;/summary&gt;&lt;img src=x onerror=alert(1)&gt; @\u200docto'
    )
    expect(summary).not.toContain('<img')
    expect(summary).not.toContain('<!--')
    expect(summary).not.toContain('@octocat')
    expect(summary.match(/<summary>/g)).toHaveLength(1)
    expect(summary.match(/<\/summary>/g)).toHaveLength(1)
    expect(summary.match(/<details>/g)).toHaveLength(1)
    // Every HTML tag in the summary is one the summary itself writes.
    expect([...new Set(summary.match(/<\/?[a-z][^>]*>/gi))].sort()).toEqual([
      '</details>',
      '</summary>',
      '<details>',
      '<summary>'
    ])
  })

  it('and in the issue, only fenced or sanitised', () => {
    const body = structure(server.state.issues[0].body)
    expect(body.unclosed).toBe(false)
    expect(body.blocks.filter(b => b.includes(HOSTILE))).toHaveLength(1)
    const outside = body.outside.join('\n')
    expect(outside).toContain(
      '**What diverged:** instar failed (exit 3: ERROR &lt;/summary&gt;&lt;img src=x'
    )
    expect(outside).not.toContain('<img')
    expect(outside).not.toContain('@octocat')
  })
})
