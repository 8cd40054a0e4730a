import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  inDebugMode,
  parseInputs,
  relaunchWithSmallHeap,
  renderJobSummary,
  runPipeline
} from "./chunks/chunk-EIUA5S6C.js";
import {
  core_exports,
  debug,
  getInput,
  group,
  info,
  setFailed,
  setOutput,
  summary
} from "./chunks/chunk-LRO6FWXG.js";
import "./chunks/chunk-XSG2S53Z.js";
import "./chunks/chunk-TWLUCILY.js";
import "./chunks/chunk-UVFMWYEG.js";

// src/main.ts
import path from "node:path";
function displayPath(file) {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}
function setOutputs(report) {
  const { result, links, inputs, qemu } = report;
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
  const verdicts = report.verification?.issues ?? [];
  setOutput("verified-fixed", String(verdicts.filter((i) => i.verdict === "fixed").length));
  setOutput("still-open", String(verdicts.filter((i) => i.verdict === "reproduces").length));
}
function runnerPorts(instar) {
  return {
    log: (line) => info(line),
    annotate: (level, title, message) => core_exports[level](message, { title }),
    group: (name, task) => group(name, task),
    debug: inDebugMode(process.env) ? (line) => debug(line) : void 0,
    env: process.env,
    instarPath: displayPath(instar),
    prepareKvm: true,
    seedChosen: (seed) => setOutput("seed", String(seed))
  };
}
async function run() {
  try {
    const inputs = parseInputs((name) => getInput(name));
    const report = await runPipeline(inputs, runnerPorts(inputs.instar));
    setOutputs(report);
    if (process.env.GITHUB_STEP_SUMMARY)
      await summary.addRaw(renderJobSummary(report.result, report.links, report.info)).write();
    info(`reports: ${inputs.reportDir}`);
    if (report.failure)
      setFailed(
        `instar-diff-fuzz: ${report.failure} (fail-on: ${inputs.failOn}); see the job summary and ${inputs.reportDir}`
      );
  } catch (error) {
    setFailed(error instanceof Error ? error.message : String(error));
  }
}

// src/index.ts
var code = await relaunchWithSmallHeap();
if (code === null) await run();
else process.exitCode = code;
