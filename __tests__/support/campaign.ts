import { runCampaign, type CampaignConfig } from '../../src/fuzz/campaign.js'
import type { CampaignResult } from '../../src/findings/campaign-result.js'
import { tempDir, toolsUnderTest } from './tools.js'

/** A campaign over the stand-in and the real qemu-img, in a work folder of its own. */
export function testCampaignConfig(
  workRoot: string,
  overrides: Partial<CampaignConfig> = {}
): CampaignConfig {
  return {
    seed: 7,
    shard: { index: 1, count: 1 },
    operations: ['info', 'check'],
    jobs: 2,
    iterations: 30,
    durationSeconds: 600,
    timeoutSeconds: 20,
    minimize: true,
    ...toolsUnderTest(),
    workRoot,
    ...overrides
  }
}

/**
 * Runs a campaign with bugs planted in the stand-in through its
 * environment switches (STAND_IN_BUGS and friends), restoring the
 * environment and removing the work folder afterwards.
 */
export async function campaignWithBugs(
  bugs: string,
  overrides: Partial<CampaignConfig>,
  extraEnv: Record<string, string> = {}
): Promise<CampaignResult> {
  const saved = { ...process.env }
  const work = tempDir('idf-campaign-')
  Object.assign(process.env, { STAND_IN_BUGS: bugs, ...extraEnv })
  try {
    return await runCampaign(testCampaignConfig(work.dir, overrides))
  } finally {
    process.env = saved
    work.cleanup()
  }
}
