import { readFileSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { CoverageInfo } from '../findings/coverage-report.js'
import {
  emptyCoverage,
  mergeCoverage,
  parseCoverage,
  parseWeights,
  pruneCoverage,
  type CoverageMap,
  type SteeringWeights
} from '../findings/coverage.js'
import { coverageDomain, coverageSpace } from '../fuzz/coverage-space.js'
import { steeringWeights } from '../fuzz/steering.js'
import { InputError, type Inputs } from '../inputs.js'
import { writeWhole } from '../util/write-whole.js'

type Env = Readonly<Record<string, string | undefined>>
type Say = (line: string) => void

/** Bumped when the map's shape changes, so an old entry is never restored into a new version. */
const KEY_PREFIX = 'instar-diff-fuzz-coverage-v1'
const FILE = 'coverage.json'

/** Where the map is kept between runs: a file of the user's, an Actions cache entry, or nowhere. */
export type CoverageStore =
  | { kind: 'file'; file: string }
  | { kind: 'cache'; dir: string; key: string; failedAtStart?: boolean }
  | null

export interface CoverageStart {
  info: CoverageInfo
  store: CoverageStore
}

/** A branch name as a key part (git forbids `:` in names, so `:` can separate the parts). */
function part(name: string): string {
  return name.replace(/[^A-Za-z0-9._/-]/g, '_')
}

/** The repository's default branch, from the event the workflow runs for; `main` without one. */
function defaultBranch(env: Env): string {
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8')) as {
      repository?: { default_branch?: unknown }
    }
    const name = event.repository?.default_branch
    return typeof name === 'string' && name !== '' ? name : 'main'
  } catch {
    return 'main'
  }
}

/**
 * The cache key this run saves under, and the prefixes it restores from,
 * newest entry first within each. Keys are immutable, so each run saves a
 * new one (run id and attempt). Each shard of a shard set keeps its own
 * chain (`<i>of<n>`): the shards' maps then hold disjoint runs and add up
 * without counting a night twice. A new branch, or a pull request, starts
 * from its base branch's chain, then the default branch's, and a new shard
 * set from any entry of the branch.
 */
export function coverageCacheKeys(
  env: Env,
  shard: { index: number; count: number }
): { key: string; restoreKeys: string[] } {
  const branch = part(env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || 'local')
  const base = env.GITHUB_BASE_REF ? part(env.GITHUB_BASE_REF) : null
  const main = part(defaultBranch(env))
  const set = `${shard.index}of${shard.count}`
  const branches = [...new Set([branch, ...(base ? [base] : []), main])]
  const restoreKeys = [
    ...branches.map(b => `${KEY_PREFIX}:${b}:${set}:`),
    ...[...new Set([branch, main])].map(b => `${KEY_PREFIX}:${b}:`)
  ]
  const run = `${env.GITHUB_RUN_ID || Date.now()}-${env.GITHUB_RUN_ATTEMPT || 1}`
  return { key: `${KEY_PREFIX}:${branch}:${set}:${run}`, restoreKeys }
}

/** A map read from a file: null when there is none yet, a message when it cannot be used. */
async function readMap(file: string): Promise<CoverageMap | null | string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    return (error as Error).message
  }
  try {
    return parseCoverage(JSON.parse(text))
  } catch (error) {
    return `not JSON (${(error as Error).message})`
  }
}

/** The map from the Actions cache, or from empty (with one warning when the service failed). */
async function fromCache(
  env: Env,
  inputs: Pick<Inputs, 'shard'>,
  log: Say,
  warn: Say
): Promise<{ map: CoverageMap | null; from: string | null; store: CoverageStore }> {
  const dir = path.join(env.RUNNER_TEMP || os.tmpdir(), 'instar-diff-fuzz-coverage')
  const { key, restoreKeys } = coverageCacheKeys(env, inputs.shard)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  // Loaded only here: @actions/cache brings the Azure SDK (see script/bundle.mjs).
  const { restoreFromCache } = await import('../util/actions-cache.js')
  const restored = await restoreFromCache([dir], key, restoreKeys)
  if (restored.kind === 'absent') {
    await rm(dir, { recursive: true, force: true })
    log('coverage: no Actions cache service here, so the map starts empty and is not kept')
    return { map: null, from: null, store: null }
  }
  if (restored.kind === 'failed') {
    warn(`${restored.reason}: the coverage map starts from empty this run`)
    // The save is still tried (the service may be back), without a second warning.
    return { map: null, from: null, store: { kind: 'cache', dir, key, failedAtStart: true } }
  }
  if (restored.matchedKey === null) {
    log(`coverage: no map in the Actions cache yet (looked for ${restoreKeys.join(', ')})`)
    return { map: null, from: null, store: { kind: 'cache', dir, key } }
  }
  const map = await readMap(path.join(dir, FILE))
  if (typeof map === 'string' || map === null) {
    warn(
      `the coverage map restored from ${restored.matchedKey} is unusable (${map ?? 'no file'}): it starts from empty this run`
    )
    return { map: null, from: null, store: { kind: 'cache', dir, key } }
  }
  return { map, from: `cache key ${restored.matchedKey}`, store: { kind: 'cache', dir, key } }
}

