import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  campaignConfig,
  cancelOnSignals,
  parseInputs,
  provisionQemu,
  randomMasterSeed,
  relaunchWithSmallHeap,
  renderJobSummary,
  runCampaign,
  runInfo,
  runTool,
  succeeded,
  writeReports
} from "./chunks/chunk-QF7ARL7J.js";
import {
  getInput,
  group,
  info,
  setFailed,
  setOutput,
  summary,
  warning
} from "./chunks/chunk-T5IMJ574.js";
import "./chunks/chunk-MP74B4BL.js";
import "./chunks/chunk-ZZEOTRKA.js";

// src/main.ts
import path2 from "node:path";

// src/qemu/kvm.ts
import { accessSync, constants, existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var KVM_UDEV_RULE = 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"\n';
function canOpen(device) {
  try {
    accessSync(device, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
function systemKvmEnv() {
  return {
    device: "/dev/kvm",
    rulesFile: "/etc/udev/rules.d/99-kvm4all.rules",
    isRoot: process.getuid?.() === 0,
    canOpen,
    run: (file, args) => runTool(file, args, { timeoutMs: 3e4, outputCap: 64 * 1024 })
  };
}
var NEEDS_KVM = "instar operations that need KVM (its mutating operations run in a KVM guest) will fail";
async function prepareKvm(log, overrides = {}) {
  const env = { ...systemKvmEnv(), ...overrides };
  if (!existsSync(env.device))
    return { state: "missing", note: `${env.device} is missing: ${NEEDS_KVM}` };
  if (env.canOpen(env.device)) {
    log(`${env.device} is accessible`);
    return { state: "ok", note: `${env.device} is accessible` };
  }
  log(`${env.device} is not accessible to this user: adding a udev rule for it`);
  const sudo = (argv) => env.isRoot ? [argv[0], argv.slice(1)] : ["sudo", ["-n", ...argv]];
  const scratch = await mkdtemp(path.join(os.tmpdir(), "idf-kvm-"));
  const failures = [];
  try {
    const rule = path.join(scratch, "kvm.rules");
    await writeFile(rule, KVM_UDEV_RULE);
    const steps = [
      ["install", "-m", "0644", rule, env.rulesFile],
      ["udevadm", "control", "--reload-rules"],
      ["udevadm", "trigger", "--name-match=kvm"],
      ["udevadm", "settle", "--timeout=10"]
    ];
    for (const step of steps) {
      const r = await env.run(...sudo(step));
      if (!succeeded(r)) {
        failures.push(
          `${step[0] === "install" ? "writing the rule" : step.slice(0, 2).join(" ")}: ${(r.stderr.trim().split("\n")[0] || `exit ${r.exitCode}`).slice(0, 160)}`
        );
        break;
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  if (env.canOpen(env.device)) {
    log(`${env.device} is accessible after the udev rule`);
    return {
      state: "fixed",
      note: `${env.device} made accessible with a udev rule (${env.rulesFile})`
    };
  }
  const why = failures.length > 0 ? ` (${failures.join("; ")})` : "";
  return {
    state: "inaccessible",
    note: `${env.device} exists but this user cannot open it and the udev rule did not help${why}: ${NEEDS_KVM}`
  };
}

// src/main.ts
function dryRunReason(inputs) {
  if (!inputs.fileIssues) return null;
  if (!inputs.token)
    return "no token was given, so no issues were filed (dry run); pass `token:` or grant `issues: write`.";
  if (!process.env.GITHUB_REPOSITORY)
    return "GITHUB_REPOSITORY is not set, so no issues were filed (dry run).";
  return null;
}
function runUrl() {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env;
  return GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}` : "";
}
function displayPath(file) {
  const rel = path2.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path2.isAbsolute(rel) ? rel : file;
}
function allAs(findings, action) {
  return new Map(findings.map((f) => [f.fingerprint, { number: null, url: null, action }]));
}
function failure(inputs, result, links) {
  if (inputs.failOn === "never") return null;
  if (inputs.failOn === "any")
    return result.divergences > 0 ? `${result.divergences} divergences in ${result.findings.length} findings` : null;
  const isNew = (l) => l.action === "created" || l.action === "reopened" || l.action === "capped" || (l.action === "dry-run" || l.action === "failed") && l.number === null;
  const fresh = [...links.values()].filter(isNew).length;
  return fresh > 0 ? `${fresh} new, regressed or unfiled findings` : null;
}
function setOutputs(result, links, inputs, qemu) {
  const actions = [...links.values()].map((l) => l.action);
  setOutput("iterations", String(result.iterations));
  setOutput("divergences", String(result.divergences));
  setOutput("inconclusive", String(result.inconclusive.total));
  setOutput("findings", String(result.findings.length));
  setOutput("new-issues", String(actions.filter((a) => a === "created").length));
  setOutput(
    "updated-issues",
    String(actions.filter((a) => a === "commented" || a === "reopened").length)
  );
  setOutput("report-dir", inputs.reportDir);
  setOutput("qemu-img-version", qemu.version.text);
  setOutput("cache-hit", String(qemu.cacheHit));
}
async function fileIssues(inputs, result, info2, seed) {
  const [owner, repo] = process.env.GITHUB_REPOSITORY.split("/");
  const { fileFindings } = await import("./chunks/tracker-3G5P5AEQ.js");
  return fileFindings(result.findings, {
    token: inputs.token,
    apiUrl: process.env.GITHUB_API_URL || "https://api.github.com",
    owner,
    repo,
    labels: inputs.labels,
    maxNewIssues: inputs.maxNewIssues,
    onClosed: inputs.onClosed,
    runUrl: info2.runUrl,
    seed,
    versions: result.versions,
    replayCommand: (f) => info2.replayCommands[f.fingerprint],
    log: info
  });
}
async function run() {
  try {
    const inputs = parseInputs((name) => getInput(name));
    const qemu = await group(
      "Reference qemu-img",
      () => provisionQemu(inputs.qemuImg, info)
    );
    const kvm = await prepareKvm(info);
    const warnings = [...qemu.warnings];
    if (kvm.state === "missing" || kvm.state === "inaccessible") {
      warning(kvm.note);
      warnings.push(kvm.note);
    }
    const seed = inputs.seed ?? randomMasterSeed();
    info(
      `seed: ${seed} \xB7 operations: ${inputs.operations.join(", ")} \xB7 duration ${inputs.durationSeconds} s \xB7 jobs ${inputs.jobs} \xB7 shard ${inputs.shard.index}/${inputs.shard.count}`
    );
    setOutput("seed", String(seed));
    const cancel = cancelOnSignals(info);
    const result = await runCampaign(campaignConfig(inputs, qemu, seed, cancel.signal, info));
    info(
      `campaign done: ${result.iterations} iterations, ${result.divergences} divergences, ${result.findings.length} findings, ${result.inconclusive.total} inconclusive`
    );
    const info2 = runInfo(inputs, qemu, result, {
      instarPath: displayPath(inputs.instar),
      runUrl: runUrl(),
      setupNotes: [...qemu.notes, kvm.note],
      warnings
    });
    const reason = dryRunReason(inputs);
    const filing = inputs.fileIssues && reason === null && !cancel.signal.aborted;
    if (reason) {
      warning(reason);
      warnings.push(reason);
    }
    let links = allAs(result.findings, filing ? "failed" : "dry-run");
    await writeReports(inputs.reportDir, result, links, info2);
    if (filing && result.findings.length > 0) {
      const filed = await fileIssues(inputs, result, info2, seed);
      links = new Map([...links, ...filed.links]);
      for (const w of filed.warnings) {
        warning(w);
        warnings.push(w);
      }
      await writeReports(inputs.reportDir, result, links, info2);
    }
    setOutputs(result, links, inputs, qemu);
    if (process.env.GITHUB_STEP_SUMMARY)
      await summary.addRaw(renderJobSummary(result, links, info2)).write();
    info(`reports: ${inputs.reportDir}`);
    const failed = cancel.signal.aborted ? "the run was cancelled" : failure(inputs, result, links);
    if (failed)
      setFailed(
        `instar-diff-fuzz: ${failed} (fail-on: ${inputs.failOn}); see the job summary and ${inputs.reportDir}`
      );
  } catch (error) {
    setFailed(error instanceof Error ? error.message : String(error));
  }
}

// src/index.ts
var code = await relaunchWithSmallHeap();
if (code === null) await run();
else process.exitCode = code;
