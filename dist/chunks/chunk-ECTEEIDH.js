import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  INPUT_DEFAULTS,
  announce,
  applyNightVerdicts,
  artifactNameInput,
  booleanInput,
  cancelOnSignals,
  cancelledRun,
  downloadShardArtifacts,
  dryRunReason,
  emptyCoverage,
  failure,
  fileIssues,
  formatDuration,
  inputReader,
  integerInput,
  invalid,
  isObject,
  isVerificationDocument,
  issueInputs,
  keepSample,
  largestSubset,
  listItems,
  mergeCoverage,
  mergeVerification,
  parseCoverage,
  parseJson,
  renderJobSummary,
  reportDirInput,
  reportFromDocument,
  reportGuard,
  resourceFigures,
  retentionDaysInput,
  runUrl,
  shipReports,
  unfiledLinks,
  verificationDocument,
  warningList,
  writeReports
} from "./chunk-634TCT64.js";
import {
  inlineCode,
  keptOccurrence
} from "./chunk-IWCMQYRO.js";

// src/findings/night-summary.ts
function code(text) {
  return inlineCode(text).replace(/\|/g, "\\|");
}
function shardTable(merged, missing) {
  const rows = merged.shards.map(
    (s) => `| ${s.shard} | ${s.seed} | ${s.iterations} | ${s.divergences} | ${s.findings} | ${formatDuration(s.elapsedSeconds)} | ${s.stoppedBy} | ${code(s.source)} |`
  );
  const absent = missing.map(
    (shard) => `| ${shard} | \u2013 | \u2013 | \u2013 | \u2013 | \u2013 | **missing** | no report: the job failed or was cancelled |`
  );
  return [
    "### Shards",
    "",
    "| shard | seed | iterations | divergences | findings | time | stopped by | report |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ...rows,
    ...absent,
    ""
  ];
}
function foldedLines(merged) {
  const pairs = Object.entries(merged.folded);
  if (pairs.length === 0) return [];
  return [
    `${pairs.length} finding${pairs.length === 1 ? "" : "s"} a shard could not minimise joined the minimal case another shard found: ${pairs.map(([from, into]) => `${code(from)} \u2192 ${code(into)}`).join(", ")}.`,
    ""
  ];
}
function renderNightSummary(merged, missing, links, run) {
  return [
    renderJobSummary(merged.result, links, run),
    ...shardTable(merged, missing),
    ...foldedLines(merged)
  ].join("\n");
}
function nightSections(merged, missing) {
  return {
    ...merged.sections,
    shards: merged.shards.map((s) => ({
      shard: s.shard,
      seed: s.seed,
      iterations: s.iterations,
      divergences: s.divergences,
      findings: s.findings,
      elapsed_seconds: s.elapsedSeconds,
      stopped_by: s.stoppedBy,
      source: s.source
    })),
    missing_shards: missing,
    folded: merged.folded
  };
}

// src/app/fan-in.ts
import os from "node:os";
import path2 from "node:path";

