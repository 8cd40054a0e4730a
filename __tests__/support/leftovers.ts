/**
 * Loaded before every test file (vitest setupFiles): the file gets a
 * temporary folder of its own as TMPDIR and a marker in the environment
 * its processes inherit. After the file's last test, anything left in that
 * folder, or any process still carrying the marker, fails the file: every
 * test cleans up what it made, and looks only at its own processes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect } from 'vitest'

const outer = os.tmpdir()
const own = mkdtempSync(path.join(outer, 'idf-file-'))
const marker = `IDF_TEST_FILE=${path.basename(own)}`
process.env.TMPDIR = own
process.env.IDF_TEST_FILE = path.basename(own)

/** Live processes started under this file (zombies and this process aside), with their argv. */
function ownProcesses(): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) continue
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim()
      if (cmd) found.push(`${pid}: ${cmd.slice(0, 200)}`)
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found
}

/** Waits for the file's processes to end (a killed group can take a moment to go). */
async function waitForOwnProcesses(): Promise<string[]> {
  const until = Date.now() + 15_000
  let left = ownProcesses()
  while (left.length > 0 && Date.now() < until) {
    await new Promise(resolve => setTimeout(resolve, 50))
    left = ownProcesses()
  }
  return left
}

afterAll(async () => {
  const processes = await waitForOwnProcesses()
  for (const line of processes) {
    try {
      process.kill(Number(line.split(':')[0]), 'SIGKILL')
    } catch {
      // already gone
    }
  }
  const folders = readdirSync(own)
  process.env.TMPDIR = outer
  delete process.env.IDF_TEST_FILE
  rmSync(own, { recursive: true, force: true })
  expect(processes, 'processes this test file left running').toEqual([])
  expect(folders, `what this test file left in its temporary folder ${own}`).toEqual([])
})
