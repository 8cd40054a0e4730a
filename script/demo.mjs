// A short end-to-end campaign a newcomer can watch: the bundled command
// line (dist/cli.js, exactly what the action ships) runs against the test
// suite's stand-in instar with one planted bug (create ignores
// lazy_refcounts=on) and the real qemu-img. It prints the job-summary-style
// report and the text of the issue that would be filed (a dry run).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

const reportDir = path.resolve('reports', 'demo')
const args = [
  'dist/cli.js',
  'run',
  '--instar',
  '__tests__/support/stand-in-instar.mjs',
  '--seed',
  '20261124',
  '--duration',
  '45s',
  '--operations',
  'create,info,check,convert',
  '--report-dir',
  reportDir
]
console.log(`$ STAND_IN_BUGS=create-drops-lazy-refcounts node ${args.join(' ')}\n`)
const run = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, STAND_IN_BUGS: 'create-drops-lazy-refcounts' }
})
const summaryFile = path.join(reportDir, 'summary.json')
if (!existsSync(summaryFile)) {
  console.error('demo: the campaign wrote no summary.json')
  process.exit(1)
}
const summary = JSON.parse(readFileSync(summaryFile, 'utf8'))
const planted = summary.findings.filter(
  f => f.operation === 'create' && f.options.includes('lazy_refcounts=on')
)
console.log(
  `\ndemo: ${summary.iterations} iterations, ${summary.findings.length} findings; the planted bug was ${planted.length ? 'found' : 'NOT found'}.`
)
console.log(`demo: reports are in ${reportDir}`)
process.exit(run.status === 1 && planted.length > 0 ? 0 : 1)
