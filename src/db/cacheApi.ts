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
}

export interface CacheWriter {
  /** Finds or creates the profile row for this name. */
  profile(name: string, endpoint: string): ProfileRef;
  /** Per guest: the config digest and fingerprint cached, to decide which configs to re-fetch. */
  configState(profileId: number): Map<GuestKey, { configDigest?: string; configFingerprint?: string }>;
  /** Applies one observation in ONE transaction: upserts what changed, deletes what is gone,
   * records history (created/deleted/moved/status/config field changes) and, if anything
   * changed, a sync run row. Nothing is written when nothing changed. */
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
  storage(profileId: number): StorageRow[];
  storageContent(profileId: number, filter?: { node?: string; storage?: string; content?: string }): StorageContentRow[];
  networks(profileId: number, node?: string): NetworkRow[];
  pools(profileId: number): PoolRow[];
  snapshots(profileId: number, key?: GuestKey): SnapshotRow[];
  tasks(profileId: number, filter?: { vmid?: number; node?: string; limit?: number }): TaskRow[];
  history(profileId: number, filter?: { key?: GuestKey; sinceRunId?: number; since?: number; limit?: number }): HistoryEntry[];
}

export interface Cache extends CacheReader, CacheWriter {
  readonly path: string;
  close(): void;
}
