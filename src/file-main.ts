import * as core from '@actions/core'
import { runFanIn, type NightReport } from './app/fan-in.js'
import { parseFilingInputs } from './filing-inputs.js'
import { renderNightSummary } from './findings/night-summary.js'
import { finishStep, runnerBasics, setReportOutputs } from './main.js'

/** The fuzzing action's outputs for the whole night, and which shards were merged or missing. */
function setOutputs(night: NightReport): void {
  setReportOutputs(night.merged.result, night.links, night.info, night.inputs.reportDir)
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
    const { merged, missing, links, info } = night
    await finishStep(renderNightSummary(merged, missing, links, info), inputs, night.failure)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
