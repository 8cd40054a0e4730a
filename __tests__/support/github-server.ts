import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback stand-in for the GitHub REST API, the subset the issue tracker
 * uses, driven by the real Octokit: issues (list with labels/state/paging
 * and Link headers, create, get, update), comments (list, create, update),
 * labels (list, get, create). One repository's state lives in memory where
 * tests can read and arrange it; faults can be injected per route.
 *
 * It answers like GitHub where the tracker depends on it: issues listed
 * newest first, `state_reason` set on close and reopen, pull requests mixed
 * into the issue list, 422 for bodies over 65,536 characters and for labels
 * that already exist, 403 "Resource not accessible by integration" for
 * writes with a read-only token, and the secondary-rate-limit 403 with
 * `retry-after`, and 410 "Issues are disabled for this repo" when a
 * repository has issues turned off.
 */

/** The fingerprint in an issue body's marker, read as a maintainer's script would. */
export function markerOf(body: string): string | undefined {
  return /<!-- instar-diff-fuzz fingerprint=([0-9a-f]{16}) -->/.exec(body)?.[1]
}

export interface ServerIssue {
  id: number
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  state_reason: string | null
  labels: string[]
  created_at: string
  closed_at: string | null
  /** A pull request, which the issues list also returns. */
  pull_request: boolean
  locked: boolean
}

export interface ServerComment {
  id: number
  issue_number: number
  body: string
  created_at: string
  updated_at: string
}

export interface ServerLabel {
  id: number
  name: string
  color: string
  description: string | null
}

export interface LoggedRequest {
  method: string
  /** Path without the query. */
  path: string
  query: Record<string, string>
  status: number
  /** The fault that answered, if any. */
  fault?: Fault['kind']
}

export interface GitHubState {
  issues: ServerIssue[]
  comments: ServerComment[]
  labels: ServerLabel[]
  requests: LoggedRequest[]
}

export type Fault =
  /** 403 "secondary rate limit" with a retry-after header (seconds). */
  | { kind: 'secondary-rate-limit'; retryAfter: number }
  /** Answer with this status (500, 502...) and message without doing anything. */
  | { kind: 'status'; status: number; message?: string }
  /** Answer only once `until` settles (then as usual): lets a test order two clients' requests. */
  | { kind: 'hold'; until: Promise<unknown> }
  /** Do the work, then answer with this status: the response is lost. */
  | { kind: 'lost-response'; status: number }
  /** Drop the connection without answering. */
  | { kind: 'reset' }
  /** Never answer (until the server closes). */
  | { kind: 'hang' }
  /** The server goes away: this and every later request finds nobody listening. */
  | { kind: 'go-away' }

export interface FaultMatch {
  /** How many matching requests get the fault (default 1). */
  times?: number
  /** Every n-th matching request gets the fault, for as long as the server runs (instead of `times`). */
  every?: number
  /** A method (`POST`), or a pattern of methods (`/^(POST|PATCH)$/` for every write). */
  method?: string | RegExp
  /** Tested against the path without the query. */
  path?: RegExp
}

export interface GitHubServer {
  /** Base URL as GITHUB_API_URL would carry it (no trailing slash). */
  readonly url: string
  readonly state: GitHubState
  /** Writes answer 403 as for a token without `issues: write`. */
  readOnly: boolean
  /** Every issues route answers 410, as GitHub does for a repository with issues turned off. */
  issuesDisabled: boolean
  /** Called as each request arrives, before it is answered: lets a test act as another client. */
  onRequest: ((method: string, path: string) => void) | null
  /** Answers matching requests with a fault, `times` times. */
  inject(fault: Fault, match?: FaultMatch): void
  /** Puts an issue straight into the state (as if filed earlier). */
  addIssue(issue: Partial<ServerIssue> & { title: string; body: string }): ServerIssue
  /** Requests so far with this method whose path matches. */
  count(method: string, path: RegExp): number
  /**
   * Settles once `n` requests with this method and path have arrived (and
   * were routed: a request that arrives is answered from the state at that
   * moment): the event a test waits for instead of a clock.
   */
  arrived(method: string, path: RegExp, n: number): Promise<void>
  close(): Promise<void>
}

const BODY_LIMIT = 65_536

