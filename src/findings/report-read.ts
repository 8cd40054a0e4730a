import { isObject } from '../util/json.js'
import type { CampaignResult, OperationStats } from './campaign-result.js'
import type { Finding } from './finding.js'
import type { RunInfo, SummaryKey } from './report.js'

/**
 * A report folder read back: the campaign result and run information that
 * writeReports wrote, so a merge of shards renders, reports and files
 * through the same code as one campaign. Pure over the documents.
 */

export interface ReadReport {
  result: CampaignResult
  /** Each finding's replay command, by fingerprint. */
  replayCommands: Record<string, string>
  settings: Pick<
    RunInfo,
    'instarPath' | 'operations' | 'timeoutSeconds' | 'durationSeconds' | 'jobs' | 'minimize'
  >
  qemuImg: RunInfo['qemuImg']
  setupNotes: string[]
  warnings: string[]
  /** summary.json's keys besides those read into the fields above, as written. */
  sections: Record<string, unknown>
}

/** A report that cannot be read: names the file and what is wrong with it. */
export class ReportError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReportError'
  }
}

/**
 * Each key summaryDocument (report.ts) writes: `read` into a ReadReport's
 * fields, or carried as a `section` that merge-sections.ts merges. Typed
 * over SummaryKey, so a key written but not sorted here, or sorted here
 * but not written, does not compile.
 */
const SUMMARY_KEYS: Record<SummaryKey, 'read' | 'section'> = {
  version: 'read',
  seed: 'read',
  shard: 'read',
  started_at: 'read',
  elapsed_seconds: 'read',
  iterations: 'read',
  divergences: 'read',
  inconclusive: 'read',
  operations: 'read',
  findings: 'read',
  steering: 'section',
  coverage: 'section',
  confirmation: 'read',
  iterations_cut_short: 'read',
  stopped_by: 'read',
  inconclusive_samples: 'read',
  versions: 'read',
  qemu_img: 'read',
  processes: 'read',
  resources: 'read',
  settings: 'read',
  setup_notes: 'read',
  run_url: 'read',
  verification: 'section',
  warnings: 'read',
  api_requests: 'section'
}

/** The summary.json keys read into a ReadReport; every other key is a section. */
export const READ_KEYS: readonly string[] = Object.keys(SUMMARY_KEYS).filter(
  k => SUMMARY_KEYS[k as SummaryKey] === 'read'
)

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback)
const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {})
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [])

function counts(v: unknown): Record<string, number> {
  return Object.fromEntries(Object.entries(obj(v)).map(([k, n]) => [k, num(n)]))
}

function operationStats(v: unknown): Record<string, OperationStats> {
  return Object.fromEntries(
    Object.entries(obj(v)).map(([name, s]) => {
      const o = obj(s)
      const stats = {
        runs: num(o.runs),
        divergences: num(o.divergences),
        inconclusive: num(o.inconclusive),
        seconds: num(o.seconds)
      }
      return [name, stats]
    })
  )
}

const STOPPED_BY = ['duration', 'iterations', 'cancelled', 'no-space'] as const

/**
 * A finding as findings/<fingerprint>.json holds it (the Finding, its
 * issue and replay command beside it). Keys a later version added are
 * kept, so they survive a merge.
 */
export function findingOfDocument(doc: unknown, file: string): Finding {
  const d = obj(doc)
  const wellFormed =
    typeof d.fingerprint === 'string' &&
    typeof d.type === 'string' &&
    typeof d.operation === 'string' &&
    typeof d.target === 'string' &&
    Array.isArray(d.options) &&
    Array.isArray(d.occurrences) &&
    d.occurrences.length > 0
  if (!wellFormed)
    throw new ReportError(`${file} is not a finding (fingerprint, type, options, occurrences)`)
  // Its issue and replay command are this run's to decide again.
  const finding: Record<string, unknown> = { ...d }
  delete finding.issue
  delete finding.replay
  return finding as unknown as Finding
}

/**
 * The report a summary.json and its finding documents describe. Fields a
 * summary lacks read as zero or empty, so a shard from a slightly older
 * version still merges.
 */
export function readReport(summary: unknown, findings: readonly Finding[]): ReadReport {
  const s = obj(summary)
  const inconclusive = obj(s.inconclusive)
  const confirmation = obj(s.confirmation)
  const versions = obj(s.versions)
  const resources = obj(s.resources)
  const settings = obj(s.settings)
  const qemuImg = obj(s.qemu_img)
  const byFingerprint = new Map(findings.map(f => [f.fingerprint, f]))
  const listed = Array.isArray(s.findings) ? s.findings.map(obj) : []
  const stoppedBy = STOPPED_BY.find(v => v === s.stopped_by) ?? 'duration'
  const result: CampaignResult = {
    seed: num(s.seed),
    shard: str(s.shard, '1/1'),
    startedAt: str(s.started_at),
    elapsedSeconds: num(s.elapsed_seconds),
    iterations: num(s.iterations),
    cutShort: num(s.iterations_cut_short),
    divergences: num(s.divergences),
    inconclusive: { total: num(inconclusive.total), byType: counts(inconclusive.by_type) },
    inconclusiveSamples: Array.isArray(s.inconclusive_samples) ? s.inconclusive_samples : [],
    operations: operationStats(s.operations),
    // In the summary's order (most frequent first); a finding without its document is left out.
    findings: listed.flatMap(f => byFingerprint.get(str(f.fingerprint)) ?? []),
    versions: { instar: str(versions.instar), qemuImg: str(versions['qemu-img']) },
    spawns: counts(s.processes),
    stoppedBy,
    problems: [],
    resources: {
      harnessCpuSeconds: num(resources.harnessCpuSeconds),
      toolsCpuSeconds: num(resources.toolsCpuSeconds),
      harnessShare: num(resources.harnessShare),
      peakRssMb: num(resources.peakRssMb)
    },
    confirmation: {
      confirmRuns: num(confirmation.confirm_runs),
      minimiseRuns: num(confirmation.minimise_runs),
      attributed: num(confirmation.attributed),
      skippedKnownHangs: num(confirmation.skipped_known_hangs)
    }
  }
  return {
    result,
    replayCommands: Object.fromEntries(
      listed.filter(f => typeof f.replay === 'string').map(f => [str(f.fingerprint), str(f.replay)])
    ),
    settings: {
      instarPath: typeof settings.instar === 'string' ? settings.instar : undefined,
      operations: strings(settings.operations),
      timeoutSeconds: num(settings.timeout),
      durationSeconds: num(settings.duration),
      jobs: num(settings.jobs),
      minimize: settings.minimize !== false
    },
    qemuImg: {
      path: str(qemuImg.path),
      source: str(qemuImg.source),
      cacheHit: qemuImg.cacheHit === true,
      seconds: num(qemuImg.seconds)
    },
    setupNotes: strings(s.setup_notes),
    warnings: strings(s.warnings),
    sections: Object.fromEntries(Object.entries(s).filter(([k]) => !READ_KEYS.includes(k)))
  }
}
