import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseFilingInputs, type FilingInputs } from '../src/filing-inputs.js'
import { InputError } from '../src/inputs.js'
import { projectRoot } from './support/action-runner.js'
import { readActionYml } from './support/action-yml.js'
import { tempDir } from './support/tools.js'

const tmp = tempDir('idf-filing-inputs-')
afterAll(() => tmp.cleanup())
const shardA = path.join(tmp.dir, 'a')
const shardB = path.join(tmp.dir, 'b')
mkdirSync(shardA)
mkdirSync(shardB)

function parse(raw: Record<string, string>): FilingInputs {
  return parseFilingInputs(name => raw[name] ?? '')
}

function errorOf(raw: Record<string, string>): string {
  try {
    parse(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('no error')
}

describe('parseFilingInputs', () => {
  it("downloads this run's shards by default, with the action's issue and artifact defaults", () => {
    expect(parse({ 'report-dir': '/tmp/night' })).toEqual({
      reports: [],
      shards: null,
      artifactName: 'instar-diff-fuzz',
      fileIssues: true,
      token: '',
      labels: ['differential-fuzz'],
      maxNewIssues: 10,
      onClosed: 'reopen',
      failOn: 'new',
      reportDir: '/tmp/night',
      uploadArtifact: true,
      retentionDays: null,
      closeFixed: false
    } satisfies FilingInputs)
  })

  it('reads report folders and the number of shards', () => {
    expect(parse({ reports: `${shardA}\n${shardB}`, shards: '4' })).toMatchObject({
      reports: [shardA, shardB],
      shards: 4
    })
  })

  it('names a folder that is not there, and a report-dir that would land inside a shard', () => {
    expect(errorOf({ reports: path.join(tmp.dir, 'gone') })).toMatch(
      /^Invalid input 'reports': .* is not a folder/
    )
    expect(errorOf({ reports: shardA, 'report-dir': path.join(shardA, 'night') })).toMatch(
      /^Invalid input 'reports': .*report-dir .* would be written inside/
    )
    expect(errorOf({ shards: 'four' })).toMatch(
      /^Invalid input 'shards': 'four' — use a whole number/
    )
  })
})

describe('file/action.yml', () => {
  const yml = readActionYml(path.join(projectRoot, 'file', 'action.yml'))

  it('runs dist/file.js from the folder above, on node24', () => {
    expect(yml.runs).toEqual({ using: { value: 'node24' }, main: { value: '../dist/file.js' } })
  })

  it("has literal defaults that parse to parseFilingInputs' own defaults, and describes everything", () => {
    const names = Object.keys(yml.inputs)
    expect(names.sort()).toEqual(
      [
        'artifact-name',
        'shards',
        'reports',
        'file-issues',
        'token',
        'labels',
        'max-new-issues',
        'on-closed',
        'fail-on',
        'report-dir',
        'upload-artifact',
        'retention-days',
        'close-fixed'
      ].sort()
    )
    for (const entry of [...Object.values(yml.inputs), ...Object.values(yml.outputs)])
      expect(entry.description).toBeTruthy()
    for (const name of names.filter(n => !yml.inputs[n].default.includes('${{')))
      expect(parse({ [name]: yml.inputs[name].default }), name).toEqual(parse({}))
  })
})
