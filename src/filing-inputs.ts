import { statSync } from 'node:fs'
import path from 'node:path'
import {
  artifactNameInput,
  booleanInput,
  INPUT_DEFAULTS,
  inputReader,
  integerInput,
  invalid,
  issueInputs,
  listItems,
  reportDirInput,
  retentionDaysInput,
  type Inputs
} from './inputs.js'

/**
 * The inputs of the filing step (file/action.yml) and of `cli.js merge`:
 * which shard reports to merge, and the same issue, report and artifact
 * settings as the fuzzing action, parsed by the same rules.
 */
export interface FilingInputs extends Pick<
  Inputs,
  | 'fileIssues'
  | 'token'
  | 'labels'
  | 'maxNewIssues'
  | 'onClosed'
  | 'failOn'
  | 'reportDir'
  | 'uploadArtifact'
  | 'retentionDays'
  | 'artifactName'
  | 'closeFixed'
> {
  /** Shard report folders to merge (absolute); empty: download this run's shard artifacts. */
  reports: string[]
  /** Shards the matrix has; null: as many as the shards' own `shard: i/n` say. */
  shards: number | null
}

const FILING_DEFAULTS: Readonly<Record<string, string>> = {
  ...INPUT_DEFAULTS,
  reports: '',
  shards: '0'
}

/** A matrix of more shards than this is a typo. */
const SHARDS_MAX = 1024

function reportsInput(value: string, reportDir: string): string[] {
  const dirs = listItems(value).map(item => path.resolve(item))
  for (const dir of dirs) {
    let isDir = false
    try {
      isDir = statSync(dir).isDirectory()
    } catch {
      // said below
    }
    if (!isDir)
      throw invalid('reports', value, `'${dir}' is not a folder; give shard report folders`)
    if (reportDir === dir || reportDir.startsWith(`${dir}${path.sep}`))
      throw invalid('reports', value, `report-dir ${reportDir} would be written inside '${dir}'`)
  }
  return dirs
}

/**
 * Validates the filing step's inputs before anything is downloaded, with
 * the fuzzing action's one-line errors. `get(name)` returns the raw input,
 * '' when unset.
 */
export function parseFilingInputs(get: (name: string) => string): FilingInputs {
  const input = inputReader(get, FILING_DEFAULTS)
  const reportDir = reportDirInput(input('report-dir'))
  const shards = integerInput('shards', input('shards'), 0, SHARDS_MAX)
  return {
    reports: reportsInput(input('reports'), reportDir),
    shards: shards === 0 ? null : shards,
    artifactName: artifactNameInput(input('artifact-name')),
    ...issueInputs(input),
    reportDir,
    uploadArtifact: booleanInput('upload-artifact', input('upload-artifact')),
    retentionDays: retentionDaysInput(input('retention-days')),
    closeFixed: booleanInput('close-fixed', input('close-fixed'))
  }
}
