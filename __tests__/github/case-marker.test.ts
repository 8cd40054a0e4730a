import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { issueMarker, renderIssueBody } from '../../src/github/render.js'
import { caseMarker, headLines, readCaseMarker } from '../../src/github/case-marker.js'
import { identityFromTitle, issueIdentity } from '../../src/github/issue-identity.js'
import { ACTION_VERSION } from '../../src/util/action-version.js'
import { projectRoot } from '../support/action-runner.js'
import { lazyFinding } from '../support/stored-issues.js'

const ctx = {
  runUrl: '',
  seed: 11,
  versions: { instar: 'instar 1', qemuImg: 'qemu-img 7' },
  replayCommand: 'replay'
}

describe('the case stored in an issue', () => {
  it('sits in the head of the body next to the fingerprint marker and reads back whole', () => {
    const f = lazyFinding(4096)
    const body = renderIssueBody(f, ctx)
    const head = headLines(body)
    expect(head[0]).toBe(issueMarker(f.fingerprint))
    expect(head).toContain(caseMarker(f))
    expect(readCaseMarker(body, f.fingerprint)).toEqual({
      kind: 'found',
      stored: {
        type: 'create_info_divergence',
        operation: 'create',
        target: 'qcow2',
        options: ['cluster_size=4096', 'lazy_refcounts=on'],
        case: f.case,
        filedBy: `instar-diff-fuzz ${ACTION_VERSION}`
      }
    })
  })

  it('cannot end its HTML comment early, whatever the case holds', () => {
    const f = lazyFinding()
    const hostile = { ...f, case: { ...f.case, source: { note: '--> <!-- @someone #1' } } }
    const marker = caseMarker(hostile)
    expect(marker.indexOf('-->')).toBe(marker.length - 3)
    const read = readCaseMarker(`${issueMarker(f.fingerprint)}\n${marker}\n\nbody`, f.fingerprint)
    expect(read.kind === 'found' && read.stored.case.source).toEqual({
      note: '--> <!-- @someone #1'
    })
  })

  it('says missing or broken, with why, for a body a person edited', () => {
    const f = lazyFinding()
    const body = renderIssueBody(f, ctx)
    const without = body.replace(caseMarker(f), '')
    expect(readCaseMarker(without, f.fingerprint)).toEqual({ kind: 'missing' })
    const notJson = body.replace(
      caseMarker(f),
      `<!-- instar-diff-fuzz case=${Buffer.from('{"type": ').toString('base64')} -->`
    )
    expect(readCaseMarker(notJson, f.fingerprint)).toEqual({
      kind: 'broken',
      why: 'the case marker does not hold JSON'
    })
    const mangled = body.replace(caseMarker(f), '<!-- instar-diff-fuzz case=not base64! -->')
    expect(readCaseMarker(mangled, f.fingerprint)).toEqual({
      kind: 'broken',
      why: 'the case marker is not base64'
    })
    // Another bug's case in this issue: replaying it would judge the wrong bug.
    const other = body.replace(caseMarker(f), caseMarker(lazyFinding(512)))
    expect(readCaseMarker(other, f.fingerprint)).toEqual({
      kind: 'broken',
      why: "the stored case does not match the issue's fingerprint"
    })
  })

  it('is read only in the head: a marker quoted in tool output below does not count', () => {
    const f = lazyFinding()
    const body = renderIssueBody(f, ctx).replace(caseMarker(f), '')
    expect(readCaseMarker(`${body}\n\n${caseMarker(f)}\n`, f.fingerprint)).toEqual({
      kind: 'missing'
    })
  })

  it('records the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8'))
    expect(ACTION_VERSION).toBe(pkg.version)
  })
})

describe("an issue's identity", () => {
  it('comes from the stored case, else from a title that agrees with the fingerprint', () => {
    const f = lazyFinding(4096)
    const title =
      '[diff-fuzz] create_info_divergence: create qcow2 cluster_size=4096 lazy_refcounts=on'
    const identity = {
      type: 'create_info_divergence',
      operation: 'create',
      target: 'qcow2',
      options: ['cluster_size=4096', 'lazy_refcounts=on']
    }
    expect(
      issueIdentity(renderIssueBody(f, ctx), 'a title a person rewrote', f.fingerprint)
    ).toEqual(identity)
    expect(identityFromTitle(title, f.fingerprint)).toEqual(identity)
    expect(identityFromTitle(title.replace('4096', '512'), f.fingerprint)).toBeNull()
    expect(identityFromTitle(`${title.slice(0, 60)}…`, f.fingerprint)).toBeNull()
    expect(issueIdentity(issueMarker(f.fingerprint), 'Create is broken', f.fingerprint)).toBeNull()
  })
})
