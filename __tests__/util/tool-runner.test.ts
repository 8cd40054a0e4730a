import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, stop } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { Cancelled, runTool, succeeded } from '../../src/util/tool-runner.js'
import { tempDir, waitFor } from '../support/tools.js'

const base = { timeoutMs: 10_000, outputCap: 1024 * 1024 }

/** Running, as opposed to gone or a zombie waiting for an init that may never reap it. */
function alive(pid: number): boolean {
  try {
    return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

describe('runTool', () => {
  it('records exit codes, output and argv without a shell', async () => {
    const r = await runTool('sh', ['-c', 'echo out; echo err >&2; exit 3', '$(not expanded)'], base)
    expect(r).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      stdout: 'out\n',
      stderr: 'err\n',
      truncated: false
    })
    expect(r.argv).toEqual(['sh', '-c', 'echo out; echo err >&2; exit 3', '$(not expanded)'])
    expect(succeeded(r)).toBe(false)
  })

  it('reports death by signal', async () => {
    const r = await runTool('sh', ['-c', 'kill -SEGV $$'], base)
    expect(r.signal).toBe('SIGSEGV')
    expect(r.exitCode).toBeNull()
    expect(r.timedOut).toBe(false)
  })

  it('kills the whole process tree on timeout', async () => {
    const r = await runTool('sh', ['-c', 'sleep 300 & echo $!; wait'], { ...base, timeoutMs: 500 })
    expect(r.timedOut).toBe(true)
    const child = Number(r.stdout.trim())
    expect(Number.isInteger(child) && child > 1).toBe(true)
    await waitFor(() => !alive(child), `the background sleep (pid ${child}) to die`)
  })

  it('keeps only the first bytes of a flood of output, and lets the tool finish', async () => {
    const r = await runTool('sh', ['-c', 'head -c 50000000 /dev/zero; echo done >&2'], {
      ...base,
      outputCap: 1000
    })
    expect(r.exitCode).toBe(0)
    expect(r.stdout.length).toBe(1000)
    expect(r.truncated).toBe(true)
    expect(r.stderr).toBe('done\n')
  })

  it('reports a missing binary as a failed call, not an exception', async () => {
    const r = await runTool('/nonexistent/tool', [], base)
    expect(succeeded(r)).toBe(false)
    expect(r.exitCode).not.toBe(0)
    expect(r.exitCode).toBe(127)
    expect(r.stderr).toMatch(/ENOENT/)
  })

  it('kills the calls still running when the harness exits', async () => {
    const { dir, cleanup } = tempDir('idf-runner-')
    try {
      const pidFile = path.join(dir, 'pid')
      const entry = path.join(dir, 'exits.ts')
      const runner = fileURLToPath(new URL('../../src/util/tool-runner.ts', import.meta.url))
      writeFileSync(
        entry,
        [
          `import { runTool } from ${JSON.stringify(runner)}`,
          `void runTool('sh', ['-c', 'echo $$ > "$0"; exec sleep 300', ${JSON.stringify(pidFile)}], { timeoutMs: 60_000, outputCap: 1024 })`,
          `setTimeout(() => process.exit(3), 300)`
        ].join('\n')
      )
      const script = path.join(dir, 'exits.mjs')
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: script,
        logLevel: 'silent'
      })
      // esbuild's service process would outlive the test.
      await stop()
      const { status } = spawnSync(process.execPath, [script], { stdio: 'ignore' })
      expect(status).toBe(3)
      const pid = Number(readFileSync(pidFile, 'utf8').trim())
      expect(Number.isInteger(pid) && pid > 1).toBe(true)
      await waitFor(() => !alive(pid), `the orphaned sleep (pid ${pid}) to die`)
    } finally {
      cleanup()
    }
  })

  it('kills the call and throws Cancelled when the run is cancelled', async () => {
    const { dir, cleanup } = tempDir('idf-cancel-')
    try {
      const pidFile = path.join(dir, 'pid')
      const controller = new AbortController()
      const pending = runTool('sh', ['-c', 'echo $$ > "$0"; exec sleep 300', pidFile], {
        ...base,
        signal: controller.signal
      })
      // Cancel once the call is surely running, then look at that very process.
      await waitFor(
        () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'),
        'the call to start'
      )
      const pid = Number(readFileSync(pidFile, 'utf8').trim())
      controller.abort()
      await expect(pending).rejects.toBeInstanceOf(Cancelled)
      await waitFor(() => !alive(pid), `the cancelled sleep (pid ${pid}) to die`)
    } finally {
      cleanup()
    }
  })
})
