/**
 * One categorical choice of a case: a category (`streamOptimized`), a
 * number (a cluster size), on/off, or null for "not given" (the tool's own
 * default). Sizes, offsets, seeds and paths are never knobs: they are not
 * part of a finding's identity.
 */
export type KnobValue = string | number | boolean | null

/** A case's knobs by option key (`cluster_size`, `lazy_refcounts`, ...). */
export type Knobs = Readonly<Record<string, KnobValue>>

/** What a knob may be: the values a picker draws, and the one minimisation falls back to. */
export interface KnobDomain<V extends KnobValue = KnobValue> {
  readonly values: readonly V[]
  readonly default: V
}

/** The domain of every knob an operation (or the source) can draw, by key. */
export type KnobSchema<K extends Knobs> = {
  readonly [key in keyof K]-?: KnobDomain<Exclude<K[key], undefined>>
}

/**
 * A knob as the `key=value` option a finding's title, fingerprint and
 * issue show; null when the value means "not given" (null or off), so a
 * knob left at the tool's default adds nothing to a finding's identity.
 */
export function optionOf(key: string, value: KnobValue | undefined): string | null {
  if (value === null || value === undefined || value === false) return null
  return value === true ? `${key}=on` : `${key}=${value}`
}

/** The options of some knobs, in the knobs' order; `keys` limits them (to the kept ones, say). */
export function optionsOf(knobs: Knobs, keys: readonly string[] = Object.keys(knobs)): string[] {
  return keys.flatMap(k => optionOf(k, knobs[k]) ?? [])
}

/** A knob's value in words, for the dimensions an issue lists: `512`, `on`, `off`, `none`. */
export function knobText(value: KnobValue | undefined): string {
  if (value === true) return 'on'
  if (value === false) return 'off'
  if (value === null || value === undefined) return 'none'
  return String(value)
}
