import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  finishStep,
  runnerBasics,
  setReportOutputs
} from "./chunks/chunk-TKFWFETX.js";
import {
  parseFilingInputs,
  renderNightSummary,
  runFanIn
} from "./chunks/chunk-ECTEEIDH.js";
import "./chunks/chunk-634TCT64.js";
import "./chunks/chunk-IWCMQYRO.js";
import "./chunks/chunk-DRYTAQWC.js";
import {
  getInput,
  setFailed,
  setOutput
} from "./chunks/chunk-LRO6FWXG.js";
import "./chunks/chunk-XSG2S53Z.js";
import "./chunks/chunk-UVFMWYEG.js";

// src/file-main.ts
function setOutputs(night) {
  setReportOutputs(night.merged.result, night.links, night.info, night.inputs.reportDir);
  setOutput("shards", night.merged.shards.map((s) => s.shard).join(","));
  setOutput("missing-shards", night.missing.join(","));
}
async function run() {
  try {
    const inputs = parseFilingInputs((name) => getInput(name));
    const night = await runFanIn(inputs, runnerBasics());
    setOutputs(night);
    const { merged, missing, links, info } = night;
    await finishStep(renderNightSummary(merged, missing, links, info), inputs, night.failure);
  } catch (error) {
    setFailed(error instanceof Error ? error.message : String(error));
  }
}

// src/file.ts
await run();
