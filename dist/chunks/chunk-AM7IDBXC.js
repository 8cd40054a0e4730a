import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }

// src/github/failure.ts
function statusOf(error) {
  const status = error?.status;
  return typeof status === "number" ? status : void 0;
}
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
function classify(error) {
  const status = statusOf(error);
  const message = messageOf(error);
  if (status === void 0 || status >= 500 || status === 429) return "unavailable";
  if (/rate limit/i.test(message)) return "unavailable";
  if (status === 401) return "denied";
  if (status === 410) return "disabled";
  if (status === 403 && /not accessible|permission|must have/i.test(message)) return "denied";
  return "rejected";
}
function unanswered(error) {
  return statusOf(error) === 500 && error.response === void 0;
}
function unfiledWarning(error, n, where) {
  const why = messageOf(error);
  const findings = `${n} finding${n === 1 ? " was" : "s were"} not filed`;
  switch (classify(error)) {
    case "denied":
      return {
        action: "dry-run",
        line: `The token may not write issues (${why}); ${findings} (dry run). Grant \`issues: write\` to file them.`
      };
    case "disabled":
      return {
        action: "failed",
        line: `Issues are disabled on ${where.repo} (GitHub answered 410: ${why}); ${findings}. Enable issues in the repository's settings, or set \`file-issues: false\`. Every finding is in the reports.`
      };
    default:
      return {
        action: "failed",
        line: unanswered(error) ? `The GitHub API at ${where.apiUrl} could not be reached (${why}); gave up after ${where.seconds.toFixed(1)} s of retries, ${findings}. Every finding is in the reports.` : `The GitHub API failed mid-way (${why}); ${findings}. Every finding is in the reports.`
      };
  }
}
function cancelledWhileFiling(filed, unfiled) {
  return `The run was cancelled while filing: ${filed} finding${filed === 1 ? " was" : "s were"} filed before the signal, ${unfiled} ${unfiled === 1 ? "was" : "were"} not (${unfiled === 1 ? "it is" : "they are"} in the reports). No issue is half-written: each is created with its whole body in one request.`;
}

export {
  statusOf,
  messageOf,
  classify,
  unanswered,
  unfiledWarning,
  cancelledWhileFiling
};
