import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }

// src/relaunch.ts
import { spawn } from "node:child_process";
var SMALL_YOUNG_GENERATION = "--max-semi-space-size=1";
var RELAUNCHED = "INSTAR_DIFF_FUZZ_RELAUNCHED";
async function relaunchWithSmallHeap() {
  if (process.env[RELAUNCHED] || process.execArgv.includes(SMALL_YOUNG_GENERATION)) return null;
  const child = spawn(
    process.execPath,
    [SMALL_YOUNG_GENERATION, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: "inherit",
      env: { ...process.env, [RELAUNCHED]: "1" }
    }
  );
  const forward = (signal) => {
    child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) => {
    child.on("error", () => resolve(null));
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export {
  relaunchWithSmallHeap
};
