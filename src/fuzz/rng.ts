import seedrandom from 'seedrandom'

/** The random stream one iteration draws everything from. */
export interface Rng {
  /** A float in [0, 1). */
  random(): number
  /** An integer in [min, max], both inclusive (like Python's randint). */
  int(min: number, max: number): number
  /** One element of a non-empty list. */
  choice<T>(items: readonly T[]): T
}

/**
 * The Rng over a source of floats in [0, 1): one formula for `int` and
 * `choice`, so every stream of the fuzzer draws alike from its floats.
 */
export function rngOver(random: () => number): Rng {
  return {
    random,
    int: (min, max) => min + Math.floor(random() * (max - min + 1)),
    choice: items => {
      if (items.length === 0) throw new Error('choice() from an empty list')
      return items[Math.floor(random() * items.length)]
    }
  }
}

/**
 * Derives an iteration's stream from (master seed, global iteration index)
 * alone, so any iteration can be replayed by itself without running the
 * ones before it (the Python peer has to re-run all of them).
 */
export function iterationRng(masterSeed: number, iteration: number): Rng {
  const prng = seedrandom(`instar-diff-fuzz:${masterSeed}:${iteration}`)
  return rngOver(() => prng.double())
}

/** A master seed in 0..2^32-1 for runs that did not ask for one. */
export function randomMasterSeed(): number {
  return Math.floor(Math.random() * 2 ** 32)
}

/**
 * The global iteration index of the k-th iteration of shard i of n: shards
 * interleave, so the n jobs of a matrix cover disjoint streams of one seed.
 */
export function globalIteration(k: number, shardIndex: number, shardCount: number): number {
  return k * shardCount + (shardIndex - 1)
}
