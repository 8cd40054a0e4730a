import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  cacheServiceProblem,
  restoreFromCache,
  saveToCache
} from "./chunk-N7CSRO2I.js";
import "./chunk-DRYTAQWC.js";
import "./chunk-MS4SMIOV.js";
import "./chunk-LRO6FWXG.js";
import "./chunk-XSG2S53Z.js";
import "./chunk-UVFMWYEG.js";
export {
  cacheServiceProblem,
  restoreFromCache,
  saveToCache
};
