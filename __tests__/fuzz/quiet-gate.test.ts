import { describe, expect, it } from 'vitest'
import { QuietGate } from '../../src/fuzz/quiet-gate.js'

/** A promise and the function that settles it: the test decides when each task moves on. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = (): void => {}
  const promise = new Promise<void>(resolve => (fire = resolve))
  return { promise, fire }
}

describe('QuietGate', () => {
  it('runs an exclusive task only when no shared task is in flight, and holds new shared tasks back', async () => {
    const gate = new QuietGate()
    const events: string[] = []
    let inFlight = 0
    const shared = (name: string, started: () => void, finish: Promise<void>): Promise<void> =>
      gate.shared(async () => {
        inFlight++
        events.push(`start ${name}`)
        started()
        await finish
        inFlight--
        events.push(`end ${name}`)
      })
    const [startedA, startedB, finishA, finishB] = [signal(), signal(), signal(), signal()]
    const a = shared('a', startedA.fire, finishA.promise)
    const b = shared('b', startedB.fire, finishB.promise)
    await Promise.all([startedA.promise, startedB.promise])
    const alone = gate.exclusive(async () => {
      events.push(`alone with ${inFlight} in flight`)
    })
    // Asked for while the exclusive task waits: it must wait behind it.
    const c = shared('c', () => {}, Promise.resolve())
    finishB.fire()
    finishA.fire()
    await Promise.all([a, b, alone, c])
    expect(events).toEqual([
      'start a',
      'start b',
      'end b',
      'end a',
      'alone with 0 in flight',
      'start c',
      'end c'
    ])
  })
})