// src/findings/merge-sections.ts
function allSame(values) {
  const first = JSON.stringify(values[0]);
  return values.every((v) => JSON.stringify(v) === first);
}
function mergeUnknown(values) {
  if (values.length === 0) return void 0;
  const texts = values.map((v) => JSON.stringify(v));
  if (texts.every((t) => t === texts[0])) return values[0];
  if (values.every((v) => typeof v === "number")) return values.reduce((a, b) => a + b, 0);
  if (values.every(Array.isArray)) {
    const seen = /* @__PURE__ */ new Set();
    const joined = [];
    for (const item of values.flat()) {
      const text = JSON.stringify(item);
      if (seen.has(text)) continue;
      seen.add(text);
      joined.push(item);
    }
    return joined;
  }
  if (values.every(isObject)) {
    const keys = [...new Set(values.flatMap((v) => Object.keys(v)))];
    return Object.fromEntries(
      keys.map((k) => [k, mergeUnknown(values.filter((v) => k in v).map((v) => v[k]))])
    );
  }
  return values.filter((_, i) => texts.indexOf(texts[i]) === i);
}
function mergeVerificationSection(values) {
  const docs = values.filter(isVerificationDocument);
  return docs.length > 0 ? mergeVerification(docs) : mergeUnknown(values);
}
function mergeCoverageSection(values) {
  const maps = (key) => values.flatMap((v) => {
    const map = isObject(v) ? parseCoverage(v[key]) : "not a section";
    return typeof map === "string" ? [] : [map];
  });
  const sum = (list) => list.reduce(mergeCoverage, emptyCoverage());
  return {
    steer: mergeUnknown(values.map((v) => isObject(v) ? v.steer : void 0)),
    restored_from: mergeUnknown(values.map((v) => isObject(v) ? v.restored_from : void 0)),
    run: sum(maps("run")),
    accumulated: sum(maps("accumulated"))
  };
}
function mergeSteeringSection(values, shards) {
  if (allSame(values)) return values[0];
  return {
    mode: mergeUnknown(values.map((v) => isObject(v) ? v.mode : void 0)),
    weights_by_shard: Object.fromEntries(
      values.map((v, i) => [shards[i], isObject(v) ? v.weights ?? null : null])
    )
  };
}
var SECTION_MERGES = {
  verification: mergeVerificationSection,
  coverage: mergeCoverageSection,
  steering: mergeSteeringSection
};
function shardNames(shards) {
  return shards.map((name, i) => shards.indexOf(name) === i ? name : `${name} #${i + 1}`);
}
function mergeSections(sections, shards) {
  const names = shardNames(shards);
  const keys = [...new Set(sections.flatMap((s) => Object.keys(s)))];
  return Object.fromEntries(
    keys.map((k) => {
      const present = sections.flatMap(
        (s, i) => s[k] === void 0 || s[k] === null ? [] : [{ value: s[k], shard: names[i] }]
      );
      if (present.length === 0) return [k, null];
      const merge = SECTION_MERGES[k] ?? mergeUnknown;
      return [
        k,
        merge(
          present.map((p) => p.value),
          present.map((p) => p.shard)
        )
      ];
    })
  );
}

// src/findings/merge.ts
var STATUS_RANK = { minimised: 0, "as-drawn": 1, unminimised: 2 };
function betterCase(a, b) {
  const rank = STATUS_RANK[a.finding.status] - STATUS_RANK[b.finding.status];
  return rank < 0 || rank === 0 && a.finding.confirmed && !b.finding.confirmed;
}
function absorb(into, other) {
  const finding = {
    ...into.finding,
    runs: {
      confirm: into.finding.runs.confirm + other.runs.confirm,
      minimise: into.finding.runs.minimise + other.runs.minimise
    },
    // Full evidence for the first occurrences only, as a campaign keeps it.
    occurrences: [...into.finding.occurrences, ...other.occurrences].map(
      (o, i) => keptOccurrence(o, i)
    )
  };
  return { finding, from: into.from };
}
function byFingerprint(reports) {
  const groups = /* @__PURE__ */ new Map();
  reports.forEach((r, from) => {
    for (const finding of r.result.findings)
      groups.set(finding.fingerprint, [
        ...groups.get(finding.fingerprint) ?? [],
        { finding, from }
      ]);
  });
  const merged = /* @__PURE__ */ new Map();
  for (const [fp, group] of groups) {
    const best = group.reduce((a, b) => betterCase(b, a) ? b : a);
    const kept = group.filter((k) => k !== best).reduce((a, k) => absorb(a, k.finding), best);
    merged.set(fp, kept);
  }
  return merged;
}
function foldUnminimised(merged) {
  const folded = {};
  const minimal = [...merged.values()].map((k) => k.finding).filter((f) => f.status === "minimised");
  for (const [fp, kept] of [...merged]) {
    const f = kept.finding;
    if (f.status !== "unminimised") continue;
    const family = minimal.filter(
      (m) => m.type === f.type && m.operation === f.operation && m.target === f.target
    );
    const into = largestSubset(family, f.options);
    if (!into) continue;
    merged.set(into.fingerprint, absorb(merged.get(into.fingerprint), f));
    merged.delete(fp);
    folded[fp] = into.fingerprint;
  }
  return folded;
}
function addCounts(records) {
  const sum = {};
  for (const r of records) for (const [k, n] of Object.entries(r)) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}
