/**
 * The first line of a tool's text that says something, trimmed ('' when
 * it printed nothing but blanks): what a one-line message quotes of a
 * tool's output, leading blank lines and indentation skipped.
 */
export function firstLine(text: string): string {
  return text.trim().split('\n')[0].trim()
}
