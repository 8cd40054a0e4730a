import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }

// src/util/sanitise.ts
var GITHUB_BODY_LIMIT = 65536;
var ZWJ = "\u200D";
var CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
var LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function printable(text) {
  return text.replace(/\r\n/g, "\n").replace(CONTROL, (c) => String.fromCharCode(c === "\x7F" ? 9249 : 9216 + c.charCodeAt(0))).replace(LONE_SURROGATE, "\uFFFD");
}
function longestRun(text, char) {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
function fence(untrusted, info = "") {
  const text = printable(untrusted);
  const ticks = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  const body = text.endsWith("\n") ? text : `${text}
`;
  return `${ticks}${info}
${body}${ticks}`;
}
function inlineCode(text) {
  const line = printable(text).replace(/\s+/g, " ").trim();
  if (line === "") return "(empty)";
  const ticks = "`".repeat(longestRun(line, "`") + 1);
  const pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
  return `${ticks}${pad}${line}${pad}${ticks}`;
}
function prose(text) {
  return printable(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/[`~\\]/g, (c) => `\\${c}`).replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`).replace(/#(?=\d)/g, `#${ZWJ}`).replace(/\bGH-(?=\d)/gi, (m) => `${m}${ZWJ}`).replace(/\b(https?|ftp)(?=:\/\/)/gi, (m) => `${m}${ZWJ}`).replace(/\bwww(?=\.)/gi, (m) => `${m}${ZWJ}`);
}
function truncate(text, limit) {
  if (text.length <= limit) return text;
  let cut = text.slice(0, Math.max(0, limit));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 55296 && last <= 56319) cut = cut.slice(0, -1);
  return `${cut}
\u2026 (${text.length - cut.length} more characters; the full evidence is in the report artifact)
`;
}

// src/findings/finding.ts
var OCCURRENCE_EVIDENCE = 10;
function keptOccurrence(o, index) {
  if (index < OCCURRENCE_EVIDENCE || o.evidence === void 0) return o;
  const counted = { ...o };
  delete counted.evidence;
  return counted;
}
function issueCounts(links) {
  const actions = [...links].map((l) => l.action);
  return {
    created: actions.filter((a) => a === "created").length,
    updated: actions.filter((a) => a === "commented" || a === "reopened").length
  };
}
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
    durationMs: r.durationMs,
    ...r.printed ? { printed: r.printed } : {},
    ...r.escaped ? { escaped: r.escaped } : {}
  };
}
var bytes = (n) => `${n.toLocaleString("en-US")} bytes`;
function callNotes(name, call) {
  const notes = [];
  const p = call.printed;
  if (p) {
    const streams = ["stdout", "stderr"].filter((s) => p[s] > p.kept).map((s) => `${bytes(p[s])} on ${s}`);
    notes.push(
      `Output truncated: ${name} printed ${streams.join(" and ")}; the first ${bytes(p.kept)} of each stream were kept (the tool was not stopped for it), and the excerpts below come from them.`
    );
  }
  if (call.escaped?.length)
    notes.push(
      `${name} left ${call.escaped.length === 1 ? "a process" : `${call.escaped.length} processes`} outside its process group holding its output open (${call.escaped.map((e) => `pid ${e.pid}: ${e.command}`).join("; ")}): the call ended without waiting for ${call.escaped.length === 1 ? "it" : "them"}, and ${call.escaped.length === 1 ? "it was" : "they were"} killed.`
    );
  return notes;
}
function describeEnd(r) {
  if (r.timedOut) return `timed out after ${(r.durationMs / 1e3).toFixed(1)} s`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit ${r.exitCode}`;
}

// src/findings/fingerprint.ts
import { createHash } from "node:crypto";
function fingerprint(type, operation, target, options) {
  const canonical = JSON.stringify([type, operation, target, [...options].sort()]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

// src/util/shell.ts
function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
function shellCommand(argv) {
  return argv.map(shellQuote).join(" ");
}

// src/util/action-version.ts
var ACTION_VERSION = "1.0.0";
var ACTION_LABEL = `instar-diff-fuzz ${ACTION_VERSION}`;

// src/findings/dimensions.ts
function dimensionsAcross(occurrences) {
  const counts = /* @__PURE__ */ new Map();
  for (const o of occurrences)
    for (const [key, value] of Object.entries(o.dimensions ?? {})) {
      const values = counts.get(key) ?? /* @__PURE__ */ new Map();
      values.set(value, (values.get(value) ?? 0) + 1);
      counts.set(key, values);
    }
  return [...counts].map(([key, values]) => ({
    key,
    values: [...values].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
  }));
}
function describeValues(d) {
  return d.values.map((v) => `${v.value} \xD7${v.count}`).join(", ");
}

export {
  GITHUB_BODY_LIMIT,
  fence,
  inlineCode,
  prose,
  truncate,
  keptOccurrence,
  issueCounts,
  callRecord,
  callNotes,
  describeEnd,
  fingerprint,
  shellQuote,
  shellCommand,
  ACTION_LABEL,
  dimensionsAcross,
  describeValues
};