function addStats(records) {
  const sum = {};
  for (const r of records)
    for (const [name, s] of Object.entries(r)) {
      const t = sum[name] ??= { runs: 0, divergences: 0, inconclusive: 0, seconds: 0 };
      t.runs += s.runs;
      t.divergences += s.divergences;
      t.inconclusive += s.inconclusive;
      t.seconds += s.seconds;
    }
  return sum;
}
function samples(all) {
  const kept = [];
  for (const s of all) keepSample(kept, s);
  return kept;
}
function resources(all) {
  return resourceFigures(
    all.reduce((a, r) => a + r.harnessCpuSeconds, 0),
    all.reduce((a, r) => a + r.toolsCpuSeconds, 0),
    Math.max(0, ...all.map((r) => r.peakRssMb))
  );
}
function stoppedBy(all) {
  return ["cancelled", "no-space", "duration"].find((v) => all.includes(v)) ?? "iterations";
}
var unique = (items) => [...new Set(items)];
function versionWarnings(results) {
  const first = results[0]?.versions;
  return results.filter((r) => r.versions.instar !== first.instar || r.versions.qemuImg !== first.qemuImg).map(
    (r) => `shard ${r.shard} ran instar ${r.versions.instar} and ${r.versions.qemuImg}, not ${first.instar} and ${first.qemuImg} like shard ${results[0].shard}`
  );
}
function shardLine(r, source) {
  const { result } = r;
  return {
    shard: result.shard,
    seed: result.seed,
    iterations: result.iterations,
    divergences: result.divergences,
    findings: result.findings.length,
    elapsedSeconds: result.elapsedSeconds,
    stoppedBy: result.stoppedBy,
    source
  };
}
function nightResult(results, findings) {
  const sum = (pick) => results.reduce((a, r) => a + pick(r), 0);
  return {
    seed: results[0]?.seed ?? 0,
    shard: results.map((r) => r.shard).join(", "),
    startedAt: results.map((r) => r.startedAt).filter(Boolean).sort()[0] ?? "",
    elapsedSeconds: Math.max(0, ...results.map((r) => r.elapsedSeconds)),
    iterations: sum((r) => r.iterations),
    cutShort: sum((r) => r.cutShort),
    divergences: sum((r) => r.divergences),
    inconclusive: {
      total: sum((r) => r.inconclusive.total),
      byType: addCounts(results.map((r) => r.inconclusive.byType))
    },
    inconclusiveSamples: samples(results.flatMap((r) => r.inconclusiveSamples)),
    operations: addStats(results.map((r) => r.operations)),
    findings,
    versions: results[0]?.versions ?? { instar: "", qemuImg: "" },
    spawns: addCounts(results.map((r) => r.spawns)),
    stoppedBy: stoppedBy(results.map((r) => r.stoppedBy)),
    // A shard's problems reach its summary.json as warnings (merged below),
    // so a report read back has none (report-read.ts) and neither has the night.
    problems: [],
    resources: resources(results.map((r) => r.resources)),
    confirmation: {
      confirmRuns: sum((r) => r.confirmation.confirmRuns),
      minimiseRuns: sum((r) => r.confirmation.minimiseRuns),
      attributed: sum((r) => r.confirmation.attributed),
      skippedKnownHangs: sum((r) => r.confirmation.skippedKnownHangs)
    }
  };
}
function mergeReports(shards) {
  const reports = shards.map((s) => s.report);
  const merged = byFingerprint(reports);
  const folded = foldUnminimised(merged);
  const kept = [...merged.values()].sort(
    (a, b) => b.finding.occurrences.length - a.finding.occurrences.length || a.finding.fingerprint.localeCompare(b.finding.fingerprint)
  );
  const results = reports.map((r) => r.result);
  const first = reports[0];
  return {
    result: nightResult(
      results,
      kept.map((k) => k.finding)
    ),
    replayCommands: Object.fromEntries(
      kept.flatMap((k) => {
        const command = reports[k.from].replayCommands[k.finding.fingerprint];
        return command === void 0 ? [] : [[k.finding.fingerprint, command]];
      })
    ),
    settings: {
      instarPath: first?.settings.instarPath,
      operations: unique(reports.flatMap((r) => r.settings.operations)),
      timeoutSeconds: first?.settings.timeoutSeconds ?? 0,
      durationSeconds: first?.settings.durationSeconds ?? 0,
      jobs: first?.settings.jobs ?? 0,
      minimize: first?.settings.minimize ?? true
    },
    qemuImg: first?.qemuImg ?? { path: "", source: "", cacheHit: false, seconds: 0 },
    setupNotes: unique(reports.flatMap((r) => r.setupNotes)),
    warnings: unique([
      ...versionWarnings(results),
      ...reports.flatMap((r) => r.warnings.map((w) => `shard ${r.result.shard}: ${w}`))
    ]),
    sections: mergeSections(
      reports.map((r) => r.sections),
      results.map((r) => r.shard)
    ),
    shards: shards.map((s) => shardLine(s.report, s.source)),
    caseFrom: Object.fromEntries(kept.map((k) => [k.finding.fingerprint, k.from])),
    folded
  };
}
function missingShards(present, expected) {
  const parsed = present.map((s) => /^(\d+)\/(\d+)$/.exec(s)).filter((m) => m !== null);
  const count = expected ?? Math.max(0, ...parsed.map((m) => Number(m[2])));
  const have = new Set(parsed.filter((m) => Number(m[2]) === count).map((m) => Number(m[1])));
  return Array.from({ length: count }, (_, i) => i + 1).filter((i) => !have.has(i)).map((i) => `${i}/${count}`);
}

