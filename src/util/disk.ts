import { statfs } from 'node:fs/promises'

/** Bytes an unprivileged process may still write under `dir` (Infinity where the system cannot say). */
export async function freeBytes(dir: string): Promise<number> {
  try {
    const s = await statfs(dir)
    return s.bavail * s.bsize
  } catch {
    return Infinity
  }
}

/** Whether an error is the disk (or a quota) being full. */
export function isNoSpace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}
