import type { Finding } from '../../src/findings/finding.js'
import { fingerprint } from '../../src/findings/fingerprint.js'
import { storedCase } from '../../src/fuzz/case.js'
import type { CreatePlan } from '../../src/fuzz/operations/create.js'
import type { SourceSpec } from '../../src/fuzz/source.js'
import { renderIssueBody, renderIssueTitle } from '../../src/github/render.js'
import type { GitHubServer, ServerIssue } from './github-server.js'

/**
 * The create bug the stand-in plants with `create-drops-lazy-refcounts`,
 * as a minimised finding: a qcow2 create with `lazy_refcounts=on` (and,
 * to give several issues distinct fingerprints, a cluster size).
 */
export function lazyFinding(clusterSize?: number): Finding {
  const type = 'create_info_divergence'
  const options = [...(clusterSize ? [`cluster_size=${clusterSize}`] : []), 'lazy_refcounts=on']
  const plan: CreatePlan = {
    target: 'qcow2',
    knobs: {
      cluster_size: clusterSize ?? 65536,
      extended_l2: false,
      lazy_refcounts: true,
      refcount_bits: null,
      preallocation: null
    },
    size: '1M'
  }
  return {
    fingerprint: fingerprint(type, 'create', 'qcow2', options),
    type,
    operation: 'create',
    target: 'qcow2',
    options,
    status: 'minimised',
    case: storedCase({ operation: 'create', plan }),
    evidence: { summary: 'instar create left lazy_refcounts off.' },
    confirmed: true,
    runs: { confirm: 1, minimise: 4 },
    occurrences: [
      {
        seed: 11,
        iteration: 3,
        step: 0,
        originalOptions: options,
        dimensions: { lazy_refcounts: 'on', size: '1M' },
        confirmed: true,
        versions: { instar: 'instar 0.0.0-stand-in', qemuImg: 'qemu-img version 7.2.0' }
      }
    ]
  }
}

/**
 * The info bug the stand-in plants with `info-drops-field`, as a
 * minimised finding: `info` of an empty 1 MiB qcow2 image (no options:
 * every cluster size shows it).
 */
export function infoFinding(): Finding {
  const type = 'info_output_divergence'
  const source: SourceSpec = {
    format: 'qcow2',
    size: '1M',
    sizeBytes: 1048576,
    pattern: 'zeros',
    clusterSize: 65536,
    writes: []
  }
  const lazy = lazyFinding()
  return {
    ...lazy,
    fingerprint: fingerprint(type, 'info', 'qcow2', []),
    type,
    operation: 'info',
    options: [],
    case: storedCase({ operation: 'info', plan: { target: 'qcow2', knobs: {} }, source }),
    evidence: { summary: 'instar info differs from qemu-img info at /cluster-size.' },
    occurrences: lazy.occurrences.map(o => ({ ...o, originalOptions: [], dimensions: {} }))
  }
}

/** An issue as this action files it for a finding (title, body with markers, label). */
export function fileAsAction(
  server: GitHubServer,
  f: Finding,
  edit: (body: string) => string = body => body
): ServerIssue {
  const body = renderIssueBody(f, {
    runUrl: 'https://github.example/octo/instar/actions/runs/1',
    seed: 11,
    versions: f.occurrences[0].versions,
    replayCommand: 'node dist/cli.js replay --instar instar --seed 11 --iteration 3'
  })
  return server.addIssue({
    title: renderIssueTitle(f),
    body: edit(body),
    labels: ['differential-fuzz']
  })
}