// src/findings/report-folder.ts
import { cp, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

// src/findings/report-read.ts
var ReportError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ReportError";
  }
};
var SUMMARY_KEYS = {
  version: "read",
  seed: "read",
  shard: "read",
  started_at: "read",
  elapsed_seconds: "read",
  iterations: "read",
  divergences: "read",
  inconclusive: "read",
  operations: "read",
  findings: "read",
  steering: "section",
  coverage: "section",
  confirmation: "read",
  iterations_cut_short: "read",
  stopped_by: "read",
  inconclusive_samples: "read",
  versions: "read",
  qemu_img: "read",
  processes: "read",
  resources: "read",
  settings: "read",
  setup_notes: "read",
  run_url: "read",
  verification: "section",
  warnings: "read",
  api_requests: "section"
};
var READ_KEYS = Object.keys(SUMMARY_KEYS).filter(
  (k) => SUMMARY_KEYS[k] === "read"
);
var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : 0;
var str = (v, fallback = "") => typeof v === "string" ? v : fallback;
var obj = (v) => isObject(v) ? v : {};
var strings = (v) => Array.isArray(v) ? v.map(String) : [];
function counts(v) {
  return Object.fromEntries(Object.entries(obj(v)).map(([k, n]) => [k, num(n)]));
}
function operationStats(v) {
  return Object.fromEntries(
    Object.entries(obj(v)).map(([name, s]) => {
      const o = obj(s);
      const stats = {
        runs: num(o.runs),
        divergences: num(o.divergences),
        inconclusive: num(o.inconclusive),
        seconds: num(o.seconds)
      };
      return [name, stats];
    })
  );
}
var STOPPED_BY = ["duration", "iterations", "cancelled", "no-space"];
function findingOfDocument(doc, file) {
  const d = obj(doc);
  const wellFormed = typeof d.fingerprint === "string" && typeof d.type === "string" && typeof d.operation === "string" && typeof d.target === "string" && Array.isArray(d.options) && Array.isArray(d.occurrences) && d.occurrences.length > 0;
  if (!wellFormed)
    throw new ReportError(`${file} is not a finding (fingerprint, type, options, occurrences)`);
  const finding = { ...d };
  delete finding.issue;
  delete finding.replay;
  return finding;
}
function readReport(summary, findings) {
  const s = obj(summary);
  const inconclusive = obj(s.inconclusive);
  const confirmation = obj(s.confirmation);
  const versions = obj(s.versions);
  const resources2 = obj(s.resources);
  const settings = obj(s.settings);
  const qemuImg = obj(s.qemu_img);
  const byFingerprint2 = new Map(findings.map((f) => [f.fingerprint, f]));
  const listed = Array.isArray(s.findings) ? s.findings.map(obj) : [];
  const stoppedBy2 = STOPPED_BY.find((v) => v === s.stopped_by) ?? "duration";
  const result = {
    seed: num(s.seed),
    shard: str(s.shard, "1/1"),
    startedAt: str(s.started_at),
    elapsedSeconds: num(s.elapsed_seconds),
    iterations: num(s.iterations),
    cutShort: num(s.iterations_cut_short),
    divergences: num(s.divergences),
    inconclusive: { total: num(inconclusive.total), byType: counts(inconclusive.by_type) },
    inconclusiveSamples: Array.isArray(s.inconclusive_samples) ? s.inconclusive_samples : [],
    operations: operationStats(s.operations),
    // In the summary's order (most frequent first); a finding without its document is left out.
    findings: listed.flatMap((f) => byFingerprint2.get(str(f.fingerprint)) ?? []),
    versions: { instar: str(versions.instar), qemuImg: str(versions["qemu-img"]) },
    spawns: counts(s.processes),
    stoppedBy: stoppedBy2,
    problems: [],
    resources: {
      harnessCpuSeconds: num(resources2.harnessCpuSeconds),
      toolsCpuSeconds: num(resources2.toolsCpuSeconds),
      harnessShare: num(resources2.harnessShare),
      peakRssMb: num(resources2.peakRssMb)
    },
    confirmation: {
      confirmRuns: num(confirmation.confirm_runs),
      minimiseRuns: num(confirmation.minimise_runs),
      attributed: num(confirmation.attributed),
      skippedKnownHangs: num(confirmation.skipped_known_hangs)
    }
  };
  return {
    result,
    replayCommands: Object.fromEntries(
      listed.filter((f) => typeof f.replay === "string").map((f) => [str(f.fingerprint), str(f.replay)])
    ),
    settings: {
      instarPath: typeof settings.instar === "string" ? settings.instar : void 0,
      operations: strings(settings.operations),
      timeoutSeconds: num(settings.timeout),
      durationSeconds: num(settings.duration),
      jobs: num(settings.jobs),
      minimize: settings.minimize !== false
    },
    qemuImg: {
      path: str(qemuImg.path),
      source: str(qemuImg.source),
      cacheHit: qemuImg.cacheHit === true,
      seconds: num(qemuImg.seconds)
    },
    setupNotes: strings(s.setup_notes),
    warnings: strings(s.warnings),
    sections: Object.fromEntries(Object.entries(s).filter(([k]) => !READ_KEYS.includes(k)))
  };
}

