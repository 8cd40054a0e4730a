import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  cancelledWhileFiling,
  classify,
  messageOf,
  statusOf,
  unanswered,
  unfiledWarning
} from "./chunk-AM7IDBXC.js";
import "./chunk-UVFMWYEG.js";
export {
  cancelledWhileFiling,
  classify,
  messageOf,
  statusOf,
  unanswered,
  unfiledWarning
};
