import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describeEnd, type CallRecord, type Finding } from '../../findings/finding.js'
import type { Reproducer } from '../../findings/reproducer.js'
import type { QemuVersion } from '../../util/qemu-version.js'
import { runTool, succeeded } from '../../util/tool-runner.js'
import { caseFromStored, type Case } from '../case.js'
import { buildSource, type SourceSpec } from '../source.js'
import { createToolbox, type ToolPaths } from '../toolbox.js'
import { caseWords } from './describe.js'
import { reproScript } from './script.js'

/** What writing reproducers needs of the run: the reference tools and the per-call limit. */
export interface ReproducerSettings {
  paths: ToolPaths
  qemuVersion: QemuVersion
  timeoutSeconds: number
  /** Largest compressed source image kept (SOURCE_ARCHIVE_CAP unless a test lowers it). */
  sourceCap?: number
}

/** Largest compressed source image kept next to a reproducer (README.md, "Reproducers"). */
const SOURCE_ARCHIVE_CAP = 8 * 1024 * 1024

/** Largest tool output kept in a file of its own (a finding keeps shorter excerpts anyway). */
const OUTPUT_CAP = 64 * 1024

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The source image next to the reproducer, rebuilt from the case's spec
 * by qemu-img as the run built it, in a GNU tar with its holes recorded
 * (--sparse), gzipped: extracting it gives the same bytes and the same
 * allocation. A gzip of the bytes would fill the holes in, and a
 * compressed qcow2 is another file: info, map and measure see both.
 * Returns the README's line about it.
 */
