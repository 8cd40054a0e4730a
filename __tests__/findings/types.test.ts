import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FINDING_TYPES, isFindingType } from '../../src/findings/types.js'
import { projectRoot } from '../support/action-runner.js'

describe('the catalogue of finding types', () => {
  it('is listed whole in the README, with each type’s meaning', () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8')
    const missing = Object.entries(FINDING_TYPES)
      .filter(([type, info]) => !new RegExp(`\\| \`${type}\` +\\| ${info.kind} +\\|`).test(readme))
      .map(([type]) => type)
    expect(missing).toEqual([])
  })

  it('confirms divergences by re-running them, hangs with every other worker paused', () => {
    for (const [type, info] of Object.entries(FINDING_TYPES)) {
      if (info.kind === 'inconclusive') expect([type, info.confirmation]).toEqual([type, 'none'])
      else
        expect([type, info.confirmation]).toEqual([
          type,
          type === 'instar_timeout' ? 'quiet' : 'alone'
        ])
    }
  })

  it('knows its own names, and no others', () => {
    expect(isFindingType('create_info_divergence')).toBe(true)
    expect(isFindingType('iteration_crash')).toBe(false)
    expect(isFindingType('toString')).toBe(false)
  })
})
