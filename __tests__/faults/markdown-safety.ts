import { structure } from '../github/markdown.js'

/** A line with its code spans removed (CommonMark: a run of n backticks closes at the next run of exactly n). */
function withoutCodeSpans(line: string): string {
  let out = ''
  let i = 0
  while (i < line.length) {
    if (line[i] === '\\') {
      out += line.slice(i, i + 2)
      i += 2
      continue
    }
    if (line[i] !== '`') {
      out += line[i++]
      continue
    }
    let n = 0
    while (line[i + n] === '`') n++
    let close = -1
    for (let j = i + n; j < line.length && close < 0;) {
      let m = 0
      while (line[j + m] === '`') m++
      if (m === n) close = j
      j += Math.max(m, 1)
    }
    if (close < 0) out += '`'.repeat(n)
    i = close < 0 ? i + n : close + n
  }
  return out
}

/**
 * What GitHub renders as markdown from a body: the lines outside fenced
 * blocks, without code spans and without our own markers (the only HTML
 * we write). Mentions, references, links and HTML can only happen here.
 */
export function renderedText(markdown: string): { text: string; unclosed: boolean } {
  const { outside, unclosed } = structure(markdown)
  const text = outside
    .filter(l => !/^<!-- instar-diff-fuzz [a-z]+=\S+ -->$/.test(l))
    .map(withoutCodeSpans)
    .join('\n')
  return { text, unclosed }
}

/**
 * Everything GitHub would turn into a notification, a cross-reference, a
 * link or HTML in rendered text: `@user`, `#123`, `owner/repo#1`, `GH-1`,
 * a URL (other than those allowed), a tag or comment.
 */
export function hazards(text: string, allowedUrls: string[] = []): string[] {
  let rest = text
  for (const url of allowedUrls) rest = rest.split(url).join('')
  const patterns = [
    /@[A-Za-z0-9_-]/g,
    /#\d/g,
    /\bGH-\d/gi,
    /\b(https?|ftp):\/\//gi,
    /\bwww\./gi,
    /<[A-Za-z!/?]/g
  ]
  return patterns.flatMap(p => [...rest.matchAll(p)].map(m => m[0]))
}