async function archiveSource(
  spec: SourceSpec,
  folder: string,
  s: ReproducerSettings
): Promise<string> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'idf-source-'))
  const archive = path.join(folder, 'source.tar.gz')
  try {
    const tools = createToolbox({
      paths: s.paths,
      qemuVersion: s.qemuVersion,
      timeoutMs: s.timeoutSeconds * 1000,
      deadline: Number.POSITIVE_INFINITY
    })
    const name = path.basename((await buildSource(spec, work, tools)).qemuPath)
    const tar = await runTool('tar', ['--sparse', '-czf', archive, '-C', work, name], {
      timeoutMs: s.timeoutSeconds * 1000,
      outputCap: OUTPUT_CAP
    })
    if (!succeeded(tar)) {
      await rm(archive, { force: true })
      return `The source image is left out: tar could not archive it (${describeEnd(tar)}: ${tar.stderr.trim().slice(0, 200)}); repro.sh builds it.`
    }
    const size = (await stat(archive)).size
    const cap = s.sourceCap ?? SOURCE_ARCHIVE_CAP
    if (size > cap) {
      await rm(archive, { force: true })
      return `The source image is left out: compressed it takes ${size} bytes, over the ${cap}-byte cap; repro.sh builds it.`
    }
    return `\`source.tar.gz\` (${size} bytes): the source image \`${name}\`, rebuilt from the case by qemu-img as the run built it. \`tar -xzf source.tar.gz\` gives it back byte for byte, holes included (GNU tar's sparse format).`
  } catch (error) {
    await rm(archive, { force: true })
    return `The source image is left out: it could not be built here (${message(error)}); repro.sh builds it.`
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** What both tools printed in the finding's calls, and the outputs compared, as files. */
async function writeOutputs(f: Finding, folder: string): Promise<string[]> {
  const ev = f.evidence
  const files: Array<[string, string]> = []
  const calls: Array<[string, CallRecord | undefined]> = [
    ['instar', ev.instar],
    ['qemu-img', ev.qemu]
  ]
  for (const [side, call] of calls) {
    if (call?.stdout) files.push([`${side}.stdout`, call.stdout])
    if (call?.stderr) files.push([`${side}.stderr`, call.stderr])
  }
  const outputs: Array<[string, unknown]> = [
    ['instar-output.json', ev.instarOutput],
    ['qemu-img-output.json', ev.qemuOutput]
  ]
  for (const [name, value] of outputs)
    if (value !== undefined)
      files.push([name, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`])
  for (const [name, text] of files)
    await writeFile(path.join(folder, name), text.slice(0, OUTPUT_CAP))
  return files.map(([name]) => name)
}

function readme(f: Finding, r: Reproducer, sourceLine: string, outputs: string[]): string {
  return [
    `# Finding ${f.fingerprint}: ${f.type}`,
    '',
    f.evidence.summary,
    '',
    'The minimal case:',
    '',
    ...r.caseWords.map(w => `- ${w}`),
    '',
    '## Files',
    '',
    '- `repro.sh`: rebuilds the case from scratch in a temporary folder and runs both tools as the harness did: `INSTAR=/path/to/instar QEMU_IMG=/path/to/qemu-img sh repro.sh`. Exit 1: the divergence reproduces; 0: it does not; 2: the reference tools could not build or judge the case; 3: another divergence showed up. It needs instar, qemu-img, qemu-io, coreutils and, where JSON or bytes are compared, python3.',
    `- ${sourceLine}`,
    ...(outputs.length > 0
      ? [
          `- ${outputs.map(o => `\`${o}\``).join(', ')}: what the two calls printed and the outputs compared (normalised), as the finding keeps them (excerpts).`
        ]
      : []),
    `- \`../${f.fingerprint}.json\`: the whole finding, every occurrence with its evidence.`,
    ''
  ].join('\n')
}

/** A reproducer with the case it was written from (the folder's source image comes from it). */
interface Replay {
  reproducer: Reproducer
  case: Case
}

/** The stored case replayed once, and its script and words from it; null as in reproducerFor. */
function replay(
  f: Pick<Finding, 'fingerprint' | 'type' | 'options' | 'case'>,
  timeoutSeconds: number
): Replay | null {
  const c = caseFromStored(f.case)
  if (!c) return null
  const words = caseWords(c)
  const script = reproScript({
    fingerprint: f.fingerprint,
    type: f.type,
    options: f.options,
    case: c,
    timeoutSeconds,
    caseWords: words
  })
  return {
    reproducer: { path: `findings/${f.fingerprint}/repro.sh`, script, caseWords: words },
    case: c
  }
}

/**
 * A finding's reproducer, from what its report keeps (identity and case);
 * null when this version cannot rebuild the case. The CLI's `repro` writes
 * it again from a findings/<fingerprint>.json.
 */
export function reproducerFor(
  f: Pick<Finding, 'fingerprint' | 'type' | 'options' | 'case'>,
  timeoutSeconds: number
): Reproducer | null {
  return replay(f, timeoutSeconds)?.reproducer ?? null
}

/** One finding's folder (a README saying why, when there is no reproducer). */
async function writeFolder(
  reportDir: string,
  f: Finding,
  replayed: Replay | null,
  s: ReproducerSettings
): Promise<void> {
  const folder = path.join(reportDir, 'findings', f.fingerprint)
  await mkdir(folder, { recursive: true })
  if (!replayed) {
    await writeFile(
      path.join(folder, 'README.md'),
      `# Finding ${f.fingerprint}: ${f.type}\n\nNo reproducer: this version of instar-diff-fuzz cannot rebuild the case (case schema ${f.case.schema}, operation ${f.case.operation}).\n`
    )
    return
  }
  const { reproducer: r, case: c } = replayed
  await writeFile(path.join(folder, 'repro.sh'), r.script, { mode: 0o755 })
  const outputs = await writeOutputs(f, folder)
  const sourceLine = c.source
    ? await archiveSource(c.source, folder, s)
    : 'No source image: this operation builds its own images, and repro.sh builds them the same way.'
  await writeFile(path.join(folder, 'README.md'), readme(f, r, sourceLine, outputs))
}

/**
 * Writes `findings/<fingerprint>/` for every finding: `repro.sh`, the
 * source image where it is small, both tools' outputs and a README. It
 * runs with the reports, before any network call. A finding whose folder
 * cannot be written costs its reproducer, never the finding: the problems
 * come back as one warning, and the script still goes into the issue.
 */
export async function writeReproducers(
  reportDir: string,
  findings: readonly Finding[],
  settings: ReproducerSettings
): Promise<{ reproducers: Map<string, Reproducer>; warning: string | null }> {
  const reproducers = new Map<string, Reproducer>()
  const failed: string[] = []
  for (const f of findings) {
    // The script goes into the issue even when its folder cannot be written.
    const replayed = replay(f, settings.timeoutSeconds)
    if (replayed) reproducers.set(f.fingerprint, replayed.reproducer)
    try {
      await writeFolder(reportDir, f, replayed, settings)
    } catch (error) {
      failed.push(`${f.fingerprint} (${message(error)})`)
    }
  }
  const warning =
    failed.length === 0
      ? null
      : `could not write the reproducers of ${failed.length} finding${failed.length === 1 ? '' : 's'} under ${reportDir}: ${failed.slice(0, 3).join(', ')}; the findings themselves are reported`
  return { reproducers, warning }
}
