import { accessSync, constants, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { OPERATION_NAMES, type OperationName } from './fuzz/operation.js'

/** The action's inputs, validated and resolved (see the Inputs table of the contract). */
export interface Inputs {
  /** Absolute path to an existing executable file. */
  instar: string
  /** `auto`, or an absolute path (src/qemu verifies it). */
  qemuImg: string
  durationSeconds: number
  /** 0: no limit. */
  iterations: number
  /** null: draw a random master seed. */
  seed: number | null
  /** Deduplicated, in the canonical OPERATION_NAMES order. */
  operations: OperationName[]
  timeoutSeconds: number
  /** Resolved: `0` became the CPU count. */
  jobs: number
  shard: { index: number; count: number }
  minimize: boolean
  fileIssues: boolean
  token: string
  /** At least one; the first finds existing findings. */
  labels: string[]
  maxNewIssues: number
  onClosed: 'reopen' | 'comment' | 'ignore'
  failOn: 'new' | 'any' | 'never'
  /** Absolute. */
  reportDir: string
  /** Re-run the stored case of each open issue this shard owns (app/verification.ts). */
  verifyOpen: boolean
  /** Close an issue whose stored case no longer reproduces, as completed. */
  closeFixed: boolean
  /** Upload report-dir as a workflow artifact (src/app/artifact.ts). */
  uploadArtifact: boolean
  /** Days the artifact is kept; null: the repository's setting. */
  retentionDays: number | null
  /** Artifact names start with it: `<artifact-name>-<i>-of-<n>` per shard. */
  artifactName: string
  /** `coverage`: the pickers favour what ran least so far; `uniform`: they draw as written. */
  steer: 'coverage' | 'uniform'
  /** Absolute; null: the coverage map lives in the Actions cache (when there is one). */
  coverageFile: string | null
}

/**
 * Bad input, reported before any fuzzing as one line that names the input,
 * the value and what is accepted, so the step's error annotation is the fix.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

const SEED_MAX = 4294967295
/** A tool call allowed more than a day is a typo (and Node timers misfire past 24.8 days). */
const TIMEOUT_MAX = 86400
/** More workers than this is a typo, not a machine. */
const JOBS_MAX = 1024
/** GitHub rejects longer label names. */
const LABEL_MAX = 50
const DURATION_FORMS = '<n>s, <n>m, <n>h or plain seconds (e.g. 90s, 10m, 1h, 3600)'
const OPERATIONS_ACCEPTED = `all, or a comma-separated list of ${OPERATION_NAMES.join(', ')}`

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Shows the value on the one error line: line breaks and control characters escaped, long values cut. */
function shown(value: string): string {
  const escaped = value.replace(
    // eslint-disable-next-line no-control-regex
    /[\x00-\x1f\x7f\u2028\u2029]/g,
    c => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return escaped.length > 120 ? `${escaped.slice(0, 117)}...` : escaped
}

export function invalid(name: string, value: string, accepted: string): InputError {
  return new InputError(`Invalid input '${name}': '${shown(value)}' — ${accepted}`)
}

/** Plain decimal digits only: `1e3`, `0x10`, `-1` and `1.5` are typos here, not numbers. */
function wholeNumber(value: string): number | null {
  if (!/^\d+$/.test(value)) return null
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : null
}

export function integerInput(name: string, value: string, min: number, max: number): number {
  const n = wholeNumber(value)
  if (n === null || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min} to ${max}`
    throw invalid(name, value, `use a whole number, ${range}`)
  }
  return n
}

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600 }

/** Seconds from `90s`, `10m`, `1h` or `3600`; null when the form is not one of those. */
function durationToSeconds(value: string): number | null {
  const match = /^(\d+)([smh]?)$/.exec(value)
  if (!match) return null
  const n = wholeNumber(match[1])
  if (n === null) return null
  const seconds = n * UNIT_SECONDS[match[2]]
  return Number.isSafeInteger(seconds) ? seconds : null
}

function durationInput(name: string, value: string, max: number): number {
  const seconds = durationToSeconds(value)
  if (seconds === null) throw invalid(name, value, `use ${DURATION_FORMS}`)
  if (seconds <= 0) throw invalid(name, value, `must be more than 0 seconds; use ${DURATION_FORMS}`)
  if (seconds > max) throw invalid(name, value, `must be at most ${max} seconds`)
  return seconds
}

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
export function booleanInput(name: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw invalid(name, value, 'use true or false')
}

function choiceInput<T extends string>(name: string, value: string, choices: readonly T[]): T {
  const lower = value.toLowerCase()
  const found = choices.find(c => c === lower)
  if (found === undefined) throw invalid(name, value, `use one of ${choices.join(', ')}`)
  return found
}

/** Comma- or newline-separated items, trimmed, without empty ones (YAML block lists work too). */
export function listItems(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map(item => item.trim())
    .filter(item => item !== '')
}

/**
 * Canonical order, whatever order the user wrote: the operation pool shapes
 * every iteration's stream, so `check,info` and `info,check` must replay
 * the same campaign for the same seed.
 */
function operationsInput(value: string): OperationName[] {
  const items = listItems(value.toLowerCase())
  if (items.includes('all')) return [...OPERATION_NAMES]
  if (items.length === 0)
    throw invalid('operations', value, `no operation named; accepted: ${OPERATIONS_ACCEPTED}`)
  const unknown = items.find(item => !(OPERATION_NAMES as readonly string[]).includes(item))
  if (unknown !== undefined)
    throw invalid(
      'operations',
      value,
      `unknown operation '${shown(unknown)}'; accepted: ${OPERATIONS_ACCEPTED}`
    )
  return OPERATION_NAMES.filter(name => items.includes(name))
}

function labelsInput(value: string): string[] {
  const labels = [...new Set(listItems(value))]
  if (labels.length === 0)
    throw invalid(
      'labels',
      value,
      'give at least one label (comma-separated, e.g. differential-fuzz)'
    )
  const long = labels.find(label => label.length > LABEL_MAX)
  if (long !== undefined)
    throw invalid(
      'labels',
      value,
      `label '${shown(long)}' is longer than GitHub's ${LABEL_MAX} characters`
    )
  return labels
}

/** `0` means one worker per CPU the process may use (cgroup and affinity aware). */
function jobsInput(value: string): number {
  const jobs = integerInput('jobs', value, 0, JOBS_MAX)
  return jobs === 0 ? os.availableParallelism() : jobs
}

function shardInput(value: string): { index: number; count: number } {
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(value)
  const index = match ? wholeNumber(match[1]) : null
  const count = match ? wholeNumber(match[2]) : null
  if (index === null || count === null || index < 1 || index > count)
    throw invalid('shard', value, 'use i/n with 1 <= i <= n (e.g. 1/4)')
  return { index, count }
}

/**
 * Checked here rather than at the first tool call so a wrong path fails the
 * step in a second with the input named, not minutes later as a finding.
 */
function instarInput(value: string): string {
  const what = 'give the path to the instar binary'
  if (value === '') throw invalid('instar', value, `required; ${what} (e.g. target/release/instar)`)
  const file = path.resolve(value)
  let isFile: boolean
  try {
    isFile = statSync(file).isFile()
  } catch {
    throw invalid('instar', value, `no such file; ${what}`)
  }
  if (!isFile) throw invalid('instar', value, `not a file; ${what}`)
  try {
    accessSync(file, constants.X_OK)
  } catch {
    throw invalid('instar', value, `not executable; ${what} (chmod +x it)`)
  }
  return file
}

/** A path is only resolved here: src/qemu verifies it, or installs one for `auto`. */
function qemuImgInput(value: string): string {
  return value.toLowerCase() === 'auto' ? 'auto' : path.resolve(value)
}

function seedInput(value: string): number | null {
  return value === '' ? null : integerInput('seed', value, 0, SEED_MAX)
}

export function reportDirInput(value: string): string {
  if (value !== '') return path.resolve(value)
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'instar-diff-fuzz')
}

