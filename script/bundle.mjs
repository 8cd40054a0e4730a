// Bundles the action (dist/index.js), its filing step (dist/file.js, run
// by file/action.yml) and the local command line (dist/cli.js) with
// esbuild, and writes dist/licenses.txt, the notices of the third-party
// packages bundled into them. `--check` builds into a temporary folder and
// fails when the committed dist/ differs: users run dist/, not src/.
import { build } from 'esbuild'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { licenceNotices } from './licenses.mjs'

const check = process.argv.includes('--check')
const outdir = check ? mkdtempSync(path.join(os.tmpdir(), 'dist-check-')) : 'dist'
// Chunk names carry content hashes: clear old ones so dist/ holds only this build.
if (!check) rmSync('dist', { recursive: true, force: true })

const { metafile } = await build({
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts', file: 'src/file.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Octokit, the cache and the artifact clients (with the Azure SDK) are
  // imported lazily into chunks of their own: the campaign process stays
  // small, and a small process forks its tool processes faster (fork
  // copies page tables).
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  target: 'node24',
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: [
      "import { createRequire as __idfCreateRequire } from 'node:module';",
      'const require = __idfCreateRequire(import.meta.url);',
      // @actions/* need Node 22+; say so instead of a TypeError deep in a dependency.
      "if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }"
    ].join('\n')
  }
})
writeFileSync(path.join(outdir, 'licenses.txt'), licenceNotices(metafile))

if (check) {
  const list = dir =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true })
          .filter(n => !statSync(path.join(dir, n)).isDirectory())
          .sort()
      : []
  const names = list(outdir)
  const same = n =>
    existsSync(path.join('dist', n)) &&
    readFileSync(path.join('dist', n)).equals(readFileSync(path.join(outdir, n)))
  const stale = names.filter(n => !same(n))
  const extra = list('dist').filter(n => !names.includes(n))
  rmSync(outdir, { recursive: true, force: true })
  if (stale.length > 0 || extra.length > 0) {
    console.error(
      `dist/ is stale (${[...stale, ...extra].join(', ')}): run 'npm run bundle' and commit dist/`
    )
    process.exit(1)
  }
  console.log('dist/ matches the sources')
}
