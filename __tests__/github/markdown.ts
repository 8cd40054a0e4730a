/**
 * Just enough CommonMark to check a rendered body's structure: which lines
 * sit inside fenced code blocks (a fence closes only with the same character
 * repeated at least as often, and nothing else on the line), and whether
 * every fence is closed.
 */
export interface Structure {
  /** Lines outside any fence. */
  outside: string[]
  /** Contents of each fenced block. */
  blocks: string[]
  /** A fence was still open at the end. */
  unclosed: boolean
}

export function structure(markdown: string): Structure {
  const outside: string[] = []
  const blocks: string[] = []
  let open: { char: string; length: number; lines: string[] } | null = null
  for (const line of markdown.split('\n')) {
    const m = line.match(/^ {0,3}(`{3,}|~{3,})(.*)$/)
    if (open) {
      if (m && m[1][0] === open.char && m[1].length >= open.length && m[2].trim() === '') {
        blocks.push(open.lines.join('\n'))
        open = null
      } else open.lines.push(line)
      continue
    }
    if (m && !(m[1][0] === '`' && m[2].includes('`'))) {
      open = { char: m[1][0], length: m[1].length, lines: [] }
      continue
    }
    outside.push(line)
  }
  return { outside, blocks, unclosed: open !== null }
}
