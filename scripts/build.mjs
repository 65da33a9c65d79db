// Bundles the CLI with esbuild: one ESM entry plus lazily loaded chunks, so start-up only
// parses what the chosen command needs. Native modules stay external.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const external = ['better-sqlite3', 'node-pty'];

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/app/cli.ts', 'sync-worker': 'src/sync/worker.ts', 'get-worker': 'src/app/read/guestJsonWorker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifySyntax: true,
  legalComments: 'none',
  external,
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __pmcCreateRequire } from 'node:module';\nconst require = __pmcCreateRequire(import.meta.url);",
  },
  define: { 'process.env.PMC_BUNDLED': '"1"', __PMC_VERSION__: JSON.stringify(version) },
});
chmodSync('dist/cli.js', 0o755);
