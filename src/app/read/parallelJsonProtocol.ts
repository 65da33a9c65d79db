// What the main thread and the listing worker share (see parallelJson.ts).
import type { MessagePort } from 'node:worker_threads';
import type { GuestType } from '../../db/model.js';

/** The worker's state (running: the snapshot's marker is published; chunks follow). */
export const WorkerState = { starting: 0, running: 1, done: 2, failed: 3 } as const;
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];

/** Int32 slots of the control buffer (`events` counts every chunk posted and every change of
 * state: the one slot the main thread waits on), and where its Float64 marker sits. */
export const CONTROL = { state: 0, events: 1, length: 4, markerOffset: 16, bytes: 24 } as const;

/** Tells the main thread that something happened (after the thing is visible). */
export function signal(control: Int32Array): void {
  Atomics.add(control, CONTROL.events, 1);
  Atomics.notify(control, CONTROL.events);
}

export interface ShareJob {
  path: string;
  /** PRAGMA mmap_size for the worker's connection. */
  mmapBytes: number;
  profileId: number;
  type?: GuestType;
  /** The share: guests with vmid >= fromVmid. */
  fromVmid: number;
  /** SharedArrayBuffer of CONTROL.bytes: state, chunks posted, and the snapshot's marker. */
  control: SharedArrayBuffer;
  /** Chunks (ArrayBuffers of UTF-8), or `{ error }`. */
  port: MessagePort;
}
