import {
  callNotes,
  describeEnd,
  type CallRecord,
  type Finding,
  type Occurrence
} from '../findings/finding.js'
import { describeValues, dimensionsAcross } from '../findings/dimensions.js'
import type { Reproducer } from '../findings/reproducer.js'
import { shellCommand } from '../util/shell.js'
import { fence, GITHUB_BODY_LIMIT, inlineCode, prose, truncate } from '../util/sanitise.js'
import { caseMarker } from './case-marker.js'

/** What a body or comment says about the run that found the finding. */
export interface RunContext {
  /** Link to the workflow run ('' for a local run). */
  runUrl: string
  /** Link to the run's report artifact, when it was uploaded. */
  artifactUrl?: string
  /** The run's master seed. */
  seed: number
  versions: { instar: string; qemuImg: string }
  /** One-line local replay command for the finding's first occurrence. */
  replayCommand: string
  /** The replay command of any occurrence of this run (the list of occurrences shows a few). */
  replayFor?: (at: { seed: number; iteration: number }) => string
  /** The finding's standalone reproducer, shown in a new issue. */
  reproducer?: Reproducer
  /** The version of this action that found it, and the line that checks that version out. */
  action?: { label: string; checkout?: string }
}

export interface BodyContext extends RunContext {
  /**
   * Identifies one filing pass (one fileFindings call): lets a shard tell
   * an issue it created itself (whose response was lost and retried) from
   * one another shard created at the same moment.
   */
  filingId?: string
}

/** GitHub truncates nothing for us: it refuses titles longer than this. */
const TITLE_LIMIT = 256
/** Room left under the body limit for a comment appended by another shard. */
const BODY_BUDGET = GITHUB_BODY_LIMIT - 1_536
/** Occurrences listed one by one in an issue or comment; the report artifact has them all. */
const LISTED_OCCURRENCES = 5
/** Longest option list shown in one occurrence row. */
const OPTIONS_CELL = 400

const MARKER = /<!-- instar-diff-fuzz fingerprint=([0-9a-f]{16}) -->/
const FILING_MARKER = /<!-- instar-diff-fuzz filing=([0-9a-z-]+) -->/
const RUN_MARKER = /^<!-- instar-diff-fuzz run=(\S+) -->/

/** The line that ties an issue to a fingerprint (the contract's marker). */
export function issueMarker(fingerprint: string): string {
  return `<!-- instar-diff-fuzz fingerprint=${fingerprint} -->`
}

/**
 * The fingerprint an issue body belongs to. The first marker counts: ours
 * is the first line we write, before any untrusted text, so a marker quoted
 * inside tool output further down cannot claim the issue.
 */
export function parseFingerprint(body: string | null | undefined): string | null {
  return body?.match(MARKER)?.[1] ?? null
}

/** The filing pass that created an issue, when the body says. */
export function parseFilingId(body: string | null | undefined): string | null {
  return body?.match(FILING_MARKER)?.[1] ?? null
}

/** Marks the one comment a run leaves on an issue, so other shards of the run extend it. */
export function runMarker(runUrl: string): string {
  return `<!-- instar-diff-fuzz run=${runUrl} -->`
}

/** Whether a comment is the one this run already left (never true for local runs). */
export function isRunComment(body: string | null | undefined, runUrl: string): boolean {
  return runUrl !== '' && body?.match(RUN_MARKER)?.[1] === runUrl
}

/** `[diff-fuzz] <type>: <operation> <target> <options joined by space>`. */
export function renderIssueTitle(f: Finding): string {
  const title = `[diff-fuzz] ${f.type}: ${f.operation} ${f.target} ${f.options.join(' ')}`.trimEnd()
  return title.length <= TITLE_LIMIT ? title : `${title.slice(0, TITLE_LIMIT - 1)}…`
}

/** The run a comment or body speaks of: a link on a runner, else 'a local run'. */
export function runLink(runUrl: string): string {
  return runUrl ? `[this run](${runUrl})` : 'a local run'
}

