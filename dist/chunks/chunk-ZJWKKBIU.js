import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  ACTION_LABEL,
  GITHUB_BODY_LIMIT,
  callNotes,
  describeEnd,
  describeValues,
  dimensionsAcross,
  fence,
  fingerprint,
  inlineCode,
  prose,
  shellCommand,
  truncate
} from "./chunk-IWCMQYRO.js";

// src/github/case-marker.ts
var CASE_MARKER = /^<!-- instar-diff-fuzz case=([A-Za-z0-9+/=]*) -->$/;
function caseMarker(f) {
  const stored = {
    type: f.type,
    operation: f.operation,
    target: f.target,
    options: f.options,
    case: f.case,
    filedBy: ACTION_LABEL
  };
  return `<!-- instar-diff-fuzz case=${Buffer.from(JSON.stringify(stored)).toString("base64")} -->`;
}
function headLines(body) {
  return splitHead(body ?? "").head.split(/\r?\n/);
}
function splitHead(body) {
  const end = body.search(/\r?\n\r?\n/);
  return end === -1 ? { head: body, rest: "" } : { head: body.slice(0, end), rest: body.slice(end) };
}
var isStrings = (v) => Array.isArray(v) && v.every((s) => typeof s === "string");
function shapeProblem(v) {
  for (const key of ["type", "operation", "target", "filedBy"])
    if (typeof v[key] !== "string") return `"${key}" is not a string`;
  if (!isStrings(v.options)) return '"options" is not a list of strings';
  const c = v.case;
  if (typeof c !== "object" || c === null) return '"case" is not an object';
  if (typeof c.schema !== "number" || typeof c.operation !== "string")
    return '"case" has no schema or operation';
  const plan = c.plan;
  if (typeof plan !== "object" || plan === null || typeof plan.knobs !== "object")
    return '"case" has no plan with knobs';
  if (c.operation !== v.operation || plan.target !== v.target)
    return '"case" is for another operation or target';
  return null;
}
function readCaseMarker(body, issueFingerprint) {
  const line = headLines(body).find((l) => l.startsWith("<!-- instar-diff-fuzz case="));
  if (line === void 0) return { kind: "missing" };
  const encoded = CASE_MARKER.exec(line)?.[1];
  if (encoded === void 0) return { kind: "broken", why: "the case marker is not base64" };
  let value;
  try {
    value = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    return { kind: "broken", why: "the case marker does not hold JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { kind: "broken", why: "the case marker does not hold an object" };
  const problem = shapeProblem(value);
  if (problem) return { kind: "broken", why: `the stored case is malformed: ${problem}` };
  const stored = value;
  if (fingerprint(stored.type, stored.operation, stored.target, stored.options) !== issueFingerprint)
    return { kind: "broken", why: "the stored case does not match the issue's fingerprint" };
  return { kind: "found", stored };
}

// src/github/render.ts
var TITLE_LIMIT = 256;
var BODY_BUDGET = GITHUB_BODY_LIMIT - 1536;
var LISTED_OCCURRENCES = 5;
var OPTIONS_CELL = 400;
var MARKER = /<!-- instar-diff-fuzz fingerprint=([0-9a-f]{16}) -->/;
var FILING_MARKER = /<!-- instar-diff-fuzz filing=([0-9a-z-]+) -->/;
var RUN_MARKER = /^<!-- instar-diff-fuzz run=(\S+) -->/;
function issueMarker(fingerprint2) {
  return `<!-- instar-diff-fuzz fingerprint=${fingerprint2} -->`;
}
function parseFingerprint(body) {
  return body?.match(MARKER)?.[1] ?? null;
}
function parseFilingId(body) {
  return body?.match(FILING_MARKER)?.[1] ?? null;
}
function runMarker(runUrl) {
  return `<!-- instar-diff-fuzz run=${runUrl} -->`;
}
function isRunComment(body, runUrl) {
  return runUrl !== "" && body?.match(RUN_MARKER)?.[1] === runUrl;
}
function renderIssueTitle(f) {
  const title = `[diff-fuzz] ${f.type}: ${f.operation} ${f.target} ${f.options.join(" ")}`.trimEnd();
  return title.length <= TITLE_LIMIT ? title : `${title.slice(0, TITLE_LIMIT - 1)}\u2026`;
}
function runLink(runUrl) {
  return runUrl ? `[this run](${runUrl})` : "a local run";
}
function artifactLink(ctx) {
  return ctx.artifactUrl ? `[report artifact](${ctx.artifactUrl})` : "report artifact";
}
function asText(value) {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}
function optionsText(options) {
  return options.length === 0 ? "(none)" : inlineCode(truncate(options.join(" "), OPTIONS_CELL));
}
function occurrenceSummary(occurrences, ctx) {
  const n = occurrences.length;
  const rows = dimensionsAcross(occurrences).map(
    (d) => `| ${d.key} | ${inlineCode(truncate(describeValues(d), OPTIONS_CELL)).replace(/\|/g, "\\|")} |`
  );
  const listed = occurrences.slice(0, LISTED_OCCURRENCES).map((o) => {
    const how = o.confirmed ? "re-run alone" : "matched to this finding";
    const replay = ctx.replayFor ? `: ${inlineCode(ctx.replayFor(o))}` : "";
    return `- seed ${o.seed}, iteration ${o.iteration}, step ${o.step} (${how})${replay}`;
  });
  const more = n - listed.length;
  return [
    ...rows.length > 0 ? [
      `| dimension | values across ${n} occurrence${n === 1 ? "" : "s"} |`,
      "| --- | --- |",
      ...rows,
      ""
    ] : [],
    ...listed,
    ...more > 0 ? [`- \u2026 and ${more} more (all are in the report artifact).`] : []
  ].join("\n");
}
function callSection(name, call, cut) {
  if (!call) return [];
  const lines = [
    `### ${name} call`,
    "",
    fence(cut(shellCommand(call.argv)), "sh"),
    "",
    `Ended: ${describeEnd(call)} after ${(call.durationMs / 1e3).toFixed(2)} s.`,
    "",
    ...callNotes(name, call).flatMap((note) => [prose(cut(note)), ""])
  ];
  if (call.stderr) lines.push("stderr:", "", fence(cut(call.stderr), "text"), "");
  if (call.stdout) lines.push("stdout:", "", fence(cut(call.stdout), "text"), "");
  return lines;
}
var SCRIPT_SHOWN = 3e4;
function shownScript(r) {
  if (r.script.length <= SCRIPT_SHOWN) return r.script;
  const kept = r.script.slice(0, r.script.lastIndexOf("\n", SCRIPT_SHOWN) + 1);
  return `${kept}# ... cut here, ${r.script.length - kept.length} characters short: the whole script is ${r.path} in the run's report artifact.
`;
}
function reproducerSection(r) {
  if (!r) return [];
  const lines = r.script.trimEnd().split("\n").length;
  return [
    "### Reproduce with instar and qemu-img alone",
    "",
    "The minimal case:",
    "",
    ...r.caseWords.map((w) => `- ${prose(w)}`),
    "",
    `Save the script below as \`repro.sh\` and run \`INSTAR=/path/to/instar QEMU_IMG=/path/to/qemu-img sh repro.sh\`. It builds the case in a temporary folder with qemu-img and qemu-io, runs both tools as the harness did, applies the same comparison and prints both results. Exit 1: the divergence reproduces; 0: it does not (fixed); 2: the reference tools could not build the case. It is also \`${r.path}\` in the run's report, with the source image where it is small.`,
    "",
    `<details><summary>repro.sh (${lines} lines)</summary>`,
    "",
    fence(shownScript(r), "sh"),
    "",
    "</details>",
    ""
  ];
}
function replayText(ctx) {
  return [...ctx.action?.checkout ? [ctx.action.checkout] : [], ctx.replayCommand].join("\n");
}
function replaySection(ctx) {
  const by = ctx.action ? [
    `Found by ${inlineCode(ctx.action.label)}; that version's pickers draw the same case from the seed:`,
    ""
  ] : [];
  return ["### Replay locally", "", ...by, fence(replayText(ctx), "sh"), ""];
}
function renderBody(f, ctx, cap) {
  let shortened = false;
  const cut = (text) => {
    if (text.length > cap) shortened = true;
    return truncate(text, cap);
  };
  const first = f.occurrences[0];
  const ev = f.evidence;
  const lines = [issueMarker(f.fingerprint)];
  if (ctx.filingId) lines.push(`<!-- instar-diff-fuzz filing=${ctx.filingId} -->`);
  lines.push(caseMarker(f), "");
  if (ev) lines.push(`**What diverged:** ${prose(cut(ev.summary))}`, "");
  const original = first?.originalOptions ?? f.options;
  const minimised = original.join(" ") !== f.options.join(" ");
  lines.push(
    `- **type:** ${inlineCode(f.type)}`,
    `- **operation:** ${inlineCode(f.operation)} on ${inlineCode(f.target)}`,
    `- **options:** ${optionsText(f.options)}${minimised ? ` (minimised from ${optionsText(original)})` : ""}${f.status === "unminimised" ? " (minimisation was cut short: more options than the bug may need)" : ""}`,
    `- **fingerprint:** \`${f.fingerprint}\``,
    `- **instar:** ${inlineCode(ctx.versions.instar)} \xB7 **qemu-img:** ${inlineCode(ctx.versions.qemuImg)}`,
    `- **found in:** ${runLink(ctx.runUrl)}, seed ${ctx.seed}, ${f.occurrences.length} occurrence${f.occurrences.length === 1 ? "" : "s"}`,
    "",
    ...reproducerSection(ctx.reproducer),
    ...replaySection(ctx)
  );
  if (ev?.differingPaths?.length)
    lines.push(
      "### Where the outputs differ",
      "",
      fence(cut(ev.differingPaths.join("\n")), "text"),
      ""
    );
  if (ev?.instarOutput !== void 0)
    lines.push(
      "### instar output (normalised)",
      "",
      fence(cut(asText(ev.instarOutput)), "json"),
      ""
    );
  if (ev?.qemuOutput !== void 0)
    lines.push(
      "### qemu-img output (normalised)",
      "",
      fence(cut(asText(ev.qemuOutput)), "json"),
      ""
    );
  lines.push(...callSection("instar", ev?.instar, cut), ...callSection("qemu-img", ev?.qemu, cut));
  if (ev?.details && Object.keys(ev.details).length > 0)
    lines.push("### Details", "", fence(cut(asText(ev.details)), "json"), "");
  lines.push("### What the occurrences share", "", occurrenceSummary(f.occurrences, ctx), "");
  lines.push(
    "---",
    `Filed by instar-diff-fuzz. Every occurrence with its full evidence is in the run's ${artifactLink(ctx)}, \`findings/${f.fingerprint}.json\`.`
  );
  return { body: lines.join("\n"), shortened };
}
function renderIssueBody(f, ctx) {
  let cap = 2e4;
  let rendered = renderBody(f, ctx, cap);
  while (rendered.body.length > BODY_BUDGET && cap > 64) {
    cap = Math.floor(cap / 2);
    rendered = renderBody(f, ctx, cap);
  }
  if (!rendered.shortened) return rendered.body;
  const note = `> [!NOTE]
> Some evidence was shortened to fit GitHub's ${GITHUB_BODY_LIMIT}-character limit; the full evidence is in the run's report artifact.
`;
  const [head, ...rest] = rendered.body.split("\n\n");
  return [head, note, ...rest].join("\n\n");
}
function renderOccurrenceComment(f, ctx, kind) {
  const n = f.occurrences.length;
  const headline = kind === "regression" ? `**Regressed:** this issue was closed as completed, but the divergence is back in ${runLink(ctx.runUrl)} (seed ${ctx.seed}, ${n} occurrence${n === 1 ? "" : "s"}). Reopening.` : `Seen again in ${runLink(ctx.runUrl)} (seed ${ctx.seed}, ${n} occurrence${n === 1 ? "" : "s"}).`;
  return [
    ...ctx.runUrl ? [runMarker(ctx.runUrl)] : [],
    headline,
    "",
    `instar ${inlineCode(ctx.versions.instar)} \xB7 qemu-img ${inlineCode(ctx.versions.qemuImg)}`,
    "",
    occurrenceSummary(f.occurrences, ctx),
    "",
    "Replay the first one:",
    "",
    fence(replayText(ctx), "sh"),
    ...ctx.artifactUrl ? ["", `Every occurrence with its evidence: ${artifactLink(ctx)}.`] : []
  ].join("\n");
}
function extendRunComment(existing, f, ctx) {
  const body = [
    existing,
    "",
    `Also seen by another shard of this run (seed ${ctx.seed}):`,
    "",
    occurrenceSummary(f.occurrences, ctx),
    "",
    fence(ctx.replayCommand, "sh")
  ].join("\n");
  return body.length <= GITHUB_BODY_LIMIT ? body : null;
}
function renderDuplicateNote(older) {
  return `Duplicate of #${older}: the same fingerprint was filed twice at the same moment (two shards of a run, or a retried request). Closing this one; the occurrences are recorded there.`;
}

export {
  headLines,
  splitHead,
  readCaseMarker,
  parseFingerprint,
  parseFilingId,
  isRunComment,
  renderIssueTitle,
  runLink,
  renderIssueBody,
  renderOccurrenceComment,
  extendRunComment,
  renderDuplicateNote
};
