/** What /etc/os-release says about the runner, for the apt path and the cache key. */
export interface OsRelease {
  id: string
  /** ID_LIKE, split: `ubuntu debian` on Mint, empty on Debian itself. */
  idLike: string[]
  versionId: string
}

/** Parses os-release(5): KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (!m) continue
    fields.set(m[1], m[2].trim().replace(/^(["'])(.*)\1$/, '$2'))
  }
  return {
    id: (fields.get('ID') ?? '').toLowerCase(),
    idLike: (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    versionId: fields.get('VERSION_ID') ?? ''
  }
}

/** Debian, Ubuntu and their derivatives package qemu-img as `qemu-utils`. */
export function isDebianLike(os: OsRelease): boolean {
  return [os.id, ...os.idLike].some(id => id === 'debian' || id === 'ubuntu')
}

/**
 * The version apt would install, from `apt-cache policy qemu-utils` (read
 * from the local index, no network). Null when the index does not know the
 * package or has no candidate, which is what a runner without a fetched
 * index looks like.
 */
export function parseCandidate(policyOutput: string): string | null {
  const m = /^\s*Candidate:\s*(\S+)\s*$/m.exec(policyOutput)
  if (!m || m[1] === '(none)') return null
  return m[1]
}

export interface DebKeyParts {
  os: OsRelease
  /** `dpkg --print-architecture`: amd64, arm64, ... */
  arch: string
  /** The candidate version of qemu-utils. */
  candidate: string
}

/** Bumped when what the cache holds changes shape, so old entries are not restored. */
const LAYOUT = 'v1'

/**
 * The cache key for the folder of .deb files. Packages are only valid for
 * one distribution release and architecture, and a new qemu-utils version
 * in the archive must not restore the old one, so all of these are in the
 * key. Characters the cache service refuses (commas) and ones that make keys
 * hard to read are replaced.
 */
export function debCacheKey(parts: DebKeyParts): string {
  const fields = [
    'instar-diff-fuzz-qemu-utils',
    LAYOUT,
    parts.os.id || 'unknown',
    parts.os.versionId || 'unknown',
    parts.arch,
    parts.candidate
  ]
  return fields.map(f => f.replace(/[^A-Za-z0-9._:+~-]/g, '_')).join('-')
}
