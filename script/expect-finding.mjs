// The last step of CI's `uses: ./` job (and of the test that runs the
// bundled action with that job's inputs): the action's outputs and reports
// must show exactly the one planted bug, with the fingerprint the contract
// defines. Plain JavaScript for the runner's own Node.
//
//   EXPECTED='<type> <operation> <target> [options...]' FINDINGS=... NEW_ISSUES=...
//   REPORT_DIR=... node script/expect-finding.mjs
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

const { EXPECTED = '', FINDINGS, NEW_ISSUES, REPORT_DIR = '' } = process.env
const problems = []
const expect = (ok, what) => {
  if (!ok) problems.push(what)
}

const [type, operation, target, ...options] = EXPECTED.trim().split(/\s+/)
const fingerprint = createHash('sha256')
  .update(JSON.stringify([type, operation, target, [...options].sort()]))
  .digest('hex')
  .slice(0, 16)

expect(FINDINGS === '1', `the findings output is '${FINDINGS}', not '1'`)
expect(NEW_ISSUES === '0', `the new-issues output is '${NEW_ISSUES}', not '0' (a dry run)`)
const summaryFile = path.join(REPORT_DIR, 'summary.json')
if (existsSync(summaryFile)) {
  const findings = JSON.parse(readFileSync(summaryFile, 'utf8')).findings ?? []
  const found = findings.map(
    f => `${f.fingerprint} ${f.type} ${f.operation} ${f.target} [${f.options.join(' ')}]`
  )
  expect(
    findings.length === 1 && findings[0].fingerprint === fingerprint,
    `summary.json lists ${found.join('; ') || 'no finding'}, not ${fingerprint} ${EXPECTED}`
  )
  expect(
    existsSync(path.join(REPORT_DIR, 'findings', `${fingerprint}.json`)),
    `there is no findings/${fingerprint}.json`
  )
} else {
  problems.push(`there is no summary.json in the report-dir output '${REPORT_DIR}'`)
}

if (problems.length > 0) {
  console.log(`::error title=Planted bug not found::${problems.join('; ')}`)
  process.exit(1)
}
console.log(`found the planted bug as one finding: ${fingerprint} ${EXPECTED}`)
