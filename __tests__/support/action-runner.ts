import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * The RUNNER_TEMP folders of this test file's runs, removed after its last
 * test (tests read reports from them until then).
 */
const runnerTemps: string[] = []
afterAll(() => {
  for (const dir of runnerTemps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  runnerTemp: string
}

/** The summary.json a run wrote to its report folder. */
export function summaryOf(run: ActionRun) {
  return JSON.parse(readFileSync(path.join(run.outputs['report-dir'], 'summary.json'), 'utf8'))
}

/** Parses a GITHUB_OUTPUT file (`name<<delimiter` blocks, or `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
      out[heredoc[1]] = value.join('\n')
      continue
    }
    const eq = lines[i].indexOf('=')
    if (eq > 0) out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1)
  }
  return out
}

/**
 * Runs the bundled dist/index.js the way the runner does: inputs as
 * INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, RUNNER_TEMP.
 */
export function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  timeoutMs = 240_000,
  /**
   * Sends SIGTERM, as the runner does on cancel: this long after the start,
   * or once the action's stdout matches (an event rather than a clock).
   */
  cancelAfter?: number | RegExp,
  /** Sees the process as it starts: a test can watch its output and signal it on an event. */
  onStart?: (child: ChildProcess) => void
): Promise<ActionRun> {
  return runBundle('index.js', inputs, env, timeoutMs, cancelAfter, onStart)
}

/** Runs the filing step (file/action.yml's dist/file.js) the way the runner does. */
export function runFilingStep(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runBundle('file.js', inputs, env, 120_000)
}

function runBundle(
  entry: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  timeoutMs: number,
  cancelAfter?: number | RegExp,
  onStart?: (child: ChildProcess) => void
): Promise<ActionRun> {
  const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'idf-runner-'))
  runnerTemps.push(runnerTemp)
  const outputFile = path.join(runnerTemp, 'github_output')
  const summaryFile = path.join(runnerTemp, 'step_summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(inputs)) inputEnv[`INPUT_${k.toUpperCase()}`] = v
  const childEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('GITHUB_')) childEnv[k] = v
  Object.assign(
    childEnv,
    {
      RUNNER_TEMP: runnerTemp,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: root
    },
    inputEnv,
    env
  )
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', entry)], {
      cwd: root,
      env: childEnv
    })
    onStart?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => {
      stdout += d
      if (cancelAfter instanceof RegExp && cancelAfter.test(stdout) && !child.killed)
        child.kill('SIGTERM')
    })
    child.stderr.on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const cancel =
      typeof cancelAfter === 'number'
        ? setTimeout(() => child.kill('SIGTERM'), cancelAfter)
        : undefined
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      clearTimeout(cancel)
      resolve({
        code,
        stdout,
        stderr,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
        runnerTemp
      })
    })
  })
}

export { root as projectRoot }
