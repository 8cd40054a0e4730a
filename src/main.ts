import * as core from '@actions/core'
import path from 'node:path'
import { runPipeline, type PipelinePorts, type RunReport } from './app/pipeline.js'
import type { CampaignResult } from './findings/campaign-result.js'
import { issueCounts, type IssueLink } from './findings/finding.js'
import { renderJobSummary } from './findings/job-summary.js'
import type { RunInfo } from './findings/report.js'
import { parseInputs } from './inputs.js'
import { inDebugMode } from './util/debug-mode.js'

/** The instar path as the user wrote it (relative to the workspace when inside it). */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}

/** The outputs a campaign and a merged night share: counts, issues, reports, artifact. */
export function setReportOutputs(
  result: CampaignResult,
  links: ReadonlyMap<string, IssueLink>,
  info: RunInfo,
  reportDir: string
): void {
  const issues = issueCounts(links.values())
  core.setOutput('iterations', String(result.iterations))
  core.setOutput('divergences', String(result.divergences))
  core.setOutput('inconclusive', String(result.inconclusive.total))
  core.setOutput('findings', String(result.findings.length))
  core.setOutput('new-issues', String(issues.created))
  core.setOutput('updated-issues', String(issues.updated))
  core.setOutput('report-dir', reportDir)
  core.setOutput('artifact-id', info.artifact ? String(info.artifact.id) : '')
  core.setOutput('artifact-url', info.artifact?.url ?? '')
  const verdicts = info.verification?.issues ?? []
  core.setOutput('verified-fixed', String(verdicts.filter(i => i.verdict === 'fixed').length))
  core.setOutput('still-open', String(verdicts.filter(i => i.verdict === 'reproduces').length))
}

/** The contract's outputs. */
function setOutputs(report: RunReport): void {
  setReportOutputs(report.result, report.links, report.info, report.inputs.reportDir)
  core.setOutput('qemu-img-version', report.qemu.version.text)
  core.setOutput('cache-hit', String(report.qemu.cacheHit))
}

/** The runner's log, groups, annotations and environment (the filing step uses them too). */
export function runnerBasics(): Pick<PipelinePorts, 'log' | 'annotate' | 'group' | 'env'> {
  return {
    log: line => core.info(line),
    annotate: (level, title, message) => core[level](message, { title }),
    group: (name, task) => core.group(name, task),
    env: process.env
  }
}

/** The runner's side of the pipeline: its log, groups and annotations. */
function runnerPorts(instar: string): PipelinePorts {
  return {
    ...runnerBasics(),
    debug: inDebugMode(process.env) ? line => core.debug(line) : undefined,
    instarPath: displayPath(instar),
    prepareKvm: true,
    seedChosen: seed => core.setOutput('seed', String(seed))
  }
}

/** The end of a step: the job summary, where the reports are, and the verdict under fail-on. */
export async function finishStep(
  summary: string,
  inputs: { reportDir: string; failOn: string },
  failure: string | null
): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary).write()
  core.info(`reports: ${inputs.reportDir}`)
  if (failure)
    core.setFailed(
      `instar-diff-fuzz: ${failure} (fail-on: ${inputs.failOn}); see the job summary and ${inputs.reportDir}`
    )
}

/** The action: inputs, the pipeline, then outputs, the job summary and the verdict. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => core.getInput(name))
    const report = await runPipeline(inputs, runnerPorts(inputs.instar))
    setOutputs(report)
    await finishStep(
      renderJobSummary(report.result, report.links, report.info),
      inputs,
      report.failure
    )
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