/** GitHub keeps an artifact at most this many days. */
const RETENTION_MAX = 90

/** Empty: the repository's retention setting. */
export function retentionDaysInput(value: string): number | null {
  return value === '' ? null : integerInput('retention-days', value, 1, RETENTION_MAX)
}

/** The characters the artifact service refuses in a name (NTFS's, and the path separators). */
const ARTIFACT_NAME_FORBIDDEN = /[":<>|*?\\/\r\n]/

export function artifactNameInput(value: string): string {
  if (ARTIFACT_NAME_FORBIDDEN.test(value))
    throw invalid(
      'artifact-name',
      value,
      'use a name without " : < > | * ? \\ / or line breaks (e.g. instar-diff-fuzz)'
    )
  return value
}

/** The contract's defaults, applied where an input is unset (the runner's own defaults come from action.yml). */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  'qemu-img': 'auto',
  duration: '10m',
  iterations: '0',
  seed: '',
  operations: 'all',
  timeout: '30',
  jobs: '0',
  shard: '1/1',
  minimize: 'true',
  'file-issues': 'true',
  token: '',
  labels: 'differential-fuzz',
  'max-new-issues': '10',
  'on-closed': 'reopen',
  'fail-on': 'new',
  'report-dir': '',
  'verify-open': 'true',
  'close-fixed': 'false',
  'upload-artifact': 'true',
  'retention-days': '',
  'artifact-name': 'instar-diff-fuzz',
  steer: 'coverage',
  'coverage-file': ''
}

