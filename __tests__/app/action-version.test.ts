import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { actionVersion } from '../../src/app/action-version.js'
import { projectRoot } from '../support/action-runner.js'

const version = (
  JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version
const bundle = path.join(projectRoot, 'dist', 'index.js')

describe('the version of this action that filed a finding', () => {
  it('is the action repository at the ref the workflow used, checked out by a copyable line', () => {
    const env = {
      GITHUB_ACTION_REPOSITORY: 'octo/instar-diff-fuzz',
      GITHUB_ACTION_REF: 'v2',
      GITHUB_SERVER_URL: 'https://ghe.example'
    }
    expect(actionVersion(env, bundle)).toEqual({
      label: `octo/instar-diff-fuzz@v2, instar-diff-fuzz ${version}`,
      checkout:
        'git clone https://ghe.example/octo/instar-diff-fuzz instar-diff-fuzz && cd instar-diff-fuzz && git checkout v2'
    })
  })

  it('names the commit when the workflow pins one', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567'
    const v = actionVersion(
      { GITHUB_ACTION_REPOSITORY: 'octo/idf', GITHUB_ACTION_REF: sha },
      bundle
    )
    expect(v.label).toBe(`octo/idf@${sha} (commit ${sha}), instar-diff-fuzz ${version}`)
    expect(v.checkout).toBe(
      `git clone https://github.com/octo/idf instar-diff-fuzz && cd instar-diff-fuzz && git checkout ${sha}`
    )
  })

  it('is the workspace at GITHUB_SHA for an action run from the workspace (uses: ./)', () => {
    const sha = 'fedcba9876543210fedcba9876543210fedcba98'
    const env = { GITHUB_WORKSPACE: projectRoot, GITHUB_REPOSITORY: 'octo/idf', GITHUB_SHA: sha }
    expect(actionVersion(env, bundle).checkout).toContain(`git checkout ${sha}`)
    // An action elsewhere than the workspace is not the workspace's commit.
    expect(actionVersion({ ...env, GITHUB_WORKSPACE: '/elsewhere' }, bundle)).toEqual({
      label: `instar-diff-fuzz ${version}`
    })
  })

  it("is package.json's version for a local run, from the sources as from the bundle", () => {
    expect(actionVersion({})).toEqual({ label: `instar-diff-fuzz ${version}` })
    expect(actionVersion({}, bundle)).toEqual({ label: `instar-diff-fuzz ${version}` })
    expect(actionVersion({}, path.join(projectRoot, 'dist', 'chunks', 'x.js')).label).toBe(
      `instar-diff-fuzz ${version}`
    )
  })
})
