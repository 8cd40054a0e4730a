import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fingerprint } from '../../src/findings/fingerprint.js'

describe('fingerprint', () => {
  it('is the first 16 hex digits of SHA-256 of [type, operation, target, sorted(options)]', () => {
    const expected = createHash('sha256')
      .update(
        '["create_info_divergence","create","qcow2",["cluster_size=512","lazy_refcounts=on"]]'
      )
      .digest('hex')
      .slice(0, 16)
    expect(
      fingerprint('create_info_divergence', 'create', 'qcow2', [
        'lazy_refcounts=on',
        'cluster_size=512'
      ])
    ).toBe(expected)
  })

  it('ignores option order but not option content, type, operation or target', () => {
    const base = fingerprint('t', 'op', 'raw', ['a=1', 'b=2'])
    expect(fingerprint('t', 'op', 'raw', ['b=2', 'a=1'])).toBe(base)
    expect(fingerprint('t', 'op', 'raw', ['a=1'])).not.toBe(base)
    expect(fingerprint('u', 'op', 'raw', ['a=1', 'b=2'])).not.toBe(base)
    expect(fingerprint('t', 'op2', 'raw', ['a=1', 'b=2'])).not.toBe(base)
    expect(fingerprint('t', 'op', 'qcow2', ['a=1', 'b=2'])).not.toBe(base)
    expect(base).toMatch(/^[0-9a-f]{16}$/)
  })
})
