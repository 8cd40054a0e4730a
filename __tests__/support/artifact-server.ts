import { startResultsService, type ResultsService, type TwirpReply } from './results-service.js'

/**
 * A loopback stand-in for the GitHub Actions artifact service (v4), driven
 * by the real `@actions/artifact` client: the twirp methods
 * `CreateArtifact`, `FinalizeArtifact`, `ListArtifacts`,
 * `GetSignedArtifactURL` and `DeleteArtifact` of
 * `github.actions.results.api.v1.ArtifactService`,
 * over the results service's twirp endpoint and blob storage
 * (results-service.ts).
 *
 * As on GitHub, the runtime token is a JWT whose `Actions.Results` scope
 * names the workflow run and the job; the client sends both in every call.
 * Artifacts belong to the run (every job of it lists and downloads them
 * all, a job uploads only its own), a name is taken once per run, and only
 * finalized artifacts are listed.
 */

const SERVICE = 'github.actions.results.api.v1.ArtifactService'

export interface StoredArtifact {
  id: number
  runBackendId: string
  jobBackendId: string
  name: string
  blob: string
  size: number
  finalized: boolean
  createdAt: Date
  /** `sha256:<hex>` as the client reported it on finalize. */
  digest: string | null
  /** The retention the upload asked for, if any. */
  expiresAt: string | null
}

export interface ArtifactServer extends Pick<ResultsService, 'url' | 'twirp' | 'blobs' | 'close'> {
  readonly artifacts: StoredArtifact[]
  /** Answer every twirp call with this status (a fault), or null to serve normally. */
  fault: number | null
  /** The zip an artifact's upload stored. */
  content(artifact: StoredArtifact): Buffer | undefined
}

/** The backend ids in a runtime token, or null when it is not one of ours. */
function scopeOf(authorization: string | undefined): { run: string; job: string } | null {
  const payload = /^Bearer [^.]+\.([^.]+)\./.exec(authorization ?? '')?.[1]
  if (!payload) return null
  try {
    const scp = String(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).scp ?? '')
    const m = /(?:^| )Actions\.Results:([^: ]+):([^: ]+)/.exec(scp)
    return m ? { run: m[1], job: m[2] } : null
  } catch {
    return null
  }
}

const reply = (status: number, body: unknown): TwirpReply => ({ status, body })

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startArtifactServer(): Promise<ArtifactServer> {
  const artifacts: StoredArtifact[] = []
  let lastId = 0

  function listed(a: StoredArtifact): Record<string, unknown> {
    return {
      workflow_run_backend_id: a.runBackendId,
      workflow_job_run_backend_id: a.jobBackendId,
      database_id: String(a.id),
      name: a.name,
      size: String(a.size),
      created_at: a.createdAt.toISOString(),
      ...(a.digest ? { digest: a.digest } : {})
    }
  }

  function handle(method: string, body: Record<string, unknown>, auth: string): TwirpReply {
    const scope = scopeOf(auth)!
    const run = String(body.workflow_run_backend_id ?? '')
    const job = String(body.workflow_job_run_backend_id ?? '')
    // Any job of the run reads and deletes the run's artifacts; a job uploads only its own.
    const writes = method === 'CreateArtifact' || method === 'FinalizeArtifact'
    if (run !== scope.run || (writes && job !== scope.job))
      return reply(403, { code: 'permission_denied', msg: 'the token is for another run or job' })
    const name = String(body.name ?? '')
    const ofRun = artifacts.filter(a => a.runBackendId === run)
    if (method === 'CreateArtifact') {
      if (ofRun.some(a => a.name === name && a.finalized))
        return reply(409, {
          code: 'already_exists',
          msg: 'an artifact with this name already exists on the workflow run'
        })
      const id = ++lastId
      const blob = `devstoreaccount1/actions-results/${id}.zip`
      artifacts.push({
        id,
        runBackendId: run,
        jobBackendId: job,
        name,
        blob,
        size: 0,
        finalized: false,
        createdAt: new Date(),
        digest: null,
        expiresAt: body.expires_at === undefined ? null : String(body.expires_at)
      })
      return reply(200, {
        ok: true,
        signed_upload_url: service.blobUrl(blob, 'loopback-upload-signature')
      })
    }
    if (method === 'FinalizeArtifact') {
      const a = ofRun.find(x => x.name === name && x.jobBackendId === job && !x.finalized)
      if (!a || !service.blob(a.blob)) return reply(404, { code: 'not_found', msg: 'no upload' })
      Object.assign(a, {
        finalized: true,
        size: Number(body.size ?? 0),
        digest: body.hash === undefined ? null : String(body.hash)
      })
      return reply(200, { ok: true, artifact_id: String(a.id) })
    }
    if (method === 'ListArtifacts') {
      const byName = body.name_filter === undefined ? null : String(body.name_filter)
      const byId = body.id_filter === undefined ? null : Number(body.id_filter)
      const found = ofRun.filter(
        a =>
          a.finalized && (byName === null || a.name === byName) && (byId === null || a.id === byId)
      )
      return reply(200, { artifacts: found.map(listed) })
    }
    if (method === 'DeleteArtifact') {
      const a = ofRun.find(x => x.name === name && x.finalized)
      if (!a) return reply(404, { code: 'not_found', msg: `no artifact named ${name}` })
      artifacts.splice(artifacts.indexOf(a), 1)
      return reply(200, { ok: true, artifact_id: String(a.id) })
    }
    if (method === 'GetSignedArtifactURL') {
      const a = ofRun.find(x => x.name === name && x.finalized)
      if (!a) return reply(404, { code: 'not_found', msg: `no artifact named ${name}` })
      return reply(200, { signed_url: service.blobUrl(a.blob, 'loopback-download-signature') })
    }
    return reply(404, { code: 'bad_route', msg: `no such method ${method}` })
  }

  const service = await startResultsService(SERVICE, handle, auth => scopeOf(auth) !== null)
  return Object.assign(service, {
    artifacts,
    content: (a: StoredArtifact) => service.blob(a.blob)
  })
}

/** A runtime token as the runner hands one to a job of a workflow run (an unsigned JWT). */
export function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const scp = `Actions.GenericRead:00000000 Actions.Results:${runBackendId}:${jobBackendId}`
  return `${part({ typ: 'JWT', alg: 'none' })}.${part({ scp })}.signature`
}

/**
 * The variables a job's step sees for the artifact service: the results
 * URL, the job's runtime token, and github.com as the server (the client
 * refuses GitHub Enterprise Server).
 */
export function artifactEnv(
  url: string,
  runBackendId: string,
  job: string
): Record<string, string> {
  return {
    ACTIONS_RESULTS_URL: url,
    ACTIONS_RUNTIME_TOKEN: runtimeToken(runBackendId, job),
    GITHUB_SERVER_URL: 'https://github.com'
  }
}

/** The names of the files in a zip, read from its central directory. */
export function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) throw new Error('not a zip: no end of central directory')
  const count = zip.readUInt16LE(end + 10)
  const names: string[] = []
  for (let i = 0, at = zip.readUInt32LE(end + 16); i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`)
    const nameLength = zip.readUInt16LE(at + 28)
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'))
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
  }
  return names
}
