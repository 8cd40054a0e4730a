import { spawnSync } from 'node:child_process'
import { cpSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../support/action-runner.js'
import { tempDir } from '../support/tools.js'

/**
 * script/bundle.mjs on a copy of the project (sources, scripts, manifest,
 * the real node_modules linked in), so that the real dist/ is never touched.
 */
let copy: ReturnType<typeof tempDir>

function bundle(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['script/bundle.mjs', ...args], {
    cwd: copy.dir,
    encoding: 'utf8'
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  copy = tempDir('idf-bundle-')
  for (const name of ['src', 'script', 'package.json', 'tsconfig.json'])
    cpSync(path.join(projectRoot, name), path.join(copy.dir, name), { recursive: true })
  symlinkSync(path.join(projectRoot, 'node_modules'), path.join(copy.dir, 'node_modules'))
  expect(bundle().status).toBe(0)
})
afterAll(() => copy.cleanup())

/** Package names esbuild marks in the bundle (`// node_modules/<pkg>/...` before each module). */
function bundledPackages(dir: string): Set<string> {
  const names = new Set<string>()
  for (const file of readdirSync(dir, { recursive: true }) as string[]) {
    if (!file.endsWith('.js')) continue
    for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(
      /^\/\/ \S*node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\/\S*$/gm
    ))
      names.add(m[1])
  }
  return names
}

describe('dist/licenses.txt', () => {
  it('holds one notice for each package the bundle carries, and no other', () => {
    const dist = path.join(copy.dir, 'dist')
    const text = readFileSync(path.join(dist, 'licenses.txt'), 'utf8')
    const listed = new Set(
      [...text.matchAll(/^={78}\n(\S+)@\d[^ \n]*(?: \(.*\))?\n={78}$/gm)].map(m => m[1])
    )
    const bundled = bundledPackages(dist)
    expect(bundled.has('@actions/core')).toBe(true)
    expect(bundled.has('@octokit/core')).toBe(true)
    expect(listed).toEqual(bundled)
    expect(text).toContain('Copyright 2019 GitHub')
  })

  it('fails the check (and so npm test) when only licenses.txt is stale', () => {
    const file = path.join(copy.dir, 'dist', 'licenses.txt')
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/^@actions\/core@.*$/m, 'left-pad@1.0.0')
    )
    const r = bundle('--check')
    expect(r.status).toBe(1)
    expect(r.stderr.trim()).toBe(
      "dist/ is stale (licenses.txt): run 'npm run bundle' and commit dist/"
    )
  })
})
