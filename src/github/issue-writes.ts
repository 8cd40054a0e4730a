import type { Client } from './client.js'
import { statusOf } from './failure.js'

type Repo = { owner: string; repo: string }

/**
 * Creates the labels that are missing before the first issue is filed;
 * one another shard created meanwhile (422) is fine.
 */
export async function ensureLabels(client: Client, repo: Repo, labels: string[]): Promise<void> {
  for (const name of labels) {
    try {
      await client.rest.issues.getLabel({ ...repo, name })
    } catch (error) {
      if (statusOf(error) !== 404) throw error
      try {
        await client.rest.issues.createLabel({
          ...repo,
          name,
          color: 'd93f0b',
          description: 'Divergence between instar and qemu-img found by instar-diff-fuzz'
        })
      } catch (error) {
        if (statusOf(error) !== 422) throw error
      }
    }
  }
}

/**
 * Closes an issue as a duplicate of an older one. A GitHub without the
 * `duplicate` reason (422) closes it as not planned, which keeps it closed
 * for good as well.
 */
export async function closeAsDuplicate(
  client: Client,
  repo: Repo,
  issueNumber: number,
  olderId: number
): Promise<void> {
  try {
    await client.rest.issues.update({
      ...repo,
      issue_number: issueNumber,
      state: 'closed',
      state_reason: 'duplicate',
      duplicate_issue_id: olderId
    })
  } catch (error) {
    if (statusOf(error) !== 422) throw error
    await client.rest.issues.update({
      ...repo,
      issue_number: issueNumber,
      state: 'closed',
      state_reason: 'not_planned'
    })
  }
}
