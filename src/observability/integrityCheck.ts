// SQLite's `PRAGMA integrity_check` reads every page of the cache: seconds on a large one. Run on
// the console's thread it would freeze keys and redraws that long, so it runs in a worker thread
// of its own (better-sqlite3 loads in workers). The worker is a few lines of source, not a
// bundle entry: it needs nothing but better-sqlite3, whose path the caller resolves.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
try {
  const Database = require(workerData.sqlite);
  db = new Database(workerData.path, { readonly: true, fileMustExist: true });
  const rows = db.pragma('integrity_check', { simple: false });
  parentPort.postMessage({ problems: rows.map((r) => r.integrity_check).filter((r) => r !== 'ok') });
} catch (error) {
  parentPort.postMessage({ error: error && error.message ? error.message : String(error) });
} finally {
  try { if (db) db.close(); } catch {}
}
`;

/** A failure of the check itself (not a damaged database): the file could not be read. */
export class IntegrityCheckError extends Error {}

/** The worker could not run (no threads, no better-sqlite3 there): the caller checks in-thread. */
export class IntegrityWorkerUnavailable extends Error {}

let sqlitePath: string | undefined;

/**
 * The problems `PRAGMA integrity_check` finds in the database at `path` ([] when it is sound),
 * computed in a worker thread. Rejects with IntegrityCheckError when SQLite cannot read the
 * file, IntegrityWorkerUnavailable when the worker cannot run.
 */
export function integrityCheckOffThread(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      sqlitePath ??= createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, sqlite: sqlitePath } });
    } catch (error) {
      reject(new IntegrityWorkerUnavailable(error instanceof Error ? error.message : String(error)));
      return;
    }
    let settled = false;
    worker.once('message', (msg: { problems?: string[]; error?: string }) => {
      settled = true;
      if (msg.problems !== undefined) resolve(msg.problems);
      else reject(new IntegrityCheckError(msg.error ?? 'unknown error'));
    });
    worker.once('error', (error) => {
      if (settled) return;
      settled = true;
      reject(new IntegrityWorkerUnavailable(error.message));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new IntegrityWorkerUnavailable(`the worker stopped (exit code ${code})`));
    });
  });
}
