// The listing worker (worker_threads; bundled as dist/get-worker.js): prints the last share of
// a large `get vms|cts|guests -o json` while the main thread prints the first (parallelJson.ts).
// It reads in one transaction and publishes which sync its snapshot shows before anything
// else, so that the main thread uses its text only when both saw the same cache.
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { guestJsonRecords } from '../../db/guestJson.js';
import type { GuestType } from '../../db/model.js';
import { emitShare } from './guestJsonShare.js';
import { CONTROL, type ShareJob, signal, WorkerState } from './parallelJsonProtocol.js';

function run(job: ShareJob): void {
  const control = new Int32Array(job.control, 0, CONTROL.length);
  const marker = new Float64Array(job.control, CONTROL.markerOffset, 1);
  const port: MessagePort = job.port;
  const set = (state: WorkerState): void => {
    Atomics.store(control, CONTROL.state, state);
    signal(control);
  };
  let db: Database.Database | undefined;
  try {
    db = new Database(job.path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma(`mmap_size = ${job.mmapBytes}`);
    db.exec('BEGIN');
    marker[0] = (db.prepare('SELECT max(id) FROM sync_runs WHERE profile_id = ?').pluck().get(job.profileId) as number | null) ?? -1;
    set(WorkerState.running);
    const query: { type?: GuestType; fromVmid: number } = { fromVmid: job.fromVmid };
    if (job.type !== undefined) query.type = job.type;
    emitShare(guestJsonRecords(db, job.profileId, query), (chunk) => {
      const bytes = Buffer.from(chunk, 'utf8');
      // A large Buffer has an ArrayBuffer of its own (transferred as is); a small one sits in
      // Node's shared pool (copied out).
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      const buffer = whole ? (bytes.buffer as ArrayBuffer) : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      port.postMessage(buffer, [buffer]);
      signal(control);
    });
    db.exec('COMMIT');
    set(WorkerState.done);
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
    set(WorkerState.failed);
  } finally {
    try {
      db?.close();
    } catch {
      // closing is best effort
    }
    port.close();
  }
}

if (parentPort) run(workerData as ShareJob);
