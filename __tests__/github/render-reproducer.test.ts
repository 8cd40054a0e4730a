import { describe, expect, it } from 'vitest'
import type { Reproducer } from '../../src/findings/reproducer.js'
import type { Case } from '../../src/fuzz/case.js'
import { caseWords } from '../../src/fuzz/repro/describe.js'
import { reproScript } from '../../src/fuzz/repro/script.js'
import { renderIssueBody } from '../../src/github/render.js'
import { GITHUB_BODY_LIMIT } from '../../src/util/sanitise.js'
import { finding, occurrence, VERSIONS } from './fixtures.js'
import { structure } from './markdown.js'

/** A real reproducer: a snapshot chain, whose script carries the most python and shell. */
const snapshotCase: Case = {
  operation: 'snapshot',
  plan: {
    target: 'qcow2',
    knobs: { cluster_size: 4096, compat: '1.1', extended_l2: false, backing: true },
    size: '4M',
    seedWrites: [{ kind: 'write', offset: 0, length: 4096, byte: 1 }],
    chain: [
      { kind: 'create', arg: 'L'.repeat(255) },
      { kind: 'write', offset: 65536, length: 4096, byte: 2 },
      { kind: 'apply', arg: '1' }
    ]
  } as never
}

function reproducer(c: Case = snapshotCase): Reproducer {
  return {
    path: 'findings/0123456789abcdef/repro.sh',
    script: reproScript({
      fingerprint: '0123456789abcdef',
      type: 'snapshot_byte_divergence',
      options: ['cluster_size=4096', 'backing=on'],
      case: c,
      timeoutSeconds: 30
    }),
    caseWords: caseWords(c)
  }
}

const ctx = {
  runUrl: 'https://github.com/octo/instar/actions/runs/1',
  seed: 7,
  versions: VERSIONS,
  replayCommand: 'node dist/cli.js replay --instar instar --seed 7 --iteration 3',
  action: {
    label: 'octo/instar-diff-fuzz@v2, instar-diff-fuzz 2.1.0',
    checkout:
      'git clone https://github.com/octo/instar-diff-fuzz instar-diff-fuzz && cd instar-diff-fuzz && git checkout v2'
  }
}

describe('the reproducer in an issue body', () => {
  it('shows the case in words, the whole script collapsed, and the versioned replay command', () => {
    const r = reproducer()
    const body = renderIssueBody(finding(3), { ...ctx, reproducer: r })
    const md = structure(body)
    expect(md.unclosed).toBe(false)
    expect(md.blocks).toContain(r.script.replace(/\n$/, ''))
    expect(md.blocks).toContain(`${ctx.action.checkout}\n${ctx.replayCommand}`)
    const text = md.outside.join('\n')
    expect(text).toContain('### Reproduce with instar and qemu-img alone')
    expect(text).toContain(
      `<details><summary>repro.sh (${r.script.trimEnd().split('\n').length} lines)</summary>`
    )
    expect(md.outside.filter(l => l === '</details>')).toHaveLength(1)
    expect(text).toContain(
      '- operation: snapshot on a qcow2 target; knobs: cluster_size=4096, compat=1.1, extended_l2=off, backing=on'
    )
    expect(text).toContain(
      "- chain: create 'LLLLLLLLLLLLLLLLLLLL…(255 characters)'; write 4096 bytes of 0x02 at offset 65536; apply '1'"
    )
    expect(text).toContain('- size: 4M')
    expect(text).toContain('Found by `octo/instar-diff-fuzz@v2, instar-diff-fuzz 2.1.0`')
    expect(text).toContain('`findings/0123456789abcdef/repro.sh`')
  })

  it('keeps a script that holds fences and HTML inside its own block', () => {
    const hostile: Case = {
      ...snapshotCase,
      plan: {
        ...snapshotCase.plan,
        chain: [{ kind: 'create', arg: '```\n</details><!-- @x #1' }]
      } as never
    }
    const r = reproducer(hostile)
    const body = renderIssueBody(finding(3), { ...ctx, reproducer: r })
    const md = structure(body)
    expect(md.unclosed).toBe(false)
    expect(md.blocks).toContain(r.script.replace(/\n$/, ''))
    expect(md.outside.filter(l => l.includes('</details>'))).toEqual(['</details>'])
    // Only our own markers are HTML comments: the fingerprint and the stored case.
    const comments = md.outside.filter(l => l.includes('<!--'))
    expect(comments).toHaveLength(2)
    expect(comments[0]).toBe(`<!-- instar-diff-fuzz fingerprint=${finding(3).fingerprint} -->`)
    expect(comments[1]).toMatch(/^<!-- instar-diff-fuzz case=[A-Za-z0-9+/=]+ -->$/)
  })

  it('stays under 65,536 characters with 1 MB of tool output, the script whole', () => {
    const mb = 'z'.repeat(1 << 20)
    const occ = occurrence(7, 1, mb)
    const ev = occ.evidence!
    ev.instar!.stdout = mb
    ev.qemu!.stderr = mb
    ev.instarOutput = mb
    ev.qemuOutput = { mb }
    ev.details = { mb }
    const r = reproducer()
    const body = renderIssueBody(finding(2, [occ]), { ...ctx, reproducer: r })
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT)
    const md = structure(body)
    expect(md.unclosed).toBe(false)
    expect(md.blocks).toContain(r.script.replace(/\n$/, ''))
  })

  it('cuts a script too long for an issue at a line, saying where the whole one is', () => {
    const r = reproducer()
    const long = { ...r, script: `${r.script}${'# padding\n'.repeat(6000)}` }
    const body = renderIssueBody(finding(2), { ...ctx, reproducer: long })
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT)
    const shown = structure(body).blocks.find(b => b.startsWith('#!/bin/sh'))!
    expect(long.script.startsWith(shown.slice(0, shown.lastIndexOf('\n') + 1))).toBe(true)
    expect(shown.split('\n').at(-1)).toMatch(
      /^# \.\.\. cut here, \d+ characters short: the whole script is findings\/0123456789abcdef\/repro\.sh in the run's report artifact\.$/
    )
  })
})
