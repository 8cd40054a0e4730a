import { readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { isEnterpriseServer, serviceProblem, twirpProbe } from '../util/actions-service.js'
import { runUrl } from './github-env.js'

/**
 * The report folder as a workflow artifact, through `@actions/artifact`
 * (loaded only when used: it brings Octokit and the Azure SDK). Shards
 * upload theirs as `<prefix>-<i>-of-<n>`, so the filing step can list this
 * run's shards by name and tell which one is missing.
 */

type Env = Readonly<Record<string, string | undefined>>

const SERVICE = 'github.actions.results.api.v1.ArtifactService'

/** An uploaded artifact, as issues, comments and the job summary link to it. */
export interface ArtifactLink {
  name: string
  id: number
  /** Its page on GitHub ('' when the run is not known). */
  url: string
  bytes: number
}

export interface Shard {
  index: number
  count: number
}

/** `<prefix>-<i>-of-<n>`: one name per shard of a matrix. */
export function shardArtifactName(prefix: string, shard: Shard): string {
  return `${prefix}-${shard.index}-of-${shard.count}`
}

/** The shard an artifact of this prefix holds, or null for any other artifact. */
export function parseShardArtifactName(prefix: string, name: string): Shard | null {
  if (!name.startsWith(`${prefix}-`)) return null
  const m = /^(\d+)-of-(\d+)$/.exec(name.slice(prefix.length + 1))
  if (!m) return null
  const shard = { index: Number(m[1]), count: Number(m[2]) }
  return shard.index >= 1 && shard.index <= shard.count ? shard : null
}

/** The workflow run and job a runtime token was issued for (its `Actions.Results` scope). */
function backendIds(token: string): { run: string; job: string } | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())
    const scope = /(?:^| )Actions\.Results:([^: ]+):([^: ]+)/.exec(String(payload.scp ?? ''))
    return scope ? { run: scope[1], job: scope[2] } : null
  } catch {
    return null
  }
}

/**
 * Why the artifact service cannot be used from here, or null when it can:
 * not on a runner (no runtime token or results URL), on GitHub Enterprise
 * Server (no artifact v4 service), or the service is down (one probe
 * instead of the client's retries).
 */
export async function artifactServiceProblem(env: Env): Promise<string | null> {
  if (isEnterpriseServer(env.GITHUB_SERVER_URL))
    return 'GitHub Enterprise Server has no artifact service for @actions/artifact v2+'
  const token = env.ACTIONS_RUNTIME_TOKEN
  const base = env.ACTIONS_RESULTS_URL
  if (!token || !base)
    return 'there is no Actions runtime token or results URL (not a step on a GitHub runner)'
  const ids = backendIds(token)
  if (!ids) return 'the Actions runtime token names no workflow run'
  const body = { workflow_run_backend_id: ids.run, workflow_job_run_backend_id: ids.job }
  const problem = await serviceProblem(...twirpProbe(base, SERVICE, 'ListArtifacts', body, token))
  return problem && `the artifact service ${problem}`
}

/** `<run link>/artifacts/<id>`, or '' off a runner. */
export function artifactUrl(env: Env, id: number): string {
  const run = runUrl(env)
  return run && `${run}/artifacts/${id}`
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter(e => e.isFile())
    .map(e => path.join(e.parentPath, e.name))
    .sort()
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}

/**
 * The repository's retention cap (GITHUB_RETENTION_DAYS) applied here, so
 * asking for more is a log line rather than the client's own warning.
 */
function retention(days: number | null, env: Env, log: (line: string) => void): number | null {
  const cap = Number(env.GITHUB_RETENTION_DAYS)
  if (days === null || !Number.isInteger(cap) || cap <= 0 || days <= cap) return days
  log(`retention-days ${days} is more than the repository keeps artifacts; using ${cap}`)
  return cap
}

/**
 * Uploads every file under `dir` as one artifact. Never throws: returns
 * the link, or why there is none (said once by the caller, since a
 * missing artifact costs nothing that is not also on disk).
 */
export async function uploadReportArtifact(
  dir: string,
  name: string,
  retentionDays: number | null,
  env: Env,
  log: (line: string) => void
): Promise<{ link: ArtifactLink } | { problem: string }> {
  const unavailable = await artifactServiceProblem(env)
  if (unavailable) return { problem: unavailable }
  try {
    const files = await filesUnder(dir)
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const client = new DefaultArtifactClient()
    const days = retention(retentionDays, env, log)
    const upload = () =>
      client.uploadArtifact(name, files, dir, days === null ? {} : { retentionDays: days })
    const uploaded = await upload().catch(async (error: unknown) => {
      // A re-run job finds its earlier attempt's artifact: it gives way, as
      // upload-artifact's `overwrite` does, so the links point at this attempt.
      if (!/\(409\)/.test(messageOf(error))) throw error
      await client.deleteArtifact(name)
      log(`replaced the artifact ${name} an earlier attempt of this job uploaded`)
      return upload()
    })
    const id = uploaded.id ?? 0
    return { link: { name, id, url: artifactUrl(env, id), bytes: uploaded.size ?? 0 } }
  } catch (error) {
    return { problem: `uploading ${name} failed (${messageOf(error)})` }
  }
}

/** A shard's artifact, downloaded and unpacked. */
export interface ShardDownload {
  name: string
  shard: Shard
  dir: string
}

/**
 * Downloads this workflow run's shard artifacts of `prefix` (the latest of
 * each name, for a re-run job) into `dest/<name>/`, and says which shards
 * were listed. Never throws: an artifact that cannot be downloaded is a
 * problem line and its shard counts as missing; an unavailable service is
 * said apart (nothing can be downloaded, nor uploaded).
 */
export async function downloadShardArtifacts(
  prefix: string,
  dest: string,
  env: Env
): Promise<
  { unavailable: string } | { shards: ShardDownload[]; listed: Shard[]; problems: string[] }
> {
  const unavailable = await artifactServiceProblem(env)
  if (unavailable) return { unavailable }
  const shards: ShardDownload[] = []
  const listed: Shard[] = []
  const problems: string[] = []
  try {
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const client = new DefaultArtifactClient()
    const { artifacts } = await client.listArtifacts({ latest: true })
    for (const a of artifacts.sort((x, y) => x.name.localeCompare(y.name))) {
      const shard = parseShardArtifactName(prefix, a.name)
      if (!shard) continue
      listed.push(shard)
      const dir = path.join(dest, a.name)
      try {
        // A folder left from an earlier download in this job must not add stale files.
        await rm(dir, { recursive: true, force: true })
        await client.downloadArtifact(a.id, { path: dir })
        shards.push({ name: a.name, shard, dir })
      } catch (error) {
        problems.push(`downloading ${a.name} failed (${messageOf(error)})`)
      }
    }
  } catch (error) {
    problems.push(`listing this run's artifacts failed (${messageOf(error)})`)
  }
  return { shards, listed, problems }
}
