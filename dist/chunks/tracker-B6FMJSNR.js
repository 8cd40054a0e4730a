import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
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
} from "./chunk-2ISO7X4G.js";
import {
  fingerprint
} from "./chunk-CJSCOX77.js";
import {
  GITHUB_PACING,
  createClient
} from "./chunk-5KFE3IBV.js";
import "./chunk-OLKVGRLR.js";
import "./chunk-XSG2S53Z.js";
import {
  classify,
  messageOf,
  statusOf
} from "./chunk-KLVMAHAY.js";
import "./chunk-UVFMWYEG.js";

// src/github/tracker.ts
import { randomUUID } from "node:crypto";

// src/github/issue-writes.ts
async function ensureLabels(client, repo, labels) {
  for (const name of labels) {
    try {
      await client.rest.issues.getLabel({ ...repo, name });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      try {
        await client.rest.issues.createLabel({
          ...repo,
          name,
          color: "d93f0b",
          description: "Divergence between instar and qemu-img found by instar-diff-fuzz"
        });
      } catch (error2) {
        if (statusOf(error2) !== 422) throw error2;
      }
    }
  }
}
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

// src/github/tracker.ts
function isDuplicate(issue) {
  return issue.state === "closed" && issue.stateReason === "duplicate";
}
function link(issue, action) {
  return { number: issue.number, url: issue.url, action, tracked: action !== "created" };
}
var Filing = class {
  constructor(config) {
    this.config = config;
    this.client = createClient(
      config.token,
      config.apiUrl,
      config.pacing ?? GITHUB_PACING,
      config.log,
      config.debug
    );
  }
  config;
  client;
  id = randomUUID().slice(0, 13);
  created = [];
  known = /* @__PURE__ */ new Map();
  labelsReady = false;
  get repo() {
    return { owner: this.config.owner, repo: this.config.repo };
  }
  context(f) {
    return {
      runUrl: this.config.runUrl,
      artifactUrl: this.config.artifactUrl,
      seed: this.config.seed,
      versions: this.config.versions,
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
  /**
   * Every issue with the first label, open and closed, every page, keyed by
   * the fingerprint in its marker, oldest first. The search API would be
   * cheaper but is rate limited and its index lags behind new issues, which
   * is exactly when two shards need to see each other.
   */
  async load() {
    const items = await this.client.paginate(this.client.rest.issues.listForRepo, {
      ...this.repo,
      labels: this.config.labels[0],
      state: "all",
      per_page: 100
    });
    const known = /* @__PURE__ */ new Map();
    for (const item of items) {
      if (item.pull_request) continue;
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
      known.set(fp, [...known.get(fp) ?? [], issue]);
    }
    for (const issues of known.values()) issues.sort((a, b) => a.number - b.number);
    this.known = known;
  }
  /** A finding's issues; an unminimised one's are those of the known bug its options contain. */
  issuesOf(f) {
    const fp = f.status === "unminimised" ? coveringFingerprint(f, this.known) : f.fingerprint;
    return fp && this.known.get(fp) || [];
  }
  /** Files one finding (never opens one unminimised); throws only what the caller must classify. */
  async file(f) {
    const issues = this.issuesOf(f);
    const existing = issues.find((i) => !isDuplicate(i)) ?? issues[0];
    if (existing) return this.update(f, existing);
    if (f.status === "unminimised") return { number: null, url: null, action: "unminimised" };
    if (this.created.length >= this.config.maxNewIssues)
      return { number: null, url: null, action: "capped" };
    await this.ensureLabels();
    const { data } = await this.client.rest.issues.create({
      ...this.repo,
      title: renderIssueTitle(f),
      body: renderIssueBody(f, { ...this.context(f), filingId: this.id }),
      labels: this.config.labels
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
  async ensureLabels() {
    if (this.labelsReady) return;
    await ensureLabels(this.client, this.repo, this.config.labels);
    this.labelsReady = true;
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
    await this.load();
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
async function fileFindings(findings, config) {
  const links = /* @__PURE__ */ new Map();
  const warnings = [];
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
  if (findings.length === 0) return { links, warnings };
  if (!config.token || config.labels.length === 0) {
    markRest("dry-run");
    warnings.push(
      config.token ? "No labels were configured, so existing findings cannot be found; no issues were filed (dry run)." : "No token was given, so no issues were filed (dry run)."
    );
    return { links, warnings };
  }
  try {
    filing = new Filing(config);
    await filing.load();
    const last = (f) => Number(f.status === "unminimised");
    for (const f of [...findings].sort((a, b) => last(a) - last(b))) {
      try {
        links.set(f.fingerprint, await filing.file(f));
      } catch (error) {
        if (classify(error) !== "rejected") throw error;
        links.set(f.fingerprint, { number: null, url: null, action: "failed" });
        warnings.push(`GitHub refused to file finding ${f.fingerprint}: ${messageOf(error)}`);
      }
    }
    await filing.settleRaces(links, warnings);
  } catch (error) {
    if (classify(error) === "denied") {
      const n = markRest("dry-run");
      warnings.push(
        `The token may not write issues (${messageOf(error)}); ${n} findings were not filed (dry run). Grant \`issues: write\` to file them.`
      );
    } else {
      const n = markRest("failed");
      warnings.push(
        `The GitHub API failed mid-way (${messageOf(error)}); ${n} findings were not filed. Every finding is in the reports.`
      );
    }
  }
  return { links, warnings };
}
export {
  fileFindings
};
