import * as core from '@actions/core'
import { runFanIn, type NightReport } from './app/fan-in.js'
import { parseFilingInputs } from './filing-inputs.js'
import { issueCounts } from './findings/finding.js'
import { renderNightSummary } from './findings/night-summary.js'
import { runnerBasics } from './main.js'

/** The fuzzing action's outputs for the whole night, and which shards were merged or missing. */
function setOutputs(night: NightReport): void {
  const { result } = night.merged
  const issues = issueCounts(night.links.values())
  const artifact = night.info.artifact
  core.setOutput('iterations', String(result.iterations))
  core.setOutput('divergences', String(result.divergences))
  core.setOutput('inconclusive', String(result.inconclusive.total))
  core.setOutput('findings', String(result.findings.length))
  core.setOutput('new-issues', String(issues.created))
  core.setOutput('updated-issues', String(issues.updated))
  core.setOutput('report-dir', night.inputs.reportDir)
  core.setOutput('artifact-id', artifact ? String(artifact.id) : '')
  core.setOutput('artifact-url', artifact?.url ?? '')
  core.setOutput('shards', night.merged.shards.map(s => s.shard).join(','))
  core.setOutput('missing-shards', night.missing.join(','))
}

/**
 * The filing step (file/action.yml): this run's shard artifacts merged
 * into one night, its job summary, issues and verdict.
 */
export async function run(): Promise<void> {
  try {
    const inputs = parseFilingInputs(name => core.getInput(name))
    const night = await runFanIn(inputs, runnerBasics())
    setOutputs(night)
    if (process.env.GITHUB_STEP_SUMMARY)
      await core.summary
        .addRaw(renderNightSummary(night.merged, night.missing, night.links, night.info))
        .write()
    core.info(`reports: ${inputs.reportDir}`)
    if (night.failure)
      core.setFailed(
        `instar-diff-fuzz: ${night.failure} (fail-on: ${inputs.failOn}); see the job summary and ${inputs.reportDir}`
      )
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
