import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  inDebugMode,
  parseInputs,
  renderJobSummary,
  runPipeline
} from "./chunk-634TCT64.js";
import {
  issueCounts
} from "./chunk-IWCMQYRO.js";
import {
  core_exports,
  debug,
  getInput,
  group,
  info,
  setFailed,
  setOutput,
  summary
} from "./chunk-LRO6FWXG.js";

// src/main.ts
import path from "node:path";
function displayPath(file) {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}
function setReportOutputs(result, links, info2, reportDir) {
  const issues = issueCounts(links.values());
  setOutput("iterations", String(result.iterations));
  setOutput("divergences", String(result.divergences));
  setOutput("inconclusive", String(result.inconclusive.total));
  setOutput("findings", String(result.findings.length));
  setOutput("new-issues", String(issues.created));
  setOutput("updated-issues", String(issues.updated));
  setOutput("report-dir", reportDir);
  setOutput("artifact-id", info2.artifact ? String(info2.artifact.id) : "");
  setOutput("artifact-url", info2.artifact?.url ?? "");
  const verdicts = info2.verification?.issues ?? [];
  setOutput("verified-fixed", String(verdicts.filter((i) => i.verdict === "fixed").length));
  setOutput("still-open", String(verdicts.filter((i) => i.verdict === "reproduces").length));
}
function setOutputs(report) {
  setReportOutputs(report.result, report.links, report.info, report.inputs.reportDir);
  setOutput("qemu-img-version", report.qemu.version.text);
  setOutput("cache-hit", String(report.qemu.cacheHit));
}
function runnerBasics() {
  return {
    log: (line) => info(line),
    annotate: (level, title, message) => core_exports[level](message, { title }),
    group: (name, task) => group(name, task),
    env: process.env
  };
}
function runnerPorts(instar) {
  return {
    ...runnerBasics(),
    debug: inDebugMode(process.env) ? (line) => debug(line) : void 0,
    instarPath: displayPath(instar),
    prepareKvm: true,
    seedChosen: (seed) => setOutput("seed", String(seed))
  };
}
async function finishStep(summary2, inputs, failure) {
  if (process.env.GITHUB_STEP_SUMMARY) await summary.addRaw(summary2).write();
  info(`reports: ${inputs.reportDir}`);
  if (failure)
    setFailed(
      `instar-diff-fuzz: ${failure} (fail-on: ${inputs.failOn}); see the job summary and ${inputs.reportDir}`
    );
}
async function run() {
  try {
    const inputs = parseInputs((name) => getInput(name));
    const report = await runPipeline(inputs, runnerPorts(inputs.instar));
    setOutputs(report);
    await finishStep(
      renderJobSummary(report.result, report.links, report.info),
      inputs,
      report.failure
    );
  } catch (error) {
    setFailed(error instanceof Error ? error.message : String(error));
  }
}

export {
  setReportOutputs,
  runnerBasics,
  finishStep,
  run
};
