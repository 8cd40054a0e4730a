import type { StoredCase } from '../findings/finding.js'
import { FINDING_TYPES, isFindingType } from '../findings/types.js'
import { isNoSpace } from '../util/disk.js'
import type { QemuVersion } from '../util/qemu-version.js'
import { workFolder } from '../util/work-folder.js'
import { Cancelled, Stopped } from '../util/tool-runner.js'
import { CASE_SCHEMA, caseFromStored, type Case } from './case.js'
import { MIN_FREE_BYTES, runCase } from './iteration.js'
import { detectLibyal } from './libyal-tools.js'
import type { Outcome } from './outcome.js'
import { QuietGate } from './quiet-gate.js'
import { createToolbox, type ToolPaths } from './toolbox.js'
import { runPool } from './worker-pool.js'

/**
 * Runs of a stored case that must all agree before its bug counts as
 * fixed: one clean run can be luck (a race, a timeout barely met).
 */
export const VERIFY_TRIES = 3

/** A stored case to re-run, with the finding type its issue is about. */
export interface RecheckItem {
  type: string
  stored: StoredCase
  /** Who stored it (`instar-diff-fuzz <version>`), for the reason an old case cannot be replayed. */
  filedBy: string
}

/** What re-running a stored case said (see findings/verification.ts for the verdicts). */
export interface Recheck {
  verdict: 'reproduces' | 'fixed' | 'undecided'
  tries: number
  reason?: string
}

/** How a case is run: alongside others, or with nothing else in flight (hangs). */
export interface CaseRunner {
  shared(c: Case): Promise<Outcome>
  alone(c: Case): Promise<Outcome>
}

export const OUT_OF_TIME = 'out of time: the verification share of the time box was spent'

const undecided = (tries: number, reason: string): Recheck => ({
  verdict: 'undecided',
  tries,
  reason
})

/** Why a stored case cannot be replayed by this version, or null when it can. */
function unreplayable(item: RecheckItem, c: Case | null): string | null {
  if (!isFindingType(item.type) || FINDING_TYPES[item.type].kind !== 'divergence')
    return `the issue is about '${item.type}', which this version does not know`
  if (c) return null
  return item.stored.schema === CASE_SCHEMA
    ? `this version cannot replay the case ${item.filedBy} stored`
    : `the case was stored by ${item.filedBy} with case schema ${item.stored.schema}; this version replays schema ${CASE_SCHEMA}`
}

/**
 * Re-runs a stored case as stored (caseFromStored: no picker, no seed, so
 * what an old issue replays cannot change with the pickers). The first
 * divergence of the type means it reproduces; VERIFY_TRIES clean
 * runs mean fixed; anything else (another divergence, an inconclusive run,
 * no time left) decides nothing. A hang type runs with nothing else in
 * flight, as the confirmer re-runs it.
 */
export async function recheckCase(item: RecheckItem, runner: CaseRunner): Promise<Recheck> {
  const c = caseFromStored(item.stored)
  const problem = unreplayable(item, c)
  if (problem || !c) return undecided(0, problem ?? '')
  const quiet = FINDING_TYPES[item.type as keyof typeof FINDING_TYPES].confirmation === 'quiet'
  for (let t = 1; t <= VERIFY_TRIES; t++) {
    let outcome: Outcome
    try {
      outcome = quiet ? await runner.alone(c) : await runner.shared(c)
    } catch (error) {
      if (error instanceof Cancelled) return undecided(t - 1, 'the run was cancelled')
      if (error instanceof Stopped) return undecided(t - 1, OUT_OF_TIME)
      if (isNoSpace(error)) return undecided(t - 1, 'the work folder is full')
      throw error
    }
    if (outcome.kind === 'divergence' && outcome.type === item.type)
      return { verdict: 'reproduces', tries: t }
    if (outcome.kind === 'divergence')
      return undecided(t, `it now diverges as ${outcome.type}: ${outcome.evidence.summary}`)
    if (outcome.kind === 'inconclusive')
      return undecided(t, `${outcome.type}: ${outcome.evidence.summary}`)
    if (outcome.kind === 'skip') return undecided(t, `nothing to compare: ${outcome.reason}`)
  }
  return { verdict: 'fixed', tries: VERIFY_TRIES }
}

export interface RecheckConfig {
  paths: ToolPaths
  qemuVersion: QemuVersion
  timeoutSeconds: number
  jobs: number
  /** Epoch ms: no tool call starts after it; cases not reached are undecided. */
  deadline: number
  /** Where the cases' folders are made (and removed). */
  workRoot: string
  /** Free space below which a divergence decides nothing (MIN_FREE_BYTES): a full disk is no reproduction. */
  minFreeBytes?: number
  signal?: AbortSignal
}

/**
 * Re-runs stored cases in the order given (the longest unverified first),
 * `jobs` at a time, each in a fresh folder with a freshly built source,
 * until the deadline; the ones it does not reach are undecided, out of
 * time, and come first next time.
 */
export async function recheckAll(items: RecheckItem[], config: RecheckConfig): Promise<Recheck[]> {
  const results = items.map(() => undecided(0, OUT_OF_TIME))
  if (items.length === 0) return results
  const tools = createToolbox({
    paths: config.paths,
    qemuVersion: config.qemuVersion,
    timeoutMs: config.timeoutSeconds * 1000,
    deadline: config.deadline,
    signal: config.signal,
    libyal: await detectLibyal()
  })
  const work = await workFolder(config.workRoot, 'verify-')
  const root = work.dir
  const gate = new QuietGate()
  const floor = config.minFreeBytes ?? MIN_FREE_BYTES
  const runner: CaseRunner = {
    shared: c => gate.shared(() => runCase(c, root, tools, floor)),
    alone: c => gate.exclusive(() => runCase(c, root, tools, floor))
  }
  try {
    await runPool({
      jobs: config.jobs,
      limit: items.length,
      deadline: config.deadline,
      signal: config.signal,
      run: async k => {
        results[k] = await recheckCase(items[k], runner)
      }
    })
  } finally {
    await work.remove()
  }
  if (config.signal?.aborted)
    for (const [k, r] of results.entries())
      if (r.tries === 0 && r.reason === OUT_OF_TIME)
        results[k] = undecided(0, 'the run was cancelled')
  return results
}