/** The map from `--coverage-file`: none yet is an empty start, an unreadable one a warning. */
async function fromFile(
  file: string,
  warn: Say
): Promise<{ map: CoverageMap | null; from: string | null; store: CoverageStore }> {
  const map = await readMap(file)
  if (typeof map === 'string')
    warn(`the coverage file ${file} is unusable (${map}): it starts from empty and is overwritten`)
  const usable = typeof map === 'string' ? null : map
  return { map: usable, from: usable ? `file ${file}` : null, store: { kind: 'file', file } }
}

/**
 * Restores the accumulated coverage map (from `coverage-file`, else the
 * Actions cache), keeps what today's pickers can still draw, and fixes the
 * steering weights for the whole run. No failure stops the run: it starts
 * from an empty map instead.
 */
export async function startCoverage(
  inputs: Pick<Inputs, 'operations' | 'shard' | 'steer' | 'coverageFile'>,
  env: Env,
  log: Say,
  warn: Say
): Promise<CoverageStart> {
  const got = await (
    inputs.coverageFile ? fromFile(inputs.coverageFile, warn) : fromCache(env, inputs, log, warn)
  ).catch((error: Error) => {
    warn(`the coverage map could not be restored (${error.message}): it starts from empty`)
    return { map: null, from: null, store: null }
  })
  const restored = got.map ? pruneCoverage(got.map, coverageDomain()) : emptyCoverage()
  const space = coverageSpace(inputs.operations)
  const table =
    inputs.steer === 'coverage' ? steeringWeights(restored, space, inputs.operations) : {}
  const weights = Object.keys(table).length > 0 ? table : null
  if (got.from) log(`coverage: restored ${restored.campaigns} runs' map from ${got.from}`)
  log(
    weights
      ? `coverage: steering the pickers of ${Object.keys(weights).join(', ')} towards what ran least`
      : `coverage: the pickers draw as written (steer: ${inputs.steer}${inputs.steer === 'coverage' ? ', nothing ran yet' : ''})`
  )
  return {
    info: { steer: inputs.steer, weights, restoredFrom: got.from, restored, space },
    store: got.store
  }
}

/**
 * Saves the accumulated map (what was restored plus this run) where it
 * came from. A failure is one warning: the next run starts from the last
 * map that was saved.
 */
export async function saveCoverage(
  start: CoverageStart,
  run: CoverageMap,
  ports: { log: Say; group<T>(name: string, task: () => Promise<T>): Promise<T> },
  warn: Say
): Promise<void> {
  const { store } = start
  if (store)
    await ports.group('Coverage map', () => keep(store, start.info.restored, run, ports.log, warn))
}

/** Writes the accumulated map to its file, or to the Actions cache under this run's key. */
async function keep(
  store: NonNullable<CoverageStore>,
  restored: CoverageMap,
  run: CoverageMap,
  log: Say,
  warn: Say
): Promise<void> {
  const text = JSON.stringify(mergeCoverage(restored, run))
  try {
    if (store.kind === 'file') {
      await writeWhole(store.file, text)
      return log(`coverage: the map is in ${store.file}`)
    }
    await writeWhole(path.join(store.dir, FILE), text)
  } catch (error) {
    return warn(`the coverage map could not be written (${(error as Error).message})`)
  }
  const { saveToCache } = await import('../util/actions-cache.js')
  const saved = await saveToCache([store.dir], store.key)
  if (saved.kind === 'saved') log(`coverage: saved the map to the Actions cache under ${store.key}`)
  if (saved.kind === 'taken') log(`coverage: ${store.key} was already saved`)
  if (saved.kind !== 'failed') return
  const say = store.failedAtStart ? log : warn
  say(`${saved.reason}: the coverage map of this run was not kept`)
}

/**
 * The weights of a steered run, for `replay --weights FILE`: the file is
 * the run's summary.json, a finding's report, or a bare weights table.
 * Null when the run was not steered.
 */
export async function readWeights(file: string): Promise<SteeringWeights | null> {
  const bad = (why: string): InputError =>
    new InputError(
      `Invalid input 'weights': '${file}' — ${why}; give the summary.json or findings/<fingerprint>.json of the steered run`
    )
  let doc: unknown
  try {
    doc = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw bad((error as Error).message)
  }
  const weights = parseWeights(doc)
  if (typeof weights === 'string') throw bad(weights)
  return weights
}
