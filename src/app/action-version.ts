import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ACTION_LABEL } from '../util/action-version.js'
import { shellCommand } from '../util/shell.js'

/** The version of this action that filed a finding, and how to get exactly it. */
export interface ActionVersion {
  /** `owner/instar-diff-fuzz@v1 (instar-diff-fuzz 1.0.0)`, or `instar-diff-fuzz 1.0.0` locally. */
  label: string
  /** The shell line that checks this very version out, where it can be named. */
  checkout?: string
}

const FULL_SHA = /^[0-9a-f]{40}$/i

function checkout(server: string, repository: string, ref: string): string {
  return [
    shellCommand(['git', 'clone', `${server}/${repository}`, 'instar-diff-fuzz']),
    'cd instar-diff-fuzz',
    shellCommand(['git', 'checkout', ref])
  ].join(' && ')
}

/**
 * Which action filed the issue, so that `replay` runs the same pickers: on
 * a runner, GITHUB_ACTION_REPOSITORY at GITHUB_ACTION_REF (a commit when
 * the workflow pins one); an action run from the workspace itself (`uses:
 * ./`) is the repository at GITHUB_SHA; elsewhere, package.json's version.
 */
export function actionVersion(
  env: Readonly<Record<string, string | undefined>>,
  actionFile: string = fileURLToPath(import.meta.url)
): ActionVersion {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  const own = ACTION_LABEL
  const { GITHUB_ACTION_REPOSITORY: repository, GITHUB_ACTION_REF: ref } = env
  if (repository && ref) {
    const commit = FULL_SHA.test(ref) ? ` (commit ${ref})` : ''
    return {
      label: `${repository}@${ref}${commit}, ${own}`,
      checkout: checkout(server, repository, ref)
    }
  }
  const { GITHUB_WORKSPACE: workspace, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env
  if (workspace && repo && sha && !path.relative(workspace, actionFile).startsWith('..'))
    return {
      label: `${repo}@${sha} (commit ${sha}), ${own}`,
      checkout: checkout(server, repo, sha)
    }
  return { label: own }
}
