import { execFileSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildSource,
  drawSource,
  QCOW2_CLUSTER_SIZES,
  VIRTUAL_SIZES,
  type SourceSpec
} from '../../src/fuzz/source.js'
import { libyalCheckCrossCheck, libyalInfoCrossCheck } from '../../src/fuzz/libyal.js'
import { describeLibyal, detectLibyal } from '../../src/fuzz/libyal-tools.js'
import { libyalBytes, libyalFacts, parseLibyalReport } from '../../src/fuzz/normalise.js'
import { drawFrom } from '../../src/fuzz/draw.js'
import { iterationRng } from '../../src/fuzz/rng.js'
import { parseSize } from '../../src/fuzz/size.js'
import type { ToolResult } from '../../src/util/tool-runner.js'
import { tempDir, testToolbox } from '../support/tools.js'

const libyal = await detectLibyal()
const { dir, cleanup } = tempDir('idf-libyal-')
afterAll(cleanup)

// The two layouts of the releases Debian ships (vmdkinfo 20200926, vhdiinfo 20210425).
const VMDK_2020 = `vmdkinfo 20200926

VMware Virtual Disk (VMDK) information:
\tDisk type:\t\t\tMonolithic sparse
\tMedia size:\t\t\t4.0 MiB (4194304 bytes)
\tNumber of extents:\t\t1
`
const VHDI_2021 = `vhdiinfo 20210425

Virtual Hard Disk image information:
\tFormat\t\t\t: VHD (version 1)
\tFormat version\t\t: 1.0
\tMedia size\t\t: 16 MiB (16781312 bytes)
`
const QCOW_2020 = `qcowinfo 20201213

QEMU Copy-On-Write (QCOW) image information:
\tFormat version\t\t: 2
\tMedia size\t\t: 1.0 GiB (1073741824 bytes)
\tEncryption method\t: None
`

describe('libyal report parsing', () => {
  it('reads both colon layouts', () => {
    expect(parseLibyalReport(VMDK_2020)['media size']).toBe('4.0 MiB (4194304 bytes)')
    expect(parseLibyalReport(VHDI_2021)['media size']).toBe('16 MiB (16781312 bytes)')
  })

  it('takes byte counts from every spelling, and nothing from a rounded size alone', () => {
    expect(libyalBytes('1.0 GiB (1073741824 bytes)')).toBe(1073741824)
    expect(libyalBytes('65536 bytes')).toBe(65536)
    expect(libyalBytes('512')).toBe(512)
    expect(libyalBytes('4.0 MiB')).toBeUndefined()
    expect(libyalBytes(undefined)).toBeUndefined()
  })

  it('keeps only the reliable facts: size, cluster size, qcow2 version as compat', () => {
    expect(libyalFacts(VMDK_2020)).toEqual({ 'virtual-size': 4194304 })
    // vhdiinfo's "Format version 1.0" is the VHD version, not a qcow2 compat level.
    expect(libyalFacts(VHDI_2021)).toEqual({ 'virtual-size': 16781312 })
    expect(libyalFacts(QCOW_2020)).toEqual({ 'virtual-size': 1073741824, compat: '0.10' })
    expect(libyalFacts('qcowinfo 2099\n\tCluster block size\t: 64 KiB (65536 bytes)\n')).toEqual({
      'cluster-size': 65536
    })
  })
})

describe('libyal detection', () => {
  it('finds tools on PATH without starting them, and says once what is missing', async () => {
    const bin = path.join(dir, 'bin')
    execFileSync('mkdir', ['-p', bin])
    writeFileSync(path.join(bin, 'qcowinfo'), '#!/bin/sh\n')
    chmodSync(path.join(bin, 'qcowinfo'), 0o755)
    writeFileSync(path.join(bin, 'vmdkinfo'), 'not executable')
    const found = await detectLibyal(bin)
    expect(found).toEqual({
      found: { qcowinfo: path.join(bin, 'qcowinfo') },
      missing: ['vmdkinfo', 'vhdiinfo']
    })
    expect(describeLibyal(found)).toEqual([
      `libyal: qcowinfo found at ${path.join(bin, 'qcowinfo')}`,
      'libyal: vmdkinfo not found; vmdk info/check are not cross-checked',
      'libyal: vhdiinfo not found; vpc/vhdx info/check are not cross-checked'
    ])
  })
})

/** Every vpc size the harness draws, every qcow2 cluster size, and drawn sources with data. */
function generatedSources(): SourceSpec[] {
  const plain = (format: SourceSpec['format'], size: string, clusterSize?: number): SourceSpec => ({
    format,
    size,
    sizeBytes: parseSize(size),
    pattern: 'zeros',
    writes: [],
    clusterSize
  })
  const drawn: SourceSpec[] = []
  for (let i = 0; drawn.length < 6; i++) {
    const s = drawSource(drawFrom(iterationRng(5, i)))
    if (s.format !== 'raw' && s.writes.length > 0) drawn.push(s)
  }
  // vpc sizes all differ (CHS rounding); the other formats keep the size asked for.
  return [
    ...VIRTUAL_SIZES.map(size => plain('vpc', size)),
    plain('vmdk', '1M'),
    plain('vmdk', '1G'),
    ...QCOW2_CLUSTER_SIZES.map(cs => plain('qcow2', '1G', cs)),
    ...drawn
  ]
}

