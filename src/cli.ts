import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { runFanIn } from './app/fan-in.js'
import { runPipeline, type PipelinePorts } from './app/pipeline.js'
import { actionVersion } from './app/action-version.js'
import { readWeights } from './app/coverage.js'
import { campaignConfig, replayForRun } from './app/settings.js'
import { cancelOnSignals } from './app/signals.js'
import type { Finding } from './findings/finding.js'
import { renderJobSummary } from './findings/job-summary.js'
import { FINDING_TYPES, isFindingType } from './findings/types.js'
import { reproducerFor } from './fuzz/repro/files.js'
import { parseJson } from './util/json.js'
import { parseFilingInputs } from './filing-inputs.js'
import { renderNightSummary } from './findings/night-summary.js'
import { runCampaign } from './fuzz/campaign.js'
import { steeringFrom } from './fuzz/steering.js'
import { renderIssueBody, renderIssueTitle } from './github/render.js'
import { InputError, parseInputs, type Inputs } from './inputs.js'
import { ProvisionError, provisionQemu } from './qemu/provision.js'
import { relaunchWithSmallHeap } from './relaunch.js'
import { inDebugMode } from './util/debug-mode.js'

const USAGE = `usage:
  node dist/cli.js run --instar PATH [--duration 5m] [--seed N] [--operations a,b] [--report-dir DIR]
                       [--iterations N] [--timeout S] [--jobs N] [--shard i/n] [--minimize true|false]
                       [--qemu-img auto|PATH] [--steer coverage|uniform] [--coverage-file PATH]
  node dist/cli.js replay --instar PATH --seed N --iteration K [--operations a,b] [--timeout S]
                       [--minimize true|false] [--qemu-img auto|PATH] [--weights FILE]
  node dist/cli.js repro --finding REPORT/findings/FINGERPRINT.json [--timeout S]
  node dist/cli.js merge --reports DIR... [--report-dir OUT] [--shards N]

run     the action's campaign without GitHub (a dry run): reports, summary, and the issue
        text that would be filed. Exit 1 when there are findings.
replay  re-run exactly one iteration; exit 1 with the finding, 0 when it no longer reproduces.
        A steered run's iterations need its weights: --weights takes its summary.json or a
        finding's JSON (the replay commands it printed say so).
repro   print the finding's standalone repro.sh again (as this version writes it) from its report.
merge   merge shard report folders into one night's reports and job summary, as the filing
        step does (without GitHub). Exit 0 when merged.`

const FLAGS = [
  'instar',
  'qemu-img',
  'duration',
  'iterations',
  'seed',
  'operations',
  'timeout',
  'jobs',
  'shard',
  'minimize',
  'report-dir',
  'iteration',
  'finding',
  'shards',
  'steer',
  'coverage-file',
  'weights'
] as const

function readFlags(argv: string[]): {
  command: string
  values: Record<string, string | undefined>
} {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = { help: { type: 'boolean', short: 'h' }, reports: { type: 'string', multiple: true } }
  for (const flag of FLAGS) options[flag] = { type: 'string' }
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options })
  if (values.help === true) return { command: 'help', values: {} }
  // `--reports a b c`: the folders after the first are positionals.
  const reports = [...((values.reports as string[] | undefined) ?? []), ...positionals.slice(1)]
  return {
    command: positionals[0] ?? 'help',
    values: { ...(values as Record<string, string | undefined>), reports: reports.join('\n') }
  }
}

function inputsFrom(
  values: Record<string, string | undefined>,
  overrides: Record<string, string> = {}
): Inputs {
  return parseInputs(name => overrides[name] ?? values[name] ?? '')
}

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

/**
 * The terminal's side of the pipeline: everything to stderr, no
 * annotations, no KVM setup; debug lines with RUNNER_DEBUG=1, as on a runner.
 */
function terminalPorts(instarPath: string): PipelinePorts {
  return {
    log,
    annotate: (level, title, message) => log(`${level} (${title}): ${message}`),
    group: (name, task) => {
      log(`== ${name}`)
      return task()
    },
    debug: inDebugMode(process.env) ? line => log(`debug: ${line}`) : undefined,
    env: process.env,
    instarPath,
    prepareKvm: false
  }
}

async function runCommand(values: Record<string, string | undefined>): Promise<number> {
  const inputs = inputsFrom(values, {
    'file-issues': 'false',
    'upload-artifact': 'false',
    duration: values.duration ?? '5m'
  })
  const report = await runPipeline(inputs, terminalPorts(values.instar ?? inputs.instar))
  const { result, links, info, seed } = report
  process.stdout.write(`${renderJobSummary(result, links, info)}\n`)
  for (const f of result.findings) {
    process.stdout.write(
      `\n---- issue that would be filed for ${f.fingerprint} ----\n${renderIssueTitle(f)}\n\n`
    )
    process.stdout.write(
      `${renderIssueBody(f, { runUrl: '', seed, versions: result.versions, replayCommand: info.replayCommands[f.fingerprint], replayFor: replayForRun(info), reproducer: report.reproducers.get(f.fingerprint), action: actionVersion(process.env) })}\n`
    )
  }
  process.stdout.write(`\nreports: ${inputs.reportDir}\n`)
  return result.findings.length > 0 ? 1 : 0
}

