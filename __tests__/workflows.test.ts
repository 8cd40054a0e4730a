import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, parseDocument } from 'yaml'
import { projectRoot, runAction, type ActionRun } from './support/action-runner.js'

/**
 * The repository's YAML (workflows, dependabot, the example users copy):
 * valid, and referring only to scripts, files and inputs that exist. The
 * CI job that runs `uses: ./` is run here too, with its very inputs and its
 * very last step, so it cannot drift from what the suite checks.
 */

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, string | number | boolean>
  env?: Record<string, string>
}
interface Job {
  'runs-on'?: string
  steps?: Step[]
}
interface Workflow {
  on?: unknown
  jobs?: Record<string, Job>
}

const at = (...parts: string[]): string => path.join(projectRoot, ...parts)
const read = (...parts: string[]): string => readFileSync(at(...parts), 'utf8')

function yamlFiles(dir: string): string[] {
  return readdirSync(at(dir), { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && /\.ya?ml$/.test(e.name))
    .map(e => path.relative(projectRoot, path.join(e.parentPath, e.name)))
    .sort()
}

const GITHUB_YAML = yamlFiles('.github')
const EXAMPLE = 'docs/nightly-fuzz.example.yml'
const WORKFLOWS = [...GITHUB_YAML.filter(f => f.startsWith('.github/workflows/')), EXAMPLE]
const workflow = (file: string): Workflow => parse(read(file)) as Workflow
const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>
const actionInputs = (
  parse(read('action.yml')) as { inputs: Record<string, { required?: boolean }> }
).inputs

/** The npm scripts and repository files a shell line uses. */
function references(line: string): { npm: string[]; files: string[] } {
  const npm = [...line.matchAll(/\bnpm (?:run (\S+)|(test))\b/g)].map(m => m[1] ?? m[2])
  const files = [...line.matchAll(/\b(?:bash|node|sh) ((?:\.\/)?[\w./-]+\.?\w*)/g)].map(m => m[1])
  return { npm, files }
}

function readmeBlock(lang: string, containing: string): string {
  const blocks = [...read('README.md').matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)]
  const block = blocks.find(b => b[1] === lang && b[2].includes(containing))
  if (!block) throw new Error(`README has no ${lang} block with ${containing}`)
  return block[2]
}

describe('YAML under .github and the example workflow', () => {
  it('finds the CI workflow, dependabot and the example', () => {
    expect(GITHUB_YAML).toEqual(['.github/dependabot.yml', '.github/workflows/ci.yml'])
    expect(existsSync(at(EXAMPLE))).toBe(true)
  })

  it.each([...GITHUB_YAML, EXAMPLE])('%s parses without errors or warnings', file => {
    const doc = parseDocument(read(file))
    expect(doc.errors.map(e => e.message)).toEqual([])
    expect(doc.warnings.map(e => e.message)).toEqual([])
  })

  it.each(WORKFLOWS)(
    '%s: every job has a runner and steps that each run or use one thing',
    file => {
      const wf = workflow(file)
      expect(wf.on).toBeDefined()
      const jobs = Object.entries(wf.jobs ?? {})
      expect(jobs.length).toBeGreaterThan(0)
      for (const [name, job] of jobs) {
        expect(job['runs-on'], name).toBe('ubuntu-24.04')
        expect(job.steps!.length, name).toBeGreaterThan(0)
        for (const step of job.steps!) expect([step.uses, step.run].filter(Boolean)).toHaveLength(1)
      }
    }
  )

  it('CI runs only npm scripts and files that exist, and uses ./ with real inputs', () => {
    const steps = Object.values(workflow('.github/workflows/ci.yml').jobs!).flatMap(j => j.steps!)
    const lines = steps.flatMap(s => (s.run ? [s.run] : []))
    const refs = lines.map(references)
    expect(refs.flatMap(r => r.npm).sort()).toEqual(['test'])
    expect(refs.flatMap(r => r.files).sort()).toEqual(['script/expect-finding.mjs', 'script/setup'])
    for (const name of refs.flatMap(r => r.npm)) expect(scripts[name], name).toBeDefined()
    for (const file of refs.flatMap(r => r.files)) expect(existsSync(at(file)), file).toBe(true)
    const local = steps.filter(s => s.uses?.startsWith('./'))
    expect(local.map(s => s.uses)).toEqual(['./'])
    expect(existsSync(at('action.yml'))).toBe(true)
    const given = Object.keys(local[0].with!)
    expect(given.filter(k => !(k in actionInputs))).toEqual([])
    const required = Object.keys(actionInputs).filter(k => actionInputs[k].required)
    expect(required.filter(k => !given.includes(k))).toEqual([])
    const remote = steps.filter(s => s.uses && !s.uses.startsWith('./')).map(s => s.uses!)
    for (const uses of remote) expect(uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/)
  })

  it("CI's test job runs exactly the README's test command, which is what .ci/run runs", () => {
    const command = 'bash script/setup && npm test'
    expect(readmeBlock('sh', 'npm test').trim()).toBe(command)
    expect(read('.ci/run').trim().split('\n').at(-1)).toBe(command)
    const test = workflow('.github/workflows/ci.yml').jobs!.test
    expect(test.steps!.filter(s => s.run).map(s => s.run!.trim())).toEqual([command])
  })

  it('the example workflow is the README example, word for word', () => {
    const example = read(EXAMPLE)
      .split('\n')
      .filter(l => !l.startsWith('#'))
      .join('\n')
    const readme = readmeBlock('yaml', 'instar-diff-fuzz@v1')
      .split('\n')
      .filter(l => !l.startsWith('#'))
      .join('\n')
    expect(example).toBe(readme)
    const uses = workflow(EXAMPLE).jobs!.fuzz.steps!.find(s => s.uses?.includes('instar-diff-fuzz'))
    expect(Object.keys(uses!.with!).filter(k => !(k in actionInputs))).toEqual([])
  })

  it('dependabot updates npm and the GitHub Actions of the workflows', () => {
    const config = parse(read('.github/dependabot.yml')) as {
      version: number
      updates: Array<{ 'package-ecosystem': string; directory: string }>
    }
    expect(config.version).toBe(2)
    expect(config.updates.map(u => [u['package-ecosystem'], u.directory])).toEqual([
      ['npm', '/'],
      ['github-actions', '/']
    ])
    expect(existsSync(at('package-lock.json'))).toBe(true)
  })
})

