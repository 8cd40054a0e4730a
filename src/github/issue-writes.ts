import type { Client } from './client.js'
import { statusOf } from './failure.js'

type Repo = { owner: string; repo: string }

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
