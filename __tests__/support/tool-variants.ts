import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { shellQuote } from '../../src/util/shell.js'
import { realQemuImg, STAND_IN } from './tools.js'

const FAULTY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'faulty-qemu-img.mjs')

/**
 * Executables made for one test file, removed together: a stand-in instar
 * with an environment of its own (planted bugs, realistic mode), a real
 * qemu-img with one injected fault, a program standing for a libyal tool.
 * Each is a small shell script that sets its variables and execs the real
 * thing, so concurrent tests and campaigns (which start their tools long
 * after they are configured) never share or race on process.env.
 */
export interface ToolVariants {
  readonly dir: string
  /** The stand-in instar with these variables (STAND_IN_BUGS, STAND_IN_MODE, ...). */
  standIn(env?: Record<string, string>): string
  /**
   * A qemu-img that forwards to the real one except for `fault` (see
   * faulty-qemu-img.mjs). It is named qemu-img in a folder of its own, as
   * the harness's PATH rule for instar expects.
   */
  faultyQemuImg(fault: string): string
  /** An executable named `name` that runs this shell script body. */
  script(name: string, body: string): string
  cleanup(): void
}

export function toolVariants(prefix = 'idf-variants-'): ToolVariants {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  let n = 0
  const script = (name: string, body: string): string => {
    const folder = path.join(dir, String(n++))
    mkdirSync(folder)
    const file = path.join(folder, name)
    writeFileSync(file, `#!/bin/sh\n${body}\n`)
    chmodSync(file, 0o755)
    return file
  }
  const exports = (env: Record<string, string>): string =>
    Object.entries(env)
      .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
      .join('')
  return {
    dir,
    script,
    standIn: (env = {}) =>
      script(
        'instar',
        `${exports({ STAND_IN_BUGS: '', ...env })}exec ${shellQuote(STAND_IN)} "$@"`
      ),
    faultyQemuImg: fault =>
      script(
        'qemu-img',
        `${exports({ IDF_FAULT: fault, IDF_REAL_QEMU_IMG: realQemuImg() })}exec ${shellQuote(FAULTY)} "$@"`
      ),
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}
