import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { StoredCase } from '../../src/findings/finding.js'
import { runCase } from '../../src/fuzz/iteration.js'
import { operation } from '../../src/fuzz/operations/index.js'
import { QuietGate } from '../../src/fuzz/quiet-gate.js'
import {
  OUT_OF_TIME,
  recheckAll,
  recheckCase,
  VERIFY_TRIES,
  type CaseRunner,
  type RecheckItem
} from '../../src/fuzz/recheck.js'
import { lazyFinding } from '../support/stored-issues.js'
import { tempDir, testToolbox, toolsUnderTest } from '../support/tools.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  vi.unstubAllEnvs()
  for (const c of cleanups.splice(0)) c()
})

/** The case as an issue stores it: JSON, read back by a later version. */
function lazyItem(): RecheckItem {
  const f = lazyFinding()
  return {
    type: f.type,
    stored: JSON.parse(JSON.stringify(f.case)) as StoredCase,
    filedBy: 'instar-diff-fuzz 1.0.0'
  }
}

/** Runs cases in a temporary folder with the stand-in, counting the runs (`minFreeBytes`: runCase's floor). */
function runner(timeoutMs?: number, minFreeBytes?: number): CaseRunner & { runs: number } {
  const work = tempDir('idf-recheck-')
  cleanups.push(work.cleanup)
  const tools = testToolbox({ timeoutMs })
  const gate = new QuietGate()
  const r = {
    runs: 0,
    shared: (c: Parameters<CaseRunner['shared']>[0]) => {
      r.runs++
      return gate.shared(() => runCase(c, work.dir, tools, minFreeBytes))
    },
    alone: (c: Parameters<CaseRunner['alone']>[0]) => {
      r.runs++
      return gate.exclusive(() => runCase(c, work.dir, tools, minFreeBytes))
    }
  }
  return r
}

describe('re-running a stored case', () => {
  it('reproduces on the first run while the bug is there, and is fixed after three clean runs', async () => {
    vi.stubEnv('STAND_IN_BUGS', 'create-drops-lazy-refcounts')
    const buggy = runner()
    expect(await recheckCase(lazyItem(), buggy)).toEqual({ verdict: 'reproduces', tries: 1 })
    expect(buggy.runs).toBe(1)
    vi.stubEnv('STAND_IN_BUGS', '')
    const fixed = runner()
    expect(await recheckCase(lazyItem(), fixed)).toEqual({ verdict: 'fixed', tries: VERIFY_TRIES })
    expect(fixed.runs).toBe(3)
  })

  it('replays the case as stored: no picker and no seed are involved', async () => {
    // A later version whose create picker draws something else entirely.
    const create = operation('create')
    const pick = create.pick
    create.pick = () => {
      throw new Error('a stored case must not be drawn again')
    }
    try {
      vi.stubEnv('STAND_IN_BUGS', 'create-drops-lazy-refcounts')
      expect(await recheckCase(lazyItem(), runner())).toEqual({ verdict: 'reproduces', tries: 1 })
    } finally {
      create.pick = pick
    }
  })

  it('decides nothing for a case this version cannot replay, without running it', async () => {
    const r = runner()
    const newer = { ...lazyItem(), filedBy: 'instar-diff-fuzz 9.0.0' }
    newer.stored = { ...newer.stored, schema: 99 }
    expect(await recheckCase(newer, r)).toEqual({
      verdict: 'undecided',
      tries: 0,
      reason:
        'the case was stored by instar-diff-fuzz 9.0.0 with case schema 99; this version replays schema 1'
    })
    const unknownType = { ...lazyItem(), type: 'create_colour_divergence' }
    expect((await recheckCase(unknownType, r)).reason).toBe(
      "the issue is about 'create_colour_divergence', which this version does not know"
    )
    const badPlan = lazyItem()
    badPlan.stored = {
      ...badPlan.stored,
      plan: { target: 'qcow2', knobs: { extended_l2: true, cluster_size: 512 } }
    }
    expect((await recheckCase(badPlan, r)).reason).toBe(
      'this version cannot replay the case instar-diff-fuzz 1.0.0 stored'
    )
    expect(r.runs).toBe(0)
  })

  it('decides nothing when the case now diverges in another way', async () => {
    vi.stubEnv('STAND_IN_BUGS', 'create-drops-lazy-refcounts')
    const r = runner()
    const other = { ...lazyItem(), type: 'exit_code_divergence' }
    const verdict = await recheckCase(other, r)
    expect(verdict.verdict).toBe('undecided')
    expect(verdict.reason).toMatch(/^it now diverges as create_info_divergence: /)
    expect(r.runs).toBe(1)
  })

  it('decides nothing when the case diverges with the work folder nearly full', async () => {
    vi.stubEnv('STAND_IN_BUGS', 'create-drops-lazy-refcounts')
    // No disk has this much free: every divergence is seen "nearly full", as a silent abort on a full one would be.
    const r = runner(undefined, Number.MAX_SAFE_INTEGER)
    const verdict = await recheckCase(lazyItem(), r)
    expect(verdict.verdict).toBe('undecided')
    expect(verdict.tries).toBe(1)
    expect(verdict.reason).toMatch(
      /^inconclusive_no_space: create_info_divergence seen with the work folder nearly full \(the work folder .* has \d+ MiB free/
    )
  })

  it('re-runs a hang with nothing else in flight', async () => {
    vi.stubEnv('STAND_IN_BUGS', 'hang')
    vi.stubEnv('STAND_IN_HANG', 'create')
    const hang = { ...lazyItem(), type: 'instar_timeout' }
    const r = runner(1000)
    let alone = 0
    const counting: CaseRunner = { shared: r.shared, alone: c => (alone++, r.alone(c)) }
    expect(await recheckCase(hang, counting)).toEqual({ verdict: 'reproduces', tries: 1 })
    expect(alone).toBe(1)
  })
})

describe('re-running many stored cases', () => {
  it('leaves what the deadline does not reach undecided, out of time, and its folders removed', async () => {
    const work = tempDir('idf-recheck-all-')
    cleanups.push(work.cleanup)
    const config = {
      ...toolsUnderTest(),
      timeoutSeconds: 30,
      jobs: 2,
      workRoot: work.dir
    }
    const spent = await recheckAll([lazyItem(), lazyItem()], {
      ...config,
      deadline: Date.now() - 1
    })
    expect(spent).toEqual([
      { verdict: 'undecided', tries: 0, reason: OUT_OF_TIME },
      { verdict: 'undecided', tries: 0, reason: OUT_OF_TIME }
    ])
    vi.stubEnv('STAND_IN_BUGS', 'create-drops-lazy-refcounts')
    const done = await recheckAll([lazyItem(), lazyItem()], {
      ...config,
      deadline: Date.now() + 60_000
    })
    expect(done).toEqual([
      { verdict: 'reproduces', tries: 1 },
      { verdict: 'reproduces', tries: 1 }
    ])
    // Its own folder is gone, and the work root with it: nothing else was in there.
    expect(existsSync(work.dir)).toBe(false)
  })
})
