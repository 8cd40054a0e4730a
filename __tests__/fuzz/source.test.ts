import { execFileSync, spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildSource, drawSource, type SourceSpec } from '../../src/fuzz/source.js'
import { drawFrom } from '../../src/fuzz/draw.js'
import { iterationRng } from '../../src/fuzz/rng.js'
import { realQemuImg, tempDir, testToolbox } from '../support/tools.js'

const qemuIo = path.join(path.dirname(realQemuImg()), 'qemu-io')
const cleanups: Array<() => void> = []
afterEach(() => cleanups.splice(0).forEach(c => c()))

function dir(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}

/** qemu-io's own check that a range holds a byte (it fails on "Pattern verification failed"). */
function holds(
  format: string,
  file: string,
  w: { offset: number; length: number; byte: number }
): boolean {
  const r = spawnSync(
    qemuIo,
    ['-f', format, '-c', `read -P ${w.byte} ${w.offset} ${w.length}`, file],
    { encoding: 'utf8' }
  )
  return r.status === 0 && !/verification failed/i.test(r.stdout)
}

const writes = [
  { offset: 0, length: 512, byte: 0x11 },
  { offset: 65536, length: 4096, byte: 0xfe },
  { offset: 4096, length: 512, byte: 0 }
]

describe('buildSource', () => {
  it.each(['raw', 'qcow2', 'vmdk', 'vpc'] as const)(
    'writes every data write into a %s source',
    async format => {
      const spec: SourceSpec = {
        format,
        size: '4M',
        sizeBytes: 4 << 20,
        pattern: 'random',
        writes,
        ...(format === 'qcow2' ? { clusterSize: 4096 } : {})
      }
      const source = await buildSource(spec, dir(), testToolbox())
      expect(source.instarPath).toBe(source.qemuPath)
      for (const w of writes) expect(holds(format, source.qemuPath, w)).toBe(true)
      expect(holds(format, source.qemuPath, { offset: 0, length: 512, byte: 0x22 })).toBe(false)
    }
  )

  it('writes raw data exactly as qemu-io does', async () => {
    const spec: SourceSpec = {
      format: 'raw',
      size: '1M',
      sizeBytes: 1 << 20,
      pattern: 'random',
      writes
    }
    const ours = await buildSource(spec, dir(), testToolbox())
    const reference = path.join(dir(), 'reference.raw')
    execFileSync(realQemuImg(), ['create', '-q', '-f', 'raw', reference, '1M'])
    for (const w of writes)
      execFileSync(qemuIo, [
        '-f',
        'raw',
        '-c',
        `write -P ${w.byte} ${w.offset} ${w.length}`,
        reference
      ])
    expect(() =>
      execFileSync(realQemuImg(), ['compare', '-f', 'raw', '-F', 'raw', ours.qemuPath, reference])
    ).not.toThrow()
  })

  it('starts at most two processes for any drawn source', async () => {
    const tools = testToolbox()
    for (let i = 0; i < 12; i++)
      await buildSource(drawSource(drawFrom(iterationRng(5, i))), dir(), tools)
    const total = [...tools.spawns.values()].reduce((a, b) => a + b, 0)
    expect(total).toBeLessThanOrEqual(24)
  })
})
