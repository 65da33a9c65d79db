// Messages between the main thread and the sync worker (worker_threads postMessage, so plain
// structured-clone data only). Secrets travel once, in `start`, and are never logged or echoed.
import type { ChangeEvent } from '../db/model.js';
import { LOG_LEVELS, type LogFields, type LogLevel } from '../observability/log.js';
import type { Credentials } from '../proxmox/auth.js';
import type { FiguresFrame } from './figures.js';
import type { PollerCollectOptions } from './poller.js';
import type { ConnectionStatus, PollSummary, SyncErrorInfo, SyncProgress } from './types.js';

export interface WorkerConnection {
  endpoint: string;
  auth: Credentials;
  insecure?: boolean;
  fingerprint?: string;
  /** PEM of a CA to trust. */
  ca?: string;
  timeoutMs?: number;
  /** Ask for gzip-compressed answers (default false; see ProxmoxClientOptions.compression). */
  compression?: boolean;
}

export interface SyncStartOptions {
  connection: WorkerConnection;
  /** The SQLite cache file the worker opens (its own connection). */
  cachePath: string;
  /** The profile row in the cache: name and endpoint (CacheWriter.profile). */
  profile: { name: string; endpoint: string };
  intervalMs?: number;
  backoffMaxMs?: number;
  collect?: PollerCollectOptions;
  /** Start without scheduled polls (syncNow still works). */
  paused?: boolean;
  /** Log through the main thread (the worker has no log file of its own: one writer per file
   * keeps rotation right). Absent: the worker logs nothing until a `logSettings` message. */
  log?: WorkerLogSettings;
}

/** Lines at or above `level` are posted as `log` messages; `parent` is the correlation id of
 * the command that runs the worker. */
export interface WorkerLogSettings {
  level: LogLevel;
  parent?: string;
}

export type HostMessage =
  | { type: 'start'; options: SyncStartOptions }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'setInterval'; intervalMs: number }
  | { type: 'syncNow'; id: number }
  | { type: 'stats'; id: number }
  /** The main thread's log was opened, or its level changed (`/debug on`). */
  | { type: 'logSettings'; log: WorkerLogSettings }
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'ready'; profileId: number }
  | { type: 'state'; status: ConnectionStatus }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'changes'; changes: ChangeEvent[]; at: number; syncRunId?: number }
  /** Every successful poll, before its `poll`: the live figures (typed arrays, transferred). */
  | { type: 'figures'; frame: FiguresFrame }
  | { type: 'poll'; summary: PollSummary }
  | { type: 'error'; error: SyncErrorInfo; consecutiveFailures: number; retryInMs?: number; fatal: boolean }
  | { type: 'syncNowResult'; id: number; summary?: PollSummary; error?: SyncErrorInfo }
  | { type: 'statsResult'; id: number; stats: WorkerStats }
  /** One log line for the main thread to write (already redacted with the worker's secrets:
   * its tickets are known only there). */
  | { type: 'log'; level: LogLevel; msg: string; fields: LogFields }
  | { type: 'stopped' };

/** The worker's memory, sampled on each progress step and poll: its own V8 isolate's heap, and
 * the resident size of the whole process (every thread, SQLite's page cache included). */
export interface WorkerStats {
  heapUsedBytes: number;
  /** The most heap in use seen at any sample since the worker started. */
  peakHeapUsedBytes: number;
  /** Heap the isolate has reserved (used or not), now and at most. */
  heapTotalBytes: number;
  peakHeapTotalBytes: number;
  externalBytes: number;
  /** The process's resident set now, and its peak since the process started (all threads). */
  rssBytes: number;
  peakRssBytes: number;
}

const HOST_TYPES = new Set(['start', 'pause', 'resume', 'setInterval', 'syncNow', 'stats', 'logSettings', 'stop']);
const WORKER_TYPES = new Set(['ready', 'state', 'progress', 'changes', 'figures', 'poll', 'error', 'syncNowResult', 'statsResult', 'log', 'stopped']);

export function isLogLevelName(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

function typed(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

export function isHostMessage(value: unknown): value is HostMessage {
  const type = typed(value);
  if (type === undefined || !HOST_TYPES.has(type)) return false;
  if (type === 'syncNow' || type === 'stats') return typeof (value as { id?: unknown }).id === 'number';
  if (type === 'start') return typeof (value as { options?: unknown }).options === 'object';
  if (type === 'setInterval') return typeof (value as { intervalMs?: unknown }).intervalMs === 'number';
  if (type === 'logSettings') {
    const settings = (value as { log?: { level?: unknown; parent?: unknown } }).log;
    return typeof settings === 'object' && settings !== null && isLogLevelName(settings.level) && (settings.parent === undefined || typeof settings.parent === 'string');
  }
  return true;
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = typed(value);
  if (type === undefined || !WORKER_TYPES.has(type)) return false;
  if (type === 'log') {
    const m = value as { level?: unknown; msg?: unknown; fields?: unknown };
    return isLogLevelName(m.level) && typeof m.msg === 'string' && typeof m.fields === 'object' && m.fields !== null;
  }
  return true;
}
