import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  debCacheKey,
  isDebianLike,
  parseCandidate,
  parseOsRelease
} from '../../src/qemu/cache-key.js'

const UBUNTU = `PRETTY_NAME="Ubuntu 24.04.2 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.2 LTS (Noble Numbat)"
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=noble
`
const MINT = `NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="22"\n`
const FEDORA = `NAME="Fedora Linux"\nID=fedora\nVERSION_ID=42\n`

const POLICY = `qemu-utils:
  Installed: 1:7.2+dfsg-7+deb12u18+b3
  Candidate: 1:7.2+dfsg-7+deb12u18+b3
  Version table:
 *** 1:7.2+dfsg-7+deb12u18+b3 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
`

describe('os-release', () => {
  it('reads id, version and ID_LIKE with or without quotes', () => {
    expect(parseOsRelease(UBUNTU)).toEqual({ id: 'ubuntu', idLike: ['debian'], versionId: '24.04' })
    expect(parseOsRelease(MINT)).toEqual({
      id: 'linuxmint',
      idLike: ['ubuntu', 'debian'],
      versionId: '22'
    })
    expect(parseOsRelease('')).toEqual({ id: '', idLike: [], versionId: '' })
  })

  it('knows which systems package qemu-img as qemu-utils', () => {
    expect(isDebianLike(parseOsRelease(UBUNTU))).toBe(true)
    expect(isDebianLike(parseOsRelease(MINT))).toBe(true)
    expect(isDebianLike(parseOsRelease(FEDORA))).toBe(false)
    expect(isDebianLike(parseOsRelease(''))).toBe(false)
  })

  it('reads this machine (Debian 12)', () => {
    const os = parseOsRelease(readFileSync('/etc/os-release', 'utf8'))
    expect(os.id).toBe('debian')
    expect(os.versionId).toBe('12')
  })
})

describe('apt-cache policy', () => {
  it('finds the candidate version', () => {
    expect(parseCandidate(POLICY)).toBe('1:7.2+dfsg-7+deb12u18+b3')
  })

  it('has no candidate for an unknown package or an empty index', () => {
    expect(parseCandidate('qemu-utils:\n  Installed: (none)\n  Candidate: (none)\n')).toBeNull()
    expect(parseCandidate('')).toBeNull()
  })

  it('reads the real apt-cache on this machine', () => {
    const out = execFileSync('apt-cache', ['policy', 'qemu-utils'], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' }
    })
    expect(parseCandidate(out)).toMatch(/^1:7\.2\+dfsg/)
  })
})

describe('the cache key', () => {
  const os = parseOsRelease(UBUNTU)

  it('names the system, release, architecture and candidate', () => {
    expect(debCacheKey({ os, arch: 'amd64', candidate: '1:8.2.2+ds-0ubuntu1.4' })).toBe(
      'instar-diff-fuzz-qemu-utils-v1-ubuntu-24.04-amd64-1:8.2.2+ds-0ubuntu1.4'
    )
  })

  it('changes with each part', () => {
    const base = { os, arch: 'amd64', candidate: '1:8.2.2+ds-0ubuntu1.4' }
    const keys = new Set([
      debCacheKey(base),
      debCacheKey({ ...base, arch: 'arm64' }),
      debCacheKey({ ...base, candidate: '1:8.2.2+ds-0ubuntu1.5' }),
      debCacheKey({ ...base, os: { ...os, versionId: '22.04' } }),
      debCacheKey({ ...base, os: parseOsRelease(MINT) })
    ])
    expect(keys.size).toBe(5)
  })

  it('never carries a comma (the cache service refuses them)', () => {
    const key = debCacheKey({ os, arch: 'amd64', candidate: '1,2 3' })
    expect(key).not.toMatch(/[, ]/)
    expect(key).toMatch(/-1_2_3$/)
  })
})
