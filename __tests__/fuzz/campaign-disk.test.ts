import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCampaign } from '../../src/fuzz/campaign.js'
import { testCampaignConfig } from '../support/campaign.js'
import { tmpfs } from '../support/tmpfs.js'
const work = tmpfs('96m')

describe.skipIf(work === null)('a campaign whose work folder fills up', () => {
  it('stops starting iterations, keeps its findings, and says why in one line', async () => {
    const saved = process.env.STAND_IN_BUGS
    process.env.STAND_IN_BUGS = 'create-drops-lazy-refcounts'
    const lines: string[] = []
    let filled = false
    try {
      const r = await runCampaign(
        testCampaignConfig(work!.dir, {
          seed: 11,
          operations: ['create'],
          iterations: 0,
          minFreeBytes: 32 << 20,
          log: line => {
            lines.push(line)
            // The disk fills up once the bug was found: the campaign must stop by itself.
            if (!filled && line.startsWith('NEW FINDING')) {
              filled = true
              writeFileSync(path.join(work!.dir, 'filler'), Buffer.alloc(80 << 20, 1))
            }
          }
        })
      )
      expect(filled).toBe(true)
      expect(r.stoppedBy).toBe('no-space')
      expect(r.problems).toHaveLength(1)
      expect(r.problems[0]).toMatch(
        /work folder .* no more iterations were started; what was found is kept/
      )
      expect(r.findings.map(f => f.options)).toEqual([['lazy_refcounts=on']])
      expect(lines.filter(l => l.startsWith('stopping:'))).toHaveLength(1)
    } finally {
      if (saved === undefined) delete process.env.STAND_IN_BUGS
      else process.env.STAND_IN_BUGS = saved
      work!.cleanup()
    }
  })
})
