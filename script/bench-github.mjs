// The GitHub row of `npm run bench`: the bundled action (dist/index.js, as
// the runner runs it, with GitHub's own pacing) files three planted bugs
// into the test suite's loopback GitHub holding a tracker of 2,000 closed
// and 150 open fuzz issues, and reports the API requests the run made
// (summary.json `api_requests`) and how long filing took.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'

const CLOSED = 2_000
const OPEN = 150

/** The loopback server and the fingerprint function, bundled from their TypeScript sources. */
async function loadSupport(dir) {
  const entry = path.join(dir, 'support.ts')
  writeFileSync(
    entry,
    [
      `export { startGitHubServer } from ${JSON.stringify(path.resolve('__tests__/support/github-server.ts'))}`,
      `export { fingerprint } from ${JSON.stringify(path.resolve('src/findings/fingerprint.ts'))}`
    ].join('\n')
  )
  const outfile = path.join(dir, 'support.mjs')
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'silent'
  })
  return import(outfile)
}

export async function benchGitHub() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idf-bench-github-'))
  const { startGitHubServer, fingerprint } = await loadSupport(dir)
  const server = await startGitHubServer()
  try {
    const marker = fp => `<!-- instar-diff-fuzz fingerprint=${fp} -->`
    const add = (fp, state = {}) =>
      server.addIssue({
        title: `old ${fp}`,
        body: marker(fp),
        labels: ['differential-fuzz'],
        ...state
      })
    const noise = i => i.toString(16).padStart(16, 'e')
    // Of the three planted bugs, one has an open issue, one a fixed (closed) one, one is new.
    add(fingerprint('info_output_divergence', 'info', 'qcow2', []))
    add(fingerprint('exit_code_divergence', 'check', 'qcow2', []), {
      state: 'closed',
      state_reason: 'completed'
    })
    for (let i = 0; i < CLOSED - 1; i++)
      add(noise(i), { state: 'closed', state_reason: i % 3 ? 'completed' : 'not_planned' })
    for (let i = 0; i < OPEN - 1; i++) add(noise(100_000 + i))
    const times = []
    server.onRequest = () => times.push(Date.now())
    const runnerTemp = path.join(dir, 'runner')
    const env = {
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_')
        )
      ),
      INPUT_INSTAR: '__tests__/support/stand-in-instar.mjs',
      INPUT_SEED: '303',
      INPUT_ITERATIONS: '30',
      INPUT_DURATION: '3m',
      INPUT_OPERATIONS: 'create,info,check',
      INPUT_TOKEN: 'bench-token',
      'INPUT_FAIL-ON': 'never',
      RUNNER_TEMP: runnerTemp,
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_API_URL: server.url,
      GITHUB_REPOSITORY: 'octo/instar',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '1',
      STAND_IN_BUGS: 'create-drops-lazy-refcounts,info-drops-field,check-fails'
    }
    writeFileSync(env.GITHUB_OUTPUT, '')
    // Not spawnSync: the loopback server answers from this process's event loop.
    const run = await collect(process.execPath, ['dist/index.js'], env)
    if (run.code !== 0)
      throw new Error(`bench github: the action exited ${run.code}\n${run.stdout.slice(-2000)}`)
    const summary = JSON.parse(
      readFileSync(path.join(runnerTemp, 'instar-diff-fuzz', 'summary.json'), 'utf8')
    )
    const actions = summary.findings.map(f => f.issue.action).sort()
    return {
      label: `tracker of ${CLOSED} closed + ${OPEN} open issues`,
      issues: server.state.issues.length,
      findings: summary.findings.length,
      actions,
      apiRequests: summary.api_requests,
      requestsSeen: server.state.requests.length,
      filingSeconds: times.length > 1 ? Math.round((times.at(-1) - times[0]) / 100) / 10 : 0
    }
  } finally {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs a child to its end and collects its output. */
function collect(file, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env })
    let stdout = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stdout += d))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout }))
  })
}
