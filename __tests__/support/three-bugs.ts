import { fingerprint } from '../../src/findings/fingerprint.js'
import { runAction, type ActionRun } from './action-runner.js'
import type { GitHubServer } from './github-server.js'
import { STAND_IN } from './tools.js'

/**
 * The filing tests' night: the bundled action, run as the runner runs it,
 * against a loopback GitHub, with three bugs planted in the stand-in
 * instar whose identities are known from first principles (each affects
 * qcow2 only and needs at most one option).
 */
export const BUGS = 'create-drops-lazy-refcounts,info-drops-field,check-fails'
export const PLANTED = [
  fingerprint('create_info_divergence', 'create', 'qcow2', ['lazy_refcounts=on']),
  fingerprint('info_output_divergence', 'info', 'qcow2', []),
  fingerprint('exit_code_divergence', 'check', 'qcow2', [])
].sort()

/** Runs the action for 30 iterations of create, info and check on `seed`, filing to `server`. */
export function fuzzThreeBugs(
  server: GitHubServer,
  seed: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
    {
      instar: STAND_IN,
      seed,
      iterations: '30',
      duration: '3m',
      operations: 'create,info,check',
      token: 'test-token',
      ...extra
    },
    {
      STAND_IN_BUGS: BUGS,
      GITHUB_API_URL: server.url,
      GITHUB_REPOSITORY: 'octo/instar',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: seed,
      ...env
    }
  )
}
