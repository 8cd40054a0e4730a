import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../src/findings/fingerprint.js'
import type { CreatePlan } from '../src/fuzz/operations/create.js'
import { runAction } from './support/action-runner.js'
import { plannedSteps } from './support/plans.js'
import { STAND_IN } from './support/tools.js'

const scratch = mkdtempSync(path.join(os.tmpdir(), 'idf-action-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const NOT_EXECUTABLE = path.join(scratch, 'instar')
writeFileSync(NOT_EXECUTABLE, '#!/bin/sh\n', { mode: 0o644 })

describe('dist/index.js run as the runner runs it', () => {
  it('runs a campaign, writes the reports, the outputs and the job summary', async () => {
    const run = await runAction(
      {
        instar: STAND_IN,
        duration: '2m',
        iterations: '40',
        seed: '4242',
        operations: 'create,info',
        'file-issues': 'false',
        'fail-on': 'any'
      },
      { STAND_IN_BUGS: 'create-drops-lazy-refcounts' }
    )
    expect(run.stdout).toContain('seed: 4242')
    // fail-on: any with a divergence fails the step, after writing everything.
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::.*fail-on: any/)
    const o = run.outputs
    // Every qcow2 create asking for lazy refcounts diverges (unless both
    // tools refuse its unknown option): that many occurrences, one finding.
    const lazy = plannedSteps(4242, 40, ['info', 'create']).filter(s => {
      const k = (s.plan as CreatePlan).knobs
      return (
        s.operation === 'create' &&
        s.plan.target === 'qcow2' &&
        k.lazy_refcounts &&
        !k.unknown_option
      )
    }).length
    expect(lazy).toBeGreaterThan(1)
    expect(o.seed).toBe('4242')
    expect(Number(o.iterations)).toBe(40)
    expect(Number(o.divergences)).toBe(lazy)
    expect(o.findings).toBe('1')
    expect(o['new-issues']).toBe('0')
    expect(o['updated-issues']).toBe('0')
    expect(o['qemu-img-version']).toMatch(/^qemu-img version/)
    expect(o['cache-hit']).toBe('false')
    expect(o['report-dir']).toBe(path.join(run.runnerTemp, 'instar-diff-fuzz'))

    const summary = JSON.parse(readFileSync(path.join(o['report-dir'], 'summary.json'), 'utf8'))
    expect(summary).toMatchObject({ version: 1, seed: 4242, shard: '1/1', iterations: 40 })
    expect(summary.inconclusive).toEqual({ total: 0, by_type: {} })
    // Every key of the contract's summary.json, with its type.
    expect(typeof summary.started_at).toBe('string')
    expect(new Date(summary.started_at).toISOString()).toBe(summary.started_at)
    expect(typeof summary.elapsed_seconds).toBe('number')
    expect(typeof summary.divergences).toBe('number')
    for (const stats of Object.values(summary.operations))
      expect(Object.keys(stats as object).sort()).toEqual([
        'divergences',
        'inconclusive',
        'runs',
        'seconds'
      ])
    expect(Object.keys(summary.operations).sort()).toEqual(['create', 'info'])
    const fp = fingerprint('create_info_divergence', 'create', 'qcow2', ['lazy_refcounts=on'])
    expect(summary.findings).toHaveLength(1)
    expect(summary.findings[0]).toMatchObject({
      fingerprint: fp,
      type: 'create_info_divergence',
      operation: 'create',
      target: 'qcow2',
      options: ['lazy_refcounts=on'],
      issue: { number: null, url: null, action: 'dry-run' }
    })
    expect(summary.findings[0].occurrences).toBe(lazy)
    expect(summary.findings[0].first.seed).toBe(4242)
    expect(readdirSync(path.join(o['report-dir'], 'findings')).sort()).toEqual([fp, `${fp}.json`])
    expect(existsSync(path.join(o['report-dir'], 'findings', fp, 'repro.sh'))).toBe(true)
    const finding = JSON.parse(
      readFileSync(path.join(o['report-dir'], 'findings', `${fp}.json`), 'utf8')
    )
    expect(finding.occurrences).toHaveLength(summary.findings[0].occurrences)
    expect(finding.occurrences[0].evidence.instar.argv[0]).toBe(STAND_IN)

    expect(run.summary).toContain('## instar-diff-fuzz: 1 finding')
    expect(run.summary).toContain('```mermaid')
    expect(run.summary).toContain('| create |')
    expect(run.summary).toContain(fp)
    expect(run.summary).toMatch(
      /replay --instar .* --seed 4242 --iteration \d+ --operations info,create/
    )
  })

  it('passes with fail-on: new and no findings, against a faithful stand-in', async () => {
    const run = await runAction({
      instar: STAND_IN,
      duration: '1m',
      iterations: '6',
      seed: '1',
      operations: 'check,measure',
      'file-issues': 'false'
    })
    expect(run.code).toBe(0)
    expect(run.outputs.findings).toBe('0')
    expect(run.summary).toContain('no divergences')
  })

  const bad: Array<[string, string]> = [
    ['duration', '5 mins'],
    ['duration', '0'],
    ['shard', '3/2'],
    ['shard', '1/0'],
    ['operations', 'info,infoo'],
    ['seed', '4294967296'],
    ['seed', '-1'],
    ['iterations', '1.5'],
    ['timeout', '0'],
    ['jobs', 'many'],
    ['minimize', 'yes please'],
    ['file-issues', 'maybe'],
    ['max-new-issues', '-3'],
    ['on-closed', 'delete'],
    ['fail-on', 'sometimes'],
    ['instar', '/no/such/instar'],
    ['instar', NOT_EXECUTABLE]
  ]
  it.each(bad)(
    "fails before any fuzzing on %s: '%s', with one line naming the input and the value",
    async (name, value) => {
      const inputs: Record<string, string> = {
        instar: STAND_IN,
        duration: '1m',
        'file-issues': 'false',
        [name]: value
      }
      const run = await runAction(inputs)
      expect(run.code).toBe(1)
      const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain(name)
      expect(errors[0]).toContain(value)
      expect(run.stdout).not.toContain('seed:')
      expect(existsSync(path.join(run.runnerTemp, 'instar-diff-fuzz', 'summary.json'))).toBe(false)
    }
  )
})
