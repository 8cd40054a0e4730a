import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }

// src/util/actions-service.ts
var PROBE_TIMEOUT_MS = 5e3;
function isEnterpriseServer(serverUrl) {
  const host = new URL(serverUrl || "https://github.com").hostname.toLowerCase();
  return host !== "github.com" && !host.endsWith(".ghe.com") && !host.endsWith(".localhost");
}
async function serviceProblem(url, init) {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status >= 500 ? `answered ${response.status}` : null;
  } catch (error) {
    const cause = error.cause?.code;
    if (error.name === "TimeoutError")
      return `did not answer within ${PROBE_TIMEOUT_MS / 1e3} s`;
    return `is unreachable (${cause ?? error.message})`;
  }
}
function twirpProbe(base, service, method, body, token) {
  return [
    new URL(`twirp/${service}/${method}`, base),
    {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body)
    }
  ];
}

export {
  isEnterpriseServer,
  serviceProblem,
  twirpProbe
};
