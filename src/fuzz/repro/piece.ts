import type { ContentPrefix, DivergenceType, ReadbackPrefix } from '../../findings/types.js'
import { LIBYAL_TOOLS } from '../libyal-tools.js'
import type { Plan } from '../operation.js'
import { CONTENT_TYPES } from '../oracles.js'
import type { SourceSpec } from '../source.js'
import type { PythonPart } from './python.js'
import { line, ref } from './words.js'

/** Lines of a reproducer, with the parts of the python oracle they call. */
export interface Block {
  lines: string[]
  python?: PythonPart[]
}

/**
 * One check of an operation's run, as the script makes it: its calls and
 * its comparison, and the finding types it can report. The script of a
 * finding stops after the last stage that can report the finding's type,
 * which is where the harness's run stopped.
 */
export interface Stage extends Block {
  reports: readonly DivergenceType[]
}

/**
 * An operation's reproducer: the same fixtures, calls and checks as its
 * `run` in src/fuzz/operations/, written as shell. The argv come from the
 * operations' own builders wherever they have one, and a test compares
 * every call of every script with the harness's calls for the same case.
 */
export interface ReproPiece<P extends Plan = Plan> {
  /** The images the case needs besides the source, built by the reference tools. */
  fixtures(plan: P, source: SourceSpec | undefined): Block
  /** The calls and the checks, in the order the operation's run makes them. */
  stages(plan: P, source: SourceSpec | undefined): Stage[]
}

export const INSTAR = ref('INSTAR')
export const QEMU_IMG = ref('QEMU_IMG')
export const QEMU_IO = ref('QEMU_IO')
/** The source image, built in $W/source (the harness's runCase: `<case>/source-*`). */
export const SRC = ref('SRC')
/** The step's own folder (the harness's runCase: `<case>/step`). */
export const STEP = `${ref('W')}/step`
/** Where commit and rebase build qemu-img's chain (their run's `<step>/qemu`). */
export const QEMU_DIR = `${STEP}/qemu`
/** Where commit and rebase build instar's chain (their run's `<step>/instar`). */
export const INSTAR_DIR = `${STEP}/instar`

/** What the shared exit classifier reports (compareExits). */
export const EXIT_TYPES = ['instar_crash', 'instar_timeout', 'exit_code_divergence'] as const

/** `call NAME PROGRAM ARG...`: one tool call of the script. */
export function call(name: string, program: string, args: readonly string[]): string {
  return line('call', name, program, ...args)
}

/** `fixture STEP NAME PROGRAM ARG...`: a reference-side step whose failure decides nothing. */
export function fixture(
  step: string,
  name: string,
  program: string,
  args: readonly string[]
): string {
  return line('fixture', step, name, program, ...args)
}

/** Sets the folder the next calls run in (the harness's `cwd`); '' for the script's own. */
export function inFolder(folder: string): string {
  return folder === '' ? 'CWD=' : `CWD=${line(folder)}`
}

/**
 * The operation's two calls (`i`, `q`), shown, then compareRuns (both
 * refusing is a skip) or compareExits: where every operation starts.
 * `folders`, where the harness runs each tool in a folder of its own
 * (instar's, then qemu-img's): the calls run there, the rest in the
 * script's.
 */
export function runsStage(
  instar: readonly string[],
  qemu: readonly string[],
  what: string | { noparity: boolean },
  folders?: readonly [string, string]
): Stage {
  const judge =
    typeof what === 'string'
      ? line('compare_runs', 'i', 'q', what)
      : line('compare_exits', 'i', 'q', ...(what.noparity ? ['noparity'] : []))
  const calls = folders
    ? [
        inFolder(folders[0]),
        call('i', INSTAR, instar),
        inFolder(folders[1]),
        call('q', QEMU_IMG, qemu),
        inFolder('')
      ]
    : [call('i', INSTAR, instar), call('q', QEMU_IMG, qemu)]
  return { reports: EXIT_TYPES, lines: [...calls, 'show i', 'show q', judge] }
}

/**
 * A libyal cross-check of the source, as the harness runs one: only for
 * a format with a libyal reader (none: no stage), and only where the
 * reader is on PATH. Without it, a finding of this very type cannot be
 * decided, which is inconclusive; any other finding goes on. `body` (the
 * check itself, run with $LIBYAL set) gets the tool's name.
 */
export function libyalStage(
  spec: SourceSpec,
  type: DivergenceType,
  body: (tool: string) => string[],
  python?: PythonPart[]
): Stage[] {
  const tool = LIBYAL_TOOLS[spec.format]
  if (!tool) return []
  return [
    {
      reports: [type],
      lines: [
        `if LIBYAL=$(command -v ${line(tool)}); then`,
        ...body(tool).map(l => `  ${l}`),
        `elif [ "$EXPECTED" = ${type} ]; then`,
        `  inconclusive no_libyal_tool ${line(`${tool} is not on PATH: the libyal cross-check cannot run.`)}`,
        'fi'
      ],
      ...(python ? { python } : {})
    }
  ]
}

/** compareContent: guest data of both outputs with qemu-img compare. */
export function contentStage(
  prefix: ContentPrefix,
  format: string,
  instarFile: string,
  qemuFile: string
): Stage {
  const t = CONTENT_TYPES[prefix]
  const missing = t.missing ?? t.unreadable
  return {
    reports: [t.content, missing, t.unreadable],
    lines: [line('content', t.content, missing, t.unreadable, format, instarFile, qemuFile)]
  }
}

/** compareReadback: qemu-img info of both results, normalised (folders as $DIR) and compared. */
export function readbackStage(
  prefix: ReadbackPrefix,
  target: string,
  instarImage: string,
  qemuImage: string,
  folders: readonly string[] = []
): Stage {
  return {
    reports: [`${prefix}_info_readback_failure`, `${prefix}_info_divergence`],
    lines: [line('readback', prefix, target, instarImage, qemuImage, ...folders)],
    python: ['readback']
  }
}
