import type { Client } from './client.js'
import { classify, messageOf, statusOf } from './failure.js'

/**
 * The first label is how every later run finds its issues again: an issue
 * filed without it would be filed anew every night. When it does not exist
 * and cannot be created, no new issue is opened, and this error says why,
 * once. A token that may not
 * write at all makes the new findings a dry run; any other refusal (a
 * name GitHub rejects) leaves them `failed`.
 */
export class FirstLabelMissing extends Error {
  readonly action: 'dry-run' | 'failed'

  constructor(
    readonly label: string,
    cause: unknown
  ) {
    const denied = classify(cause) === 'denied'
    super(
      `The label '${label}' does not exist and could not be created (${messageOf(cause)}): no new issue was opened${denied ? ' (dry run)' : ''}, because an issue without it would not be found again. ${denied ? 'Grant the token `issues: write`.' : 'Create the label by hand, or choose another first label.'}`
    )
    this.name = 'FirstLabelMissing'
    this.action = denied ? 'dry-run' : 'failed'
  }
}

/** The labels new issues can carry, and one line per label they must do without. */
export interface ReadyLabels {
  labels: string[]
  warnings: string[]
}

/** GitHub's 422 for a label that exists already (another shard made it meanwhile). */
function alreadyExists(error: unknown): boolean {
  const errors = (error as { response?: { data?: { errors?: Array<{ code?: string }> } } })
    ?.response?.data?.errors
  return statusOf(error) === 422 && (errors ?? []).some(e => e.code === 'already_exists')
}

/** A refusal of this request (403, 422), as opposed to an API that is down or rate-limited. */
function refused(error: unknown): boolean {
  const c = classify(error)
  return (
    (statusOf(error) === 403 || statusOf(error) === 422) && (c === 'denied' || c === 'rejected')
  )
}

/**
 * Creates the configured labels that are missing, before the first new
 * issue. A label that appeared meanwhile is fine. One that cannot be
 * created (403: the token may not; 422: GitHub refuses the name) is left
 * off new issues with a warning, except the first: see FirstLabelMissing.
 */
export async function ensureLabels(
  client: Client,
  repo: { owner: string; repo: string },
  names: readonly string[]
): Promise<ReadyLabels> {
  const ready: ReadyLabels = { labels: [], warnings: [] }
  for (const [i, name] of names.entries()) {
    try {
      await client.rest.issues.getLabel({ ...repo, name })
      ready.labels.push(name)
      continue
    } catch (error) {
      if (statusOf(error) !== 404) throw error
    }
    try {
      await client.rest.issues.createLabel({
        ...repo,
        name,
        color: 'd93f0b',
        description: 'Divergence between instar and qemu-img found by instar-diff-fuzz'
      })
      ready.labels.push(name)
    } catch (error) {
      if (alreadyExists(error)) ready.labels.push(name)
      else if (!refused(error)) throw error
      else if (i === 0) throw new FirstLabelMissing(name, error)
      else
        ready.warnings.push(
          `The label '${name}' does not exist and could not be created (${messageOf(error)}); new issues were filed without it.`
        )
    }
  }
  return ready
}
