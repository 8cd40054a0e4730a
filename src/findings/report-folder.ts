import { cp, readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { parseJson } from '../util/json.js'
import type { Finding } from './finding.js'
import { findingOfDocument, readReport, ReportError, type ReadReport } from './report-read.js'

/**
 * Report folders on disk, for the merge of shards: reading one back, and
 * carrying every file of the shards into the night's folder, known or not,
 * so what a shard wrote (case files, reproducers, whatever a later version
 * adds) is never lost by merging.
 */

async function readJson(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ReportError(`${file} cannot be read (${code ?? (error as Error).message})`)
  }
  // JSON.parse never gives undefined: parseJson does only for text that is not JSON.
  const doc = parseJson(text)
  if (doc === undefined) throw new ReportError(`${file} is not JSON`)
  return doc
}

const FINDING_FILE = /^[0-9a-f]{16}\.json$/

/** summary.json and findings/<fingerprint>.json of a report folder; a ReportError says what is wrong. */
export async function loadReportFolder(dir: string): Promise<ReadReport> {
  const summary = await readJson(path.join(dir, 'summary.json'))
  const names = await readdir(path.join(dir, 'findings')).catch(() => [] as string[])
  const findings: Finding[] = []
  for (const name of names.filter(n => FINDING_FILE.test(n)).sort()) {
    const file = path.join(dir, 'findings', name)
    findings.push(findingOfDocument(await readJson(file), file))
  }
  return readReport(summary, findings)
}

/** `1/2` as a folder name: `1-of-2`. */
function shardFolderName(shard: string): string {
  return shard.replace(/\s+/g, '').replace('/', '-of-')
}

/**
 * Copies what the merged reports do not rewrite. Each finding's folder
 * (`findings/<fingerprint>/`) comes from the shard whose case the finding
 * kept; a folded finding's folder, and every other file or folder a shard
 * wrote, goes under `shards/<i>-of-<n>/` at its own path, so two shards
 * never overwrite each other.
 */
export async function copyShardFiles(
  shards: readonly { dir: string; shard: string }[],
  out: string,
  caseFrom: Readonly<Record<string, number>>
): Promise<void> {
  for (const [fp, from] of Object.entries(caseFrom)) {
    const folder = path.join(shards[from].dir, 'findings', fp)
    const isFolder = await stat(folder).then(
      s => s.isDirectory(),
      () => false
    )
    if (isFolder) await cp(folder, path.join(out, 'findings', fp), { recursive: true })
  }
  const used = new Set<string>()
  for (const [i, { dir, shard }] of shards.entries()) {
    // Two folders of the same shard (two nights merged by hand) keep apart too.
    const folderName = shardFolderName(shard)
    const name = used.has(folderName) ? `${folderName}-${i + 1}` : folderName
    used.add(name)
    const aside = path.join(out, 'shards', name)
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name === 'summary.json' || entry.name === 'findings') continue
      await cp(path.join(dir, entry.name), path.join(aside, entry.name), { recursive: true })
    }
    const findings = await readdir(path.join(dir, 'findings'), { withFileTypes: true }).catch(
      () => []
    )
    for (const entry of findings) {
      if (FINDING_FILE.test(entry.name) || entry.name in caseFrom) continue
      await cp(path.join(dir, 'findings', entry.name), path.join(aside, 'findings', entry.name), {
        recursive: true
      })
    }
  }
}
