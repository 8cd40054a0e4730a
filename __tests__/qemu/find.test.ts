import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findExecutable, verifyQemuImg } from '../../src/qemu/find.js'
import { realQemuImg, tempDir } from '../support/tools.js'

const qemuImg = realQemuImg()
let tmp: ReturnType<typeof tempDir>

beforeEach(() => {
  tmp = tempDir('idf-find-')
})
afterEach(() => tmp.cleanup())

function script(name: string, body: string): string {
  const file = path.join(tmp.dir, name)
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}

describe('verifyQemuImg', () => {
  it('accepts the real qemu-img and reads its version and qemu-io', async () => {
    const q = await verifyQemuImg(qemuImg)
    if ('problem' in q) throw new Error(q.problem)
    expect(q.qemuImg).toBe(qemuImg)
    expect(q.qemuIo).toBe(path.join(path.dirname(qemuImg), 'qemu-io'))
    // Whatever qemu-img script/setup installed: its own first line says which.
    const first = execFileSync(qemuImg, ['--version'], { encoding: 'utf8' }).split('\n')[0]
    const [, major, minor] = /^qemu-img version (\d+)\.(\d+)\.\d+/.exec(first)!
    expect([q.version.major, q.version.minor]).toEqual([Number(major), Number(minor)])
    expect(q.version.text).toBe(first)
  })

  it('finds qemu-io beside the real binary behind a symlink', async () => {
    const link = path.join(tmp.dir, 'qemu-img')
    symlinkSync(qemuImg, link)
    const q = await verifyQemuImg(link)
    if ('problem' in q) throw new Error(q.problem)
    expect(q.qemuImg).toBe(link)
    expect(q.qemuIo).toBe(path.join(path.dirname(qemuImg), 'qemu-io'))
  })

  it('makes a relative path absolute', async () => {
    const q = await verifyQemuImg(path.relative(process.cwd(), qemuImg))
    expect('problem' in q ? q.problem : q.qemuImg).toBe(qemuImg)
  })

  it('says why a path is not usable', async () => {
    const problem = async (file: string) => {
      const q = await verifyQemuImg(file)
      return 'problem' in q ? q.problem : 'usable'
    }
    expect(await problem(path.join(tmp.dir, 'nope'))).toBe('does not exist')
    mkdirSync(path.join(tmp.dir, 'dir'))
    expect(await problem(path.join(tmp.dir, 'dir'))).toBe('is a directory, not the qemu-img binary')
    writeFileSync(path.join(tmp.dir, 'plain'), 'x')
    expect(await problem(path.join(tmp.dir, 'plain'))).toBe('is not executable')
    expect(await problem(script('broken', 'echo "libfoo.so: cannot open" >&2; exit 127'))).toBe(
      'does not run: `--version` exited 127: libfoo.so: cannot open'
    )
    expect(await problem(script('other', 'echo "Python 3.11.2"'))).toBe(
      'is not qemu-img: `--version` printed "Python 3.11.2"'
    )
    // A wrapper that really is qemu-img but has no qemu-io beside it.
    expect(await problem(script('qemu-img', `exec ${qemuImg} "$@"`))).toMatch(
      /^has no qemu-io beside it \(looked in .*idf-find-/
    )
  })
})

describe('findExecutable', () => {
  it('searches a PATH list in order and skips non-executables', () => {
    const a = path.join(tmp.dir, 'a')
    const b = path.join(tmp.dir, 'b')
    mkdirSync(a)
    mkdirSync(b)
    writeFileSync(path.join(a, 'tool'), 'not executable')
    const wanted = path.join(b, 'tool')
    writeFileSync(wanted, '#!/bin/sh\n')
    chmodSync(wanted, 0o755)
    expect(findExecutable('tool', [a, b].join(path.delimiter))).toBe(wanted)
    expect(findExecutable('tool', a)).toBeNull()
    expect(findExecutable('qemu-img', process.env.PATH ?? '')).toBe(qemuImg)
    expect(findExecutable('qemu-img', '')).toBeNull()
  })
})
