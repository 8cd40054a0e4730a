import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import path from 'node:path'

/**
 * The libyal reader for each image format (Debian packages libqcow-utils,
 * libvmdk-utils, libvhdi-utils): a third implementation, independent of
 * both qemu-img and instar, used as a tie-breaker on info and check.
 */
export const LIBYAL_TOOLS: Readonly<Record<string, string>> = {
  qcow2: 'qcowinfo',
  vmdk: 'vmdkinfo',
  vpc: 'vhdiinfo',
  vhdx: 'vhdiinfo'
}

/** Which libyal tools this machine has, found once per campaign. */
export interface LibyalTools {
  /** Tool name → absolute path, for the tools found. */
  found: Record<string, string>
  /** Tool names not found on PATH. */
  missing: string[]
}

/**
 * Looks the libyal tools up on PATH without starting any process, so it
 * can run once at campaign start and its absence be logged once (the peer
 * did the same with shutil.which).
 */
export async function detectLibyal(searchPath = process.env.PATH ?? ''): Promise<LibyalTools> {
  const found: Record<string, string> = {}
  const missing: string[] = []
  for (const tool of new Set(Object.values(LIBYAL_TOOLS))) {
    let hit: string | undefined
    for (const dir of searchPath.split(path.delimiter)) {
      if (!dir) continue
      const candidate = path.join(dir, tool)
      if (
        await access(candidate, constants.X_OK).then(
          () => true,
          () => false
        )
      ) {
        hit = candidate
        break
      }
    }
    if (hit) found[tool] = hit
    else missing.push(tool)
  }
  return { found, missing }
}

/** One log line per tool, for the campaign banner: found where, or which formats lose the cross-check. */
export function describeLibyal(libyal: LibyalTools): string[] {
  const formatsOf = (tool: string): string =>
    Object.entries(LIBYAL_TOOLS)
      .filter(([, t]) => t === tool)
      .map(([f]) => f)
      .join('/')
  return [
    ...Object.entries(libyal.found).map(([tool, at]) => `libyal: ${tool} found at ${at}`),
    ...libyal.missing.map(
      tool => `libyal: ${tool} not found; ${formatsOf(tool)} info/check are not cross-checked`
    )
  ]
}
