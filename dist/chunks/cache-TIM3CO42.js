import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  restoreFromCache,
  saveToCache
} from "./chunk-N7CSRO2I.js";
import "./chunk-DRYTAQWC.js";
import "./chunk-MS4SMIOV.js";
import "./chunk-LRO6FWXG.js";
import "./chunk-XSG2S53Z.js";
import "./chunk-UVFMWYEG.js";

// src/qemu/cache.ts
async function restoreDebs(dir, key, log, warn) {
  const restored = await restoreFromCache([dir], key);
  if (restored.kind === "absent") {
    log("the Actions cache service is not available here: downloading without the cache");
    return { hit: false, usable: false };
  }
  if (restored.kind === "failed") {
    warn(`${restored.reason}: installing qemu-utils without the cache`);
    return { hit: false, usable: false };
  }
  return { hit: restored.matchedKey === key, usable: true };
}
async function saveDebs(dir, key, log, warn) {
  const saved = await saveToCache([dir], key);
  if (saved.kind === "taken") {
    log(
      `qemu-utils packages were not saved to the Actions cache (another job may have saved ${key})`
    );
    return false;
  }
  if (saved.kind === "failed") {
    warn(`${saved.reason}: the qemu-utils packages were not saved`);
    return false;
  }
  log(`saved the qemu-utils packages to the Actions cache under ${key}`);
  return true;
}
export {
  restoreDebs,
  saveDebs
};
