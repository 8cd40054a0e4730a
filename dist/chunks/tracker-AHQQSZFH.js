import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  cancelledWhileFiling,
  classify,
  messageOf,
  statusOf,
  unfiledWarning
} from "./chunk-AM7IDBXC.js";
import {
  extendRunComment,
  isRunComment,
  parseFilingId,
  parseFingerprint,
  readCaseMarker,
  renderDuplicateNote,
  renderIssueBody,
  renderIssueTitle,
  renderOccurrenceComment
} from "./chunk-ZJWKKBIU.js";
import {
  fingerprint
} from "./chunk-IWCMQYRO.js";
import {
  GITHUB_PACING,
  createClient
} from "./chunk-PK5SE75M.js";
import "./chunk-OLKVGRLR.js";
import "./chunk-XSG2S53Z.js";
import "./chunk-UVFMWYEG.js";

// src/github/tracker.ts
import { randomUUID } from "node:crypto";

// src/github/issue-identity.ts
var TITLE = /^\[diff-fuzz\] ([a-z0-9_]+): (\S+) (\S+)((?: \S+)*)$/;
function identityFromTitle(title, issueFingerprint) {
  const m = TITLE.exec(title);
  if (!m) return null;
  const [, type, operation, target, rest] = m;
  const options = rest.split(" ").filter(Boolean);
  return fingerprint(type, operation, target, options) === issueFingerprint ? { type, operation, target, options } : null;
}
function issueIdentity(body, title, issueFingerprint) {
  const read = readCaseMarker(body, issueFingerprint);
  if (read.kind !== "found") return identityFromTitle(title, issueFingerprint);
  const { type, operation, target, options } = read.stored;
  return { type, operation, target, options };
}
function coveringFingerprint(f, known) {
  const have = new Set(f.options);
  let best;
  for (const [fp, issues] of known) {
    const id = issues.find((i) => i.identity)?.identity;
    if (!id || id.type !== f.type || id.operation !== f.operation || id.target !== f.target)
      continue;
    if (!id.options.every((o) => have.has(o))) continue;
    if (!best || id.options.length > best.size) best = { fp, size: id.options.length };
  }
  return best?.fp;
}

// src/github/issue-writes.ts
async function closeAsDuplicate(client, repo, issueNumber, olderId) {
  try {
    await client.rest.issues.update({
      ...repo,
      issue_number: issueNumber,
      state: "closed",
      state_reason: "duplicate",
      duplicate_issue_id: olderId
    });
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    await client.rest.issues.update({
      ...repo,
      issue_number: issueNumber,
      state: "closed",
      state_reason: "not_planned"
    });
  }
}

