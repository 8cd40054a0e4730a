import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { OPERATION_NAMES } from '../src/fuzz/operation.js'
import { InputError, parseInputs, type Inputs } from '../src/inputs.js'
import { readActionYml } from './support/action-yml.js'
import { tempDir } from './support/tools.js'

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const CONTRACT_INPUTS = [
  'instar',
  'qemu-img',
  'duration',
  'iterations',
  'seed',
  'operations',
  'timeout',
  'jobs',
  'shard',
  'minimize',
  'file-issues',
  'token',
  'labels',
  'max-new-issues',
  'on-closed',
  'fail-on',
  'report-dir',
  'verify-open',
  'close-fixed',
  'upload-artifact',
  'retention-days',
  'artifact-name',
  'steer'
]

const CONTRACT_OUTPUTS = [
  'iterations',
  'divergences',
  'inconclusive',
  'findings',
  'new-issues',
  'updated-issues',
  'seed',
  'report-dir',
  'qemu-img-version',
  'cache-hit',
  'verified-fixed',
  'still-open',
  'artifact-id',
  'artifact-url'
]

let tmp: { dir: string; cleanup: () => void }
let instar: string
let notExecutable: string

beforeAll(() => {
  tmp = tempDir('idf-inputs-')
  instar = path.join(tmp.dir, 'instar')
  writeFileSync(instar, '#!/bin/sh\nexit 0\n')
  chmodSync(instar, 0o755)
  notExecutable = path.join(tmp.dir, 'instar-0644')
  writeFileSync(notExecutable, '#!/bin/sh\nexit 0\n')
  chmodSync(notExecutable, 0o644)
  mkdirSync(path.join(tmp.dir, 'a-directory'))
})
afterAll(() => tmp.cleanup())
afterEach(() => vi.unstubAllEnvs())

/** parseInputs over these raw inputs (a valid instar unless given), '' for the rest. */
function parse(raw: Record<string, string>): Inputs {
  const all: Record<string, string> = { instar, ...raw }
  return parseInputs(name => all[name] ?? '')
}

