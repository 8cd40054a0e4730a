import type { Case } from '../../../src/fuzz/case.js'
import type { CreatePlan } from '../../../src/fuzz/operations/create.js'
import type { DdPlan } from '../../../src/fuzz/operations/dd.js'
import type { ResizePlan } from '../../../src/fuzz/operations/resize.js'
import type { SnapshotElement, SnapshotPlan } from '../../../src/fuzz/operations/snapshot.js'
import type { Qcow2Knobs } from '../../../src/fuzz/qcow2-options.js'
import type { SourceSpec } from '../../../src/fuzz/source.js'

/**
 * Cases written by hand rather than drawn, for tests that need one exact
 * case (a planted bug's trigger, a case beyond a picker's exclusion): the
 * qcow2 knobs at qemu-img's defaults unless a test says otherwise.
 */
export const QCOW2_DEFAULTS: Qcow2Knobs = {
  cluster_size: 65536,
  extended_l2: false,
  lazy_refcounts: false,
  refcount_bits: null
}

export function createCase(
  knobs: Partial<CreatePlan['knobs']> & Record<string, unknown> = {},
  target = 'qcow2',
  size = '1M'
): Case<CreatePlan> {
  const base = target === 'qcow2' ? { ...QCOW2_DEFAULTS, preallocation: null } : {}
  return {
    operation: 'create',
    plan: {
      target: target as CreatePlan['target'],
      size,
      knobs: { ...base, unknown_option: false, ...knobs }
    }
  }
}

export function resizeCase(
  knobs: Partial<ResizePlan['knobs']> = {},
  startSize = '1M',
  endSpec = '4M'
): Case<ResizePlan> {
  return {
    operation: 'resize',
    plan: {
      target: 'qcow2',
      knobs: {
        ...QCOW2_DEFAULTS,
        preallocation: null,
        resize: 'grow',
        size_form: 'absolute',
        ...knobs
      },
      startSize,
      endSpec
    }
  }
}

export function snapshotCase(
  chain: SnapshotElement[],
  knobs: Partial<SnapshotPlan['knobs']> = {},
  size = '4M',
  seedWrites: SnapshotPlan['seedWrites'] = []
): Case<SnapshotPlan> {
  return {
    operation: 'snapshot',
    plan: {
      target: 'qcow2',
      knobs: { cluster_size: 65536, compat: '1.1', extended_l2: false, backing: false, ...knobs },
      size,
      seedWrites,
      chain
    }
  }
}

/** dd of 4 KiB blocks from `source`: `count` blocks (0: an empty window), after `skip`. */
export function ddCase(target: string, source: SourceSpec, count: number, skip = 0): Case<DdPlan> {
  return {
    operation: 'dd',
    plan: {
      target,
      knobs: { bs: 'aligned', count: count === 0 ? 'zero' : 'set', skip: skip > 0 ? 'set' : null },
      bs: 4096,
      count,
      skip,
      virtualSize: source.sizeBytes
    },
    source
  }
}
