import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises'
import path from 'node:path'

/** A folder of one run's own under a shared parent, and how to remove it. */
export interface WorkFolder {
  dir: string
  /** Removes the folder, and the parent too when nothing else is left in it. */
  remove(): Promise<void>
}

/**
 * A fresh folder under `parent` (created as needed). Several campaigns may
 * share the parent (shards in one process, a verification and a campaign),
 * so the last one out removes it, which leaves nothing behind in the
 * runner's temp folder or /tmp; one that is removed between the mkdir and
 * the mkdtemp of another is created again.
 */
export async function workFolder(parent: string, prefix: string): Promise<WorkFolder> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(parent, { recursive: true })
    try {
      const dir = await mkdtemp(path.join(parent, prefix))
      return {
        dir,
        async remove() {
          await rm(dir, { recursive: true, force: true })
          // Still in use by another run (ENOTEMPTY), or gone already: theirs to remove.
          await rmdir(parent).catch(() => undefined)
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error
    }
  }
}