/** The one-line error for `name`: names the input and the value, says what is accepted. */
function errorFor(raw: Record<string, string>, name: string, shownValue?: string): string {
  let caught: unknown
  try {
    parse(raw)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(InputError)
  const message = (caught as InputError).message
  const value = shownValue ?? (raw[name] ?? '').trim()
  expect(message.startsWith(`Invalid input '${name}': '${value}' — `)).toBe(true)
  expect(message).not.toMatch(/[\n\r]/)
  return message
}

describe('defaults', () => {
  it('applies the contract default to every unset input', () => {
    vi.stubEnv('RUNNER_TEMP', '/runner/temp')
    expect(parse({})).toEqual({
      instar,
      qemuImg: 'auto',
      durationSeconds: 600,
      iterations: 0,
      seed: null,
      operations: [...OPERATION_NAMES],
      timeoutSeconds: 30,
      jobs: os.availableParallelism(),
      shard: { index: 1, count: 1 },
      minimize: true,
      fileIssues: true,
      token: '',
      labels: ['differential-fuzz'],
      maxNewIssues: 10,
      onClosed: 'reopen',
      failOn: 'new',
      reportDir: '/runner/temp/instar-diff-fuzz',
      verifyOpen: true,
      closeFixed: false,
      uploadArtifact: true,
      retentionDays: null,
      artifactName: 'instar-diff-fuzz',
      steer: 'coverage',
      coverageFile: null
    } satisfies Inputs)
  })

  it('treats a blank value as unset', () => {
    const blank = Object.fromEntries(CONTRACT_INPUTS.slice(1).map(name => [name, '  ']))
    expect(parse(blank)).toEqual(parse({}))
  })

  it('puts reports under the OS temp directory off a runner', () => {
    vi.stubEnv('RUNNER_TEMP', '')
    expect(parse({}).reportDir).toBe(path.join(os.tmpdir(), 'instar-diff-fuzz'))
  })
})

describe('steer and coverage-file', () => {
  it('takes coverage or uniform, and names anything else', () => {
    expect(parse({ steer: 'Uniform' }).steer).toBe('uniform')
    expect(errorFor({ steer: 'least' }, 'steer')).toBe(
      "Invalid input 'steer': 'least' — use one of coverage, uniform"
    )
  })

  it('resolves a coverage file against the working directory', () => {
    expect(parse({ 'coverage-file': 'cov.json' }).coverageFile).toBe(path.resolve('cov.json'))
  })
})

describe('instar', () => {
  it('accepts an executable file by absolute or cwd-relative path', () => {
    expect(parse({}).instar).toBe(instar)
    expect(parse({ instar: path.relative(process.cwd(), instar) }).instar).toBe(instar)
  })

  it('is required', () => {
    expect(errorFor({ instar: '' }, 'instar')).toContain('required')
  })

  it('names a missing file, a directory and a non-executable file', () => {
    expect(errorFor({ instar: '/nope' }, 'instar')).toBe(
      "Invalid input 'instar': '/nope' — no such file; give the path to the instar binary"
    )
    const dir = path.join(tmp.dir, 'a-directory')
    expect(errorFor({ instar: dir }, 'instar')).toContain('not a file')
    expect(errorFor({ instar: notExecutable }, 'instar')).toContain('not executable')
  })
})

describe('qemu-img', () => {
  it('keeps auto and resolves a path against the working directory', () => {
    expect(parse({ 'qemu-img': 'auto' }).qemuImg).toBe('auto')
    expect(parse({ 'qemu-img': 'AUTO' }).qemuImg).toBe('auto')
    expect(parse({ 'qemu-img': '/usr/bin/qemu-img' }).qemuImg).toBe('/usr/bin/qemu-img')
    expect(parse({ 'qemu-img': 'bin/qemu-img' }).qemuImg).toBe(
      path.join(process.cwd(), 'bin/qemu-img')
    )
  })
})

describe('duration and timeout', () => {
  it.each([
    ['90s', 90],
    ['10m', 600],
    ['1h', 3600],
    ['3600', 3600],
    [' 5m ', 300]
  ])('duration %j is %d seconds', (value, seconds) => {
    expect(parse({ duration: value }).durationSeconds).toBe(seconds)
  })

  it.each(['5 mins', '1.5h', '1e3', '0x10', '-1', '10M', '1d', 'm', '99999999999999999999'])(
    'rejects duration %j naming the accepted forms',
    value => {
      expect(errorFor({ duration: value }, 'duration')).toBe(
        `Invalid input 'duration': '${value}' — use <n>s, <n>m, <n>h or plain seconds (e.g. 90s, 10m, 1h, 3600)`
      )
    }
  )

  it.each(['0', '0s', '0h'])('rejects an empty time box %j', value => {
    expect(errorFor({ duration: value }, 'duration')).toContain('more than 0 seconds')
  })

  it('takes the timeout in seconds or with a unit, up to a day', () => {
    expect(parse({ timeout: '45' }).timeoutSeconds).toBe(45)
    expect(parse({ timeout: '2m' }).timeoutSeconds).toBe(120)
    expect(parse({ timeout: '86400' }).timeoutSeconds).toBe(86400)
    expect(errorFor({ timeout: '0' }, 'timeout')).toContain('more than 0')
    expect(errorFor({ timeout: '86401' }, 'timeout')).toContain('at most 86400')
    expect(errorFor({ timeout: 'soon' }, 'timeout')).toContain('<n>s')
  })
})

describe('whole-number inputs', () => {
  it('reads plain decimals', () => {
    const inputs = parse({ iterations: '25', seed: '007', jobs: '3', 'max-new-issues': '0' })
    expect(inputs).toMatchObject({ iterations: 25, seed: 7, jobs: 3, maxNewIssues: 0 })
    expect(parse({ seed: '0' }).seed).toBe(0)
    expect(parse({ seed: '4294967295' }).seed).toBe(4294967295)
  })

  it('resolves jobs 0 to one per CPU', () => {
    expect(parse({ jobs: '0' }).jobs).toBe(os.availableParallelism())
  })

  it.each([
    ['iterations', '-1'],
    ['iterations', '1e3'],
    ['iterations', '0x10'],
    ['iterations', '1.5'],
    ['iterations', 'ten'],
    ['seed', '4294967296'],
    ['seed', '-1'],
    ['seed', '0x10'],
    ['jobs', '-1'],
    ['jobs', '2.5'],
    ['jobs', '1025'],
    ['max-new-issues', '-1'],
    ['max-new-issues', '1e3']
  ])('rejects %s %j', (name, value) => {
    expect(errorFor({ [name]: value }, name)).toContain('use a whole number')
  })

  it('says the seed range', () => {
    expect(errorFor({ seed: '4294967296' }, 'seed')).toContain('0 to 4294967295')
  })
})

describe('operations', () => {
  it('reads all, a list, duplicates and block lists in canonical order', () => {
    expect(parse({ operations: 'all' }).operations).toEqual([...OPERATION_NAMES])
    expect(parse({ operations: 'ALL' }).operations).toEqual([...OPERATION_NAMES])
    expect(parse({ operations: 'info' }).operations).toEqual(['info'])
    expect(parse({ operations: 'dd, check ,info,info,' }).operations).toEqual([
      'info',
      'check',
      'dd'
    ])
    expect(parse({ operations: 'map\nconvert_compressed\n' }).operations).toEqual([
      'convert_compressed',
      'map'
    ])
  })

  it('names the unknown operation and every accepted one', () => {
    expect(errorFor({ operations: 'infoo' }, 'operations')).toBe(
      `Invalid input 'operations': 'infoo' — unknown operation 'infoo'; accepted: all, or a comma-separated list of ${OPERATION_NAMES.join(', ')}`
    )
  })

  it('keeps a multi-line value on one line', () => {
    const message = errorFor({ operations: 'info\nbogus' }, 'operations', 'info\\nbogus')
    expect(message).toContain("unknown operation 'bogus'")
  })

  it('rejects a list with no operation in it', () => {
    expect(errorFor({ operations: ', ,' }, 'operations')).toContain('no operation named')
  })
})

describe('shard', () => {
  it.each([
    ['1/1', 1, 1],
    ['2/4', 2, 4],
    [' 4 / 4 ', 4, 4]
  ])('reads %j', (value, index, count) => {
    expect(parse({ shard: value }).shard).toEqual({ index, count })
  })

  it.each(['3/2', '0/1', '1/0', '1', 'a/b', '1/4/2', '-1/2', '1.5/2'])('rejects %j', value => {
    expect(errorFor({ shard: value }, 'shard')).toBe(
      `Invalid input 'shard': '${value}' — use i/n with 1 <= i <= n (e.g. 1/4)`
    )
  })
})

describe('booleans', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('reads %j', (value, expected) => {
    const inputs = parse({ minimize: value, 'file-issues': value })
    expect([inputs.minimize, inputs.fileIssues]).toEqual([expected, expected])
  })

  it.each(['yes', 'no', '1', '0', 'on', 'tRuE'])('rejects %j', value => {
    expect(errorFor({ minimize: value }, 'minimize')).toContain('use true or false')
    expect(errorFor({ 'file-issues': value }, 'file-issues')).toContain('use true or false')
  })
})

