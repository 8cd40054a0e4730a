import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LibyalTools } from '../../src/fuzz/libyal-tools.js'
import { createToolbox, type Toolbox, type ToolPaths } from '../../src/fuzz/toolbox.js'
import { parseQemuVersion, type QemuVersion } from '../../src/util/qemu-version.js'

const here = path.dirname(fileURLToPath(import.meta.url))

/** The stand-in instar owned by the test suite (forwards to the real qemu-img). */
export const STAND_IN = path.join(here, 'stand-in-instar.mjs')

/** The real qemu-img on this machine (tests never mock it). */
export function realQemuImg(): string {
  return execFileSync('sh', ['-c', 'command -v qemu-img'], { encoding: 'utf8' }).trim()
}

/** What tests run: the real qemu-img, its qemu-io and its version, and the instar under test. */
export function toolsUnderTest(instar = STAND_IN): {
  paths: ToolPaths
  qemuVersion: QemuVersion
} {
  const qemuImg = realQemuImg()
  return {
    paths: { instar, qemuImg, qemuIo: path.join(path.dirname(qemuImg), 'qemu-io') },
    qemuVersion: parseQemuVersion(execFileSync(qemuImg, ['--version'], { encoding: 'utf8' }))
  }
}

/**
 * A Toolbox over the real qemu-img and the stand-in (or another instar),
 * for tests that drive one operation directly.
 */
export function testToolbox(
  options: { instar?: string; qemuImg?: string; timeoutMs?: number; libyal?: LibyalTools } = {}
): Toolbox {
  const { paths, qemuVersion } = toolsUnderTest(options.instar)
  return createToolbox({
    // Another qemu-img (one with an injected fault) still has the real qemu-io and version.
    paths: { ...paths, qemuImg: options.qemuImg ?? paths.qemuImg },
    qemuVersion,
    timeoutMs: options.timeoutMs ?? 30_000,
    deadline: Number.MAX_SAFE_INTEGER,
    libyal: options.libyal
  })
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'idf-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Waits until `done()` holds, looking every few milliseconds: an event
 * (a killed process going, a file appearing) rather than a fixed sleep.
 * The bound only fails a test that would otherwise wait forever, and is
 * generous because a loaded machine is slow to reap.
 */
export async function waitFor(done: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const limit = Date.now() + limitMs
  while (!done()) {
    if (Date.now() > limit) throw new Error(`still waiting for ${what} after ${limitMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
