// Plain-data types the sync shares between its parts and with the main thread (everything
// here survives structured cloning: no classes, no functions).
import type { ProxmoxErrorKind } from '../proxmox/errors.js';

/** What a poll is doing, for progress displays. */
export type SyncPhase = 'resources' | 'configs' | 'details' | 'writing';

export interface SyncProgress {
  phase: SyncPhase;
  /** configs: fetched so far / to fetch. */
  done?: number;
  total?: number;
}

/** Something a poll could not read; the poll still succeeds (the cache keeps what it had). */
export interface SyncWarning {
  scope: 'config' | 'snapshots' | 'tasks' | 'storage-content' | 'network' | 'pools' | 'nodes' | 'cluster' | 'resources';
  /** The guest key, node, `node/storage` or pool the warning is about. */
  target?: string;
  kind: ProxmoxErrorKind | 'error';
  message: string;
}

/** A failed poll or a failure of the worker, as the main thread receives it. */
export interface SyncErrorInfo {
  kind: ProxmoxErrorKind | 'cache' | 'internal';
  message: string;
  status?: number;
}

export type ConnectionState = 'connecting' | 'online' | 'degraded' | 'offline';

export interface ConnectionStatus {
  /** connecting: no poll has finished yet; online: the last poll succeeded; degraded: it
   * succeeded with warnings (a node unreachable, a config unreadable); offline: polls fail. */
  state: ConnectionState;
  paused: boolean;
  /** Epoch ms of the last successful poll (from the cache at start, so an offline start still
   * knows how old its data is). The age is `now - lastGoodSyncAt`. */
  lastGoodSyncAt?: number;
  lastAttemptAt?: number;
  consecutiveFailures: number;
  /** When offline: the last error; when degraded: the first warning. */
  lastError?: string;
  warnings: number;
  /** Epoch ms of the next scheduled poll (undefined while paused or stopped). */
  nextPollAt?: number;
  /** Polls skipped because the previous one was still running. */
  droppedPolls: number;
}

/** How old the data is, in ms (undefined when there never was a good sync). */
export function syncAgeMs(status: Pick<ConnectionStatus, 'lastGoodSyncAt'>, now: number = Date.now()): number | undefined {
  return status.lastGoodSyncAt === undefined ? undefined : Math.max(0, now - status.lastGoodSyncAt);
}

/** The figures of one poll (also stored with the sync run). */
export type PollCounts = {
  nodes: number;
  guests: number;
  storage: number;
  configsFetched: number;
  configsFailed: number;
  /** Guests on unreachable nodes whose config was kept as cached. */
  configsSkipped: number;
  snapshotsFetched: number;
  tasks: number;
  storageContentFetched: number;
  networksFetched: number;
  warnings: number;
  requests: number;
  durationMs: number;
  /** Time spent per phase: resources and tasks, configs and snapshots, details, cache write. */
  resourcesMs: number;
  configsMs: number;
  detailsMs: number;
  writeMs: number;
};

/** What one successful poll did. */
export interface PollSummary {
  /** 1 for the first successful poll of this poller. */
  poll: number;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  counts: PollCounts;
  warnings: SyncWarning[];
  /** Change events written (the events themselves go out as a `changes` event). */
  changes: number;
  rowsWritten: number;
  historyEntries: number;
  syncRunId?: number;
  /** Storage content, networks, pools and node details were read this time. */
  details: boolean;
}