// src/findings/report-folder.ts
async function readJson(file) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code2 = error.code;
    throw new ReportError(`${file} cannot be read (${code2 ?? error.message})`);
  }
  const doc = parseJson(text);
  if (doc === void 0) throw new ReportError(`${file} is not JSON`);
  return doc;
}
var FINDING_FILE = /^[0-9a-f]{16}\.json$/;
async function loadReportFolder(dir) {
  const summary = await readJson(path.join(dir, "summary.json"));
  const names = await readdir(path.join(dir, "findings")).catch(() => []);
  const findings = [];
  for (const name of names.filter((n) => FINDING_FILE.test(n)).sort()) {
    const file = path.join(dir, "findings", name);
    findings.push(findingOfDocument(await readJson(file), file));
  }
  return readReport(summary, findings);
}
function shardFolderName(shard) {
  return shard.replace(/\s+/g, "").replace("/", "-of-");
}
async function copyShardFiles(shards, out, caseFrom) {
  for (const [fp, from] of Object.entries(caseFrom)) {
    const folder = path.join(shards[from].dir, "findings", fp);
    const isFolder = await stat(folder).then(
      (s) => s.isDirectory(),
      () => false
    );
    if (isFolder) await cp(folder, path.join(out, "findings", fp), { recursive: true });
  }
  const used = /* @__PURE__ */ new Set();
  for (const [i, { dir, shard }] of shards.entries()) {
    const folderName = shardFolderName(shard);
    const name = used.has(folderName) ? `${folderName}-${i + 1}` : folderName;
    used.add(name);
    const aside = path.join(out, "shards", name);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name === "summary.json" || entry.name === "findings") continue;
      await cp(path.join(dir, entry.name), path.join(aside, entry.name), { recursive: true });
    }
    const findings = await readdir(path.join(dir, "findings"), { withFileTypes: true }).catch(
      () => []
    );
    for (const entry of findings) {
      if (FINDING_FILE.test(entry.name) || entry.name in caseFrom) continue;
      await cp(path.join(dir, "findings", entry.name), path.join(aside, "findings", entry.name), {
        recursive: true
      });
    }
  }
}

