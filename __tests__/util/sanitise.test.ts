import { describe, expect, it } from 'vitest'
import { fence, inlineCode, prose, truncate } from '../../src/util/sanitise.js'
import { structure } from '../github/markdown.js'

describe('fence', () => {
  it('is longer than any backtick run inside, so the content cannot close it', () => {
    const text = 'a\n```\nb\n`````\nc'
    const block = fence(text, 'text')
    expect(block.startsWith('``````text\n')).toBe(true)
    const md = structure(`before\n${block}\nafter`)
    expect(md).toEqual({ outside: ['before', 'after'], blocks: [text], unclosed: false })
  })

  it('uses three backticks for plain text', () => {
    expect(fence('plain')).toBe('```\nplain\n```')
  })
})

describe('inlineCode', () => {
  it('folds lines and outlasts backticks inside', () => {
    expect(inlineCode('qemu-img version 7.2\nCopyright')).toBe('`qemu-img version 7.2 Copyright`')
    expect(inlineCode('a `b` c')).toBe('``a `b` c``')
    expect(inlineCode('`edge`')).toBe('`` `edge` ``')
    expect(inlineCode('  ')).toBe('(empty)')
  })
})

describe('prose', () => {
  it('neutralises mentions, references, HTML and code markers', () => {
    const out = prose('@alice see #12, octo/x#3, GH-4 <!-- `x` ~~~ a & b')
    expect(out).not.toMatch(/@alice|#12|#3|GH-4|<|`x`/)
    expect(out).toBe(
      '@\u200dalice see #\u200d12, octo/x#\u200d3, GH-\u200d4 &lt;!-- \\`x\\` \\~\\~\\~ a &amp; b'
    )
    expect(prose('mail me at a@b.c? no: a@\u200db')).toContain('a@\u200db.c')
  })
})

describe('truncate', () => {
  it('leaves short text alone and says how much was cut', () => {
    expect(truncate('short', 10)).toBe('short')
    const cut = truncate('x'.repeat(100), 10)
    expect(cut.startsWith('x'.repeat(10) + '\n… (90 more characters;')).toBe(true)
  })

  it('never splits a surrogate pair', () => {
    const cut = truncate('ab\u{1F600}cd', 3)
    expect(cut.startsWith('ab\n')).toBe(true)
  })
})
