import type { Operation, OperationName, Plan } from '../operation.js'
import { amend } from './amend.js'
import { check } from './check.js'
import { commit } from './commit.js'
import { convert, convertCompressed } from './convert.js'
import { create } from './create.js'
import { dd } from './dd.js'
import { info } from './info.js'
import { map } from './map.js'
import { measure } from './measure.js'
import { rebase } from './rebase.js'
import { repair } from './repair.js'
import { resize } from './resize.js'
import { snapshot } from './snapshot.js'

/** Every operation, by name: adding one is one file and one line here. */
const OPERATIONS: Record<OperationName, Operation<Plan>> = {
  info,
  check,
  convert: convert as Operation<Plan>,
  convert_compressed: convertCompressed as Operation<Plan>,
  measure,
  create: create as Operation<Plan>,
  resize: resize as Operation<Plan>,
  amend: amend as Operation<Plan>,
  rebase: rebase as Operation<Plan>,
  commit: commit as Operation<Plan>,
  map: map as Operation<Plan>,
  snapshot: snapshot as Operation<Plan>,
  repair: repair as Operation<Plan>,
  dd: dd as Operation<Plan>
}

/** The operation of this name; throws for a name no operation has (a stored case from elsewhere). */
export function operation(name: OperationName): Operation<Plan> {
  const op = OPERATIONS[name]
  if (!op) throw new Error(`operation '${name}' is not implemented`)
  return op
}
