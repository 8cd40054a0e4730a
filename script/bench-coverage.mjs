// The coverage rows of `npm run bench` (script/bench.mjs), also runnable
// alone: `node script/bench-coverage.mjs`. Two questions, each answered
// with `steer: coverage` and `steer: uniform` on the same seeds, every run
// through dist/cli.js with one coverage file per sequence:
//
// 1. Pairs: three consecutive 2-minute runs of `operations: all` with the
//    faithful stand-in: the share of pairs of knob values covered after
//    each run.
// 2. A rare cell: nights of create only (40 iterations each) with the
//    stand-in's `create-rare-refcount` bug, which only 512-byte clusters
//    with 1-bit refcounts trigger: the night it is first found, per seed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const PAIR_SEEDS = [20261201, 20261202, 20261203]
const PAIR_RUN = '2m'
const RARE_SEEDS = [31, 32, 33, 34, 35, 36]
const RARE_ITERATIONS = 40
/** Nights tried before a sequence counts as not finding the bug. */
const RARE_NIGHTS = 6
const MODES = ['coverage', 'uniform']

/** One run of dist/cli.js; its summary.json. */
function night({ seed, steer, file, operations, duration, iterations, bugs, jobs }) {
  const reportDir = mkdtempSync(path.join(os.tmpdir(), 'idf-bench-coverage-'))
  const args = [
    'dist/cli.js',
    'run',
    '--instar',
    '__tests__/support/stand-in-instar.mjs',
    '--seed',
    String(seed),
    '--operations',
    operations,
    '--duration',
    duration,
    '--iterations',
    String(iterations),
    '--jobs',
    String(jobs),
    '--steer',
    steer,
    '--coverage-file',
    file,
    '--report-dir',
    reportDir
  ]
  const run = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, STAND_IN_BUGS: bugs }
  })
  const summaryFile = path.join(reportDir, 'summary.json')
  let summary
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'))
  } catch {
    console.error(`bench: run exited ${run.status} without a summary\n${run.stderr.slice(-2000)}`)
    process.exit(1)
  }
  rmSync(reportDir, { recursive: true, force: true })
  if (bugs === '' && summary.findings.length > 0) {
    console.error('bench: a faithful stand-in must give no findings')
    process.exit(1)
  }
  return summary
}

/** Covered and total pairs (and values) over every operation of a summary's accumulated view. */
function shares(summary) {
  const ops = Object.values(summary.coverage.operations)
  const sum = (kind, part) => ops.reduce((a, o) => a + o[kind][part], 0)
  const share = kind => Math.round((sum(kind, 'covered') / sum(kind, 'total')) * 1000) / 10
  return { pairs: share('pairs'), values: share('values'), iterations: summary.iterations }
}

/** The modes take turns night by night, so a machine busier at one time weighs on both alike. */
function pairRows(jobs) {
  const files = Object.fromEntries(
    MODES.map(steer => [steer, mkdtempSync(path.join(os.tmpdir(), 'idf-bench-cov-file-'))])
  )
  const runs = Object.fromEntries(MODES.map(steer => [steer, []]))
  for (const seed of PAIR_SEEDS) {
    for (const steer of MODES) {
      process.stderr.write(`bench: coverage pairs, steer ${steer}, seed ${seed} (${PAIR_RUN})\n`)
      const s = night({
        seed,
        steer,
        file: path.join(files[steer], 'coverage.json'),
        operations: 'all',
        duration: PAIR_RUN,
        iterations: 0,
        bugs: '',
        jobs
      })
      runs[steer].push(shares(s))
    }
  }
  for (const dir of Object.values(files)) rmSync(dir, { recursive: true, force: true })
  return MODES.map(steer => ({ steer, runs: runs[steer] }))
}

function rareRows(jobs) {
  const rows = []
  for (const steer of MODES) {
    const nights = []
    for (const base of RARE_SEEDS) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'idf-bench-cov-file-'))
      let found = null
      for (let n = 1; n <= RARE_NIGHTS && found === null; n++) {
        process.stderr.write(`bench: rare cell, steer ${steer}, seed ${base}, night ${n}\n`)
        const s = night({
          seed: base * 100 + n,
          steer,
          file: path.join(dir, 'coverage.json'),
          operations: 'create',
          duration: '30m',
          iterations: RARE_ITERATIONS,
          bugs: 'create-rare-refcount',
          jobs
        })
        if (s.findings.some(f => f.options.join(' ') === 'cluster_size=512 refcount_bits=1'))
          found = n
      }
      rmSync(dir, { recursive: true, force: true })
      nights.push(found)
    }
    // A sequence that never found it counts as one night past the last tried.
    const mean = nights.reduce((a, n) => a + (n ?? RARE_NIGHTS + 1), 0) / nights.length
    rows.push({ steer, nights, mean: Math.round(mean * 100) / 100 })
  }
  return rows
}

/** Runs both benches; returns the printable lines and the JSON for bench.json. */
export function coverageBench(jobs = os.availableParallelism()) {
  const pairs = pairRows(jobs)
  const rare = rareRows(jobs)
  const lines = [
    '',
    `Coverage steering: ${PAIR_SEEDS.length} consecutive ${PAIR_RUN} runs of all operations (seeds ${PAIR_SEEDS.join(', ')}), one coverage file per steer; pairs (values) covered after each run`,
    '',
    `| steer | ${PAIR_SEEDS.map((_, i) => `run ${i + 1}`).join(' | ')} | iterations |`,
    `| --- | ${PAIR_SEEDS.map(() => '---:').join(' | ')} | ---: |`,
    ...pairs.map(
      r =>
        `| ${r.steer} | ${r.runs.map(x => `${x.pairs}% (${x.values}%)`).join(' | ')} | ${r.runs.map(x => x.iterations).join(' + ')} |`
    ),
    '',
    `Rare cell (create-rare-refcount: cluster_size=512 with refcount_bits=1): the night it is first found, nights of ${RARE_ITERATIONS} create iterations, seeds ${RARE_SEEDS.join(', ')} (not found in ${RARE_NIGHTS} counts as ${RARE_NIGHTS + 1})`,
    '',
    '| steer | nights per seed | mean |',
    '| --- | --- | ---: |',
    ...rare.map(
      r => `| ${r.steer} | ${r.nights.map(n => n ?? `>${RARE_NIGHTS}`).join(', ')} | ${r.mean} |`
    )
  ]
  return { lines, json: { pairs, rare } }
}

if (process.argv[1] && path.basename(process.argv[1]) === 'bench-coverage.mjs') {
  for (const line of coverageBench().lines) console.log(line)
}
