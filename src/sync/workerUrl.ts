// Where the sync worker's code is. In the esbuild bundle it is dist/sync-worker.js (a second
// entry point) next to the CLI, while this code may sit in a chunk one directory below. From
// source (vitest, tsx) it is worker.ts next to this file, started through a tiny bootstrap
// that registers tsx's loader inside the worker first (Node 20 does not apply the parent's
// `--import tsx` to worker threads).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerLocation {
  url: URL;
  execArgv?: string[];
}

export function syncWorkerLocation(): WorkerLocation {
  if (process.env.PMC_BUNDLED === '1') {
    for (const candidate of ['./sync-worker.js', '../sync-worker.js']) {
      const url = new URL(candidate, import.meta.url);
      if (existsSync(fileURLToPath(url))) return { url };
    }
    throw new Error('sync-worker.js is missing next to the proxmox-mpc bundle; reinstall proxmox-mpc');
  }
  if (!import.meta.url.endsWith('.ts')) return { url: new URL('./worker.js', import.meta.url) };
  return { url: tsxBootstrap(new URL('./worker.ts', import.meta.url)) };
}

/** A data: module that registers tsx's ESM hooks in the worker, then imports `target`. */
export function tsxBootstrap(target: URL): URL {
  // The ESM build of tsx's API (the CommonJS one registers a path that does not exist).
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const code = `const { register } = await import(${JSON.stringify(api)});\nregister();\nawait import(${JSON.stringify(target.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
