import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }

// src/findings/finding.ts
var EXCERPT = 2e3;
function excerpt(text, limit = EXCERPT) {
  return text.length <= limit ? text : `${text.slice(0, limit)}
\u2026 (${text.length - limit} more characters)`;
}
function callRecord(r) {
  return {
    argv: r.argv,
    cwd: r.cwd,
    exitCode: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    stdout: excerpt(r.stdout),
    stderr: excerpt(r.stderr),
    durationMs: r.durationMs
  };
}
function describeEnd(r) {
  if (r.timedOut) return `timed out after ${(r.durationMs / 1e3).toFixed(1)} s`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit ${r.exitCode}`;
}

// src/util/shell.ts
function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
function shellCommand(argv) {
  return argv.map(shellQuote).join(" ");
}

export {
  callRecord,
  describeEnd,
  shellCommand
};
