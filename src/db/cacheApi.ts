// The cache's interface: what the sync worker writes through and what commands and the console
// read. Implemented by src/db/cache.ts on drizzle + better-sqlite3.
import type {
  ChangeEvent,
  ClusterObservation,
  GuestKey,
  GuestRow,
  HistoryEntry,
  NetworkRow,
  NodeRow,
  PoolRow,
  SnapshotRow,
  StorageContentRow,
  StorageRow,
  SyncOutcome,
  SyncRunRow,
  TaskRow,
} from './model.js';
import type { GuestJsonQuery } from './guestJson.js';
import type { OperationLogEntry, OperationLogFilter } from './operationLog.js';

export type { GuestJsonQuery } from './guestJson.js';

export interface ProfileRef {
  id: number;
  name: string;
  endpoint: string;
  clusterName?: string;
  pveVersion?: string;
}

export interface ApplyResult {
  changes: ChangeEvent[];
  historyEntries: number;
  /** Rows inserted, updated or deleted (0 when nothing changed: nothing is written). */
  rowsWritten: number;
  /** true: the observation was taken no later than the last one applied to this profile
   * (another process's newer poll committed first); it was discarded, nothing was written. */
  stale?: boolean;
}

export interface CacheWriter {
  /** Finds or creates the profile row for this name. */
  profile(name: string, endpoint: string): ProfileRef;
  /** Per guest: the config digest and fingerprint cached, to decide which configs to re-fetch. */
  configState(profileId: number): Map<GuestKey, { configDigest?: string; configFingerprint?: string }>;
  /** Applies one observation in ONE transaction: upserts what changed, deletes what is gone,
   * records history (created/deleted/moved/status/config field changes) and, if anything
   * changed, a sync run row. Nothing is written when nothing changed. Live figures (guest and
   * node cpu/mem/disk/uptime/net/io, storage usage) are no change: rows whose only differences
   * are figures are written at most once per `figuresEveryMs` of observation time (all at
   * once), are never announced in `changes`, and otherwise leave rowsWritten at 0. */
  applyObservation(profileId: number, observation: ClusterObservation, run: { startedAt: number; counts: Record<string, number> }): ApplyResult & { syncRunId?: number };
  /** Records a failed sync (outcome failed/partial, with the error text). */
  recordFailure(profileId: number, run: { startedAt: number; finishedAt: number; outcome: SyncOutcome; error: string; counts: Record<string, number> }): void;
  /** Marks the cache as verified at `at` without other writes; callers do it at most once a
   * minute when polls find nothing changed, so the age a reader shows stays honest. */
  touch(profileId: number, at: number): void;
}

export interface GuestQuery {
  type?: GuestType;
  node?: string;
  status?: string;
  tag?: string;
  pool?: string;
  templates?: 'include' | 'exclude' | 'only';
  /** false: leave `config` out (much faster for long lists; `configDigest`/`configFingerprint`
   * are still there). Default true. */
  withConfig?: boolean;
  /** At most this many (the first by vmid). */
  limit?: number;
}

type GuestType = GuestRow['type'];

/** Orders: profiles by name; nodes by node; guests by vmid; storage/content/networks by node then
 * name; pools by poolid (members sorted); snapshots by guest then snaptime; tasks and history
 * newest first (`limit` keeps the newest). `history.sinceRunId` means recorded by a later run. */
export interface CacheReader {
  profiles(): ProfileRef[];
  findProfile(name: string): ProfileRef | undefined;
  /** The newest successful sync, and when the cache was last verified current. */
  freshness(profileId: number): { lastSyncAt?: number; verifiedAt?: number; lastError?: string };
  syncRuns(profileId: number, limit?: number): SyncRunRow[];
  nodes(profileId: number): NodeRow[];
  guests(profileId: number, query?: GuestQuery): GuestRow[];
  guest(profileId: number, key: GuestKey): GuestRow | undefined;
  /** Each guest (by vmid, then type) as the JSON text of the read commands' guest record
   * (src/app/read/records.ts: GuestRecord, its keys in that order), exactly as
   * `JSON.stringify(records, null, 2)` prints an element of the array (two spaces deeper,
   * no separator): built by SQLite, several times faster at 100,000 guests than rows and
   * JSON.stringify. A guest SQLite cannot print exactly as JavaScript would (a non-integral
   * value in an integer column) comes as its GuestRow (without config) instead. */
  guestRecordsJson(profileId: number, query?: GuestJsonQuery): IterableIterator<string | GuestRow>;
  /** How many guests match, and the vmid that starts the last `1 - fraction` of them by vmid
   * (none below 2 guests): for splitting a listing between threads. */
  guestVmidSplit(profileId: number, query: Pick<GuestJsonQuery, 'type'>, fraction: number): { count: number; vmid?: number };
  /** Runs `fn` in one read transaction: every read in it sees the same state of the file. */
  snapshot<T>(fn: () => T): T;
  storage(profileId: number): StorageRow[];
  storageContent(profileId: number, filter?: { node?: string; storage?: string; content?: string }): StorageContentRow[];
  networks(profileId: number, node?: string): NetworkRow[];
  pools(profileId: number): PoolRow[];
  snapshots(profileId: number, key?: GuestKey): SnapshotRow[];
  tasks(profileId: number, filter?: { vmid?: number; node?: string; limit?: number }): TaskRow[];
  history(profileId: number, filter?: { key?: GuestKey; sinceRunId?: number; since?: number; limit?: number }): HistoryEntry[];
  /** Operations run on guests (src/db/operationLog.ts), newest first. */
  operations(profileId: number, filter?: OperationLogFilter): OperationLogEntry[];
}

export interface Cache extends CacheReader, CacheWriter {
  readonly path: string;
  close(): void;
}
