import { PY_CORE, PY_VIEWS } from './python-core.js'
import {
  PY_CHECK,
  PY_CORRUPT,
  PY_QCOW2,
  PY_SAME_BYTES,
  PY_SNAPSHOT_TABLE
} from './python-images.js'
import {
  PY_ALLOCATION,
  PY_INFO,
  PY_LIBYAL,
  PY_MAP,
  PY_MEASURE,
  PY_READBACK
} from './python-json.js'

/**
 * The parts of the inline python oracle, each with the parts it needs. A
 * script carries only the parts its checks call, so a reproducer that
 * compares exit statuses alone needs no python at all.
 */
const PARTS = {
  views: { needs: [], code: PY_VIEWS },
  info: { needs: [], code: PY_INFO },
  readback: { needs: ['views'], code: PY_READBACK },
  map: { needs: [], code: PY_MAP },
  allocation: { needs: ['views'], code: PY_ALLOCATION },
  measure: { needs: [], code: PY_MEASURE },
  libyal: { needs: [], code: PY_LIBYAL },
  check: { needs: [], code: PY_CHECK },
  qcow2: { needs: [], code: PY_QCOW2 },
  'snapshot-table': { needs: ['qcow2'], code: PY_SNAPSHOT_TABLE },
  'same-bytes': { needs: [], code: PY_SAME_BYTES },
  corrupt: { needs: ['qcow2'], code: PY_CORRUPT }
} as const satisfies Record<string, { needs: readonly string[]; code: string }>

export type PythonPart = keyof typeof PARTS

export const PYTHON_PARTS = Object.keys(PARTS) as PythonPart[]

/**
 * The python oracle with these parts (and what they need), in a fixed
 * order, ready to be written to a file by the script; null for none.
 */
export function pythonOracle(parts: Iterable<PythonPart>): string | null {
  const wanted = new Set<PythonPart>()
  const add = (p: PythonPart): void => {
    if (wanted.has(p)) return
    wanted.add(p)
    for (const need of PARTS[p].needs) add(need)
  }
  for (const p of parts) add(p)
  if (wanted.size === 0) return null
  const code = PYTHON_PARTS.filter(p => wanted.has(p)).map(p => PARTS[p].code)
  return [PY_CORE, ...code, 'main()\n'].join('\n\n')
}