// src/app/fan-in.ts
async function shardFolders(inputs, env, warn) {
  if (inputs.reports.length > 0)
    return {
      folders: inputs.reports.map((dir) => ({ dir, source: dir })),
      shardCount: null,
      unavailable: false
    };
  const dest = path2.join(env.RUNNER_TEMP || os.tmpdir(), "instar-diff-fuzz-shards");
  const found = await downloadShardArtifacts(inputs.artifactName, dest, env);
  if ("unavailable" in found) {
    warn(
      "Shard artifacts",
      `no shard report could be downloaded: ${found.unavailable}; nothing was merged or filed`
    );
    return { folders: [], shardCount: null, unavailable: true };
  }
  for (const problem of found.problems) warn("Shard artifacts", problem);
  return {
    folders: found.shards.map((s) => ({ dir: s.dir, source: s.name })),
    // A shard whose artifact was listed but could not be read still tells the matrix's size.
    shardCount: found.listed.length > 0 ? Math.max(...found.listed.map((s) => s.count)) : null,
    unavailable: false
  };
}
async function loadShards(folders, warn) {
  const loaded = [];
  for (const folder of folders) {
    try {
      loaded.push({ ...folder, report: await loadReportFolder(folder.dir) });
    } catch (error) {
      warn("Shard reports", `${folder.source} was left out: ${error.message}`);
    }
  }
  return loaded;
}
function nightInfo(merged, env, night) {
  return {
    ...merged.settings,
    qemuImg: merged.qemuImg,
    runUrl: runUrl(env),
    replayCommands: merged.replayCommands,
    setupNotes: merged.setupNotes,
    warnings: [...merged.warnings, ...night.warnings],
    artifact: night.artifact,
    verification: night.verification
  };
}
function shardVerification(merged) {
  const doc = merged.sections.verification;
  return isVerificationDocument(doc) ? reportFromDocument(doc) : null;
}
async function gatherNight(inputs, ports, warn) {
  const { shards, shardCount, unavailable } = await ports.group("Shard reports", async () => {
    const found = await shardFolders(inputs, ports.env, warn);
    return { ...found, shards: await loadShards(found.folders, warn) };
  });
  const merged = mergeReports(shards);
  const missing = unavailable ? [] : missingShards(
    merged.shards.map((s) => s.shard),
    inputs.shards ?? shardCount
  );
  if (missing.length > 0)
    warn(
      "Missing shards",
      `shard ${missing.join(", ")} sent no report (the job failed or was cancelled); the other shards' findings are merged and filed`
    );
  if (shards.length === 0 && missing.length === 0 && !unavailable)
    warn("Shard reports", `no shard report was found (${inputs.artifactName}-<i>-of-<n>)`);
  ports.log(
    `merged ${shards.length} shards: ${merged.result.iterations} iterations, ${merged.result.findings.length} findings`
  );
  return { shards, merged, missing, unavailable };
}
async function runFanIn(inputs, ports) {
  const { warn, warnings } = warningList(ports);
  const { signal } = cancelOnSignals(ports.log);
  const { shards, merged, missing, unavailable } = await gatherNight(inputs, ports, warn);
  const reason = dryRunReason(inputs, ports.env);
  if (reason) warn("Dry run", reason);
  const wanted = inputs.fileIssues && reason === null;
  const filing = wanted && !signal.aborted;
  if (wanted && !filing && merged.result.findings.length > 0)
    warn("Cancelled", cancelledRun(merged.result));
  const night = { warnings, artifact: null, verification: shardVerification(merged) };
  let links = unfiledLinks(merged.result.findings, wanted);
  const guard = reportGuard(inputs.reportDir, merged.result, (line) => warn("Reports", line, "error"));
  const save = () => guard(
    () => saveNight(inputs, { merged, missing, links, info: nightInfo(merged, ports.env, night) })
  );
  await ports.group("Reports", async () => {
    const from = shards.map((s) => ({ dir: s.dir, shard: s.report.result.shard }));
    await copyShardFiles(from, inputs.reportDir, merged.caseFrom).catch(
      (error) => warn("Reports", `could not copy the shards' files: ${error.message}`, "error")
    );
    await save();
  });
  night.artifact = unavailable ? null : await shipReports(inputs, `${inputs.artifactName}-merged`, ports, warn);
  if (filing && merged.result.findings.length > 0) {
    const info = nightInfo(merged, ports.env, night);
    const report2 = { result: merged.result, info, seed: merged.result.seed };
    const filed = await fileIssues(inputs, report2, ports, { signal, warn });
    links = new Map([...links, ...filed.links]);
    await save();
  }
  if (filing && night.verification && !night.verification.written) {
    const run = { result: merged.result, links, runUrl: runUrl(ports.env) };
    const where = { ...ports, warn, signal };
    const shards2 = night.verification;
    night.verification = await applyNightVerdicts(shards2, inputs, run, where) ?? shards2;
    await save();
  }
  const report = {
    inputs,
    merged,
    missing,
    info: nightInfo(merged, ports.env, night),
    links,
    warnings: [...warnings],
    failure: failure(inputs, merged.result, links)
  };
  announce({ result: merged.result, links }, ports);
  return report;
}
async function saveNight(inputs, night) {
  const { merged, missing, links, info } = night;
  const sections = {
    ...nightSections(merged, missing),
    ...info.verification ? { verification: verificationDocument(info.verification) } : {}
  };
  await writeReports(inputs.reportDir, merged.result, links, info, sections);
}

