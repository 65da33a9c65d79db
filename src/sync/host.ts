// The main thread's side of the sync worker: starts it, hands it its settings (the only place
// secrets cross, in the start message), and turns its messages into events.
import { Worker } from 'node:worker_threads';
import { currentCommandOp, log, onLogSettings, type LogSettings } from '../observability/log.js';
import { ProxmoxError, type ProxmoxErrorKind } from '../proxmox/errors.js';
import type { ChangeEvent } from '../db/model.js';
import type { FiguresFrame } from './figures.js';
import { isWorkerMessage, type HostMessage, type SyncStartOptions, type WorkerLogSettings, type WorkerMessage, type WorkerStats } from './protocol.js';
import type { ConnectionStatus, PollSummary, SyncErrorInfo, SyncProgress } from './types.js';
import { writeWorkerLog } from './workerLog.js';
import { syncWorkerLocation, type WorkerLocation } from './workerUrl.js';

export interface SyncWorkerEvents {
  ready: { profileId: number };
  state: ConnectionStatus;
  progress: SyncProgress;
  changes: { changes: ChangeEvent[]; at: number; syncRunId?: number };
  /** Every successful poll: the live figures it saw (see figures.ts to read them). */
  figures: FiguresFrame;
  poll: PollSummary;
  /** A failed poll (fatal false: the worker retries by itself), or a failure that ended the
   * worker (fatal true: cache unusable, bad settings, a crash). */
  error: { error: SyncErrorInfo; consecutiveFailures: number; retryInMs?: number; fatal: boolean };
  exit: { code: number };
}

export type SyncWorkerEventName = keyof SyncWorkerEvents;

export interface SyncWorkerHandle {
  /** Resolves once the worker has opened the cache and its profile; rejects if it could not. */
  readonly ready: Promise<{ profileId: number }>;
  /** Subscribes; returns the unsubscribe function. */
  on<E extends SyncWorkerEventName>(event: E, listener: (payload: SyncWorkerEvents[E]) => void): () => void;
  /** The last connection status the worker reported. */
  status(): ConnectionStatus | undefined;
  /** A poll now (or right after the running one); resolves with its summary. */
  syncNow(): Promise<PollSummary>;
  /** The worker's memory figures. */
  stats(): Promise<WorkerStats>;
  pause(): void;
  resume(): void;
  /** A new poll interval, from the next scheduled poll on. */
  setInterval(ms: number): void;
  /** Stops polling, closes the worker's cache and client; resolves when the worker has exited. */
  stop(): Promise<void>;
}

export interface StartSyncWorkerOptions extends SyncStartOptions {
  /** Overrides where the worker code is (tests). */
  worker?: WorkerLocation;
  /** How long stop() waits for a clean exit before terminating the thread (default 10 s). */
  stopTimeoutMs?: number;
}

const PROXMOX_KINDS = new Set<string>([
  'auth',
  'permission',
  'parameter',
  'not-found',
  'node-unreachable',
  'server',
  'network',
  'timeout',
  'tls',
  'protocol',
  'task',
  'cancelled',
]);

/** The worker's error as an Error again: a ProxmoxError when it was one, so callers can map
 * it to an exit code the usual way. */
export function errorFromInfo(info: SyncErrorInfo): Error {
  if (PROXMOX_KINDS.has(info.kind)) {
    return new ProxmoxError(info.kind as ProxmoxErrorKind, info.message, info.status !== undefined ? { status: info.status } : {});
  }
  return new Error(info.message);
}

