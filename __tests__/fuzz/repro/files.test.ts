import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Finding } from '../../../src/findings/finding.js'
import type { DivergenceType } from '../../../src/findings/types.js'
import { caseOptions, storedCase, type Case } from '../../../src/fuzz/case.js'
import { writeReproducers, type ReproducerSettings } from '../../../src/fuzz/repro/files.js'
import { buildSource } from '../../../src/fuzz/source.js'
import { tempDir, testToolbox } from '../../support/tools.js'

const tools = testToolbox()
const settings: ReproducerSettings = {
  paths: tools.paths,
  qemuVersion: tools.qemuVersion,
  timeoutSeconds: 30
}
const { dir, cleanup } = tempDir('idf-repro-files-')
afterAll(cleanup)

const MiB = 1 << 20
const rawSource: Case = {
  operation: 'convert',
  plan: { target: 'qcow2', knobs: {}, compress: false } as never,
  source: {
    format: 'raw',
    size: '16M',
    sizeBytes: 16 * MiB,
    pattern: 'random',
    writes: [
      { offset: 0, length: 4096, byte: 0x5a },
      { offset: 8 * MiB, length: 512, byte: 0xa5 }
    ]
  }
}
const noSource: Case = {
  operation: 'amend',
  plan: {
    target: 'qcow2',
    knobs: { case: 'lazy-on', cluster_size: 65536, refcount_bits: null, lazy_refcounts: false }
  }
}

function finding(fp: string, type: DivergenceType, c: Case): Finding {
  return {
    fingerprint: fp,
    type,
    operation: c.operation,
    target: c.plan.target,
    options: caseOptions(c),
    status: 'minimised',
    case: storedCase(c),
    evidence: {
      summary: 'guest data differs: Content mismatch at offset 0!',
      instar: {
        argv: ['instar', 'convert'],
        exitCode: 0,
        signal: null,
        timedOut: false,
        stdout: '',
        stderr: 'warning: something',
        durationMs: 5
      },
      qemuOutput: { 'virtual-size': 1 }
    },
    confirmed: true,
    runs: { confirm: 1, minimise: 0 },
    occurrences: []
  }
}

describe('findings/<fingerprint>/ of every finding', () => {
  it('holds repro.sh, the source as a sparse archive of the same bytes, the outputs and a README', async () => {
    const reportDir = path.join(dir, 'report')
    const f = finding('00000000000000aa', 'convert_content_divergence', rawSource)
    const { reproducers, warning } = await writeReproducers(reportDir, [f], settings)
    expect(warning).toBeNull()
    const folder = path.join(reportDir, 'findings', f.fingerprint)
    expect(readdirSync(folder).sort()).toEqual([
      'README.md',
      'instar.stderr',
      'qemu-img-output.json',
      'repro.sh',
      'source.tar.gz'
    ])
    const script = path.join(folder, 'repro.sh')
    expect(statSync(script).mode & 0o111).toBe(0o111)
    expect(reproducers.get(f.fingerprint)).toEqual({
      path: `findings/${f.fingerprint}/repro.sh`,
      script: readFileSync(script, 'utf8'),
      caseWords: [
        'source: a 16M raw image (made by qemu-img create), holding 2 writes: 4096 bytes of 0x5a at offset 0; 512 bytes of 0xa5 at offset 8388608',
        'operation: convert on a qcow2 target; knobs: from=raw, pattern=random',
        'compress: false'
      ]
    })
    expect(readFileSync(path.join(folder, 'instar.stderr'), 'utf8')).toBe('warning: something')
    expect(readFileSync(path.join(folder, 'README.md'), 'utf8')).toContain(
      'gives it back byte for byte, holes included'
    )

    // Extracted, it is the image buildSource makes, holes and all.
    const out = path.join(dir, 'extracted')
    execFileSync('mkdir', [out])
    execFileSync('tar', ['-xzf', path.join(folder, 'source.tar.gz'), '-C', out])
    const extracted = path.join(out, 'source.raw')
    const built = await buildSource(rawSource.source!, path.join(dir), tools)
    expect(readFileSync(extracted).equals(readFileSync(built.qemuPath))).toBe(true)
    expect(statSync(extracted).blocks * 512).toBeLessThan(MiB)
  })

  it('says why there is no source image, or no reproducer at all, and leaves a big source out', async () => {
    const reportDir = path.join(dir, 'report-2')
    const own = finding('00000000000000bb', 'amend_info_divergence', noSource)
    const alien = { ...finding('00000000000000cc', 'amend_info_divergence', noSource) }
    alien.case = { ...alien.case, schema: 99 }
    const big = finding('00000000000000dd', 'convert_content_divergence', rawSource)
    const { reproducers, warning } = await writeReproducers(reportDir, [own, alien, big], {
      ...settings,
      sourceCap: 100
    })
    expect(warning).toBeNull()
    expect([...reproducers.keys()]).toEqual([own.fingerprint, big.fingerprint])
    const readme = (fp: string): string =>
      readFileSync(path.join(reportDir, 'findings', fp, 'README.md'), 'utf8')
    expect(readme(own.fingerprint)).toContain(
      'No source image: this operation builds its own images'
    )
    expect(readme(alien.fingerprint)).toContain(
      'No reproducer: this version of instar-diff-fuzz cannot rebuild the case (case schema 99'
    )
    expect(existsSync(path.join(reportDir, 'findings', alien.fingerprint, 'repro.sh'))).toBe(false)
    expect(readme(big.fingerprint)).toMatch(
      /The source image is left out: compressed it takes \d+ bytes, over the 100-byte cap; repro.sh builds it\./
    )
    expect(existsSync(path.join(reportDir, 'findings', big.fingerprint, 'source.tar.gz'))).toBe(
      false
    )
  })

  it('loses no script when the folder cannot be written: one warning, the issue still gets it', async () => {
    const reportDir = path.join(dir, 'report-3')
    execFileSync('mkdir', [reportDir])
    writeFileSync(path.join(reportDir, 'findings'), 'a file where the folder should be')
    const f = finding('00000000000000ee', 'amend_info_divergence', noSource)
    const { reproducers, warning } = await writeReproducers(reportDir, [f], settings)
    expect(warning).toMatch(
      new RegExp(
        `^could not write the reproducers of 1 finding under .*report-3: ${f.fingerprint} \\(.*(EEXIST|ENOTDIR)`
      )
    )
    expect(reproducers.get(f.fingerprint)?.script).toContain(
      `finding ${f.fingerprint}: amend_info_divergence`
    )
  })
})