describe('issue settings', () => {
  it('passes the token through', () => {
    expect(parse({ token: 'ghs_example' }).token).toBe('ghs_example')
  })

  it('reads labels trimmed and deduplicated, first one first', () => {
    expect(parse({ labels: ' fuzz , instar,fuzz,' }).labels).toEqual(['fuzz', 'instar'])
  })

  it('rejects no label and a label GitHub would refuse', () => {
    expect(errorFor({ labels: ' , ' }, 'labels')).toContain('at least one label')
    const long = 'x'.repeat(51)
    expect(errorFor({ labels: `ok,${long}` }, 'labels')).toContain('longer than')
  })

  it('reads on-closed and fail-on choices', () => {
    for (const onClosed of ['reopen', 'comment', 'ignore'])
      expect(parse({ 'on-closed': onClosed }).onClosed).toBe(onClosed)
    for (const failOn of ['new', 'any', 'never'])
      expect(parse({ 'fail-on': failOn }).failOn).toBe(failOn)
    expect(parse({ 'on-closed': 'Comment' }).onClosed).toBe('comment')
  })

  it('rejects other choices, listing the accepted ones', () => {
    expect(errorFor({ 'on-closed': 'delete' }, 'on-closed')).toContain(
      'use one of reopen, comment, ignore'
    )
    expect(errorFor({ 'fail-on': 'always' }, 'fail-on')).toContain('use one of new, any, never')
  })
})

