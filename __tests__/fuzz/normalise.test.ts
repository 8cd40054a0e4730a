import { describe, expect, it } from 'vitest'
import {
  differingPaths,
  normaliseInfo,
  normaliseReadback,
  replaceStrings
} from '../../src/fuzz/normalise.js'

describe('normaliseInfo', () => {
  it('drops the fields op info ignores at every depth and keeps the rest', () => {
    const doc = {
      'virtual-size': 1048576,
      filename: '/tmp/a.qcow2',
      'actual-size': 200704,
      'dirty-flag': false,
      'format-specific': { type: 'qcow2' },
      children: [
        {
          name: 'file',
          info: { filename: '/tmp/a.qcow2', 'actual-size': 1, 'virtual-size': 327680 }
        }
      ]
    }
    expect(normaliseInfo(doc)).toEqual({
      'virtual-size': 1048576,
      children: [{ name: 'file', info: { 'virtual-size': 327680 } }]
    })
  })
})

describe('normaliseReadback', () => {
  it('strips allocation, cache hints, per-target ids, nested virtual-size, snapshot dates; sorts bitmaps; anonymises the path', () => {
    const doc = {
      filename: '/w/create-instar.vmdk',
      'actual-size': 4096,
      'l2-cache-size': 1,
      'format-specific': {
        type: 'qcow2',
        data: {
          cid: 123,
          compat: '1.1',
          bitmaps: [
            { name: 'b', flags: ['in-use', 'auto'] },
            { name: 'a', flags: ['auto'] }
          ]
        }
      },
      children: [{ name: 'file', info: { 'virtual-size': 9, filename: '/w/create-instar.vmdk' } }],
      snapshots: [{ id: '1', name: 's', 'date-sec': 5, 'date-nsec': 6, 'vm-clock-sec': 0 }]
    }
    expect(normaliseReadback(doc, 'vmdk', '/w/create-instar.vmdk')).toEqual({
      filename: '$FILENAME',
      'format-specific': {
        type: 'qcow2',
        data: {
          compat: '1.1',
          bitmaps: [
            { name: 'a', flags: ['auto'] },
            { name: 'b', flags: ['auto', 'in-use'] }
          ]
        }
      },
      children: [{ name: 'file', info: { filename: '$FILENAME' } }],
      snapshots: [{ id: '1', name: 's', 'vm-clock-sec': 0 }]
    })
    // cid is only stripped for vmdk
    expect(normaliseReadback({ cid: 1 }, 'qcow2', '/x')).toEqual({ cid: 1 })
  })
})

describe('differingPaths', () => {
  it('names where two documents differ, in order, bounded', () => {
    expect(differingPaths({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] } })).toEqual([
      '/b/c/1'
    ])
    expect(differingPaths({ a: 1 }, { a: 1, extra: true })).toEqual(['/extra'])
    expect(differingPaths({ a: 1 }, { a: 1 })).toEqual([])
    expect(differingPaths(1, 2)).toEqual(['/'])
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]))
    expect(differingPaths(many, {}, 3)).toEqual(['/k0', '/k1', '/k2'])
  })
})

describe('replaceStrings', () => {
  it('replaces whole values, or substrings when asked', () => {
    expect(replaceStrings({ a: '/p/x', b: ['/p/x'] }, '/p/x', '$X')).toEqual({ a: '$X', b: ['$X'] })
    expect(replaceStrings({ a: 'json:/p/x/y' }, '/p/x', '$X', true)).toEqual({ a: 'json:$X/y' })
  })
})
