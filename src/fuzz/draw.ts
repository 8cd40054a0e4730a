import type { KnobValue } from '../findings/knobs.js'
import type { Rng } from './rng.js'

/**
 * The random stream a picker draws from. Every categorical choice goes
 * through `knob`, named by its option key (or `target`), so that the
 * coverage of the option space can be counted and steered in one place;
 * sizes and offsets come from the plain stream.
 */
export interface Draw extends Rng {
  /** One of `values`, with these relative weights (uniform when none are given). */
  knob<V extends KnobValue>(key: string, values: readonly V[], weights?: readonly number[]): V
}

/** Weights a picker's draws are multiplied by, per knob key and value (coverage steering). */
export type KnobWeights = (key: string, value: KnobValue) => number

/** One weighted draw: a single `random()` whatever the weights, so streams stay aligned. */
export function weightedChoice<V>(rng: Rng, values: readonly V[], weights: readonly number[]): V {
  if (values.length === 0) throw new Error('a draw from an empty list')
  const total = weights.reduce((a, w) => a + w, 0)
  let at = rng.random() * total
  for (let i = 0; i < values.length; i++) {
    at -= weights[i]
    if (at < 0) return values[i]
  }
  return values[values.length - 1]
}

/**
 * The Draw an operation's picker gets: the iteration's stream, with knob
 * draws weighted by the picker's own weights times `steer`'s (none: the
 * picker's distribution as written).
 */
export function drawFrom(rng: Rng, steer?: KnobWeights): Draw {
  return {
    random: () => rng.random(),
    int: (min, max) => rng.int(min, max),
    choice: items => rng.choice(items),
    knob(key, values, weights) {
      const base = weights ?? values.map(() => 1)
      const steered = steer ? base.map((w, i) => w * steer(key, values[i])) : base
      return weightedChoice(rng, values, steered)
    }
  }
}