describe('verify-open and close-fixed', () => {
  it('reads both as booleans and names the input on a typo', () => {
    expect(parse({ 'verify-open': 'false', 'close-fixed': 'true' })).toMatchObject({
      verifyOpen: false,
      closeFixed: true
    })
    expect(errorFor({ 'close-fixed': 'yes' }, 'close-fixed')).toBe(
      "Invalid input 'close-fixed': 'yes' — use true or false"
    )
  })
})

describe('report-dir', () => {
  it('resolves a given directory against the working directory', () => {
    expect(parse({ 'report-dir': '/tmp/r' }).reportDir).toBe('/tmp/r')
    expect(parse({ 'report-dir': 'reports' }).reportDir).toBe(path.join(process.cwd(), 'reports'))
  })
})

describe('report artifact', () => {
  it('reads retention days and an artifact name prefix', () => {
    expect(parse({ 'retention-days': '7', 'artifact-name': 'nightly fuzz' })).toMatchObject({
      retentionDays: 7,
      artifactName: 'nightly fuzz'
    })
    expect(parse({ 'upload-artifact': 'false' }).uploadArtifact).toBe(false)
  })

  it('rejects retention GitHub would refuse and names the artifact service cannot take', () => {
    for (const days of ['0', '91', '1w'])
      expect(errorFor({ 'retention-days': days }, 'retention-days')).toContain('1 to 90')
    for (const name of ['a/b', 'fuzz:1', 'what?'])
      expect(errorFor({ 'artifact-name': name }, 'artifact-name')).toContain('without')
  })
})

describe('errors', () => {
  it('reports the first problem in contract order', () => {
    expect(() => parse({ duration: '5 mins', shard: '3/2' })).toThrow(/^Invalid input 'duration'/)
    expect(() => parse({ instar: '/nope', duration: '5 mins' })).toThrow(/^Invalid input 'instar'/)
  })

  it('cuts a very long value', () => {
    const message = errorFor({ shard: '9'.repeat(500) }, 'shard', `${'9'.repeat(117)}...`)
    expect(message.length).toBeLessThan(200)
  })
})

describe('action.yml', () => {
  const yml = readActionYml(path.join(projectRoot, 'action.yml'))

  it('declares exactly the contract inputs and outputs, each described', () => {
    expect(Object.keys(yml.inputs)).toEqual(CONTRACT_INPUTS)
    expect(Object.keys(yml.outputs)).toEqual(CONTRACT_OUTPUTS)
    for (const entry of [...Object.values(yml.inputs), ...Object.values(yml.outputs)])
      expect(entry.description).toBeTruthy()
  })

  it('requires instar and gives every other input a default', () => {
    expect(yml.inputs.instar.required).toBe('true')
    expect(yml.inputs.instar.default).toBeUndefined()
    for (const name of CONTRACT_INPUTS.slice(1)) expect(yml.inputs[name]).toHaveProperty('default')
    expect(yml.inputs.token.default).toBe('${{ github.token }}')
    expect(yml.inputs['report-dir'].default).toBe('${{ runner.temp }}/instar-diff-fuzz')
  })

  it('runs dist/index.js on node24', () => {
    expect(yml.runs).toEqual({ using: { value: 'node24' }, main: { value: 'dist/index.js' } })
  })

  it("has literal defaults that parse to parseInputs' own defaults", () => {
    const literal = CONTRACT_INPUTS.filter(
      name => yml.inputs[name].default !== undefined && !yml.inputs[name].default.includes('${{')
    )
    expect(literal.length).toBe(CONTRACT_INPUTS.length - 3)
    for (const name of literal)
      expect(parse({ [name]: yml.inputs[name].default }), name).toEqual(parse({}))
  })
})