/** The issue settings, shared by the fuzzing action and the filing step, in the contract's order. */
export function issueInputs(
  input: (name: string) => string
): Pick<Inputs, 'fileIssues' | 'token' | 'labels' | 'maxNewIssues' | 'onClosed' | 'failOn'> {
  return {
    fileIssues: booleanInput('file-issues', input('file-issues')),
    token: input('token'),
    labels: labelsInput(input('labels')),
    maxNewIssues: integerInput(
      'max-new-issues',
      input('max-new-issues'),
      0,
      Number.MAX_SAFE_INTEGER
    ),
    onClosed: choiceInput('on-closed', input('on-closed'), [
      'reopen',
      'comment',
      'ignore'
    ] as const),
    failOn: choiceInput('fail-on', input('fail-on'), ['new', 'any', 'never'] as const)
  }
}

/**
 * Reads one input as the runner gives it: trimmed, and an unset or blank
 * input takes its default (as action.yml declares it), so a workflow, the
 * CLI and a test all parse the same values.
 */
export function inputReader(
  get: (name: string) => string,
  defaults: Readonly<Record<string, string>>
): (name: string) => string {
  return name => {
    const value = get(name).trim()
    return value === '' ? (defaults[name] ?? '') : value
  }
}

/**
 * Validates every input before anything runs, so the action and the local
 * command line fail the same way on the same typo. `get(name)` returns the
 * raw input, '' when unset; the first problem throws an InputError.
 * Relative paths resolve against the working directory (the workspace on a
 * runner).
 */
export function parseInputs(get: (name: string) => string): Inputs {
  const input = inputReader(get, INPUT_DEFAULTS)
  // In the contract's order, so the first problem reported is the first in the table.
  return {
    instar: instarInput(input('instar')),
    qemuImg: qemuImgInput(input('qemu-img')),
    durationSeconds: durationInput('duration', input('duration'), Number.MAX_SAFE_INTEGER),
    iterations: integerInput('iterations', input('iterations'), 0, Number.MAX_SAFE_INTEGER),
    seed: seedInput(input('seed')),
    operations: operationsInput(input('operations')),
    timeoutSeconds: durationInput('timeout', input('timeout'), TIMEOUT_MAX),
    jobs: jobsInput(input('jobs')),
    shard: shardInput(input('shard')),
    minimize: booleanInput('minimize', input('minimize')),
    ...issueInputs(input),
    reportDir: reportDirInput(input('report-dir')),
    uploadArtifact: booleanInput('upload-artifact', input('upload-artifact')),
    retentionDays: retentionDaysInput(input('retention-days')),
    artifactName: artifactNameInput(input('artifact-name')),
    verifyOpen: booleanInput('verify-open', input('verify-open')),
    closeFixed: booleanInput('close-fixed', input('close-fixed')),
    steer: choiceInput('steer', input('steer'), ['coverage', 'uniform'] as const),
    coverageFile: input('coverage-file') === '' ? null : path.resolve(input('coverage-file'))
  }
}
