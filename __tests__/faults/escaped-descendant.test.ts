import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCampaign } from '../../src/fuzz/campaign.js'
import { runTool } from '../../src/util/tool-runner.js'
import { testCampaignConfig } from '../support/campaign.js'
import { tempDir, toolsUnderTest } from '../support/tools.js'
import { gone, misbehavingInstar } from './wrappers.js'

/**
 * Fault: a tool's descendant leaves the process group (setsid) and keeps
 * stdout open. Killing the group cannot reach it and the pipe never
 * closes while it lives; the call must still end, and say who it left.
 */
const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

/** A sleeper with an argument no other process has, so the test finds only its own. */
const sleeper = (tag: number): string[] => ['sleep', `${300 + tag}.${process.pid}`]

describe('a descendant that escapes the process group and holds stdout', () => {
  it('does not hold the call: it ends when the tool and its group are gone, and the escapee is named and killed', async () => {
    const argv = sleeper(1)
    const script = `setsid sh -c 'echo "$$"; exec ${argv.join(' ')}' & echo tool done`
    const r = await runTool('sh', ['-c', script], { timeoutMs: 20_000, outputCap: 1 << 20 })
    const lines = r.stdout.split('\n')
    const escapee = Number(lines.find(l => /^\d+$/.test(l)))
    expect(r).toMatchObject({ exitCode: 0, signal: null, timedOut: false })
    // Ended on its own long before the 20 s timeout.
    expect(r.durationMs).toBeLessThan(5_000)
    expect(lines.sort()).toEqual(['', String(escapee), 'tool done'])
    expect(r.escaped).toEqual([{ pid: escapee, command: argv.join(' ') }])
    expect(await gone(argv)).toEqual([])
  })

  it('ends a hanging tool at its timeout even though the escapee keeps the pipe open', async () => {
    const argv = sleeper(2)
    const script = `setsid sh -c 'echo "$$"; exec ${argv.join(' ')}' & exec sleep 600`
    const r = await runTool('sh', ['-c', script], { timeoutMs: 1_000, outputCap: 1 << 20 })
    const escapee = Number(r.stdout.trim())
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true })
    expect(r.durationMs).toBeGreaterThanOrEqual(1_000)
    expect(r.durationMs).toBeLessThan(4_000)
    expect(r.escaped).toEqual([{ pid: escapee, command: argv.join(' ') }])
    expect(await gone(argv)).toEqual([])
  })

  it('lets a campaign go on, and warns once for every call that left one behind', async () => {
    const work = tempDir('idf-escape-')
    cleanups.push(work.cleanup)
    const argv = sleeper(3)
    const log = path.join(work.dir, 'escapes')
    // Every `instar info` leaves a sleeper in a session of its own holding stdout.
    const instar = misbehavingInstar(
      work.dir,
      'info',
      `setsid ${argv.join(' ')} &\necho x >> ${log}`
    )
    const r = await runCampaign(
      testCampaignConfig(path.join(work.dir, 'work'), {
        seed: 3,
        operations: ['info'],
        jobs: 1,
        iterations: 2,
        durationSeconds: 120,
        minimize: false,
        minFreeBytes: 0,
        ...toolsUnderTest(instar)
      })
    )
    const calls = execFileSync('wc', ['-l', log], { encoding: 'utf8' }).trim().split(' ')[0]
    expect(r.iterations).toBe(2)
    expect(r.findings).toEqual([])
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings![0]).toMatch(
      new RegExp(
        `^${calls} tool calls left a process outside the call's process group holding its output open; the call ended without waiting for it and the process was killed \\(first: instar-info info .* pid \\d+ \\(${argv.join(' ').replace('.', '\\.')}\\)\\)$`
      )
    )
    expect(Number(calls)).toBeGreaterThan(1)
    expect(await gone(argv)).toEqual([])
    // Nothing waited for a timeout: two iterations of info in far less than one.
    expect(r.elapsedSeconds).toBeLessThan(20)
  })
})
