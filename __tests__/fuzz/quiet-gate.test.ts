import { describe, expect, it } from 'vitest'
import { QuietGate } from '../../src/fuzz/quiet-gate.js'

const tick = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('QuietGate', () => {
  it('runs an exclusive task only when no shared task is in flight, and holds new shared tasks back', async () => {
    const gate = new QuietGate()
    const events: string[] = []
    let inFlight = 0
    const shared = (name: string, ms: number): Promise<void> =>
      gate.shared(async () => {
        inFlight++
        events.push(`start ${name}`)
        await tick(ms)
        inFlight--
        events.push(`end ${name}`)
      })
    const a = shared('a', 60)
    const b = shared('b', 30)
    await tick(5)
    const alone = gate.exclusive(async () => {
      events.push(`alone with ${inFlight} in flight`)
      await tick(30)
      events.push('alone done')
    })
    await tick(5)
    const c = shared('c', 1)
    await Promise.all([a, b, alone, c])
    expect(events).toContain('alone with 0 in flight')
    expect(events.indexOf('start c')).toBeGreaterThan(events.indexOf('alone done'))
  })
})
