import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * Writes `text` to `file` whole or not at all: it goes to a temporary file
 * beside it, renamed over `file` once written, so a crash never leaves half
 * a report or map for the next reader, and a failed write (a full disk)
 * leaves no partial temporary file behind. The folder is made if missing.
 */
export async function writeWhole(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp-${process.pid}`
  try {
    await writeFile(tmp, text)
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}
