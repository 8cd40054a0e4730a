import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { failureLine, setupRunner } from '../../src/qemu/setup-command.js'
import { realQemuImg } from '../support/tools.js'

/** Setup commands through execa, on real processes. */
describe('setupRunner', () => {
  it('runs the real qemu-img --version and returns what it printed', async () => {
    const qemuImg = realQemuImg()
    const expected = execFileSync(qemuImg, ['--version'], { encoding: 'utf8' })
    const r = await setupRunner({ timeoutMs: 15_000 })(qemuImg, ['--version'])
    expect(r).toMatchObject({
      argv: [qemuImg, '--version'],
      exitCode: 0,
      signal: null,
      timedOut: false,
      stdout: expected,
      stderr: '',
      truncated: false
    })
  })

  it('reports a failure in one line: the command, its exit status and its stderr', async () => {
    const script = 'echo progress; echo "E: first" >&2; echo "E: second" >&2; exit 3'
    const r = await setupRunner({ timeoutMs: 15_000 })('sh', ['-c', script])
    expect(r.exitCode).toBe(3)
    expect(failureLine(r)).toBe(
      `\`sh -c 'echo progress; echo "E: first" >&2; echo "E: second" >&2; exit 3'\` exited 3: E: first | E: second`
    )
  })

  it('turns a program that cannot start into exit 127 with the reason', async () => {
    const r = await setupRunner({ timeoutMs: 15_000 })('/no/such/apt-get', ['update'])
    expect(r.exitCode).toBe(127)
    expect(failureLine(r)).toBe(
      '`/no/such/apt-get update` exited 127: spawn /no/such/apt-get ENOENT'
    )
  })

  it('ends a command that runs past its time', async () => {
    const r = await setupRunner({ timeoutMs: 300 })('sleep', ['30'])
    expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' })
    expect(r.durationMs).toBeLessThan(10_000)
    expect(failureLine(r)).toMatch(/^`sleep 30` timed out after \d+ s$/)
  })

  it('logs each command, its output and its end to debug', async () => {
    const lines: string[] = []
    const run = setupRunner({ timeoutMs: 15_000, debug: line => lines.push(line) })
    await run('sh', ['-c', 'echo out-line; echo err-line >&2; exit 2'])
    expect(lines).toHaveLength(5)
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] \[\d+\] \$ sh -c 'echo out-line; /)
    // stdout and stderr are read side by side: either line may come first.
    expect(
      lines
        .slice(1, 3)
        .map(l => l.replace(/^\[[\d:.]+\] \[\d+\] {3}/, ''))
        .sort()
    ).toEqual(['err-line', 'out-line'])
    expect(lines[3]).toMatch(/Command failed with exit code 2: sh -c/)
    expect(lines[4]).toMatch(/\(done in [\d.]+m?s\)$/)
  })
})
