#!/usr/bin/env node
// The real qemu-img with one injected fault, for the tests of what the
// harness does when its reference misbehaves (a hang, no JSON, a missing
// output...), which the real qemu-img cannot be made to do on demand.
// Every call is forwarded to IDF_REAL_QEMU_IMG; IDF_FAULT names the fault
// and the calls it hits. Calls made by the stand-in instar (its parent)
// are always forwarded untouched: the fault is the reference's alone.
//
//   hang:<sub>          <sub> never ends
//   no-json:<sub>       <sub> prints nothing on stdout (its exit status is kept)
//   drop-output:<sub>   <sub> succeeds, then its output file (last argument) is removed
//   fail-info:<regex>   info of a file matching <regex> exits 1
//   fail-compare        compare of two different files exits 2
//   bad-snapshot-table  after snapshot -c, the header's snapshot table offset is 0
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'

const real = process.env.IDF_REAL_QEMU_IMG
const [kind, arg = ''] = (process.env.IDF_FAULT ?? '').split(/:(.*)/s)
const argv = process.argv.slice(2)
const sub = argv[0]

function fromStandIn() {
  try {
    return readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8').includes('stand-in-instar')
  } catch {
    return false
  }
}

function run(stdout = 'inherit') {
  const r = spawnSync(real, argv, { stdio: ['inherit', stdout, 'inherit'] })
  if (r.error) {
    process.stderr.write(`faulty qemu-img: ${r.error.message}\n`)
    process.exit(127)
  }
  return r
}

function end(r) {
  if (r.signal) process.kill(process.pid, r.signal)
  process.exit(r.status ?? 1)
}

function injected(message, status) {
  process.stderr.write(`qemu-img: ${message} (injected fault)\n`)
  process.exit(status)
}

if (!real) injected('IDF_REAL_QEMU_IMG is not set', 127)
if (fromStandIn()) end(run())
if (kind === 'hang' && sub === arg) setInterval(() => {}, 1 << 30)
else if (kind === 'no-json' && sub === arg) end(run('ignore'))
else if (kind === 'drop-output' && sub === arg) {
  const r = run()
  if (r.status === 0) rmSync(argv.at(-1), { force: true })
  end(r)
} else if (kind === 'fail-info' && sub === 'info' && new RegExp(arg).test(argv.at(-1))) {
  injected(`Could not open '${argv.at(-1)}'`, 1)
} else if (kind === 'fail-compare' && sub === 'compare' && argv.at(-1) !== argv.at(-2)) {
  injected('Error while reading', 2)
} else if (kind === 'bad-snapshot-table' && sub === 'snapshot' && argv.includes('-c')) {
  const r = run()
  const opts = argv[argv.indexOf('--image-opts') + 1] ?? ''
  const file = /file\.filename=((?:[^,]|,,)*)/.exec(opts)?.[1]?.replaceAll(',,', ',')
  if (r.status === 0 && file) {
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(8), 0, 8, 64)
    closeSync(fd)
  }
  end(r)
} else end(run())
