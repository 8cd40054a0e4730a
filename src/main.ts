import * as core from '@actions/core'
import path from 'node:path'
import { runPipeline, type PipelinePorts, type RunReport } from './app/pipeline.js'
import { issueCounts } from './findings/finding.js'
import { renderJobSummary } from './findings/job-summary.js'
import { parseInputs } from './inputs.js'

/** The instar path as the user wrote it (relative to the workspace when inside it). */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}

/** The contract's outputs. */
function setOutputs(report: RunReport): void {
  const { result, links, inputs, qemu } = report
  const issues = issueCounts(links.values())
  core.setOutput('iterations', String(result.iterations))
  core.setOutput('divergences', String(result.divergences))
  core.setOutput('inconclusive', String(result.inconclusive.total))
  core.setOutput('findings', String(result.findings.length))
  core.setOutput('new-issues', String(issues.created))
  core.setOutput('updated-issues', String(issues.updated))
  core.setOutput('report-dir', inputs.reportDir)
  core.setOutput('qemu-img-version', qemu.version.text)
  core.setOutput('cache-hit', String(qemu.cacheHit))
  const artifact = report.info.artifact
  core.setOutput('artifact-id', artifact ? String(artifact.id) : '')
  core.setOutput('artifact-url', artifact?.url ?? '')
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
    instarPath: displayPath(instar),
    prepareKvm: true,
    seedChosen: seed => core.setOutput('seed', String(seed))
  }
}

/** The action: inputs, the pipeline, then outputs, the job summary and the verdict. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => core.getInput(name))
    const report = await runPipeline(inputs, runnerPorts(inputs.instar))
    setOutputs(report)
    if (process.env.GITHUB_STEP_SUMMARY)
      await core.summary.addRaw(renderJobSummary(report.result, report.links, report.info)).write()
    core.info(`reports: ${inputs.reportDir}`)
    if (report.failure)
      core.setFailed(
        `instar-diff-fuzz: ${report.failure} (fail-on: ${inputs.failOn}); see the job summary and ${inputs.reportDir}`
      )
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