function artifactLink(ctx: RunContext): string {
  return ctx.artifactUrl ? `[report artifact](${ctx.artifactUrl})` : 'report artifact'
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function optionsText(options: string[]): string {
  return options.length === 0 ? '(none)' : inlineCode(truncate(options.join(' '), OPTIONS_CELL))
}

/**
 * What the occurrences share: each dimension of their cases (knobs and
 * size) with its values and counts, then the first few occurrences with
 * their replay commands. A row of "(none)" per occurrence told a
 * maintainer nothing; this says which dimensions the bug always came with.
 */
function occurrenceSummary(occurrences: Occurrence[], ctx: RunContext): string {
  const n = occurrences.length
  const rows = dimensionsAcross(occurrences).map(
    d =>
      `| ${d.key} | ${inlineCode(truncate(describeValues(d), OPTIONS_CELL)).replace(/\|/g, '\\|')} |`
  )
  const listed = occurrences.slice(0, LISTED_OCCURRENCES).map(o => {
    const how = o.confirmed ? 're-run alone' : 'matched to this finding'
    const replay = ctx.replayFor ? `: ${inlineCode(ctx.replayFor(o))}` : ''
    return `- seed ${o.seed}, iteration ${o.iteration}, step ${o.step} (${how})${replay}`
  })
  const more = n - listed.length
  return [
    ...(rows.length > 0
      ? [
          `| dimension | values across ${n} occurrence${n === 1 ? '' : 's'} |`,
          '| --- | --- |',
          ...rows,
          ''
        ]
      : []),
    ...listed,
    ...(more > 0 ? [`- … and ${more} more (all are in the report artifact).`] : [])
  ].join('\n')
}

/** Shortens untrusted text to a cap, remembering whether anything was cut. */
type Cut = (text: string) => string

function callSection(name: string, call: CallRecord | undefined, cut: Cut): string[] {
  if (!call) return []
  const lines = [
    `### ${name} call`,
    '',
    fence(cut(shellCommand(call.argv)), 'sh'),
    '',
    `Ended: ${describeEnd(call)} after ${(call.durationMs / 1000).toFixed(2)} s.`,
    '',
    ...callNotes(name, call).flatMap(note => [prose(cut(note)), ''])
  ]
  if (call.stderr) lines.push('stderr:', '', fence(cut(call.stderr), 'text'), '')
  if (call.stdout) lines.push('stdout:', '', fence(cut(call.stdout), 'text'), '')
  return lines
}

/** Longest script shown in an issue; a longer one is cut, and the report has it whole. */
const SCRIPT_SHOWN = 30_000

/** The script as shown: whole, or cut at a line with a note where the rest is. */
function shownScript(r: Reproducer): string {
  if (r.script.length <= SCRIPT_SHOWN) return r.script
  const kept = r.script.slice(0, r.script.lastIndexOf('\n', SCRIPT_SHOWN) + 1)
  return `${kept}# ... cut here, ${r.script.length - kept.length} characters short: the whole script is ${r.path} in the run's report artifact.\n`
}

/**
 * The standalone reproducer: the minimal case in words, how to run the
 * script, and the script itself in a collapsed block (fenced, so nothing
 * in it can close the block or the details around it). The issue alone
 * reproduces the bug, after the report artifact has expired.
 */
function reproducerSection(r: Reproducer | undefined): string[] {
  if (!r) return []
  const lines = r.script.trimEnd().split('\n').length
  return [
    '### Reproduce with instar and qemu-img alone',
    '',
    'The minimal case:',
    '',
    ...r.caseWords.map(w => `- ${prose(w)}`),
    '',
    `Save the script below as \`repro.sh\` and run \`INSTAR=/path/to/instar QEMU_IMG=/path/to/qemu-img sh repro.sh\`. It builds the case in a temporary folder with qemu-img and qemu-io, runs both tools as the harness did, applies the same comparison and prints both results. Exit 1: the divergence reproduces; 0: it does not (fixed); 2: the reference tools could not build the case. It is also \`${r.path}\` in the run's report, with the source image where it is small.`,
    '',
    `<details><summary>repro.sh (${lines} lines)</summary>`,
    '',
    fence(shownScript(r), 'sh'),
    '',
    '</details>',
    ''
  ]
}

/** The replay command, after the line that checks out the very version of this action that ran. */
function replayText(ctx: RunContext): string {
  return [...(ctx.action?.checkout ? [ctx.action.checkout] : []), ctx.replayCommand].join('\n')
}

function replaySection(ctx: RunContext): string[] {
  const by = ctx.action
    ? [
        `Found by ${inlineCode(ctx.action.label)}; that version's pickers draw the same case from the seed:`,
        ''
      ]
    : []
  return ['### Replay locally', '', ...by, fence(replayText(ctx), 'sh'), '']
}

function renderBody(
  f: Finding,
  ctx: BodyContext,
  cap: number
): { body: string; shortened: boolean } {
  let shortened = false
  const cut: Cut = text => {
    if (text.length > cap) shortened = true
    return truncate(text, cap)
  }
  const first = f.occurrences[0]
  const ev = f.evidence
  const lines = [issueMarker(f.fingerprint)]
  if (ctx.filingId) lines.push(`<!-- instar-diff-fuzz filing=${ctx.filingId} -->`)
  lines.push(caseMarker(f), '')
  if (ev) lines.push(`**What diverged:** ${prose(cut(ev.summary))}`, '')
  const original = first?.originalOptions ?? f.options
  const minimised = original.join(' ') !== f.options.join(' ')
  lines.push(
    `- **type:** ${inlineCode(f.type)}`,
    `- **operation:** ${inlineCode(f.operation)} on ${inlineCode(f.target)}`,
    `- **options:** ${optionsText(f.options)}${minimised ? ` (minimised from ${optionsText(original)})` : ''}${f.status === 'unminimised' ? ' (minimisation was cut short: more options than the bug may need)' : ''}`,
    `- **fingerprint:** \`${f.fingerprint}\``,
    `- **instar:** ${inlineCode(ctx.versions.instar)} · **qemu-img:** ${inlineCode(ctx.versions.qemuImg)}`,
    `- **found in:** ${runLink(ctx.runUrl)}, seed ${ctx.seed}, ${f.occurrences.length} occurrence${f.occurrences.length === 1 ? '' : 's'}`,
    '',
    ...reproducerSection(ctx.reproducer),
    ...replaySection(ctx)
  )
  if (ev?.differingPaths?.length)
    lines.push(
      '### Where the outputs differ',
      '',
      fence(cut(ev.differingPaths.join('\n')), 'text'),
      ''
    )
  if (ev?.instarOutput !== undefined)
    lines.push(
      '### instar output (normalised)',
      '',
      fence(cut(asText(ev.instarOutput)), 'json'),
      ''
    )
  if (ev?.qemuOutput !== undefined)
    lines.push(
      '### qemu-img output (normalised)',
      '',
      fence(cut(asText(ev.qemuOutput)), 'json'),
      ''
    )
  lines.push(...callSection('instar', ev?.instar, cut), ...callSection('qemu-img', ev?.qemu, cut))
  if (ev?.details && Object.keys(ev.details).length > 0)
    lines.push('### Details', '', fence(cut(asText(ev.details)), 'json'), '')
  lines.push('### What the occurrences share', '', occurrenceSummary(f.occurrences, ctx), '')
  lines.push(
    '---',
    `Filed by instar-diff-fuzz. Every occurrence with its full evidence is in the run's ${artifactLink(ctx)}, \`findings/${f.fingerprint}.json\`.`
  )
  return { body: lines.join('\n'), shortened }
}

/**
 * The issue body: the marker first, then the divergence in plain words, the
 * facts, the replay command, the normalised evidence and both calls. Tool
 * text is fenced; when the whole would pass GitHub's limit, every evidence
 * block is shortened alike (halving until it fits) rather than dropping the
 * last sections, and a note says where the full evidence is.
 */
export function renderIssueBody(f: Finding, ctx: BodyContext): string {
  let cap = 20_000
  let rendered = renderBody(f, ctx, cap)
  while (rendered.body.length > BODY_BUDGET && cap > 64) {
    cap = Math.floor(cap / 2)
    rendered = renderBody(f, ctx, cap)
  }
  if (!rendered.shortened) return rendered.body
  const note = `> [!NOTE]\n> Some evidence was shortened to fit GitHub's ${GITHUB_BODY_LIMIT}-character limit; the full evidence is in the run's report artifact.\n`
  const [head, ...rest] = rendered.body.split('\n\n')
  return [head, note, ...rest].join('\n\n')
}

export type CommentKind = 'recurrence' | 'regression'

/**
 * The one comment a run leaves on an existing issue: this run's occurrences
 * (never one comment per occurrence), the versions, and the replay command.
 */
export function renderOccurrenceComment(f: Finding, ctx: RunContext, kind: CommentKind): string {
  const n = f.occurrences.length
  const headline =
    kind === 'regression'
      ? `**Regressed:** this issue was closed as completed, but the divergence is back in ${runLink(ctx.runUrl)} (seed ${ctx.seed}, ${n} occurrence${n === 1 ? '' : 's'}). Reopening.`
      : `Seen again in ${runLink(ctx.runUrl)} (seed ${ctx.seed}, ${n} occurrence${n === 1 ? '' : 's'}).`
  return [
    ...(ctx.runUrl ? [runMarker(ctx.runUrl)] : []),
    headline,
    '',
    `instar ${inlineCode(ctx.versions.instar)} · qemu-img ${inlineCode(ctx.versions.qemuImg)}`,
    '',
    occurrenceSummary(f.occurrences, ctx),
    '',
    'Replay the first one:',
    '',
    fence(replayText(ctx), 'sh'),
    ...(ctx.artifactUrl ? ['', `Every occurrence with its evidence: ${artifactLink(ctx)}.`] : [])
  ].join('\n')
}

/**
 * What another shard of the same run appends to the run's comment, so the
 * issue still gets one comment per run. Null when it would not fit.
 */
export function extendRunComment(existing: string, f: Finding, ctx: RunContext): string | null {
  const body = [
    existing,
    '',
    `Also seen by another shard of this run (seed ${ctx.seed}):`,
    '',
    occurrenceSummary(f.occurrences, ctx),
    '',
    fence(ctx.replayCommand, 'sh')
  ].join('\n')
  return body.length <= GITHUB_BODY_LIMIT ? body : null
}

/** Left on an issue closed because an older one has the same fingerprint. */
export function renderDuplicateNote(older: number): string {
  return `Duplicate of #${older}: the same fingerprint was filed twice at the same moment (two shards of a run, or a retried request). Closing this one; the occurrences are recorded there.`
}
