import { describeEnd } from '../findings/finding.js'
import { succeeded, type ToolResult } from '../util/tool-runner.js'
import type { Toolbox } from './toolbox.js'

/**
 * Raised when qemu-img or qemu-io could not build a fixture: never
 * instar's fault. It travels up to the one boundary that runs an
 * operation (`guarded` in iteration.ts), which reports the case as
 * `inconclusive_fixture_failed`.
 */
export class FixtureError extends Error {
  constructor(
    readonly step: string,
    readonly result: ToolResult | undefined,
    message: string
  ) {
    super(message)
    this.name = 'FixtureError'
  }
}

/** Runs a reference-side fixture step; a failure becomes a FixtureError. */
export async function fixture(step: string, call: Promise<ToolResult>): Promise<ToolResult> {
  const r = await call
  if (!succeeded(r))
    throw new FixtureError(
      step,
      r,
      `${r.argv
        .slice(0, 2)
        .map(a => a.split('/').pop())
        .join(' ')} ${describeEnd(r)}: ${r.stderr.trim().slice(0, 300)}`
    )
  return r
}

/** Guest data a fixture gets: `length` bytes of `byte` at `offset`. */
export interface DataWrite {
  offset: number
  length: number
  byte: number
}

/** qemu-io's `-c 'write -P <byte> <offset> <length>'` arguments for some writes, in order. */
export function qemuIoWrites(writes: readonly DataWrite[]): string[] {
  return writes.flatMap(w => ['-c', `write -P ${w.byte} ${w.offset} ${w.length}`])
}

/**
 * The whole qemu-io argv that puts some writes into an image: one process
 * for all of them (it runs its -c commands in order), shared by the
 * fixtures and their reproducers so both write the same way.
 */
export function qemuIoWriteArgs(
  format: string,
  writes: readonly DataWrite[],
  file: string
): string[] {
  return ['-f', format, ...qemuIoWrites(writes), file]
}

/** An image a fixture needs, as `qemu-img create` makes it. */
export interface ImageSpec {
  format: string
  file: string
  size: string
  /** `-o` options, one `key=value` each. */
  options?: readonly string[]
  /** A backing file (`-b`, with `-F qcow2`). */
  backing?: string
  /** Where qemu-img runs (a relative backing path is resolved from here). */
  cwd?: string
}

/** The `qemu-img create -q` arguments of a fixture image (reproducers build it the same way). */
export function createImageArgs(image: ImageSpec): string[] {
  return [
    'create',
    '-q',
    '-f',
    image.format,
    ...(image.options ?? []).flatMap(o => ['-o', o]),
    ...(image.backing ? ['-b', image.backing, '-F', 'qcow2'] : []),
    image.file,
    image.size
  ]
}

/** `qemu-img create -q` of a fixture image; a failure is a FixtureError named `step`. */
export function createImage(tools: Toolbox, step: string, image: ImageSpec): Promise<ToolResult> {
  return fixture(step, tools.qemuImg(createImageArgs(image), { cwd: image.cwd }))
}
