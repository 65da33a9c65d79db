// Public surface of the sync: the worker for the console (host.ts), the poll loop and the single
// poll for in-process use (poller.ts, collect.ts), and the plain-data types they report with.
//
//   const sync = startSyncWorker({ connection, cachePath, profile: { name, endpoint } });
//   sync.on('changes', ({ changes }) => store.merge(changes));
//   sync.on('figures', (frame) => forEachGuestFigures(frame, (key, f) => bars.set(key, f)));
//   sync.on('state', (status) => statusBar.show(status.state, syncAgeMs(status)));
//   await sync.syncNow();   // after an operation: a targeted re-sync
//   await sync.stop();
export { startSyncWorker, errorFromInfo } from './host.js';
export type { StartSyncWorkerOptions, SyncWorkerEventName, SyncWorkerEvents, SyncWorkerHandle } from './host.js';
export { createPoller, DEFAULT_INTERVAL_MS } from './poller.js';
export type { Poller, PollerCache, PollerClock, PollerEvent, PollerOptions } from './poller.js';
export { collectObservation, DEFAULT_CONCURRENCY, DEFAULT_DETAILS_EVERY, DEFAULT_SWEEP_POLLS } from './collect.js';
export type { CollectOptions, CollectResult, CollectorMemory, ConfigState, PreviousPoll, SyncClient } from './collect.js';
export type { HostMessage, SyncStartOptions, WorkerConnection, WorkerMessage, WorkerStats } from './protocol.js';
export { figuresFrame, forEachGuestFigures, guestFiguresMap, GUEST_FIGURES_STRIDE } from './figures.js';
export type { FiguresFrame, NodeFigures, StorageFigures } from './figures.js';
export { syncAgeMs } from './types.js';
export type { ConnectionState, ConnectionStatus, PollCounts, PollSummary, SyncErrorInfo, SyncPhase, SyncProgress, SyncWarning } from './types.js';
