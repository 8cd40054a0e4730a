// npm run measure-execa: why the fuzz loop starts its tools with its own
// runner (src/util/tool-runner.ts) and only the setup commands use execa.
// Measures, on this machine:
//   1. the harness's own CPU per call (user + system of this process, the
//      children's CPU excluded) for a loop of /bin/true, runner vs execa;
//   2. what each does with a child that prints more than it keeps (a chatty
//      instar): the runner drops the excess and lets it finish, execa's
//      maxBuffer ends it.
// Prints a table, and the figures as JSON with --json.
//
//   npm run measure-execa [-- --calls 2000] [-- --json]
import { parseArgs } from 'node:util'
import { execa } from 'execa'
import { runTool } from '../src/util/tool-runner.ts'

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '1000' }, json: { type: 'boolean' } }
})
const CALLS = Number(values.calls)
const CAP = 4 * 1024 * 1024
const CHATTY_BYTES = 64 * 1024 * 1024

const runners = {
  'tool-runner': (file, args) => runTool(file, args, { timeoutMs: 30_000, outputCap: CAP }),
  execa: (file, args) => execa(file, args, { reject: false, timeout: 30_000, maxBuffer: CAP })
}

/** This process's CPU (ms) per call over `calls` sequential calls, after a warm-up. */
async function cpuPerCall(run, calls) {
  for (let i = 0; i < 50; i++) await run('/bin/true', [])
  const before = process.cpuUsage()
  const started = performance.now()
  for (let i = 0; i < calls; i++) await run('/bin/true', [])
  const used = process.cpuUsage(before)
  return {
    cpuMs: (used.user + used.system) / 1000 / calls,
    userMs: used.user / 1000 / calls,
    systemMs: used.system / 1000 / calls,
    wallMs: (performance.now() - started) / calls
  }
}

/** A child printing CHATTY_BYTES to stdout, kept to CAP: how did it end? */
async function chatty() {
  // The pause after the output stands for the work a tool does after printing.
  const args = ['-c', `head -c ${CHATTY_BYTES} /dev/zero; sleep 0.5; echo done >&2`]
  const t = await runTool('sh', args, { timeoutMs: 30_000, outputCap: CAP })
  const e = await execa('sh', args, { reject: false, timeout: 30_000, maxBuffer: CAP })
  return {
    'tool-runner': {
      exitCode: t.exitCode,
      signal: t.signal,
      finished: t.stderr.trim() === 'done',
      keptBytes: t.stdout.length,
      truncated: t.truncated
    },
    execa: {
      exitCode: e.exitCode ?? null,
      signal: e.signal ?? null,
      finished: String(e.stderr).trim() === 'done',
      keptBytes: String(e.stdout).length,
      failed: e.failed,
      isMaxBuffer: e.isMaxBuffer,
      message: e.shortMessage?.split('\n')[0]
    }
  }
}

const cpu = {}
for (const [name, run] of Object.entries(runners)) cpu[name] = await cpuPerCall(run, CALLS)
const result = { calls: CALLS, cpu, chatty: await chatty() }

if (values.json) {
  console.log(JSON.stringify(result, null, 2))
} else {
  const f = n => n.toFixed(2)
  console.log(`${CALLS} calls of /bin/true, this process's CPU per call (ms):`)
  console.log('| runner | CPU | user | system | wall |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const [name, c] of Object.entries(cpu))
    console.log(`| ${name} | ${f(c.cpuMs)} | ${f(c.userMs)} | ${f(c.systemMs)} | ${f(c.wallMs)} |`)
  const c = result.chatty
  console.log(`\na child printing ${CHATTY_BYTES >> 20} MiB, output kept to ${CAP >> 20} MiB:`)
  console.log(
    `- tool-runner: exit ${c['tool-runner'].exitCode}, ran to the end: ${c['tool-runner'].finished}, kept ${c['tool-runner'].keptBytes} bytes`
  )
  console.log(
    `- execa: exit ${c.execa.exitCode}, signal ${c.execa.signal}, failed: ${c.execa.failed}, ran to the end: ${c.execa.finished} (${c.execa.message})`
  )
}
