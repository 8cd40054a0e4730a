import type { DivergenceType } from '../../findings/types.js'
import type { Case } from '../case.js'
import { caseWords } from './describe.js'
import { REPRO_PIECES } from './operations/index.js'
import type { Block, Stage } from './piece.js'
import { pythonOracle } from './python.js'
import { SHELL_LIBRARY, SHELL_ORACLES } from './shell-lib.js'
import { sourceBlock } from './source-image.js'
import { comment, line } from './words.js'

/** What a reproducer is written for: one finding's identity and minimal case. */
export interface ReproRequest {
  fingerprint: string
  type: DivergenceType
  options: readonly string[]
  case: Case
  /** The run's per-call limit, in seconds: the script's default. */
  timeoutSeconds: number
  /** caseWords(case), where the caller has them already (the README shows them too). */
  caseWords?: readonly string[]
}

/**
 * The stages the script runs: up to the last one that can report the
 * finding's type, where the harness's run stopped (a later check would be
 * another finding). A modified source can follow any check: all of them.
 */
function stagesFor(type: DivergenceType, stages: Stage[]): { run: Stage[]; cut: boolean } {
  if (type === 'instar_modified_input') return { run: stages, cut: false }
  const last = stages.findLastIndex(s => s.reports.includes(type))
  return last < 0
    ? { run: stages, cut: false }
    : { run: stages.slice(0, last + 1), cut: last + 1 < stages.length }
}

function header(r: ReproRequest): string[] {
  const c = r.case
  return [
    comment(`Reproducer of instar-diff-fuzz finding ${r.fingerprint}: ${r.type}`),
    comment(`  ${[c.operation, c.plan.target, ...r.options].join(' ')}`),
    '#',
    '# The minimal case:',
    ...(r.caseWords ?? caseWords(c)).map(w => comment(`  - ${w}`)),
    '#',
    '# Run it with the tools to test (else the ones on PATH):',
    '#   INSTAR=/path/to/instar QEMU_IMG=/path/to/qemu-img sh repro.sh',
    '# It needs instar, qemu-img, qemu-io (QEMU_IO, else next to qemu-img, else on PATH),',
    '# coreutils and, where JSON or bytes are compared, python3. It builds the case in a',
    '# temporary folder (REPRO_KEEP=1 keeps it) and runs every call as the harness did, each',
    `# limited to REPRO_TIMEOUT seconds (default ${r.timeoutSeconds}, the run's limit).`,
    '# Exit status: 1 the divergence reproduces; 0 it does not; 2 the reference tools could',
    '# not build or judge the case; 3 another divergence showed up instead.',
    '# The case itself is at the end, after the shared functions (and the python oracle).'
  ]
}

/** The python oracle, written next to the case by the script itself. */
function pythonLines(code: string): string[] {
  return [
    '',
    "command -v python3 >/dev/null || repro_fail 'python3 is needed to compare what the tools wrote'",
    'cat >"$W/oracle.py" <<\'PYTHON\'',
    code.trimEnd(),
    'PYTHON'
  ]
}

/**
 * A standalone POSIX sh reproducer of one finding: it rebuilds the minimal
 * case from scratch with qemu-img and qemu-io, runs the instar call and
 * the reference call exactly as the harness did, applies the comparison
 * the oracle made for the finding's type, prints both results, and says
 * by its exit status whether the divergence reproduces. It is generated
 * from the operations' own pieces (src/fuzz/repro/operations/), never
 * from a recording, so it needs nothing of the run but the case.
 */
export function reproScript(r: ReproRequest): string {
  const piece = REPRO_PIECES[r.case.operation]
  const { run, cut } = stagesFor(r.type, piece.stages(r.case.plan, r.case.source))
  const blocks: Block[] = [
    r.case.source ? sourceBlock(r.case.source) : { lines: ['mkdir "$W/step"'] },
    piece.fixtures(r.case.plan, r.case.source),
    ...run
  ]
  const python = pythonOracle(blocks.flatMap(b => b.python ?? []))
  const agreed = cut
    ? "the checks up to this finding's agree (the later checks would be other findings: not run)."
    : 'every check agrees.'
  return [
    '#!/bin/sh',
    ...header(r),
    '',
    `EXPECTED=${r.type}`,
    `TIMEOUT=\${REPRO_TIMEOUT:-${r.timeoutSeconds}}`,
    SHELL_LIBRARY.trimEnd(),
    '',
    SHELL_ORACLES.trimEnd(),
    ...(python ? pythonLines(python) : []),
    '',
    '# ---- the case ----',
    ...blocks.flatMap(b => b.lines),
    line('passed', agreed),
    ''
  ].join('\n')
}
