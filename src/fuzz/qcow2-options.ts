import { optionsOf, type KnobSchema } from '../findings/knobs.js'
import type { Draw } from './draw.js'

/** Every refcount width qcow2 allows: drawing them all once caught a corruption bug (#365). */
export const REFCOUNT_WIDTHS = [1, 2, 4, 8, 16, 32, 64] as const

/** Clusters extended L2 entries need (qemu-img refuses them on smaller ones). */
const EXTENDED_L2_MIN_CLUSTER = 16384

/** The qcow2 creation options create and resize both draw. */
export type Qcow2Knobs = {
  cluster_size: number
  extended_l2: boolean
  lazy_refcounts: boolean
  /** null: not given (qemu-img's 16). */
  refcount_bits: number | null
}

/** The domains of the qcow2 knobs, over the cluster sizes an operation allows. */
export function qcow2KnobSchema(clusterSizes: readonly number[]): KnobSchema<Qcow2Knobs> {
  return {
    cluster_size: { values: clusterSizes, default: 65536 },
    extended_l2: { values: [false, true], default: false },
    lazy_refcounts: { values: [false, true], default: false },
    refcount_bits: { values: [null, ...REFCOUNT_WIDTHS], default: null }
  }
}

/** The peer's qcow2 draw: a cluster size, extended L2 (30%, big clusters), lazy refcounts (30%), a refcount width (40%). */
export function drawQcow2Knobs(draw: Draw, clusterSizes: readonly number[]): Qcow2Knobs {
  const cluster_size = draw.knob('cluster_size', clusterSizes)
  const extended_l2 =
    cluster_size >= EXTENDED_L2_MIN_CLUSTER && draw.knob('extended_l2', [false, true], [7, 3])
  const lazy_refcounts = draw.knob('lazy_refcounts', [false, true], [7, 3])
  const refcount_bits = draw.knob(
    'refcount_bits',
    [null, ...REFCOUNT_WIDTHS],
    [10.5, 1, 1, 1, 1, 1, 1, 1]
  )
  return { cluster_size, extended_l2, lazy_refcounts, refcount_bits }
}

/** Whether qemu-img accepts the combination (extended L2 needs clusters of 16 KiB or more). */
export function validQcow2(knobs: Qcow2Knobs): boolean {
  return !knobs.extended_l2 || knobs.cluster_size >= EXTENDED_L2_MIN_CLUSTER
}

/** The options every image of a rebase or commit chain is created with. */
export type ChainKnobs = {
  cluster_size: number
  lazy_refcounts: boolean
}

export function chainKnobSchema(clusterSizes: readonly number[]): KnobSchema<ChainKnobs> {
  return {
    cluster_size: { values: clusterSizes, default: 65536 },
    lazy_refcounts: { values: [false, true], default: false }
  }
}

/** The peer's chain draw: a cluster size, and lazy refcounts 30% of the time. */
export function drawChainKnobs(draw: Draw, clusterSizes: readonly number[]): ChainKnobs {
  return {
    cluster_size: draw.knob('cluster_size', clusterSizes),
    lazy_refcounts: draw.knob('lazy_refcounts', [false, true], [7, 3])
  }
}

/** The `-o` options of a chain's images. */
export function chainOptions(knobs: ChainKnobs): string[] {
  return optionsOf(knobs, ['cluster_size', 'lazy_refcounts'])
}