async function replayCommandLine(values: Record<string, string | undefined>): Promise<number> {
  const k = values.iteration ?? ''
  if (!/^\d+$/.test(k))
    throw new InputError(
      `Invalid input 'iteration': '${k}' — give the iteration index of the finding (a non-negative integer)`
    )
  if (!values.seed)
    throw new InputError(
      `Invalid input 'seed': '' — replay needs the run's seed (decimal integer 0..4294967295)`
    )
  const inputs = inputsFrom(values, {
    'file-issues': 'false',
    'upload-artifact': 'false',
    duration: '1h'
  })
  const qemu = await provisionQemu(inputs.qemuImg, log)
  const config = campaignConfig(inputs, qemu, inputs.seed!, cancelOnSignals(log).signal, log)
  const weights = values.weights ? await readWeights(values.weights) : null
  const result = await runCampaign({
    ...config,
    indices: [Number(k)],
    jobs: 1,
    durationSeconds: Infinity,
    steering: steeringFrom(weights)
  })
  if (result.findings.length === 0) {
    process.stdout.write(
      `iteration ${k} of seed ${inputs.seed} no longer reproduces (${result.inconclusive.total} inconclusive)\n`
    )
    return 0
  }
  for (const f of result.findings) {
    process.stdout.write(
      `${JSON.stringify({ fingerprint: f.fingerprint, type: f.type, operation: f.operation, target: f.target, options: f.options, status: f.status, case: f.case, occurrence: f.occurrences[0] }, null, 2)}\n`
    )
  }
  return 1
}

/** `repro`: a finding's repro.sh from its findings/<fingerprint>.json, to stdout. */
async function reproCommandLine(values: Record<string, string | undefined>): Promise<number> {
  const file = values.finding ?? ''
  const timeout = values.timeout ?? '30'
  if (!/^[1-9]\d*$/.test(timeout))
    throw new InputError(`Invalid input 'timeout': '${timeout}' — give whole seconds (1 or more)`)
  const f = await readFile(file, 'utf8').then(
    text => parseJson(text) as Finding | undefined,
    () => undefined
  )
  const divergence =
    typeof f?.type === 'string' &&
    isFindingType(f.type) &&
    FINDING_TYPES[f.type].kind === 'divergence'
  if (typeof f?.fingerprint !== 'string' || !divergence || !f.case)
    throw new InputError(
      `Invalid input 'finding': '${file}' — give a report's findings/<fingerprint>.json`
    )
  const r = reproducerFor(f, Number(timeout))
  if (!r)
    throw new InputError(
      `Invalid input 'finding': '${file}' — this version cannot rebuild its case (schema ${f.case.schema}, operation ${f.case.operation})`
    )
  process.stdout.write(r.script)
  return 0
}

/** `merge`: the filing step's merge over folders on disk, printing the night's job summary. */
async function mergeCommand(values: Record<string, string | undefined>): Promise<number> {
  const raw: Record<string, string | undefined> = {
    ...values,
    'file-issues': 'false',
    'upload-artifact': 'false'
  }
  const inputs = parseFilingInputs(name => raw[name] ?? '')
  if (inputs.reports.length === 0)
    throw new InputError(
      `Invalid input 'reports': '' — give the shard report folders to merge (--reports DIR...)`
    )
  const night = await runFanIn(inputs, terminalPorts(''))
  process.stdout.write(
    `${renderNightSummary(night.merged, night.missing, night.links, night.info)}\nreports: ${inputs.reportDir}\n`
  )
  return 0
}

/** The local command line: the same campaign as the action, without GitHub. */
export async function cli(argv: string[]): Promise<number> {
  try {
    const { command, values } = readFlags(argv)
    if (command === 'run') return await runCommand(values)
    if (command === 'replay') return await replayCommandLine(values)
    if (command === 'repro') return await reproCommandLine(values)
    if (command === 'merge') return await mergeCommand(values)
    process.stdout.write(`${USAGE}\n`)
    return command === 'help' ? 0 : 2
  } catch (error) {
    if (
      error instanceof InputError ||
      error instanceof ProvisionError ||
      (error instanceof Error && error.name === 'TypeError' && 'code' in error)
    ) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    throw error
  }
}

if (process.argv[1] && path.basename(process.argv[1]).startsWith('cli')) {
  const relaunched = await relaunchWithSmallHeap()
  process.exit(relaunched ?? (await cli(process.argv.slice(2))))
}