interface Reply {
  status: number
  body: unknown
  headers?: Record<string, string>
}
const REPO_PATH = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {}
  ) {
    super(message)
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    req.on('error', reject)
  })
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}

function validation(field: string, message: string): HttpError {
  return new HttpError(422, 'Validation Failed', {
    errors: [{ resource: 'Issue', code: 'custom', field, message }]
  })
}

function checkBody(body: unknown): string {
  if (body === undefined || body === null) return ''
  if (typeof body !== 'string') throw validation('body', 'body is not a string')
  if (body.length > BODY_LIMIT)
    throw validation('body', `body is too long (maximum is ${BODY_LIMIT} characters)`)
  return body
}

export async function startGitHubServer(): Promise<GitHubServer> {
  const state: GitHubState = { issues: [], comments: [], labels: [], requests: [] }
  const faults: { fault: Fault; match: FaultMatch; left: number; seen: number }[] = []
  let nextId = 1000
  let clock = Date.parse('2025-01-01T00:00:00Z')
  const now = (): string => new Date((clock += 1000)).toISOString()
  let base = ''
  let gone = false
  let readOnly = false
  let issuesDisabled = false
  let onRequest: GitHubServer['onRequest'] = null
  const waiters: Array<{ method: string; path: RegExp; n: number; resolve: () => void }> = []
  /** Wakes the waiters whose count is reached, once the request that reached it is answered. */
  const wake = (): void => {
    for (const w of waiters.splice(0)) {
      if (state.requests.filter(q => q.method === w.method && w.path.test(q.path)).length >= w.n)
        setImmediate(w.resolve)
      else waiters.push(w)
    }
  }

  const labelJson = (l: ServerLabel) => ({ ...l, node_id: `L${l.id}`, default: false })
  const ensureLabel = (name: string): ServerLabel => {
    let label = state.labels.find(l => l.name.toLowerCase() === name.toLowerCase())
    if (!label) {
      label = { id: nextId++, name, color: 'ededed', description: null }
      state.labels.push(label)
    }
    return label
  }
  const issueJson = (o: string, r: string, i: ServerIssue) => ({
    id: i.id,
    node_id: `I${i.id}`,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    locked: i.locked,
    labels: i.labels.map(name => labelJson(ensureLabel(name))),
    user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    comments: state.comments.filter(c => c.issue_number === i.number).length,
    html_url: `${base}/${o}/${r}/${i.pull_request ? 'pull' : 'issues'}/${i.number}`,
    url: `${base}/repos/${o}/${r}/issues/${i.number}`,
    created_at: i.created_at,
    updated_at: i.created_at,
    closed_at: i.closed_at,
    ...(i.pull_request
      ? { pull_request: { url: `${base}/repos/${o}/${r}/pulls/${i.number}` } }
      : {})
  })
  const commentJson = (o: string, r: string, c: ServerComment) => ({
    id: c.id,
    node_id: `C${c.id}`,
    body: c.body,
    user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    html_url: `${base}/${o}/${r}/issues/${c.issue_number}#issuecomment-${c.id}`,
    issue_url: `${base}/repos/${o}/${r}/issues/${c.issue_number}`,
    created_at: c.created_at,
    updated_at: c.updated_at
  })
  const addIssue: GitHubServer['addIssue'] = partial => {
    const number = state.issues.reduce((m, i) => Math.max(m, i.number), 0) + 1
    const issue: ServerIssue = {
      id: nextId++,
      number,
      state: 'open',
      state_reason: null,
      labels: [],
      created_at: now(),
      closed_at: null,
      pull_request: false,
      locked: false,
      ...partial
    }
    for (const l of issue.labels) ensureLabel(l)
    state.issues.push(issue)
    return issue
  }
  const findIssue = (n: number): ServerIssue => {
    const issue = state.issues.find(i => i.number === n)
    if (!issue) throw new HttpError(404, 'Not Found')
    return issue
  }

  /** One page of a list, with the Link header GitHub sends. */
  function paged<T>(url: URL, items: T[], toJson: (item: T) => unknown): Reply {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)))
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const at = (p: number): string => {
      const u = new URL(url.pathname + url.search, base)
      u.searchParams.set('page', String(p))
      u.searchParams.set('per_page', String(perPage))
      return u.toString()
    }
    const links: string[] = []
    if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`)
    if (page > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`)
    const slice = items.slice((page - 1) * perPage, page * perPage)
    return {
      status: 200,
      body: slice.map(toJson),
      headers: links.length ? { link: links.join(', ') } : {}
    }
  }

  /** What GitHub would answer; state changes happen here whether or not the answer arrives. */
  function route(req: IncomingMessage, url: URL, body: Record<string, unknown>): Reply {
    const m = url.pathname.match(REPO_PATH)
    if (!m) throw new HttpError(404, 'Not Found')
    const [, o, r, rest] = m
    const method = req.method ?? 'GET'
    const write = method !== 'GET' && method !== 'HEAD'
    if (!req.headers.authorization) throw new HttpError(401, 'Requires authentication')
    if (issuesDisabled && rest.startsWith('/issues'))
      throw new HttpError(410, 'Issues are disabled for this repo', {
        documentation_url: 'https://docs.github.com/rest/issues/issues'
      })
    if (write && readOnly) throw new HttpError(403, 'Resource not accessible by integration')
    let p: RegExpMatchArray | null

    if (rest === '/issues' && method === 'GET') {
      const wanted = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean)
      const st = url.searchParams.get('state') ?? 'open'
      const items = state.issues
        .filter(i => st === 'all' || i.state === st)
        .filter(i => wanted.every(w => i.labels.some(l => l.toLowerCase() === w.toLowerCase())))
        .sort((a, b) => b.number - a.number)
      return paged(url, items, i => issueJson(o, r, i))
    }
    if (rest === '/issues' && method === 'POST') {
      if (typeof body.title !== 'string' || body.title === '')
        throw validation('title', 'title is missing')
      if (body.title.length > 256) throw validation('title', 'title is too long')
      const issue = addIssue({
        title: body.title,
        body: checkBody(body.body),
        labels: Array.isArray(body.labels) ? body.labels.map(String) : []
      })
      return { status: 201, body: issueJson(o, r, issue) }
    }
    if ((p = rest.match(/^\/issues\/(\d+)$/))) {
      const issue = findIssue(Number(p[1]))
      if (method === 'GET') return { status: 200, body: issueJson(o, r, issue) }
      if (method !== 'PATCH') throw new HttpError(404, 'Not Found')
      if (body.title !== undefined) issue.title = String(body.title)
      if (body.body !== undefined) issue.body = checkBody(body.body)
      const reasons = ['completed', 'not_planned', 'duplicate', 'reopened', null, undefined]
      if (!reasons.includes(body.state_reason as string))
        throw validation('state_reason', `${String(body.state_reason)} is not a valid state_reason`)
      if (body.state === 'closed') {
        issue.state = 'closed'
        issue.state_reason = (body.state_reason as string | undefined) ?? 'completed'
        issue.closed_at = now()
      } else if (body.state === 'open') {
        issue.state = 'open'
        issue.state_reason = 'reopened'
        issue.closed_at = null
      } else if (body.state !== undefined) {
        throw validation('state', 'state must be open or closed')
      }
      return { status: 200, body: issueJson(o, r, issue) }
    }
    if ((p = rest.match(/^\/issues\/(\d+)\/comments$/))) {
      const issue = findIssue(Number(p[1]))
      if (method === 'GET') {
        const items = state.comments.filter(c => c.issue_number === issue.number)
        return paged(url, items, c => commentJson(o, r, c))
      }
      if (method !== 'POST') throw new HttpError(404, 'Not Found')
      if (issue.locked)
        throw new HttpError(403, 'Unable to create comment because issue is locked.')
      const at = now()
      const comment: ServerComment = {
        id: nextId++,
        issue_number: issue.number,
        body: checkBody(body.body),
        created_at: at,
        updated_at: at
      }
      if (comment.body === '') throw validation('body', 'body is missing')
      state.comments.push(comment)
      return { status: 201, body: commentJson(o, r, comment) }
    }
    if ((p = rest.match(/^\/issues\/comments\/(\d+)$/))) {
      const comment = state.comments.find(c => c.id === Number(p![1]))
      if (!comment) throw new HttpError(404, 'Not Found')
      if (method === 'PATCH') {
        comment.body = checkBody(body.body)
        comment.updated_at = now()
      }
      return { status: 200, body: commentJson(o, r, comment) }
    }
    if (rest === '/labels' && method === 'GET') return paged(url, state.labels, labelJson)
    if (rest === '/labels' && method === 'POST') {
      const name = String(body.name ?? '')
      if (!name) throw validation('name', 'name is missing')
      if (state.labels.some(l => l.name.toLowerCase() === name.toLowerCase()))
        throw new HttpError(422, 'Validation Failed', {
          errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }]
        })
      const label = ensureLabel(name)
      label.color = String(body.color ?? 'ededed')
      label.description = (body.description as string | undefined) ?? null
      return { status: 201, body: labelJson(label) }
    }
    if ((p = rest.match(/^\/labels\/([^/]+)$/)) && method === 'GET') {
      const name = decodeURIComponent(p[1])
      const label = state.labels.find(l => l.name.toLowerCase() === name.toLowerCase())
      if (!label) throw new HttpError(404, 'Not Found')
      return { status: 200, body: labelJson(label) }
    }
    throw new HttpError(404, 'Not Found')
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const matches = (m: FaultMatch): boolean =>
      (!m.method || (typeof m.method === 'string' ? m.method === method : m.method.test(method))) &&
      (!m.path || m.path.test(path))
    for (const rule of faults) {
      if (!matches(rule.match)) continue
      if (rule.match.every !== undefined) {
        if (++rule.seen % rule.match.every === 0) return rule.fault
        continue
      }
      if (rule.left <= 0) continue
      rule.left--
      return rule.fault
    }
    return undefined
  }

  const goAway = (): void => {
    gone = true
    httpServer.close()
    httpServer.closeAllConnections()
  }

  const httpServer: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base)
    const method = req.method ?? 'GET'
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0
    }
    state.requests.push(entry)
    const text = await readBody(req)
    onRequest?.(method, url.pathname)
    wake()
    if (gone) {
      req.socket.destroy()
      return
    }
    let fault = takeFault(method, url.pathname)
    if (fault?.kind === 'hold') {
      entry.fault = 'hold'
      await fault.until
      fault = undefined
    }
    if (fault) entry.fault = fault.kind
    if (fault?.kind === 'go-away') return goAway()
    if (fault?.kind === 'reset') return void req.socket.destroy()
    if (fault?.kind === 'hang') return
    if (fault?.kind === 'status') {
      entry.status = fault.status
      return send(res, fault.status, { message: fault.message ?? 'Server Error' })
    }
    if (fault?.kind === 'secondary-rate-limit') {
      entry.status = 403
      return send(
        res,
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'
        },
        { 'retry-after': String(fault.retryAfter) }
      )
    }
    let reply: Reply
    try {
      reply = route(req, url, text ? (JSON.parse(text) as Record<string, unknown>) : {})
    } catch (error) {
      const e =
        error instanceof HttpError ? error : new HttpError(500, `Server Error: ${String(error)}`)
      reply = { status: e.status, body: { message: e.message, ...e.extra } }
    }
    if (fault?.kind === 'lost-response')
      reply = { status: fault.status, body: { message: 'Bad Gateway' } }
    entry.status = reply.status
    send(res, reply.status, reply.body, reply.headers)
  })

  await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`

  return {
    url: base,
    state,
    get readOnly() {
      return readOnly
    },
    set readOnly(value: boolean) {
      readOnly = value
    },
    get issuesDisabled() {
      return issuesDisabled
    },
    set issuesDisabled(value: boolean) {
      issuesDisabled = value
    },
    get onRequest() {
      return onRequest
    },
    set onRequest(hook) {
      onRequest = hook
    },
    inject(fault, match = {}) {
      faults.push({ fault, match, left: match.times ?? 1, seen: 0 })
    },
    addIssue,
    count(method, path) {
      return state.requests.filter(q => q.method === method && path.test(q.path)).length
    },
    arrived(method, path, n) {
      return new Promise<void>(resolve => {
        waiters.push({ method, path, n, resolve })
        wake()
      })
    },
    close: () =>
      new Promise<void>(resolve => {
        if (gone) return resolve()
        gone = true
        httpServer.closeAllConnections()
        httpServer.close(() => resolve())
      })
  }
}
