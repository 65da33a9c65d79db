// `get vms|cts|guests -o json` of a large cache on two threads: SQLite prints the records
// (guestRecordsJson), which at 100,000 guests is CPU-bound work of ~250 ms; a worker prints the
// last half while this thread prints the first and then writes the worker's chunks after its
// own. All of it runs inside one read transaction here, synchronously (Atomics.wait and
// receiveMessageOnPort, no event loop): the worker's text is used only when its own read
// transaction saw the same cache (the newest sync run id: every write of guests adds a run),
// else this thread prints that half too, from its snapshot. The output is the same bytes as
// the one-thread path's.
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { CacheReader } from '../../db/cacheApi.js';
import type { GuestRow, GuestType } from '../../db/model.js';
import { escapeJsonUnsafe, writeJsonArray } from '../output/serialize.js';
import { elementText, emitShare, SHARE_CHUNK_CHARS } from './guestJsonShare.js';
import { READ_MMAP_BYTES } from './context.js';
import { guestJsonWorkerLocation } from './guestJsonWorkerUrl.js';
import { CONTROL, type ShareJob, WorkerState } from './parallelJsonProtocol.js';

export interface ParallelJsonOptions {
  /** Fewer guests than this are printed on one thread (default 20,000: a worker costs ~30 ms). */
  minGuests?: number;
  /** How long to wait for the worker's next chunk before giving up (default 60 s). */
  stallMs?: number;
  /** The share this thread prints (default MAIN_SHARE). */
  mainShare?: number;
  /** Use a worker even on a single CPU (tests). */
  force?: boolean;
  /** When this thread is done with its share before the worker has even started, how long to
   * wait for it before printing that share too (default: a quarter of the time this thread's
   * share took, at least 20 ms). */
  workerStartMs?: number;
}

/** not-used: nothing written (print it on one thread); worker: the worker printed its share;
 * alone: this thread printed all of it (the worker was late, failed, or saw another sync). */
export type ParallelOutcome = 'not-used' | 'worker' | 'alone';

/** A little more than half for this thread: the worker starts ~50 ms later. */
export const MAIN_SHARE = 0.56;

export interface ParallelJsonTarget {
  cache: CacheReader;
  cachePath: string;
  profileId: number;
  type?: GuestType;
}

/** Writes the whole JSON array of the guests (as toJson would print it), or nothing when one
 * thread is the better choice ('not-used'). */
export function writeGuestsJsonParallel(target: ParallelJsonTarget, write: (chunk: string | Uint8Array) => void, options: ParallelJsonOptions = {}): ParallelOutcome {
  if (!options.force && availableParallelism() < 2) return 'not-used';
  const location = guestJsonWorkerLocation();
  if (location === undefined) return 'not-used';
  const { cache, profileId, type } = target;
  const typed = type === undefined ? {} : { type };
  return cache.snapshot(() => {
    const { count, vmid: split } = cache.guestVmidSplit(profileId, typed, options.mainShare ?? MAIN_SHARE);
    if (count < (options.minGuests ?? 20_000) || split === undefined) return 'not-used';
    const marker = cache.syncRuns(profileId, 1)[0]?.id ?? -1;

    const control = new SharedArrayBuffer(CONTROL.bytes);
    const state = new Int32Array(control, 0, CONTROL.length);
    const workerMarker = new Float64Array(control, CONTROL.markerOffset, 1);
    const channel = new MessageChannel();
    const job: ShareJob = { path: target.cachePath, mmapBytes: READ_MMAP_BYTES, profileId, fromVmid: split, control, port: channel.port2, ...typed };
    const worker = new Worker(location.url, { workerData: job, transferList: [channel.port2], ...(location.execArgv ? { execArgv: location.execArgv } : {}) });
    worker.unref();
    worker.on('error', () => {
      // Only heard once this thread is back in its event loop, after the listing: nothing to do.
    });
    const stop = (): void => {
      channel.port1.close();
      void worker.terminate();
    };

    try {
      // This thread's share: `[`, then the first half.
      const started = performance.now();
      let chunk = '';
      let first = true;
      for (const item of cache.guestRecordsJson(profileId, { ...typed, beforeVmid: split })) {
        chunk += first ? `[\n${elementText(item)}` : `,\n${elementText(item)}`;
        first = false;
        if (chunk.length >= SHARE_CHUNK_CHARS) {
          write(escapeJsonUnsafe(chunk));
          chunk = '';
        }
      }
      if (chunk !== '') write(escapeJsonUnsafe(chunk));
      const rest = () => cache.guestRecordsJson(profileId, { ...typed, fromVmid: split });
      if (first) {
        // Nothing below the split (cannot happen with distinct vmids): print it all here.
        stop();
        writeJsonArray(mapItems(rest()), (text) => write(text));
        return 'alone';
      }

      // The worker's share, when it read the same cache; else this thread prints it too.
      const waitMs = options.workerStartMs ?? Math.max(20, (performance.now() - started) / 4);
      const ready = awaitStart(state, waitMs);
      const usable = (ready === WorkerState.running || ready === WorkerState.done) && workerMarker[0] === marker;
      let outcome: ParallelOutcome = 'worker';
      if (!usable || !drain(channel.port1, state, write, options.stallMs ?? 60_000)) {
        stop();
        emitShare(rest(), write);
        outcome = 'alone';
      }
      write('\n]\n');
      return outcome;
    } finally {
      stop();
    }
  });
}

/** The worker's state once it has started (or failed), waiting at most `ms` for that. */
function awaitStart(state: Int32Array, ms: number): number {
  const deadline = performance.now() + ms;
  for (;;) {
    const seen = Atomics.load(state, CONTROL.events);
    const now = Atomics.load(state, CONTROL.state);
    const left = deadline - performance.now();
    if (now !== WorkerState.starting || left <= 0) return now;
    Atomics.wait(state, CONTROL.events, seen, left);
  }
}

function* mapItems(items: Iterable<string | GuestRow>): Generator<string> {
  for (const item of items) yield elementText(item);
}

/** Writes the worker's chunks as they come, until it is done: true. False when it failed before
 * any of them was written (the caller prints that share itself); an error after that. */
function drain(port: MessagePort, state: Int32Array, write: (chunk: Uint8Array) => void, stallMs: number): boolean {
  let wrote = false;
  const take = (): 'chunk' | 'none' => {
    const message = receiveMessageOnPort(port);
    if (message === undefined) return 'none';
    const data: unknown = message.message;
    if (!(data instanceof ArrayBuffer)) throw new WorkerFailure((data as { error?: string }).error ?? 'unknown error');
    write(new Uint8Array(data));
    wrote = true;
    return 'chunk';
  };
  try {
    for (;;) {
      // Read the count first: an event after this read wakes the wait below at once.
      const seen = Atomics.load(state, CONTROL.events);
      while (take() === 'chunk');
      const now = Atomics.load(state, CONTROL.state);
      // A chunk is in the port before its event is counted, and every chunk before `done`.
      if (now === WorkerState.done) {
        while (take() === 'chunk');
        return true;
      }
      if (now === WorkerState.failed) {
        while (take() === 'chunk');
        throw new WorkerFailure('it stopped');
      }
      if (Atomics.wait(state, CONTROL.events, seen, stallMs) === 'timed-out') throw new WorkerFailure('it stalled');
    }
  } catch (error) {
    if (error instanceof WorkerFailure && !wrote) return false;
    if (error instanceof WorkerFailure) throw new Error(`the listing worker failed: ${error.message}`);
    throw error;
  }
}

class WorkerFailure extends Error {}
