import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }

// src/github/failure.ts
function statusOf(error) {
  const status = error?.status;
  return typeof status === "number" ? status : void 0;
}
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
function classify(error) {
  const status = statusOf(error);
  const message = messageOf(error);
  if (status === void 0 || status >= 500 || status === 429) return "unavailable";
  if (/rate limit/i.test(message)) return "unavailable";
  if (status === 401) return "denied";
  if (status === 403 && /not accessible|permission|must have/i.test(message)) return "denied";
  return "rejected";
}

export {
  statusOf,
  messageOf,
  classify
};
