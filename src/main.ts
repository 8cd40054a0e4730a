import * as core from '@actions/core'
import path from 'node:path'
import type { Finding, IssueLink } from './findings/finding.js'
import { renderJobSummary } from './findings/job-summary.js'
import { writeReports, type RunInfo } from './findings/report.js'
import { runCampaign, type CampaignResult } from './fuzz/campaign.js'
import { randomMasterSeed } from './fuzz/rng.js'
import { campaignConfig, cancelOnSignals, runInfo } from './fuzz/settings.js'
import { parseInputs, type Inputs } from './inputs.js'
import { prepareKvm } from './qemu/kvm.js'
import { provisionQemu, type QemuSetup } from './qemu/provision.js'

/** Why issues will not be filed this run, or null when they will. */
function dryRunReason(inputs: Inputs): string | null {
  if (!inputs.fileIssues) return null
  if (!inputs.token)
    return 'no token was given, so no issues were filed (dry run); pass `token:` or grant `issues: write`.'
  if (!process.env.GITHUB_REPOSITORY)
    return 'GITHUB_REPOSITORY is not set, so no issues were filed (dry run).'
  return null
}

function runUrl(): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env
  return GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
    ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
    : ''
}

/** The instar path as the user wrote it (relative to the workspace when inside it). */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}

function allAs(findings: Finding[], action: IssueLink['action']): Map<string, IssueLink> {
  return new Map(findings.map(f => [f.fingerprint, { number: null, url: null, action }]))
}

/**
 * `fail-on`: `new` fails when this run opened or reopened an issue (in a
 * dry run, where nothing could be checked, every finding counts as new);
 * `any` on any divergence; `never` never.
 */
function failure(
  inputs: Inputs,
  result: CampaignResult,
  links: Map<string, IssueLink>
): string | null {
  if (inputs.failOn === 'never') return null
  if (inputs.failOn === 'any')
    return result.divergences > 0
      ? `${result.divergences} divergences in ${result.findings.length} findings`
      : null
  // A finding that could not be filed (dry run, API failure) counts unless
  // an existing issue already tracks it: nothing new passes silently, and a
  // fork's pull request does not fail on bugs that are already known.
  const isNew = (l: IssueLink): boolean =>
    l.action === 'created' ||
    l.action === 'reopened' ||
    l.action === 'capped' ||
    ((l.action === 'dry-run' || l.action === 'failed') && l.number === null)
  const fresh = [...links.values()].filter(isNew).length
  return fresh > 0 ? `${fresh} new, regressed or unfiled findings` : null
}

/** The contract's outputs. */
function setOutputs(
  result: CampaignResult,
  links: Map<string, IssueLink>,
  inputs: Inputs,
  qemu: QemuSetup
): void {
  const actions = [...links.values()].map(l => l.action)
  core.setOutput('iterations', String(result.iterations))
  core.setOutput('divergences', String(result.divergences))
  core.setOutput('inconclusive', String(result.inconclusive.total))
  core.setOutput('findings', String(result.findings.length))
  core.setOutput('new-issues', String(actions.filter(a => a === 'created').length))
  core.setOutput(
    'updated-issues',
    String(actions.filter(a => a === 'commented' || a === 'reopened').length)
  )
  core.setOutput('report-dir', inputs.reportDir)
  core.setOutput('qemu-img-version', qemu.version.text)
  core.setOutput('cache-hit', String(qemu.cacheHit))
}

/** Files or comments on issues; returns each finding's issue link. Never throws. */
async function fileIssues(
  inputs: Inputs,
  result: CampaignResult,
  info: RunInfo,
  seed: number
): Promise<{ links: Map<string, IssueLink>; warnings: string[] }> {
  const [owner, repo] = process.env.GITHUB_REPOSITORY!.split('/')
  // Octokit is loaded only when there is something to file (see bundle.mjs).
  const { fileFindings } = await import('./github/tracker.js')
  return fileFindings(result.findings, {
    token: inputs.token,
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    owner,
    repo,
    labels: inputs.labels,
    maxNewIssues: inputs.maxNewIssues,
    onClosed: inputs.onClosed,
    runUrl: info.runUrl,
    seed,
    versions: result.versions,
    replayCommand: f => info.replayCommands[f.fingerprint],
    log: core.info
  })
}

/** The action: inputs, then qemu-img, campaign, reports, issues, outputs. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => core.getInput(name))
    const qemu = await core.group('Reference qemu-img', () =>
      provisionQemu(inputs.qemuImg, core.info)
    )
    const kvm = await prepareKvm(core.info)
    // Provisioning already sent its warnings to the log; the summary repeats them.
    const warnings = [...qemu.warnings]
    if (kvm.state === 'missing' || kvm.state === 'inaccessible') {
      core.warning(kvm.note)
      warnings.push(kvm.note)
    }

    const seed = inputs.seed ?? randomMasterSeed()
    core.info(
      `seed: ${seed} · operations: ${inputs.operations.join(', ')} · duration ${inputs.durationSeconds} s · jobs ${inputs.jobs} · shard ${inputs.shard.index}/${inputs.shard.count}`
    )
    core.setOutput('seed', String(seed))
    const cancel = cancelOnSignals(core.info)
    const result = await runCampaign(campaignConfig(inputs, qemu, seed, cancel.signal, core.info))
    core.info(
      `campaign done: ${result.iterations} iterations, ${result.divergences} divergences, ${result.findings.length} findings, ${result.inconclusive.total} inconclusive`
    )

    // `warnings` is shared with the reports: what is added below shows there too.
    const info = runInfo(inputs, qemu, result, {
      instarPath: displayPath(inputs.instar),
      runUrl: runUrl(),
      setupNotes: [...qemu.notes, kvm.note],
      warnings
    })
    const reason = dryRunReason(inputs)
    const filing = inputs.fileIssues && reason === null && !cancel.signal.aborted
    if (reason) {
      core.warning(reason)
      warnings.push(reason)
    }
    // Written before any API call: nothing is lost if the API fails.
    let links = allAs(result.findings, filing ? 'failed' : 'dry-run')
    await writeReports(inputs.reportDir, result, links, info)
    if (filing && result.findings.length > 0) {
      const filed = await fileIssues(inputs, result, info, seed)
      links = new Map([...links, ...filed.links])
      for (const w of filed.warnings) {
        core.warning(w)
        warnings.push(w)
      }
      await writeReports(inputs.reportDir, result, links, info)
    }

    setOutputs(result, links, inputs, qemu)
    if (process.env.GITHUB_STEP_SUMMARY)
      await core.summary.addRaw(renderJobSummary(result, links, info)).write()
    core.info(`reports: ${inputs.reportDir}`)

    const failed = cancel.signal.aborted ? 'the run was cancelled' : failure(inputs, result, links)
    if (failed)
      core.setFailed(
        `instar-diff-fuzz: ${failed} (fail-on: ${inputs.failOn}); see the job summary and ${inputs.reportDir}`
      )
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