describe('libyal cross-checks on the real tools', () => {
  const tools = testToolbox()

  it('have the tools script/setup installs: a missing one fails here, it does not skip', () => {
    expect(libyal.missing).toEqual([])
    expect(Object.keys(libyal.found).sort()).toEqual(['qcowinfo', 'vhdiinfo', 'vmdkinfo'])
  })

  it('find nothing to report on any source the harness generates (faithful stand-in)', async () => {
    const reports: unknown[] = []
    for (const [k, spec] of generatedSources().entries()) {
      const sub = path.join(dir, `src-${k}`)
      execFileSync('mkdir', ['-p', sub])
      const source = await buildSource(spec, sub, tools)
      const i = await tools.instar(['info', '--output', 'json', source.instarPath])
      const q = await tools.qemuImg(['info', '--output=json', source.qemuPath])
      const outcome = await libyalInfoCrossCheck(tools, libyal, source, i, q)
      const checked = await tools.instar(['check', source.instarPath])
      const check = await libyalCheckCrossCheck(tools, libyal, source, checked)
      if (outcome || check) reports.push({ spec, outcome, check })
    }
    expect(reports).toEqual([])
  })

  it('compares real facts: the tools read the size (and the qcow2 version) qemu-img wrote', async () => {
    for (const [format, tool] of [
      ['vpc', 'vhdiinfo'],
      ['vmdk', 'vmdkinfo'],
      ['qcow2', 'qcowinfo']
    ]) {
      const file = path.join(dir, `facts.${format}`)
      execFileSync(tools.paths.qemuImg, ['create', '-q', '-f', format, file, '4M'])
      const out = execFileSync(libyal.found[tool], [file], { encoding: 'utf8' })
      const expected: Record<string, unknown> = {
        'virtual-size': format === 'vpc' ? 4212736 : 4194304
      }
      if (format === 'qcow2') expected.compat = '1.1'
      expect(libyalFacts(out)).toMatchObject(expected)
    }
  })

  describe('catch what instar gets wrong', () => {
    const spec: SourceSpec = {
      format: 'qcow2',
      size: '4M',
      sizeBytes: 4194304,
      pattern: 'zeros',
      writes: [],
      clusterSize: 65536
    }
    interface InfoDoc {
      'virtual-size': number
      'format-specific': { data: { compat: string } }
    }
    const edited = (r: ToolResult, edit: (doc: InfoDoc) => void): ToolResult => {
      const doc = JSON.parse(r.stdout)
      edit(doc)
      return { ...r, stdout: JSON.stringify(doc) }
    }

    it('a wrong size or compat level is a libyal_info_divergence, with qemu-img on libyal side', async () => {
      const sub = path.join(dir, 'wrong')
      execFileSync('mkdir', ['-p', sub])
      const source = await buildSource(spec, sub, tools)
      const i = await tools.instar(['info', '--output', 'json', source.instarPath])
      const q = await tools.qemuImg(['info', '--output=json', source.qemuPath])
      const bad = edited(i, d => {
        d['virtual-size'] += 512
        d['format-specific'].data.compat = '0.10'
      })
      const out = await libyalInfoCrossCheck(tools, libyal, source, bad, q)
      expect(out).toMatchObject({
        kind: 'divergence',
        type: 'libyal_info_divergence',
        evidence: {
          differingPaths: ['/virtual-size', '/format-specific/data/compat'],
          instarOutput: { 'virtual-size': 4194304 + 512, compat: '0.10' },
          qemuOutput: { 'virtual-size': 4194304, compat: '1.1' }
        }
      })
      // Where qemu-img reads what instar reads, libyal is the outlier: no finding.
      const both = edited(q, d => {
        d['virtual-size'] += 512
      })
      const outlier = await libyalInfoCrossCheck(
        tools,
        libyal,
        source,
        edited(i, d => {
          d['virtual-size'] += 512
        }),
        both
      )
      expect(outlier).toMatchObject({ kind: 'inconclusive', type: 'inconclusive_libyal_outlier' })
    })

    it('an instar check that rejects an image libyal reads is a libyal_check_divergence', async () => {
      const sub = path.join(dir, 'check')
      execFileSync('mkdir', ['-p', sub])
      const source = await buildSource(
        { ...spec, format: 'vmdk', clusterSize: undefined },
        sub,
        tools
      )
      const ok = await tools.instar(['check', source.instarPath])
      expect(ok.exitCode).toBe(0)
      const rejects = { ...ok, exitCode: 2 }
      expect(await libyalCheckCrossCheck(tools, libyal, source, rejects)).toMatchObject({
        kind: 'divergence',
        type: 'libyal_check_divergence'
      })
      // Leaks only, or no check for the format: not a refusal to read.
      expect(await libyalCheckCrossCheck(tools, libyal, source, { ...ok, exitCode: 3 })).toBeNull()
      expect(await libyalCheckCrossCheck(tools, libyal, source, { ...ok, exitCode: 63 })).toBeNull()
      // An image libyal cannot open while instar checks it clean: libyal is the outlier.
      writeFileSync(source.instarPath, Buffer.alloc(4096))
      expect(await libyalCheckCrossCheck(tools, libyal, source, ok)).toMatchObject({
        kind: 'inconclusive',
        type: 'inconclusive_libyal_outlier'
      })
    })
  })
})
