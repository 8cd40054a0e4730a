import {
  cellsOf,
  splitValue,
  type CaseCells,
  type CoverageDomain,
  type CoverageSpace
} from '../findings/coverage.js'
import { knobText, type KnobValue } from '../findings/knobs.js'
import { caseKnobs, caseOf, type Case } from './case.js'
import { drawFrom, type Draw } from './draw.js'
import { OPERATION_NAMES, type OperationName } from './operation.js'
import { operation } from './operations/index.js'
import { rngOver, type Rng } from './rng.js'
import { drawSource, SOURCE_KNOBS } from './source.js'

/** A knob value as a coverage cell and a steering weight name it: `512`, `on`, `off`, `none`. */
export const valueText: (value: KnobValue) => string = knobText

/** The cells one case covers: its target and every knob, and each pair of them. */
export function caseCells(c: Case): CaseCells {
  const entries: Array<[string, string]> = [['target', c.plan.target]]
  for (const [key, value] of Object.entries(caseKnobs(c))) entries.push([key, valueText(value)])
  return cellsOf(entries)
}

/**
 * The cells a finding's minimal case holds: its target and the options
 * minimisation kept, and their pairs. A divergence is counted on these
 * only, so the cells that show divergences are the values a bug needs,
 * not every value the diverging case happened to draw.
 */
export function findingCells(target: string, options: readonly string[]): CaseCells {
  return cellsOf([['target', target], ...options.map(splitValue)])
}

/**
 * Times the walk is repeated with other sizes and offsets: a few knobs are
 * derived from them (resize's direction, dd's skip), and a picker refuses
 * some plans for their size (dd's output bound), so each path needs more
 * than one sample of them.
 */
const SIZE_STREAMS = 6

/**
 * A small seeded stream (mulberry32): the walk restarts one for every
 * path, so it must be cheap. `mix` folds a knob choice into it, so every
 * path draws its own sizes while a prefix always replays the same ones.
 */
function sizeStream(seed: number): Rng & { mix(n: number): void } {
  let a = Math.imul(seed + 1, 0x9e3779b9) >>> 0
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { ...rngOver(random), mix: n => void (a = Math.imul(a ^ (n + 1), 0x85ebca6b) >>> 0) }
}

/**
 * A Draw that walks the pickers' knob choices depth-first: each knob
 * follows `prefix`, and past it takes the first value while queueing its
 * siblings as new prefixes. Values a picker weights 0 are never taken,
 * exactly as a real draw never takes them. Sizes come from a stream every
 * knob choice is folded into: a prefix replays the same sizes, and each
 * path draws its own.
 */
function walkingDraw(prefix: number[], queue: number[][], stream: number): Draw {
  const sizes = sizeStream(stream)
  const taken: number[] = []
  return {
    random: sizes.random,
    int: sizes.int,
    choice: sizes.choice,
    knob(_key, values, weights) {
      const open = values.flatMap((_, i) => (weights && !(weights[i] > 0) ? [] : [i]))
      const depth = taken.length
      if (depth >= prefix.length) for (let j = 1; j < open.length; j++) queue.push([...taken, j])
      const pick = depth < prefix.length ? prefix[depth] : 0
      taken.push(pick)
      sizes.mix(pick)
      return values[open[Math.min(pick, open.length - 1)]]
    }
  }
}

/** Every case of `name` the pickers can draw (up to sizes), as cells, added to `into`. */
function walkOperation(name: OperationName, into: { values: Set<string>; pairs: Set<string> }) {
  const op = operation(name)
  for (let stream = 0; stream < SIZE_STREAMS; stream++) {
    const queue: number[][] = [[]]
    while (queue.length > 0) {
      const draw = walkingDraw(queue.pop()!, queue, stream)
      // The source is walked only where it is part of the case.
      const source = drawSource(op.readsSource ? draw : drawFrom(sizeStream(~stream)))
      const plan = op.pick(draw, source)
      if (!plan) continue
      const cells = caseCells(caseOf(name, plan, source))
      for (const v of cells.values) into.values.add(v)
      for (const p of cells.pairs) into.pairs.add(p)
    }
  }
}

const spaces = new Map<OperationName, CaseCells>()

/**
 * The cells each operation's pickers can draw, found by walking every
 * branch of their knob choices (with the source's, for operations that
 * read it) rather than listed by hand: a combination a picker excludes on
 * purpose (a documented divergence, an option qemu-img refuses) is no
 * cell, so it never shows as "never run"; a knob added to a picker is
 * covered without anyone listing it. Pure and computed once per process.
 */
export function coverageSpace(names: readonly OperationName[] = OPERATION_NAMES): CoverageSpace {
  const out: CoverageSpace = {}
  for (const name of names) {
    if (!spaces.has(name)) {
      const found = { values: new Set<string>(), pairs: new Set<string>() }
      walkOperation(name, found)
      spaces.set(name, { values: [...found.values].sort(), pairs: [...found.pairs].sort() })
    }
    out[name] = spaces.get(name)!
  }
  return out
}

/**
 * What a map read back may keep: the operations there are, their knobs'
 * declared values (the source's too where they read it) and the targets
 * their pickers draw. Each operation's value texts are gathered once, so
 * pruning a large map looks each cell up instead of scanning domains.
 */
export function coverageDomain(): CoverageDomain {
  const known = new Map<string, Map<string, Set<string>>>()
  for (const [name, cells] of Object.entries(coverageSpace())) {
    const op = operation(name as OperationName)
    const keys = new Map<string, Set<string>>()
    // The operation's own knob wins over a source knob of the same name.
    const domains = [
      ...(op.readsSource ? Object.entries(SOURCE_KNOBS) : []),
      ...Object.entries(op.knobs)
    ]
    for (const [key, domain] of domains)
      keys.set(key, new Set(domain.values.map(v => valueText(v))))
    const targets = cells.values.filter(c => c.startsWith('target=')).map(c => splitValue(c)[1])
    keys.set('target', new Set(targets))
    known.set(name, keys)
  }
  return {
    operations: OPERATION_NAMES,
    value: (name, key, value) => known.get(name)?.get(key)?.has(value) ?? false
  }
}
