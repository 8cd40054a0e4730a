import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  GITHUB_PACING,
  createClient
} from "./chunk-PK5SE75M.js";
import "./chunk-OLKVGRLR.js";
import "./chunk-XSG2S53Z.js";
import "./chunk-UVFMWYEG.js";
export {
  GITHUB_PACING,
  createClient
};
