import { callRecord, describeEnd } from '../findings/finding.js'
import type { Outcome } from './outcome.js'
import { succeeded, type ToolResult } from '../util/tool-runner.js'

/** Raised when qemu-img or qemu-io could not build a fixture: never instar's fault. */
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

/** A fixture the reference tools could not build: inconclusive, never filed against instar. */
export function fixtureFailed(error: unknown): Outcome {
  if (error instanceof FixtureError) {
    return {
      kind: 'inconclusive',
      type: 'inconclusive_fixture_failed',
      evidence: {
        summary: `the reference tools could not build the fixture (${error.step}): ${error.message}`,
        qemu: error.result ? callRecord(error.result) : undefined
      }
    }
  }
  throw error
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