/** The CI job that runs `uses: ./`, its step and the step that checks it. */
function actionJob(): { uses: Step; check: Step } {
  const steps = workflow('.github/workflows/ci.yml').jobs!.action.steps!
  const i = steps.findIndex(s => s.uses === './')
  return { uses: steps[i], check: steps[i + 1] }
}

/** `${{ steps.<id>.outputs.<name> }}` replaced by the run's outputs, as the runner would. */
function withOutputs(
  env: Record<string, string>,
  id: string,
  run: ActionRun
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env))
    out[k] = String(v).replace(
      /\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g,
      (_, step: string, name: string) => (step === id ? (run.outputs[name] ?? '') : '')
    )
  return out
}

function runStep(step: Step, env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync('bash', ['-e', '-c', step.run!], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8'
  })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

describe("CI's uses: ./ job, run here with the bundled action", () => {
  let run: ActionRun
  const { uses, check } = actionJob()

  beforeAll(async () => {
    const inputs = Object.fromEntries(Object.entries(uses.with!).map(([k, v]) => [k, String(v)]))
    // Not in debug mode, whatever the machine running the suite says.
    run = await runAction(inputs, { ...uses.env, RUNNER_DEBUG: '', ACTIONS_STEP_DEBUG: '' })
  })
  afterAll(() => rmSync(run.runnerTemp, { recursive: true, force: true }))

  it("passes the job's own last step: the planted bug is the one finding", () => {
    expect(run.code).toBe(0)
    const r = runStep(check, withOutputs(check.env!, uses.id!, run))
    expect(r.out.trim()).toBe(
      `found the planted bug as one finding: 2062a5dd22cc51b5 ${check.env!.EXPECTED}`
    )
    expect(r.status).toBe(0)
  })

  it('whose check fails when the bug was not found', () => {
    const env = withOutputs(check.env!, uses.id!, run)
    const r = runStep(check, { ...env, FINDINGS: '0', REPORT_DIR: run.runnerTemp })
    expect(r.status).toBe(1)
    expect(r.out).toContain("::error title=Planted bug not found::the findings output is '0'")
  })

  it('logs one group per phase, one annotation for the new finding, and no debug lines', () => {
    const lines = run.stdout.split('\n')
    const groups = lines.filter(l => l.startsWith('::group::')).map(l => l.slice(9))
    expect(groups).toEqual([
      'Reference qemu-img',
      'KVM',
      'Coverage map',
      'Campaign',
      'Reports',
      'Reproducers',
      'Report artifact'
    ])
    expect(lines.filter(l => l === '::endgroup::')).toHaveLength(groups.length)
    const annotations = lines.filter(l => /^::(error|warning|notice)/.test(l))
    // Here, unlike on GitHub, there is no artifact service: one warning says so.
    expect(annotations).toHaveLength(2)
    expect(annotations[0]).toMatch(/^::warning title=Report artifact::/)
    expect(annotations[1]).toMatch(
      /^::notice title=New finding%3A create_info_divergence::create qcow2 \[lazy_refcounts=on\] \(2062a5dd22cc51b5, dry-run\): /
    )
    expect(lines.filter(l => l.startsWith('::debug::'))).toEqual([])
    expect(run.stderr).toBe('')
  })
})
