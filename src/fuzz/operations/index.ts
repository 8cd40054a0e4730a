import type { Operation, OperationName, Plan } from '../operation.js'
import { check } from './check.js'
import { convert, convertCompressed } from './convert.js'
import { create } from './create.js'
import { info } from './info.js'
import { measure } from './measure.js'

/** Every operation, by name: adding one is one file and one line here. */
export const OPERATIONS: Partial<Record<OperationName, Operation<Plan>>> = {
  info,
  check,
  convert: convert as Operation<Plan>,
  convert_compressed: convertCompressed as Operation<Plan>,
  measure,
  create: create as Operation<Plan>
}
