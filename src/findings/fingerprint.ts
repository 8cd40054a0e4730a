import { createHash } from 'node:crypto'

/**
 * One fingerprint is one GitHub issue: the first 16 hex digits of the
 * SHA-256 of the canonical JSON array [type, operation, target,
 * sorted(options)]. Seeds, sizes and paths stay out of it so that one bug
 * found many times maps to one issue.
 */
export function fingerprint(
  type: string,
  operation: string,
  target: string,
  options: readonly string[]
): string {
  const canonical = JSON.stringify([type, operation, target, [...options].sort()])
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16)
}
