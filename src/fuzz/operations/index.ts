import type { Operation, OperationName, Plan } from '../operation.js'
import { create } from './create.js'
import { info } from './info.js'

/** Every operation, by name: adding one is one file and one line here. */
export const OPERATIONS: Partial<Record<OperationName, Operation<Plan>>> = {
  info,
  create: create as Operation<Plan>
}
