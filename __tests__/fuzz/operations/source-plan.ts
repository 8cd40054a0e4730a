import { runCase } from '../../../src/fuzz/iteration.js'
import { drawSource, type SourceSpec } from '../../../src/fuzz/source.js'
import type { Operation, Plan } from '../../../src/fuzz/operation.js'
import type { Outcome } from '../../../src/fuzz/outcome.js'
import { drawFrom } from '../../../src/fuzz/draw.js'
import { iterationRng } from '../../../src/fuzz/rng.js'
import type { Toolbox } from '../../../src/fuzz/toolbox.js'
import { tempDir } from '../../support/tools.js'

/**
 * Runs one plan of an operation that reads the iteration's image, through
 * the campaign's boundary (runCase): the source is built from its spec by
 * the real qemu-img, in a fresh directory removed afterwards.
 */
export async function runOnSource<P extends Plan>(
  op: Operation<P>,
  plan: P,
  spec: SourceSpec,
  tools: Toolbox
): Promise<Outcome> {
  const { dir, cleanup } = tempDir(`idf-${op.name}-`)
  try {
    return await runCase({ operation: op.name, plan, source: spec }, dir, tools)
  } finally {
    cleanup()
  }
}

/** The first `n` (source, plan) pairs the operation draws for `seed`, skipping sources it declines. */
export function drawnCases<P extends Plan>(
  op: Operation<P>,
  seed: number,
  n: number,
  accept: (spec: SourceSpec, plan: P) => boolean = () => true
): Array<{ spec: SourceSpec; plan: P }> {
  const cases: Array<{ spec: SourceSpec; plan: P }> = []
  for (let i = 0; cases.length < n; i++) {
    const rng = drawFrom(iterationRng(seed, i))
    const spec = drawSource(rng)
    const plan = op.pick(rng, spec)
    if (plan && accept(spec, plan)) cases.push({ spec, plan })
  }
  return cases
}

/** A source with data where the tests need it: 4 KiB patterns at 0 and 128 KiB. */
export function sourceWithData(format: SourceSpec['format'], size = '4M'): SourceSpec {
  const sizes: Record<string, number> = { '1M': 1 << 20, '4M': 4 << 20, '16M': 16 << 20 }
  return {
    format,
    size,
    sizeBytes: sizes[size],
    pattern: 'random',
    clusterSize: format === 'qcow2' ? 65536 : undefined,
    writes: [
      { offset: 0, length: 4096, byte: 0x11 },
      { offset: 131072, length: 4096, byte: 0x22 }
    ]
  }
}
