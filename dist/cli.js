import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  renderIssueBody,
  renderIssueTitle
} from "./chunks/chunk-ZJWKKBIU.js";
import {
  relaunchWithSmallHeap
} from "./chunks/chunk-I7NCLDLK.js";
import {
  parseFilingInputs,
  renderNightSummary,
  runFanIn
} from "./chunks/chunk-ECTEEIDH.js";
import {
  FINDING_TYPES,
  InputError,
  ProvisionError,
  actionVersion,
  campaignConfig,
  cancelOnSignals,
  inDebugMode,
  isFindingType,
  parseInputs,
  parseJson,
  provisionQemu,
  readWeights,
  renderJobSummary,
  replayForRun,
  reproducerFor,
  runCampaign,
  runPipeline,
  steeringFrom
} from "./chunks/chunk-634TCT64.js";
import "./chunks/chunk-IWCMQYRO.js";
import "./chunks/chunk-DRYTAQWC.js";
import "./chunks/chunk-UVFMWYEG.js";

// src/cli.ts
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
var USAGE = `usage:
  node dist/cli.js run --instar PATH [--duration 5m] [--seed N] [--operations a,b] [--report-dir DIR]
                       [--iterations N] [--timeout S] [--jobs N] [--shard i/n] [--minimize true|false]
                       [--qemu-img auto|PATH] [--steer coverage|uniform] [--coverage-file PATH]
  node dist/cli.js replay --instar PATH --seed N --iteration K [--operations a,b] [--timeout S]
                       [--minimize true|false] [--qemu-img auto|PATH] [--weights FILE]
  node dist/cli.js repro --finding REPORT/findings/FINGERPRINT.json [--timeout S]
  node dist/cli.js merge --reports DIR... [--report-dir OUT] [--shards N]

run     the action's campaign without GitHub (a dry run): reports, summary, and the issue
        text that would be filed. Exit 1 when there are findings.
replay  re-run exactly one iteration; exit 1 with the finding, 0 when it no longer reproduces.
        A steered run's iterations need its weights: --weights takes its summary.json or a
        finding's JSON (the replay commands it printed say so).
repro   print the finding's standalone repro.sh again (as this version writes it) from its report.
merge   merge shard report folders into one night's reports and job summary, as the filing
        step does (without GitHub). Exit 0 when merged.`;
