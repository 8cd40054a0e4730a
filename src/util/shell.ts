/**
 * One argument as a POSIX shell word: left bare when it is plain (so
 * commands stay readable), else single-quoted with every `'` escaped, so
 * that pasting the command runs exactly this argv whatever the path holds.
 */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** An argv as one shell command line. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ')
}
