/**
 * Everything that goes into an issue comes from the tools under test or
 * from the images they were given: it is untrusted text. These helpers keep
 * it from changing the shape of the markdown around it (closing a fence,
 * opening an HTML comment that swallows the rest), from pinging people, and
 * from cross-linking unrelated issues.
 */

/** GitHub refuses issue and comment bodies longer than this (characters). */
export const GITHUB_BODY_LIMIT = 65_536

/** Zero-width joiner: invisible, but breaks `@user` and `#123` auto-linking. */
const ZWJ = '\u200d'

/** C0 controls but tab and line feed, and DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g
/** A surrogate without its other half: no UTF-8 can carry it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * Tool output as GitHub can store and show it: control characters (a NUL,
 * an escape sequence, a lone carriage return) become their visible
 * pictures (␀ ␛ ␍), and unpaired surrogates become U+FFFD, as bytes that
 * were not UTF-8 already did when the output was decoded. Every helper
 * below applies it, so no untrusted text reaches a body without it.
 */
export function printable(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(CONTROL, c => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)))
    .replace(LONE_SURROGATE, '\ufffd')
}

function longestRun(text: string, char: string): number {
  let longest = 0
  let run = 0
  for (const c of text) {
    run = c === char ? run + 1 : 0
    if (run > longest) longest = run
  }
  return longest
}

/**
 * A fenced code block the content cannot close: the fence is one backtick
 * longer than the longest backtick run inside it. Inside a fence nothing is
 * rendered, mentioned or linked, so the content stays byte-exact for
 * copy-and-paste.
 */
export function fence(untrusted: string, info = ''): string {
  const text = printable(untrusted)
  const ticks = '`'.repeat(Math.max(3, longestRun(text, '`') + 1))
  const body = text.endsWith('\n') ? text : `${text}\n`
  return `${ticks}${info}\n${body}${ticks}`
}

/**
 * A one-line code span for short untrusted values in running text (version
 * strings, options): newlines folded, delimiter longer than any backtick run.
 */
export function inlineCode(text: string): string {
  const line = printable(text).replace(/\s+/g, ' ').trim()
  if (line === '') return '(empty)'
  const ticks = '`'.repeat(longestRun(line, '`') + 1)
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : ''
  return `${ticks}${pad}${line}${pad}${ticks}`
}

/**
 * Untrusted text shown as prose (a divergence summary quoting stderr):
 * `@user` and `#123` (also `owner/repo#123` and `GH-123`) lose their
 * linking, and so do URLs (a link to another issue would cross-reference
 * it); `<` is escaped so that no HTML (an unclosed `<!--`, a `<details>`)
 * can hide the rest of the body, and backticks and tildes are escaped so
 * that no code span or fence can start here and swallow it.
 */
export function prose(text: string): string {
  return printable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`~\\]/g, c => `\\${c}`)
    .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/\bGH-(?=\d)/gi, m => `${m}${ZWJ}`)
    .replace(/\b(https?|ftp)(?=:\/\/)/gi, m => `${m}${ZWJ}`)
    .replace(/\bwww(?=\.)/gi, m => `${m}${ZWJ}`)
}

/**
 * Cuts text to at most `limit` characters (UTF-16 units, which never
 * undercount GitHub's character count) without splitting a surrogate pair,
 * and says how much was left out and where the rest is.
 */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text
  let cut = text.slice(0, Math.max(0, limit))
  const last = cut.charCodeAt(cut.length - 1)
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1)
  return `${cut}\n… (${text.length - cut.length} more characters; the full evidence is in the report artifact)\n`
}