// src/filing-inputs.ts
import { statSync } from "node:fs";
import path3 from "node:path";
var FILING_DEFAULTS = {
  ...INPUT_DEFAULTS,
  reports: "",
  shards: "0"
};
var SHARDS_MAX = 1024;
function reportsInput(value, reportDir) {
  const dirs = listItems(value).map((item) => path3.resolve(item));
  for (const dir of dirs) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
    }
    if (!isDir)
      throw invalid("reports", value, `'${dir}' is not a folder; give shard report folders`);
    if (reportDir === dir || reportDir.startsWith(`${dir}${path3.sep}`))
      throw invalid("reports", value, `report-dir ${reportDir} would be written inside '${dir}'`);
  }
  return dirs;
}
function parseFilingInputs(get) {
  const input = inputReader(get, FILING_DEFAULTS);
  const reportDir = reportDirInput(input("report-dir"));
  const shards = integerInput("shards", input("shards"), 0, SHARDS_MAX);
  return {
    reports: reportsInput(input("reports"), reportDir),
    shards: shards === 0 ? null : shards,
    artifactName: artifactNameInput(input("artifact-name")),
    ...issueInputs(input),
    reportDir,
    uploadArtifact: booleanInput("upload-artifact", input("upload-artifact")),
    retentionDays: retentionDaysInput(input("retention-days")),
    closeFixed: booleanInput("close-fixed", input("close-fixed"))
  };
}

export {
  renderNightSummary,
  runFanIn,
  parseFilingInputs
};
