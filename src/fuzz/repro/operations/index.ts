import type { OperationName, Plan } from '../../operation.js'
import type { ReproPiece } from '../piece.js'
import { amend } from './amend.js'
import { check } from './check.js'
import { commit } from './commit.js'
import { convert } from './convert.js'
import { create } from './create.js'
import { dd } from './dd.js'
import { info } from './info.js'
import { map } from './map.js'
import { measure } from './measure.js'
import { rebase } from './rebase.js'
import { repair } from './repair.js'
import { resize } from './resize.js'
import { snapshot } from './snapshot.js'

/**
 * Every operation's reproducer, by name: a Record over every operation
 * name, so an operation without one does not compile.
 */
export const REPRO_PIECES: Record<OperationName, ReproPiece<Plan>> = {
  info,
  check,
  convert: convert as ReproPiece<Plan>,
  convert_compressed: convert as ReproPiece<Plan>,
  measure,
  create: create as ReproPiece<Plan>,
  resize: resize as ReproPiece<Plan>,
  amend: amend as ReproPiece<Plan>,
  rebase: rebase as ReproPiece<Plan>,
  commit: commit as ReproPiece<Plan>,
  map: map as ReproPiece<Plan>,
  snapshot: snapshot as ReproPiece<Plan>,
  repair: repair as ReproPiece<Plan>,
  dd: dd as ReproPiece<Plan>
}