export function startSyncWorker(options: StartSyncWorkerOptions): SyncWorkerHandle {
  const { worker: location = syncWorkerLocation(), stopTimeoutMs = 10_000, ...start } = options;
  const worker = new Worker(location.url, location.execArgv ? { execArgv: location.execArgv } : {});
  const listeners = new Map<SyncWorkerEventName, Set<(payload: never) => void>>();
  const pending = new Map<number, { resolve(summary: PollSummary): void; reject(error: Error): void }>();
  const statsWaiters = new Map<number, { resolve(stats: WorkerStats): void; reject(error: Error): void }>();
  let nextId = 1;
  let lastStatus: ConnectionStatus | undefined;
  let exited = false;
  let stopRequested = false;

  let resolveReady!: (value: { profileId: number }) => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<{ profileId: number }>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined); // observed through events too; never an unhandled rejection

  let resolveExit!: () => void;
  const exitPromise = new Promise<void>((resolve) => (resolveExit = resolve));

  const emit = <E extends SyncWorkerEventName>(event: E, payload: SyncWorkerEvents[E]): void => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        (listener as (p: SyncWorkerEvents[E]) => void)(payload);
      } catch {
        // a listener's failure is its own
      }
    }
  };

  const send = (message: HostMessage): void => {
    if (!exited) worker.postMessage(message);
  };

  const onMessage = (message: WorkerMessage): void => {
    switch (message.type) {
      case 'ready':
        resolveReady({ profileId: message.profileId });
        emit('ready', { profileId: message.profileId });
        break;
      case 'state':
        lastStatus = message.status;
        emit('state', message.status);
        break;
      case 'progress':
        emit('progress', message.progress);
        break;
      case 'changes': {
        const { type: _type, ...payload } = message;
        emit('changes', payload);
        break;
      }
      case 'figures':
        emit('figures', message.frame);
        break;
      case 'poll':
        emit('poll', message.summary);
        break;
      case 'error': {
        const { type: _type, ...payload } = message;
        if (message.fatal) rejectReady(errorFromInfo(message.error));
        emit('error', payload);
        break;
      }
      case 'syncNowResult': {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (!waiter) break;
        if (message.summary) waiter.resolve(message.summary);
        else waiter.reject(errorFromInfo(message.error ?? { kind: 'internal', message: 'sync failed' }));
        break;
      }
      case 'statsResult': {
        statsWaiters.get(message.id)?.resolve(message.stats);
        statsWaiters.delete(message.id);
        break;
      }
      case 'log':
        writeWorkerLog(message);
        break;
      case 'stopped':
        break;
    }
  };

  worker.on('message', (message: unknown) => {
    if (isWorkerMessage(message)) onMessage(message);
  });
  worker.on('error', (error: Error) => {
    // An uncaught exception in the worker: it is gone.
    const info: SyncErrorInfo = { kind: 'internal', message: `the sync worker failed: ${error.message}` };
    rejectReady(errorFromInfo(info));
    emit('error', { error: info, consecutiveFailures: 0, fatal: true });
  });
  worker.on('exit', (code) => {
    exited = true;
    stopFollowingLevel();
    const gone = new Error('the sync worker has stopped');
    rejectReady(gone);
    for (const waiter of pending.values()) waiter.reject(gone);
    for (const waiter of statsWaiters.values()) waiter.reject(gone);
    pending.clear();
    statsWaiters.clear();
    if (!stopRequested) {
      // Died on its own (a crash, out of memory): whoever shows the state must not keep
      // showing the last good one.
      const offline: ConnectionStatus = {
        ...(lastStatus ?? { paused: false, consecutiveFailures: 0, warnings: 0, droppedPolls: 0 }),
        state: 'offline',
        lastError: `the sync worker stopped unexpectedly (exit code ${code})`,
      };
      lastStatus = offline;
      emit('state', offline);
    }
    emit('exit', { code });
    resolveExit();
  });

  // The worker logs through this thread's logger, at its level; with no log here it logs
  // nothing, until the log is opened (the console opens it after its first frame). It follows
  // `/debug on` and the command's id.
  const workerLog = ({ level, op }: LogSettings): WorkerLogSettings | undefined => (level === undefined ? undefined : { level, ...(op !== undefined ? { parent: op } : {}) });
  start.log ??= workerLog({ level: log.level(), op: currentCommandOp() });
  let sentLog = JSON.stringify(start.log ?? null);
  let settingsDue = false;
  // Sent once the changes of one step are all in: opening the log sets the sink, then the id.
  const stopFollowingLevel = onLogSettings(() => {
    if (settingsDue) return;
    settingsDue = true;
    queueMicrotask(() => {
      settingsDue = false;
      const next = workerLog({ level: log.level(), op: currentCommandOp() });
      if (next === undefined || JSON.stringify(next) === sentLog) return;
      sentLog = JSON.stringify(next);
      send({ type: 'logSettings', log: next });
    });
  });

  send({ type: 'start', options: start });

  return {
    ready,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    status: () => lastStatus,
    syncNow() {
      if (exited) return Promise.reject(new Error('the sync worker has stopped'));
      const id = nextId++;
      return new Promise<PollSummary>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ type: 'syncNow', id });
      });
    },
    stats() {
      if (exited) return Promise.reject(new Error('the sync worker has stopped'));
      const id = nextId++;
      return new Promise<WorkerStats>((resolve, reject) => {
        statsWaiters.set(id, { resolve, reject });
        send({ type: 'stats', id });
      });
    },
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    setInterval: (intervalMs) => send({ type: 'setInterval', intervalMs }),
    async stop() {
      stopRequested = true;
      if (!exited) {
        send({ type: 'stop' });
        const timer = setTimeout(() => void worker.terminate(), stopTimeoutMs);
        await exitPromise;
        clearTimeout(timer);
      }
    },
  };
}
