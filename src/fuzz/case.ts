import type { StoredCase } from '../findings/finding.js'
import { knobText, optionsOf, type KnobDomain, type Knobs } from '../findings/knobs.js'
import { OPERATION_NAMES, type Operation, type OperationName, type Plan } from './operation.js'
import { operation } from './operations/index.js'
import {
  SOURCE_KNOBS,
  sourceKnobs,
  withSourceKnobs,
  type SourceKnobs,
  type SourceSpec
} from './source.js'

/**
 * Everything that decides one run of one operation: the operation, its
 * plan and, for operations that read it, the source image's spec. A
 * finding's identity, its minimisation, its reproducer and the case stored
 * in its issue all come from a Case; nothing in it depends on the pickers
 * that drew it, so a later version replays it the same.
 */
export interface Case<P extends Plan = Plan> {
  operation: OperationName
  plan: P
  source?: SourceSpec
}

/**
 * The version of the Case shape. A case stored by a version with another
 * schema is not replayed (it is counted as undecided), so a change to any
 * plan's shape bumps it.
 */
export const CASE_SCHEMA = 1

/**
 * The case that runs `plan` of `name` from a source drawn as `source`:
 * the source is part of the case only where the operation reads it, so a
 * case's identity never holds a source it did not use.
 */
export function caseOf(name: OperationName, plan: Plan, source: SourceSpec): Case {
  return operation(name).readsSource ? { operation: name, plan, source } : { operation: name, plan }
}

function opOf(c: Case): Operation<Plan> {
  return operation(c.operation)
}

/** Whether the source's format is an option of this case (its target is another format). */
function formatIsKnob(c: Case): boolean {
  return c.source !== undefined && !opOf(c).targetIsSourceFormat
}

/**
 * Every knob of the case: the operation's own, then the source's (`from`
 * where the target is another format, a qcow2 source's `cluster_size`,
 * `pattern`). The keys never collide: the operations that read a source
 * have no knobs of those names.
 */
export function caseKnobs(c: Case): Knobs {
  return c.source ? { ...c.plan.knobs, ...sourceKnobs(c.source, formatIsKnob(c)) } : c.plan.knobs
}

/** The domain of each of the case's knobs, for minimisation and coverage. */
export function caseDomains(c: Case): Record<string, KnobDomain> {
  const domains: Record<string, KnobDomain> = {}
  const own = opOf(c).knobs
  for (const key of Object.keys(caseKnobs(c)))
    domains[key] = own[key] ?? SOURCE_KNOBS[key as keyof SourceKnobs]
  return domains
}

/** The case's options as drawn: every knob that has a value, as `key=value`. */
export function caseOptions(c: Case): string[] {
  return optionsOf(caseKnobs(c))
}

/**
 * The case with other knob values, the source rebuilt from its spec where
 * a source knob changed; null when that is not a case the pickers could
 * draw (the operation or the source says so).
 */
export function withCaseKnobs(c: Case, knobs: Knobs): Case | null {
  const op = opOf(c)
  const own: Record<string, unknown> = {}
  const source: Partial<SourceKnobs> = {}
  for (const [key, value] of Object.entries(knobs)) {
    if (key in c.plan.knobs) own[key] = value
    else (source as Record<string, unknown>)[key] = value
  }
  const spec = c.source && withSourceKnobs(c.source, source)
  if (c.source && !spec) return null
  const plan = op.withKnobs(c.plan, own as Plan['knobs'], spec ?? undefined)
  if (!plan) return null
  return spec ? { operation: c.operation, plan, source: spec } : { operation: c.operation, plan }
}

/**
 * The case's dimensions in words, as an issue lists them across
 * occurrences: every knob (including the ones left at their default) and
 * the size, which is no knob but often what a maintainer asks first.
 */
export function caseDimensions(c: Case): Record<string, string> {
  const dims: Record<string, string> = {}
  for (const [key, value] of Object.entries(caseKnobs(c))) dims[key] = knobText(value)
  const size = c.source?.size ?? (c.plan as unknown as { size?: unknown }).size
  if (typeof size === 'string') dims.size = size
  return dims
}

/** The case as a finding stores it (plain JSON, versioned). */
export function storedCase(c: Case): StoredCase {
  return {
    schema: CASE_SCHEMA,
    operation: c.operation,
    plan: c.plan,
    ...(c.source ? { source: c.source } : {})
  }
}

/**
 * The case a stored one describes, or null when this version cannot
 * replay it: another schema, an operation it does not have, or a plan its
 * operation does not recognise (withKnobs refuses its own knobs).
 */
export function caseFromStored(stored: StoredCase): Case | null {
  if (stored.schema !== CASE_SCHEMA) return null
  if (!(OPERATION_NAMES as readonly string[]).includes(stored.operation)) return null
  const name = stored.operation as OperationName
  const op = operation(name)
  const source = stored.source as SourceSpec | undefined
  if (op.readsSource !== (source !== undefined)) return null
  const plan = stored.plan as Plan
  if (typeof plan?.target !== 'string' || typeof plan.knobs !== 'object' || plan.knobs === null)
    return null
  try {
    if (!op.withKnobs(plan, plan.knobs, source)) return null
  } catch {
    return null
  }
  return source ? { operation: name, plan, source } : { operation: name, plan }
}
