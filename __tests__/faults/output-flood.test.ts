import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, stop } from 'esbuild'
import { afterEach, describe, expect, it } from 'vitest'
import type { Outcome } from '../../src/fuzz/outcome.js'
import { runCampaign } from '../../src/fuzz/campaign.js'
import { renderIssueBody } from '../../src/github/render.js'
import { testCampaignConfig } from '../support/campaign.js'
import { tempDir, toolsUnderTest } from '../support/tools.js'
import { misbehavingInstar } from './wrappers.js'

/**
 * Fault: instar or qemu-img prints a gigabyte. The runner keeps 4 MiB of
 * each stream and reads the rest into nothing: the tool is not killed for
 * it, the harness's memory does not grow with it, and the evidence says
 * the output was cut.
 */
const GiB = 2 ** 30
const CAP = 4 * 2 ** 20

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

interface Measured {
  warmRssMb: number
  rssMb: number
  outcome: Outcome
}

/**
 * The check operation run by a harness of its own (a child Node with the
 * action's heap flags), so that its peak RSS is the runner's and nothing
 * else's: a warm-up flood of 256 MiB sets the level, then instar's check
 * prints a gigabyte on stderr and must not raise it.
 */
async function floodInHarness(dir: string, instar: string): Promise<Measured> {
  const src = (file: string): string =>
    JSON.stringify(fileURLToPath(new URL(`../${file}`, import.meta.url)))
  const entry = path.join(dir, 'flood.ts')
  writeFileSync(
    entry,
    [
      `import { runTool } from ${src('../src/util/tool-runner.ts')}`,
      `import { check } from ${src('../src/fuzz/operations/check.ts')}`,
      `import { testToolbox } from ${src('support/tools.ts')}`,
      `import { runOnSource, sourceWithData } from ${src('fuzz/operations/source-plan.ts')}`,
      `const rss = () => Math.round(process.resourceUsage().maxRSS / 1024)`,
      `await runTool('sh', ['-c', 'head -c ${GiB / 4} /dev/zero'], { timeoutMs: 60_000, outputCap: ${CAP} })`,
      `const warmRssMb = rss()`,
      `const tools = testToolbox({ instar: ${JSON.stringify(instar)}, timeoutMs: 120_000 })`,
      `const outcome = await runOnSource(check, { target: 'qcow2', knobs: {} }, sourceWithData('qcow2', '1M'), tools)`,
      `process.stdout.write(JSON.stringify({ warmRssMb, rssMb: rss(), outcome }))`
    ].join('\n')
  )
  const script = path.join(dir, 'flood.mjs')
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    logLevel: 'silent',
    external: ['esbuild', 'vitest']
  })
  // esbuild's service process would outlive the test.
  await stop()
  const run = spawnSync(process.execPath, ['--max-semi-space-size=1', script], {
    encoding: 'utf8'
  })
  expect(run.status, run.stderr).toBe(0)
  return JSON.parse(run.stdout) as Measured
}

describe('a tool that prints a gigabyte', () => {
  it('is capped at 4 MiB, not killed, leaves the harness memory flat, and the evidence says it was cut', async () => {
    const { dir, cleanup } = tempDir('idf-flood-')
    cleanups.push(cleanup)
    // instar's check loops on an error message for a gigabyte, then fails.
    const instar = misbehavingInstar(
      dir,
      'check',
      `yes 'instar: refcount error, retrying' | head -c ${GiB} >&2\nexit 3`
    )
    const { warmRssMb, rssMb, outcome } = await floodInHarness(dir, instar)
    // Flat: a gigabyte more output than the warm-up does not raise the
    // peak beyond noise (V8 frees the dropped chunks in batches).
    expect(rssMb - warmRssMb).toBeLessThan(48)
    console.info(`peak RSS of the harness: ${warmRssMb} MB after 256 MiB, ${rssMb} MB after 1 GiB`)

    expect(outcome.kind).toBe('divergence')
    if (outcome.kind !== 'divergence') return
    expect(outcome.type).toBe('exit_code_divergence')
    const call = outcome.evidence.instar!
    // Not killed for it: instar's own exit status.
    expect(call).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      printed: { stdout: 0, stderr: GiB, kept: CAP }
    })
    expect(call.stderr).toMatch(/^(instar: refcount error, retrying\n){10}/)
    expect(call.stderr).toContain(`\n… (${CAP - 2000} more characters)`)
    const body = renderIssueBody(
      {
        fingerprint: '0123456789abcdef',
        type: outcome.type,
        operation: 'check',
        target: 'qcow2',
        options: [],
        status: 'minimised',
        case: { schema: 1, operation: 'check', plan: { target: 'qcow2', knobs: {} } },
        evidence: outcome.evidence,
        confirmed: true,
        runs: { confirm: 1, minimise: 0 },
        occurrences: []
      },
      {
        runUrl: '',
        seed: 1,
        versions: { instar: 'x', qemuImg: 'y' },
        replayCommand: 'node dist/cli.js replay'
      }
    )
    expect(body).toContain(
      'Output truncated: instar printed 1,073,741,824 bytes on stderr; the first 4,194,304 bytes of each stream were kept (the tool was not stopped for it), and the excerpts below come from them.'
    )
    expect(body.length).toBeLessThan(65_536)
  })

  it("is said once in the run's warnings even when the tools agree", async () => {
    const { dir, cleanup } = tempDir('idf-flood-')
    cleanups.push(cleanup)
    // 5 MiB of chatter on stderr before every info, which otherwise agrees.
    const instar = misbehavingInstar(dir, 'info', `head -c ${5 * 2 ** 20} /dev/zero >&2`)
    const r = await runCampaign(
      testCampaignConfig(path.join(dir, 'work'), {
        seed: 3,
        operations: ['info'],
        jobs: 1,
        iterations: 1,
        durationSeconds: 120,
        timeoutSeconds: 30,
        minimize: false,
        minFreeBytes: 0,
        ...toolsUnderTest(instar)
      })
    )
    expect(r.findings).toEqual([])
    const calls = r.spawns[path.basename(instar)] - 1 // all but --version
    expect(r.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${calls} tool calls? printed more than 4 MiB on a stream; the first 4 MiB of each stream were kept and the tool was not stopped \\(first: instar-info info .*: \\d+ bytes on stdout, 5,242,880 on stderr\\)$`
        )
      )
    ])
  })
})
