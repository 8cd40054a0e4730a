import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  relaunchWithSmallHeap
} from "./chunks/chunk-I7NCLDLK.js";
import {
  run
} from "./chunks/chunk-TKFWFETX.js";
import "./chunks/chunk-634TCT64.js";
import "./chunks/chunk-IWCMQYRO.js";
import "./chunks/chunk-DRYTAQWC.js";
import "./chunks/chunk-LRO6FWXG.js";
import "./chunks/chunk-XSG2S53Z.js";
import "./chunks/chunk-UVFMWYEG.js";

// src/index.ts
var code = await relaunchWithSmallHeap();
if (code === null) await run();
else process.exitCode = code;
