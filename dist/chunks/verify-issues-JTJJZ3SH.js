import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  classify,
  messageOf
} from "./chunk-AM7IDBXC.js";
import {
  headLines,
  parseFingerprint,
  readCaseMarker,
  runLink,
  splitHead
} from "./chunk-ZJWKKBIU.js";
import {
  inlineCode
} from "./chunk-IWCMQYRO.js";
import "./chunk-UVFMWYEG.js";

// src/github/verify-issues.ts
var VERIFIED_MARKER = /^<!-- instar-diff-fuzz verified=(\d{4}-\d{2}-\d{2}) result=(reproduces|fixed) -->$/;
var VERIFIED_LINE = "**Last verified:**";
function parseLastVerified(body) {
  for (const line of headLines(body)) {
    const m = VERIFIED_MARKER.exec(line);
    if (m) return { date: m[1], result: m[2] };
  }
  return null;
}
async function listOwnedIssues(client, repo, label, shard) {
  const items = await client.paginate(client.rest.issues.listForRepo, {
    ...repo,
    labels: label,
    state: "open",
    per_page: 100
  });
  const owned = [];
  for (const item of items) {
    const fp = parseFingerprint(item.body);
    if (item.pull_request || !fp || item.number % shard.count !== shard.index - 1) continue;
    owned.push({
      number: item.number,
      url: item.html_url,
      body: item.body ?? "",
      fingerprint: fp,
      stored: readCaseMarker(item.body, fp),
      lastVerified: parseLastVerified(item.body)
    });
  }
  const key = (i) => i.lastVerified?.date ?? "";
  return owned.sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number);
}
function instarWords(ctx) {
  const commit = /^[0-9a-f]{7,40}$/.test(ctx.commit) ? ` (commit ${ctx.commit})` : "";
  return `instar ${inlineCode(ctx.instar)}${commit}`;
}
function withLastVerified(body, result, ctx) {
  const nl = body.includes("\r\n") ? "\r\n" : "\n";
  const { head, rest } = splitHead(body);
  const kept = head.split(/\r?\n/).filter((line) => !VERIFIED_MARKER.test(line) && !line.startsWith(VERIFIED_LINE));
  const words = result === "fixed" ? "no longer reproduces" : "still reproduces";
  kept.push(
    `<!-- instar-diff-fuzz verified=${ctx.date} result=${result} -->`,
    `${VERIFIED_LINE} ${words} with ${instarWords(ctx)} on ${ctx.date} in ${runLink(ctx.runUrl)}.`
  );
  return kept.join(nl) + rest;
}
function renderFixedComment(ctx, tries) {
  return [
    `No longer reproduces with ${instarWords(ctx)} in ${runLink(ctx.runUrl)}: the stored case ran ${tries} times and instar agreed with qemu-img every time.`,
    "",
    ctx.closeFixed ? "Closing as completed. If the divergence comes back, the run that finds it reopens this issue as a regression." : "Left open (`close-fixed: false`): close it once the fix is confirmed; if the divergence comes back, this issue gets the finding."
  ].join("\n");
}
async function applyOne(client, repo, d, ctx) {
  const { issue, verdict } = d;
  if (verdict !== "reproduces" && verdict !== "fixed") return "none";
  const last = issue.lastVerified;
  const body = withLastVerified(issue.body, verdict, ctx);
  const update = (extra = {}) => client.rest.issues.update({ ...repo, issue_number: issue.number, body, ...extra });
  const alreadyFixed = last?.result === "fixed" && !ctx.closeFixed;
  if (verdict === "reproduces" || alreadyFixed) {
    if (last?.result === verdict && last.date === ctx.date) return "none";
    await update();
    return "noted";
  }
  await client.rest.issues.createComment({
    ...repo,
    issue_number: issue.number,
    body: renderFixedComment(ctx, d.tries)
  });
  if (!ctx.closeFixed) {
    await update();
    return "commented";
  }
  await update({ state: "closed", state_reason: "completed" });
  return "closed";
}
async function applyVerdicts(client, repo, decided, ctx, signal) {
  const actions = decided.map(() => "none");
  const warnings = [];
  for (const [k, d] of decided.entries()) {
    if (signal?.aborted) break;
    try {
      actions[k] = await applyOne(client, repo, d, ctx);
    } catch (error) {
      actions[k] = "failed";
      if (classify(error) === "rejected") {
        warnings.push(`Could not update #${d.issue.number} after verifying it: ${messageOf(error)}`);
        continue;
      }
      const rest = decided.slice(k + 1).filter((r) => r.verdict === "reproduces" || r.verdict === "fixed");
      for (const r of rest) actions[decided.indexOf(r)] = "failed";
      warnings.push(
        `Verified issues could not be updated (${messageOf(error)}); ${rest.length + 1} verdicts were not written. They are in summary.json.`
      );
      break;
    }
  }
  return { actions, warnings };
}
export {
  applyVerdicts,
  listOwnedIssues,
  parseLastVerified,
  renderFixedComment,
  withLastVerified
};