// src/github/labels.ts
var FirstLabelMissing = class extends Error {
  constructor(label, cause) {
    const denied = classify(cause) === "denied";
    super(
      `The label '${label}' does not exist and could not be created (${messageOf(cause)}): no new issue was opened${denied ? " (dry run)" : ""}, because an issue without it would not be found again. ${denied ? "Grant the token `issues: write`." : "Create the label by hand, or choose another first label."}`
    );
    this.label = label;
    this.name = "FirstLabelMissing";
    this.action = denied ? "dry-run" : "failed";
  }
  label;
  action;
};
function alreadyExists(error) {
  const errors = error?.response?.data?.errors;
  return statusOf(error) === 422 && (errors ?? []).some((e) => e.code === "already_exists");
}
function refused(error) {
  const c = classify(error);
  return (statusOf(error) === 403 || statusOf(error) === 422) && (c === "denied" || c === "rejected");
}
async function ensureLabels(client, repo, names) {
  const ready = { labels: [], warnings: [] };
  for (const [i, name] of names.entries()) {
    try {
      await client.rest.issues.getLabel({ ...repo, name });
      ready.labels.push(name);
      continue;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    try {
      await client.rest.issues.createLabel({
        ...repo,
        name,
        color: "d93f0b",
        description: "Divergence between instar and qemu-img found by instar-diff-fuzz"
      });
      ready.labels.push(name);
    } catch (error) {
      if (alreadyExists(error)) ready.labels.push(name);
      else if (!refused(error)) throw error;
      else if (i === 0) throw new FirstLabelMissing(name, error);
      else
        ready.warnings.push(
          `The label '${name}' does not exist and could not be created (${messageOf(error)}); new issues were filed without it.`
        );
    }
  }
  return ready;
}

// src/github/listing.ts
async function listKnown(client, repo, label, above = 0) {
  const items = await client.paginate(
    client.rest.issues.listForRepo,
    { ...repo, labels: label, state: "all", sort: "created", direction: "desc", per_page: 100 },
    (response, done) => {
      if (above > 0 && response.data.some((item) => item.number <= above)) done();
      return response.data;
    }
  );
  const byFingerprint = /* @__PURE__ */ new Map();
  let newest = above;
  for (const item of items) {
    newest = Math.max(newest, item.number);
    if (item.pull_request || item.number <= above) continue;
    const fp = parseFingerprint(item.body);
    if (!fp) continue;
    const issue = {
      id: item.id,
      number: item.number,
      url: item.html_url,
      state: item.state,
      stateReason: item.state_reason ?? null,
      filingId: parseFilingId(item.body),
      identity: issueIdentity(item.body, item.title, fp)
    };
    byFingerprint.set(fp, [...byFingerprint.get(fp) ?? [], issue]);
  }
  for (const issues of byFingerprint.values()) issues.sort((a, b) => a.number - b.number);
  return { byFingerprint, newest };
}

// src/github/tracker.ts
function isDuplicate(issue) {
  return issue.state === "closed" && issue.stateReason === "duplicate";
}
function link(issue, action) {
  return { number: issue.number, url: issue.url, action, tracked: action !== "created" };
}
var Filing = class {
  constructor(config, usage) {
    this.config = config;
    this.client = createClient(
      config.token,
      config.apiUrl,
      config.pacing ?? GITHUB_PACING,
      config.log,
      config.debug,
      usage
    );
  }
  config;
  client;
  id = randomUUID().slice(0, 13);
  created = [];
  known = /* @__PURE__ */ new Map();
  /** The highest issue number the listing saw: what is above it was filed since. */
  newest = 0;
  labels = null;
  /** What the pass survived and must say (a label new issues do without). */
  notes = [];
  get repo() {
    return { owner: this.config.owner, repo: this.config.repo };
  }
  context(f) {
    return {
      runUrl: this.config.runUrl,
      seed: this.config.seed,
      versions: this.config.versions,
      artifactUrl: this.config.artifactUrl,
      replayCommand: this.config.replayCommand(f),
      replayFor: this.config.replayFor,
      reproducer: this.config.reproducer?.(f),
      action: this.config.action
    };
  }
  /**
   * The issue already tracking this fingerprint, for findings that could
   * not be filed: open or closed as not planned, it shows the finding is
   * not new. A fixed one (closed as completed) is left out: seeing it again
   * is a regression, which is news.
   */
  trackedBy(f) {
    const issue = this.issuesOf(f).find((i) => i.state === "open" || i.stateReason === "not_planned");
    return issue && { number: issue.number, url: issue.url, action: "dry-run", tracked: true };
  }
  /** Every issue with the first label (listing.ts), read once before filing. */
  async load() {
    const listing = await listKnown(this.client, this.repo, this.config.labels[0]);
    this.known = listing.byFingerprint;
    this.newest = listing.newest;
  }
  /** Labels missing from the repository, created before the first new issue (labels.ts). */
  readyLabels() {
    this.labels ??= ensureLabels(this.client, this.repo, this.config.labels).then((ready) => {
      this.notes.push(...ready.warnings);
      return ready;
    });
    return this.labels;
  }
  /** A finding's issues; an unminimised one's are those of the known bug its options contain. */
  issuesOf(f) {
    const fp = f.status === "unminimised" ? coveringFingerprint(f, this.known) : f.fingerprint;
    return fp && this.known.get(fp) || [];
  }
  /** The issue a finding goes to: the oldest that is no duplicate. */
  existing(f) {
    const issues = this.issuesOf(f);
    return issues.find((i) => !isDuplicate(i)) ?? issues[0];
  }
  /** Files one finding (never opens one unminimised); throws only what the caller must classify. */
  async file(f) {
    const existing = this.existing(f);
    if (existing) return this.update(f, existing);
    if (f.status === "unminimised") return { number: null, url: null, action: "unminimised" };
    if (this.created.length >= this.config.maxNewIssues)
      return { number: null, url: null, action: "capped" };
    const { labels } = await this.readyLabels();
    const { data } = await this.client.rest.issues.create({
      ...this.repo,
      title: renderIssueTitle(f),
      body: renderIssueBody(f, { ...this.context(f), filingId: this.id }),
      labels
    });
    const issue = {
      id: data.id,
      number: data.number,
      url: data.html_url,
      state: "open",
      stateReason: null,
      filingId: this.id,
      identity: { type: f.type, operation: f.operation, target: f.target, options: f.options }
    };
    this.created.push({ finding: f, issue });
    this.known.set(f.fingerprint, [issue]);
    return link(issue, "created");
  }
  /**
   * A finding that already has an issue: open gets this run's comment;
   * closed as not planned (or as a duplicate) is the maintainers' decision
   * and is left alone (`suppressed`); closed as completed (or closed before
   * GitHub had reasons) follows on-closed. `ignore` is reported as
   * `suppressed` too: known, deliberately not touched.
   */
  async update(f, issue) {
    if (issue.state === "open") {
      await this.comment(f, issue, "recurrence");
      return link(issue, "commented");
    }
    const reason = issue.stateReason ?? "completed";
    if (reason !== "completed" || this.config.onClosed === "ignore")
      return link(issue, "suppressed");
    if (this.config.onClosed === "comment") {
      await this.comment(f, issue, "recurrence");
      return link(issue, "commented");
    }
    await this.client.rest.issues.update({
      ...this.repo,
      issue_number: issue.number,
      state: "open",
      state_reason: "reopened"
    });
    issue.state = "open";
    issue.stateReason = "reopened";
    await this.comment(f, issue, "regression");
    return link(issue, "reopened");
  }
  /**
   * At most one comment per run: when another shard of this run already
   * commented, its comment is extended instead.
   */
  async comment(f, issue, kind) {
    const ctx = this.context(f);
    if (ctx.runUrl) {
      const comments = await this.client.paginate(this.client.rest.issues.listComments, {
        ...this.repo,
        issue_number: issue.number,
        per_page: 100
      });
      const ours = comments.find((c) => isRunComment(c.body, ctx.runUrl));
      const extended = ours?.body ? extendRunComment(ours.body, f, ctx) : null;
      if (ours && extended) {
        await this.client.rest.issues.updateComment({
          ...this.repo,
          comment_id: ours.id,
          body: extended
        });
        return;
      }
    }
    await this.client.rest.issues.createComment({
      ...this.repo,
      issue_number: issue.number,
      body: renderOccurrenceComment(f, ctx, kind)
    });
  }
  /**
   * Two shards can find the same new fingerprint at the same moment, and a
   * create whose response was lost can be retried into a second issue.
   * Listing again after creating shows both: the newer one is closed as a
   * duplicate of the older, and the finding goes to the older one (as
   * `created` when this pass made it, else like any existing issue).
   */
  async settleRaces(links, warnings) {
    if (this.created.length === 0) return;
    const since = await listKnown(this.client, this.repo, this.config.labels[0], this.newest);
    for (const [fp, issues] of since.byFingerprint) {
      const all = new Map([...this.known.get(fp) ?? [], ...issues].map((i) => [i.number, i]));
      this.known.set(
        fp,
        [...all.values()].sort((a, b) => a.number - b.number)
      );
    }
    for (const { finding, issue } of this.created) {
      const older = this.known.get(finding.fingerprint)?.find((i) => i.number < issue.number && !isDuplicate(i));
      if (!older) continue;
      try {
        await this.client.rest.issues.createComment({
          ...this.repo,
          issue_number: issue.number,
          body: renderDuplicateNote(older.number)
        });
        await closeAsDuplicate(this.client, this.repo, issue.number, older.id);
        this.config.log?.(
          `#${issue.number} and #${older.number} were filed for ${finding.fingerprint} at the same moment: #${issue.number} was closed as a duplicate`
        );
        links.set(
          finding.fingerprint,
          older.filingId === this.id ? link(older, "created") : await this.update(finding, older)
        );
      } catch (error) {
        if (classify(error) !== "rejected") throw error;
        warnings.push(
          `#${issue.number} duplicates #${older.number} but could not be closed: ${messageOf(error)}`
        );
      }
    }
  }
};
function refusal(f, issue, error) {
  if (error instanceof FirstLabelMissing) return error.message;
  const what = `finding ${f.fingerprint} (${f.type} in ${f.operation} ${f.target})`;
  const why = messageOf(error).replace(/\.$/, "");
  return issue ? `GitHub refused this run's update of #${issue.number} for ${what}: ${why}. Its occurrences are in the reports; the other findings were filed.` : `GitHub refused to open an issue for ${what}: ${why}. It is in the reports; the other findings were filed.`;
}
async function fileFindings(findings, config) {
  const started = Date.now();
  const usage = { requests: 0 };
  const links = /* @__PURE__ */ new Map();
  const warnings = [];
  const warn = (line) => {
    if (!warnings.includes(line)) warnings.push(line);
  };
  let filing;
  const markRest = (action) => {
    let n = 0;
    for (const f of findings)
      if (!links.has(f.fingerprint)) {
        const known = filing?.trackedBy(f);
        links.set(f.fingerprint, {
          number: known?.number ?? null,
          url: known?.url ?? null,
          action,
          tracked: known !== void 0
        });
        n++;
      }
    return n;
  };
  const result = () => ({ links, warnings, requests: usage.requests });
  if (findings.length === 0) return result();
  if (!config.token || config.labels.length === 0) {
    markRest("dry-run");
    warn(
      config.token ? "No labels were configured, so existing findings cannot be found; no issues were filed (dry run)." : "No token was given, so no issues were filed (dry run)."
    );
    return result();
  }
  try {
    filing = new Filing(config, usage);
    await filing.load();
    const last = (f) => Number(f.status === "unminimised");
    for (const f of [...findings].sort((a, b) => last(a) - last(b))) {
      if (config.signal?.aborted) break;
      try {
        links.set(f.fingerprint, await filing.file(f));
      } catch (error) {
        const label = error instanceof FirstLabelMissing ? error : null;
        if (!label && classify(error) !== "rejected") throw error;
        links.set(f.fingerprint, { number: null, url: null, action: label?.action ?? "failed" });
        warn(refusal(f, filing.existing(f), error));
      }
    }
    for (const note of filing.notes) warn(note);
    if (config.signal?.aborted) {
      const filed = links.size;
      const n = markRest("failed");
      if (n > 0) warn(cancelledWhileFiling(filed, n));
    } else await filing.settleRaces(links, warnings);
  } catch (error) {
    const n = findings.length - links.size;
    const { action, line } = unfiledWarning(error, n, {
      apiUrl: config.apiUrl,
      repo: `${config.owner}/${config.repo}`,
      seconds: (Date.now() - started) / 1e3
    });
    markRest(action);
    warn(line);
  }
  return result();
}
export {
  fileFindings
};
