import { shellQuote } from '../../util/shell.js'

/** Marks a shell variable inside an argument (a control character no path or plan holds). */
const MARK = '\u0001'

/**
 * A reference to a variable of the reproducer script inside an argument,
 * so the operations' own argv builders (`path.join(ref('W'), 'step')`,
 * `if=${ref('SRC')}`) can be reused: the script expands the variable at
 * run time, whatever folder mktemp gave it.
 */
export function ref(name: string): string {
  return `${MARK}${name}${MARK}`
}

/** One argument as a shell word: literal parts quoted, variable references in double quotes. */
export function word(arg: string): string {
  if (!arg.includes(MARK)) return shellQuote(arg)
  return arg
    .split(MARK)
    .map((part, i) => (i % 2 === 1 ? `"$${part}"` : part === '' ? '' : shellQuote(part)))
    .join('')
}

/** One line of the script: a command and its arguments, each quoted. */
export function line(...args: string[]): string {
  return args.map(word).join(' ')
}

/** Text made safe for a one-line `#` comment of the script. */
export function comment(text: string): string {
  return `# ${text.replace(/[\r\n]+/g, ' ')}`.trimEnd()
}
