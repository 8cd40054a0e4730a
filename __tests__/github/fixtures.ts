import type { CallRecord, Finding, Occurrence } from '../../src/findings/finding.js'
import { fingerprint } from '../../src/findings/fingerprint.js'
import type { FilingConfig } from '../../src/github/tracker.js'
import type { Pacing } from '../../src/github/client.js'

/** GitHub's pacing, shortened: the same requests, without the pauses between them. */
export const FAST: Pacing = {
  writeMs: 0,
  notifyMs: 0,
  retryUnitMs: 20,
  retries: 3,
  requestTimeoutMs: 10_000
}

export const VERSIONS = { instar: 'instar 0.4.2', qemuImg: 'qemu-img version 7.2.22' }

function call(tool: string, exitCode: number, stderr: string): CallRecord {
  return {
    argv: [tool, 'create', '-f', 'qcow2', '/tmp/idf/x.qcow2', '1M'],
    exitCode,
    signal: null,
    timedOut: false,
    stdout: '',
    stderr,
    durationMs: 12
  }
}

export function occurrence(
  seed: number,
  iteration: number,
  stderr = 'error: bad option'
): Occurrence {
  return {
    seed,
    iteration,
    step: 0,
    originalOptions: ['cluster_size=4096', 'lazy_refcounts=on', 'preallocation=metadata'],
    dimensions: {
      cluster_size: '4096',
      lazy_refcounts: 'on',
      preallocation: 'metadata',
      size: '1M'
    },
    confirmed: true,
    evidence: {
      summary: 'instar failed (exit 1) where qemu-img succeeded.',
      instar: call('instar', 1, stderr),
      qemu: call('qemu-img', 0, ''),
      instarOutput: { format: 'qcow2', 'virtual-size': 1048576 },
      qemuOutput: { format: 'qcow2', 'virtual-size': 2097152 },
      differingPaths: ['/virtual-size']
    },
    versions: VERSIONS
  }
}

/** A finding as the campaign would report it; `n` varies the options and so the fingerprint. */
export function finding(n: number, occurrences: Occurrence[] = [occurrence(7, n)]): Finding {
  const type = 'exit_code_divergence'
  const operation = 'create'
  const target = 'qcow2'
  const options = [`cluster_size=${512 << n}`]
  return {
    fingerprint: fingerprint(type, operation, target, options),
    type,
    operation,
    target,
    options,
    status: 'minimised',
    case: {
      schema: 1,
      operation,
      plan: { target, knobs: { cluster_size: 512 << n } }
    },
    evidence: occurrences[0].evidence!,
    confirmed: true,
    runs: { confirm: 1, minimise: 3 },
    occurrences
  }
}

export function filingConfig(apiUrl: string, overrides: Partial<FilingConfig> = {}): FilingConfig {
  return {
    token: 'ghs_loopback',
    apiUrl,
    owner: 'octo',
    repo: 'instar',
    labels: ['differential-fuzz', 'fuzz'],
    maxNewIssues: 10,
    onClosed: 'reopen',
    runUrl: 'https://github.com/octo/instar/actions/runs/1',
    seed: 7,
    versions: VERSIONS,
    replayCommand: f =>
      `node dist/cli.js replay --instar target/release/instar --seed ${f.occurrences[0].seed} --iteration ${f.occurrences[0].iteration}`,
    pacing: FAST,
    ...overrides
  }
}