var FLAGS = [
  "instar",
  "qemu-img",
  "duration",
  "iterations",
  "seed",
  "operations",
  "timeout",
  "jobs",
  "shard",
  "minimize",
  "report-dir",
  "iteration",
  "finding",
  "shards",
  "steer",
  "coverage-file",
  "weights"
];
function readFlags(argv) {
  const options = { help: { type: "boolean", short: "h" }, reports: { type: "string", multiple: true } };
  for (const flag of FLAGS) options[flag] = { type: "string" };
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options });
  if (values.help === true) return { command: "help", values: {} };
  const reports = [...values.reports ?? [], ...positionals.slice(1)];
  return {
    command: positionals[0] ?? "help",
    values: { ...values, reports: reports.join("\n") }
  };
}
function inputsFrom(values, overrides = {}) {
  return parseInputs((name) => overrides[name] ?? values[name] ?? "");
}
function log(line) {
  process.stderr.write(`${line}
`);
}
function terminalPorts(instarPath) {
  return {
    log,
    annotate: (level, title, message) => log(`${level} (${title}): ${message}`),
    group: (name, task) => {
      log(`== ${name}`);
      return task();
    },
    debug: inDebugMode(process.env) ? (line) => log(`debug: ${line}`) : void 0,
    env: process.env,
    instarPath,
    prepareKvm: false
  };
}
async function runCommand(values) {
  const inputs = inputsFrom(values, {
    "file-issues": "false",
    "upload-artifact": "false",
    duration: values.duration ?? "5m"
  });
  const report = await runPipeline(inputs, terminalPorts(values.instar ?? inputs.instar));
  const { result, links, info, seed } = report;
  process.stdout.write(`${renderJobSummary(result, links, info)}
`);
  for (const f of result.findings) {
    process.stdout.write(
      `
---- issue that would be filed for ${f.fingerprint} ----
${renderIssueTitle(f)}

`
    );
    process.stdout.write(
      `${renderIssueBody(f, { runUrl: "", seed, versions: result.versions, replayCommand: info.replayCommands[f.fingerprint], replayFor: replayForRun(info), reproducer: report.reproducers.get(f.fingerprint), action: actionVersion(process.env) })}
`
    );
  }
  process.stdout.write(`
reports: ${inputs.reportDir}
`);
  return result.findings.length > 0 ? 1 : 0;
}
async function replayCommandLine(values) {
  const k = values.iteration ?? "";
  if (!/^\d+$/.test(k))
    throw new InputError(
      `Invalid input 'iteration': '${k}' \u2014 give the iteration index of the finding (a non-negative integer)`
    );
  if (!values.seed)
    throw new InputError(
      `Invalid input 'seed': '' \u2014 replay needs the run's seed (decimal integer 0..4294967295)`
    );
  const inputs = inputsFrom(values, {
    "file-issues": "false",
    "upload-artifact": "false",
    duration: "1h"
  });
  const qemu = await provisionQemu(inputs.qemuImg, log);
  const config = campaignConfig(inputs, qemu, inputs.seed, cancelOnSignals(log).signal, log);
  const weights = values.weights ? await readWeights(values.weights) : null;
  const result = await runCampaign({
    ...config,
    indices: [Number(k)],
    jobs: 1,
    durationSeconds: Infinity,
    steering: steeringFrom(weights)
  });
  if (result.findings.length === 0) {
    process.stdout.write(
      `iteration ${k} of seed ${inputs.seed} no longer reproduces (${result.inconclusive.total} inconclusive)
`
    );
    return 0;
  }
  for (const f of result.findings) {
    process.stdout.write(
      `${JSON.stringify({ fingerprint: f.fingerprint, type: f.type, operation: f.operation, target: f.target, options: f.options, status: f.status, case: f.case, occurrence: f.occurrences[0] }, null, 2)}
`
    );
  }
  return 1;
}
async function reproCommandLine(values) {
  const file = values.finding ?? "";
  const timeout = values.timeout ?? "30";
  if (!/^[1-9]\d*$/.test(timeout))
    throw new InputError(`Invalid input 'timeout': '${timeout}' \u2014 give whole seconds (1 or more)`);
  const f = await readFile(file, "utf8").then(
    (text) => parseJson(text),
    () => void 0
  );
  const divergence = typeof f?.type === "string" && isFindingType(f.type) && FINDING_TYPES[f.type].kind === "divergence";
  if (typeof f?.fingerprint !== "string" || !divergence || !f.case)
    throw new InputError(
      `Invalid input 'finding': '${file}' \u2014 give a report's findings/<fingerprint>.json`
    );
  const r = reproducerFor(f, Number(timeout));
  if (!r)
    throw new InputError(
      `Invalid input 'finding': '${file}' \u2014 this version cannot rebuild its case (schema ${f.case.schema}, operation ${f.case.operation})`
    );
  process.stdout.write(r.script);
  return 0;
}
async function mergeCommand(values) {
  const raw = {
    ...values,
    "file-issues": "false",
    "upload-artifact": "false"
  };
  const inputs = parseFilingInputs((name) => raw[name] ?? "");
  if (inputs.reports.length === 0)
    throw new InputError(
      `Invalid input 'reports': '' \u2014 give the shard report folders to merge (--reports DIR...)`
    );
  const night = await runFanIn(inputs, terminalPorts(""));
  process.stdout.write(
    `${renderNightSummary(night.merged, night.missing, night.links, night.info)}
reports: ${inputs.reportDir}
`
  );
  return 0;
}
async function cli(argv) {
  try {
    const { command, values } = readFlags(argv);
    if (command === "run") return await runCommand(values);
    if (command === "replay") return await replayCommandLine(values);
    if (command === "repro") return await reproCommandLine(values);
    if (command === "merge") return await mergeCommand(values);
    process.stdout.write(`${USAGE}
`);
    return command === "help" ? 0 : 2;
  } catch (error) {
    if (error instanceof InputError || error instanceof ProvisionError || error instanceof Error && error.name === "TypeError" && "code" in error) {
      process.stderr.write(`${error.message}
`);
      return 2;
    }
    throw error;
  }
}
if (process.argv[1] && path.basename(process.argv[1]).startsWith("cli")) {
  const relaunched = await relaunchWithSmallHeap();
  process.exit(relaunched ?? await cli(process.argv.slice(2)));
}
export {
  cli
};
