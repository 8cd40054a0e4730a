const SUFFIX: Record<string, number> = {
  b: 512,
  k: 1024,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4
}

/**
 * Bytes of a qemu-style size (`4M`, `512K`, `1G`, `1048576`). Only the
 * suffixes the pickers use are accepted; anything else throws.
 */
export function parseSize(text: string): number {
  const last = text.slice(-1)
  if (last in SUFFIX) return Number(text.slice(0, -1)) * SUFFIX[last]
  const n = Number(text)
  if (!Number.isFinite(n)) throw new Error(`not a size: ${text}`)
  return n
}

/**
 * The size a resize spec leads to: `+X` grows, `-X` shrinks, anything else
 * is absolute.
 */
export function resolveResize(startBytes: number, spec: string): number {
  if (spec.startsWith('+')) return startBytes + parseSize(spec.slice(1))
  if (spec.startsWith('-')) return startBytes - parseSize(spec.slice(1))
  return parseSize(spec)
}
