/** `42s`, `3m07s`, or `∞` for a time box without end: how long, for people. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '∞'
  const s = Math.max(0, Math.round(seconds))
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}
