// Where the listing worker's code is: dist/get-worker.js in the bundle (next to the CLI, while
// this code may sit in a chunk one directory below), guestJsonWorker.ts from source.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsxBootstrap, type WorkerLocation } from '../../sync/workerUrl.js';

export function guestJsonWorkerLocation(): WorkerLocation | undefined {
  if (process.env.PMC_BUNDLED === '1') {
    for (const candidate of ['./get-worker.js', '../get-worker.js']) {
      const url = new URL(candidate, import.meta.url);
      if (existsSync(fileURLToPath(url))) return { url };
    }
    return undefined; // no worker: the listing is printed on one thread
  }
  if (!import.meta.url.endsWith('.ts')) return { url: new URL('./guestJsonWorker.js', import.meta.url) };
  return { url: tsxBootstrap(new URL('./guestJsonWorker.ts', import.meta.url)) };
}
