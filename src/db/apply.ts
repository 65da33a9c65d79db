// Applies one ClusterObservation to the cache in ONE transaction: compares it with the last
// applied state, then writes only what changed, records history, and a sync run row. When
// nothing changed nothing is written.
//
// Live figures (cpu, mem, uptime... of guests and nodes, storage usage) drift on every poll and
// are no change: a row whose only differences are figures is written at most once per
// `figuresEveryMs` (all such rows together), and never announced; a row with a real change is
// written whole at once. The sync posts the fresh figures to the main thread on every poll.
//
// The last applied guests and pools are kept in memory (the state this connection wrote or
// read), so that a poll compares 10,000 guests without reading 10,000 rows. `PRAGMA
// data_version` tells when another connection committed in between: the copy is then reloaded.
//
// An observation older than the last one applied (profiles.observed_at) is discarded whole.
import type Database from 'better-sqlite3';
import type { ApplyResult } from './cacheApi.js';
import { type ApplyStatements, prepareApplyStatements } from './applyStatements.js';
import { type Config, configChanges, diffSection, differingKeys, type FigurePolicy, parseConfig, type SectionDiff, sameConfig, splitDifferences } from './diff.js';
import { FIGURE_INDEX, G, guestFigureValues, guestFiguresDiffer, type GuestTuple, guestTuple, plainGuestChanges } from './guestTuple.js';
import {
  type ChangeEvent,
  type ClusterObservation,
  type GuestKey,
  type GuestType,
  type HistoryEntry,
  NODE_FIGURE_FIELDS,
  type PoolRow,
  STORAGE_FIGURE_FIELDS,
} from './model.js';
import {
  type NetworkRecord,
  networkRecord,
  type NodeRecord,
  nodeRecord,
  type SnapshotRecord,
  snapshotRecord,
  type StorageContentRecord,
  storageContentRecord,
  type StorageRecord,
  storageRecord,
  type TaskRecord,
  taskRecord,
} from './rowCodec.js';

export interface ApplyRun {
  startedAt: number;
  counts: Record<string, number>;
}

export type ApplyOutcome = ApplyResult & { syncRunId?: number };

/** A stored guest: its tuple with 1/0 (config present) in the config column. */
type StoredGuest = GuestTuple;
type HistoryDraft = Omit<HistoryEntry, 'syncRunId'>;

interface PoolRecord {
  poolid: string;
  comment: string | null;
  /** Sorted, `\n`-joined. */
  members: string;
}

/** The last applied state of one profile (what its rows hold), the next observation's baseline. */
interface ProfileState {
  /** By guestId. */
  guests: Map<number, StoredGuest>;
  /** Loaded when an observation first carries pools. */
  pools?: Map<string, PoolRecord>;
}

interface GuestUpsert {
  tuple: GuestTuple;
  old?: StoredGuest;
}

interface FigureUpdate {
  old: StoredGuest;
  /** In GUEST_FIGURE_FIELDS order. */
  values: (number | null)[];
}

/** Everything one observation changes, computed before anything is written. */
interface WritePlan {
  profile?: { cluster_name: string | null; pve_version: string | null };
  nodes: SectionDiff<NodeRecord>;
  /** New guests and changed ones (written whole). */
  guestUpserts: GuestUpsert[];
  /** Guests whose only differences are live figures (only when figures are due). */
  guestFigures: FigureUpdate[];
  guestDeletes: StoredGuest[];
  snapshotUpserts: SnapshotRecord[];
  snapshotDeletes: SnapshotRecord[];
  storage?: SectionDiff<StorageRecord>;
  content?: SectionDiff<StorageContentRecord>;
  networks?: SectionDiff<NetworkRecord>;
  pools?: SectionDiff<PoolRecord>;
  tasks: TaskRecord[];
  history: HistoryDraft[];
  changes: ChangeEvent[];
}

export const DEFAULT_FIGURES_EVERY_MS = 60_000;

export interface ApplierOptions {
  /** The clock for the sync run's finish time (default Date.now). */
  now?: () => number;
  /** Rows whose only differences are live figures are written at most this often, measured
   * in observation time (`ClusterObservation.at`); default 60 s. 0 writes them every time. */
  figuresEveryMs?: number;
}

export interface Applier {
  apply(profileId: number, obs: ClusterObservation, run: ApplyRun): ApplyOutcome;
  /** Forgets the in-memory state: the next apply reads the rows again. */
  invalidate(): void;
}

const NODE_FIGURES: ReadonlySet<string> = new Set(NODE_FIGURE_FIELDS);
const STORAGE_FIGURES: ReadonlySet<string> = new Set(STORAGE_FIGURE_FIELDS);

/** Node field names as the model spells them, for ChangeEvent.fields. */
const MODEL_FIELD: Record<string, string> = { ssl_fingerprint: 'sslFingerprint' };
const modelField = (column: string): string => MODEL_FIELD[column] ?? column;

const guestKeyOf = (type: string, vmid: number): GuestKey => `${type as GuestType}/${vmid}`;
/** A guest's identity as a number (cheaper than a string key at 100,000 guests). */
const guestId = (type: string, vmid: number): number => vmid * 2 + (type === 'lxc' ? 1 : 0);
const SNAPSHOT_CURRENT = 'current';

export function createApplier(db: Database.Database, options: ApplierOptions = {}): Applier {
  const now = options.now ?? Date.now;
  const figuresEveryMs = Math.max(0, options.figuresEveryMs ?? DEFAULT_FIGURES_EVERY_MS);
  const st = prepareApplyStatements(db);
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const states = new Map<number, ProfileState>();
  let seenVersion: number | undefined;
  /** Per profile: the observation time of the last apply that wrote every moved figure. */
  const figuresAt = new Map<number, number>();
  let figuresWritten = false;

  const apply = db.transaction((profileId: number, obs: ClusterObservation, run: ApplyRun): ApplyOutcome => {
    // Inside the write lock: a commit by another connection before it shows here.
    const version = dataVersion.get() as number;
    if (version !== seenVersion) {
      states.clear();
      seenVersion = version;
    }
    // An observation taken no later than the last one applied (another process's poll that
    // was slower and commits last) is discarded whole: applying it would put older state over
    // newer and record bogus history. Nothing is written, so the in-memory state (reloaded
    // above when another connection committed) still matches the rows.
    //
    // observed_at moves only when an apply writes: a poll that changed nothing writes nothing
    // (not even observed_at). An older poll can then still pass the check against the older
    // observed_at, but it sees the state the newer no-change poll confirmed (unless the cluster
    // changed and changed back in between, which the next poll corrects): no harm either way.
    const observedAt = st.observedAt.get(profileId) as number | null | undefined;
    if (observedAt !== undefined && observedAt !== null && obs.at <= observedAt) {
      return { changes: [], historyEntries: 0, rowsWritten: 0, stale: true };
    }
    let state = states.get(profileId);
    if (state === undefined) {
      state = loadState(st, profileId);
      states.set(profileId, state);
    }
    const last = figuresAt.get(profileId);
    const due = last === undefined || obs.at < last || obs.at - last >= figuresEveryMs;
    const plan = planChanges(st, profileId, obs, state, due);
    if (isEmpty(plan)) return { changes: [], historyEntries: 0, rowsWritten: 0 };
    const outcome = writePlan(st, profileId, obs, run, plan, now);
    updateState(state, plan);
    figuresWritten = due;
    return outcome;
  });

  return {
    apply(profileId, obs, run) {
      figuresWritten = false;
      try {
        // IMMEDIATE: take the write lock before comparing, so the compare and the writes see the same data.
        const outcome = apply.immediate(profileId, obs, run);
        if (figuresWritten) figuresAt.set(profileId, obs.at);
        return outcome;
      } catch (error) {
        // Rolled back: the in-memory state may hold what was not committed.
        states.clear();
        throw error;
      }
    },
    invalidate() {
      states.clear();
    },
  };
}

function loadState(st: ApplyStatements, profileId: number): ProfileState {
  const guests = new Map<number, StoredGuest>();
  for (const row of st.selectGuests.all(profileId) as StoredGuest[]) guests.set(guestId(row[G.type] as string, row[G.vmid] as number), row);
  return { guests };
}

/** After the writes: the state now holds what the rows hold. */
function updateState(state: ProfileState, plan: WritePlan): void {
  const { guests } = state;
  for (const { tuple, old } of plan.guestUpserts) {
    // The upsert keeps the stored config, digest and fingerprint where the tuple has NULL.
    tuple[G.config] = tuple[G.config] !== null ? 1 : (old?.[G.config] ?? 0);
    if (old !== undefined) {
      if (tuple[G.config_digest] === null) tuple[G.config_digest] = old[G.config_digest] ?? null;
      if (tuple[G.config_fingerprint] === null) tuple[G.config_fingerprint] = old[G.config_fingerprint] ?? null;
    }
    guests.set(guestId(tuple[G.type] as string, tuple[G.vmid] as number), tuple);
  }
  for (const { old, values } of plan.guestFigures) {
    for (let i = 0; i < FIGURE_INDEX.length; i++) old[FIGURE_INDEX[i]!] = values[i] ?? null;
  }
  for (const old of plan.guestDeletes) guests.delete(guestId(old[G.type] as string, old[G.vmid] as number));
  if (plan.pools && state.pools) {
    for (const r of plan.pools.upserts) state.pools.set(r.poolid, r);
    for (const poolid of plan.pools.removed) state.pools.delete(poolid);
  }
}

function isEmpty(plan: WritePlan): boolean {
  return (
    plan.profile === undefined &&
    plan.changes.length === 0 &&
    plan.history.length === 0 &&
    plan.guestUpserts.length === 0 &&
    plan.guestFigures.length === 0 &&
    plan.guestDeletes.length === 0 &&
    plan.nodes.upserts.length === 0 &&
    plan.nodes.removed.length === 0 &&
    (plan.storage?.upserts.length ?? 0) === 0
  );
}

// ---------------------------------------------------------------- compare

function planChanges(st: ApplyStatements, profileId: number, obs: ClusterObservation, state: ProfileState, figuresDue: boolean): WritePlan {
  const plan: WritePlan = {
    nodes: { upserts: [], added: [], changed: [], removed: [], removedRows: [] },
    guestUpserts: [],
    guestFigures: [],
    guestDeletes: [],
    snapshotUpserts: [],
    snapshotDeletes: [],
    tasks: [],
    history: [],
    changes: [],
  };
  planProfile(st, profileId, obs, plan);
  planNodes(st, profileId, obs, plan, figuresDue);
  const present = planGuests(st, profileId, obs, state.guests, plan, figuresDue);
  planSnapshots(st, profileId, obs, present, plan);
  if (obs.storage) {
    const figures: FigurePolicy = { keys: STORAGE_FIGURES, due: figuresDue };
    plan.storage = diffSection<StorageRecord>(loadMap<StorageRecord>(st.selectStorage, profileId, storageKey), obs.storage.map(storageRecord), storageKey, figures);
    pushSectionEvents(plan, 'storage', plan.storage);
  }
  if (obs.storageContent) {
    plan.content = diffSection<StorageContentRecord>(loadMap(st.selectContent, profileId, contentKey), obs.storageContent.map(storageContentRecord), contentKey);
    pushContentEvents(plan, plan.content);
  }
  if (obs.networks) {
    plan.networks = diffSection<NetworkRecord>(loadMap(st.selectNetworks, profileId, networkKey), obs.networks.map(networkRecord), networkKey);
    pushSectionEvents(plan, 'network', plan.networks);
  }
  if (obs.pools) {
    state.pools ??= loadMap(st.selectPools, profileId, (p: PoolRecord) => p.poolid);
    plan.pools = diffSection<PoolRecord>(state.pools, obs.pools.map(poolRecord), (p) => p.poolid);
    pushSectionEvents(plan, 'pool', plan.pools);
  }
  planTasks(st, profileId, obs, plan);
  return plan;
}

function planProfile(st: ApplyStatements, profileId: number, obs: ClusterObservation, plan: WritePlan): void {
  const stored = st.profile.get(profileId) as { cluster_name: string | null; pve_version: string | null } | undefined;
  if (stored === undefined) throw new Error(`no profile with id ${profileId} in the cache`);
  const next = {
    cluster_name: obs.clusterName ?? stored.cluster_name,
    pve_version: obs.pveVersion ?? stored.pve_version,
  };
  if (next.cluster_name !== stored.cluster_name || next.pve_version !== stored.pve_version) plan.profile = next;
}

function planNodes(st: ApplyStatements, profileId: number, obs: ClusterObservation, plan: WritePlan, figuresDue: boolean): void {
  const stored = loadMap(st.selectNodes, profileId, (n: NodeRecord) => n.node);
  const seen = new Set<string>();
  for (const row of obs.nodes) {
    if (seen.has(row.node)) continue;
    seen.add(row.node);
    const next = nodeRecord(row);
    const old = stored.get(row.node);
    if (old === undefined) {
      plan.nodes.upserts.push(next);
      plan.changes.push({ kind: 'node', op: 'added', node: row.node });
      continue;
    }
    const { fields, figures } = splitDifferences(old, next, NODE_FIGURES);
    if (fields.length === 0) {
      if (figures && figuresDue) plan.nodes.upserts.push(next);
      continue;
    }
    plan.nodes.upserts.push(next);
    plan.changes.push({ kind: 'node', op: 'changed', node: row.node, fields: fields.map(modelField) });
  }
  for (const node of stored.keys()) {
    if (seen.has(node) || obs.incomplete) continue;
    plan.nodes.removed.push(node);
    plan.changes.push({ kind: 'node', op: 'removed', node });
  }
}

/** Returns the guests present after this observation (by guestId). */
function planGuests(
  st: ApplyStatements,
  profileId: number,
  obs: ClusterObservation,
  stored: ReadonlyMap<number, StoredGuest>,
  plan: WritePlan,
  figuresDue: boolean,
): Set<number> {
  // The first sync of a profile imports what exists: its guests were not "created" then.
  const initialImport = stored.size === 0 && st.hasSyncedOk.get(profileId) === undefined;
  const at = obs.at;
  const seen = new Set<number>();
  for (const guest of obs.guests) {
    const id = guestId(guest.type, guest.vmid);
    if (seen.has(id)) continue;
    seen.add(id);
    const old = stored.get(id);
    if (old === undefined) {
      const key = guestKeyOf(guest.type, guest.vmid);
      plan.guestUpserts.push({ tuple: guestTuple(guest, guest.config === undefined ? null : JSON.stringify(guest.config)) });
      if (!initialImport) plan.history.push({ at, type: guest.type, vmid: guest.vmid, event: 'created', new: guest.name });
      plan.changes.push({ kind: 'guest', op: 'added', key });
      continue;
    }
    let fields = plainGuestChanges(old, guest);
    // Config: NULL keeps what is stored. Compared only when the observation carries one and
    // its digest differs from the stored one (the digest is PVE's hash of the config file).
    let configText: string | null = null;
    let configDiff: ReturnType<typeof configChanges> = [];
    const hasConfig = old[G.config] === 1;
    if (guest.config !== undefined && !(hasConfig && guest.configDigest !== undefined && guest.configDigest === old[G.config_digest])) {
      const text = JSON.stringify(guest.config);
      const storedText = hasConfig ? (st.selectGuestConfig.get(profileId, guest.type, guest.vmid) as string | null | undefined) : null;
      if (storedText === null || storedText === undefined) {
        configText = text;
      } else if (storedText !== text) {
        const storedConfig = parseConfig(storedText);
        if (!sameConfig(storedConfig, guest.config as Config)) {
          configText = text;
          configDiff = configChanges(storedConfig, guest.config as Config);
        }
      }
      if (configText !== null) (fields ??= []).push('config');
    }
    if (guest.configDigest !== undefined && guest.configDigest !== old[G.config_digest]) (fields ??= []).push('configDigest');
    if (guest.configFingerprint !== undefined && guest.configFingerprint !== old[G.config_fingerprint]) (fields ??= []).push('configFingerprint');
    if (fields === undefined) {
      // Only live figures may differ: written when they are due, never announced.
      if (figuresDue && guestFiguresDiffer(old, guest)) plan.guestFigures.push({ old, values: guestFigureValues(guest) });
      continue;
    }
    plan.guestUpserts.push({ tuple: guestTuple(guest, configText), old });
    plan.changes.push({ kind: 'guest', op: 'changed', key: guestKeyOf(guest.type, guest.vmid), fields });
    const oldNode = old[G.node] as string;
    const oldStatus = old[G.status] as string;
    if (oldNode !== guest.node) {
      plan.history.push({ at, type: guest.type, vmid: guest.vmid, event: 'moved', field: 'node', old: oldNode, new: guest.node });
    }
    if (oldStatus !== guest.status) {
      plan.history.push({ at, type: guest.type, vmid: guest.vmid, event: 'status', field: 'status', old: oldStatus, new: guest.status });
    }
    for (const change of configDiff) {
      const entry: HistoryDraft = { at, type: guest.type, vmid: guest.vmid, event: 'config', field: change.key };
      if (change.old !== undefined) entry.old = change.old;
      if (change.new !== undefined) entry.new = change.new;
      plan.history.push(entry);
    }
  }
  for (const [id, old] of stored) {
    if (seen.has(id) || obs.incomplete) continue;
    plan.guestDeletes.push(old);
    const type = old[G.type] as GuestType;
    const vmid = old[G.vmid] as number;
    plan.history.push({ at, type, vmid, event: 'deleted', old: old[G.name] as string });
    plan.changes.push({ kind: 'guest', op: 'removed', key: guestKeyOf(type, vmid) });
  }
  return seen;
}

function planSnapshots(st: ApplyStatements, profileId: number, obs: ClusterObservation, present: Set<number>, plan: WritePlan): void {
  if (!obs.snapshots) return;
  for (const [key, rows] of obs.snapshots) {
    const slash = key.indexOf('/');
    const type = key.slice(0, slash) as GuestType;
    const vmid = Number(key.slice(slash + 1));
    if (!present.has(guestId(type, vmid))) continue; // the guest is gone: its snapshots go with it
    const stored = new Map<string, SnapshotRecord>();
    for (const r of st.selectGuestSnapshots.all(profileId, type, vmid) as SnapshotRecord[]) stored.set(r.name, r);
    // `current` is PVE's "you are here" pseudo-entry, never a snapshot (the name is reserved).
    const observed = rows.filter((r) => r.name !== SNAPSHOT_CURRENT).map((r) => snapshotRecord({ ...r, type, vmid }));
    const diff = diffSection(stored, observed, (r) => r.name);
    plan.snapshotUpserts.push(...diff.upserts);
    plan.snapshotDeletes.push(...diff.removedRows);
    for (const name of diff.added) plan.changes.push({ kind: 'snapshot', op: 'added', id: `${key}@${name}` });
    for (const name of diff.changed) plan.changes.push({ kind: 'snapshot', op: 'changed', id: `${key}@${name}` });
    for (const name of diff.removed) plan.changes.push({ kind: 'snapshot', op: 'removed', id: `${key}@${name}` });
  }
}

function planTasks(st: ApplyStatements, profileId: number, obs: ClusterObservation, plan: WritePlan): void {
  if (!obs.tasks) return;
  const seen = new Set<string>();
  for (const task of obs.tasks) {
    if (seen.has(task.upid)) continue;
    seen.add(task.upid);
    const next = taskRecord(task);
    const old = st.selectTask.get(profileId, task.upid) as TaskRecord | undefined;
    if (old !== undefined && differingKeys(old, next).length === 0) continue;
    plan.tasks.push(next);
    plan.changes.push({ kind: 'task', op: old === undefined ? 'added' : 'changed', id: task.upid });
  }
}

function poolRecord(row: PoolRow): PoolRecord {
  return { poolid: row.poolid, comment: row.comment ?? null, members: [...new Set(row.members)].sort().join('\n') };
}

const storageKey = (r: { node: string; storage: string }) => `${r.node}/${r.storage}`;
const contentKey = (r: StorageContentRecord) => `${r.node}/${r.storage}/${r.volid}`;
const networkKey = (r: NetworkRecord) => `${r.node}/${r.iface}`;

function loadMap<R>(statement: Database.Statement, profileId: number, keyOf: (row: R) => string): Map<string, R> {
  const map = new Map<string, R>();
  for (const row of statement.all(profileId) as R[]) map.set(keyOf(row), row);
  return map;
}

function pushSectionEvents(plan: WritePlan, kind: 'storage' | 'network' | 'pool', diff: SectionDiff<unknown>): void {
  for (const id of diff.added) plan.changes.push({ kind, op: 'added', id });
  for (const id of diff.changed) plan.changes.push({ kind, op: 'changed', id });
  for (const id of diff.removed) plan.changes.push({ kind, op: 'removed', id });
}

/** Content changes are announced as a change of their storage (`node/storage`), once each. */
function pushContentEvents(plan: WritePlan, diff: SectionDiff<StorageContentRecord>): void {
  const announced = new Set<string>();
  for (const c of plan.changes) if (c.kind === 'storage') announced.add(c.id);
  for (const row of [...diff.upserts, ...diff.removedRows]) {
    const id = storageKey(row);
    if (announced.has(id)) continue;
    announced.add(id);
    plan.changes.push({ kind: 'storage', op: 'changed', id });
  }
}

// ---------------------------------------------------------------- write

function writePlan(st: ApplyStatements, profileId: number, obs: ClusterObservation, run: ApplyRun, plan: WritePlan, now: () => number): ApplyOutcome {
  let rows = 0;
  const runId = Number(
    st.insertRun.run(profileId, {
      started_at: run.startedAt,
      finished_at: null,
      outcome: 'ok',
      counts: '{}',
      error: null,
    }).lastInsertRowid,
  );

  const storedProfile = plan.profile ?? (st.profile.get(profileId) as { cluster_name: string | null; pve_version: string | null });
  st.updateProfile.run(profileId, { ...storedProfile, verified_at: obs.at, observed_at: obs.at });
  if (plan.profile) rows += 1;

  for (const r of plan.nodes.upserts) rows += st.upsertNode.run(profileId, r).changes;
  for (const node of plan.nodes.removed) rows += st.deleteNode.run(profileId, node).changes;

  for (const { tuple } of plan.guestUpserts) rows += st.upsertGuest.run(profileId, ...tuple).changes;
  for (const { old, values } of plan.guestFigures) rows += st.updateGuestFigures.run(...values, profileId, old[G.type], old[G.vmid]).changes;
  for (const t of plan.guestDeletes) rows += st.deleteGuest.run(profileId, t[G.type], t[G.vmid]).changes;

  for (const r of plan.snapshotUpserts) rows += st.upsertSnapshot.run(profileId, r).changes;
  for (const r of plan.snapshotDeletes) rows += st.deleteSnapshot.run(profileId, r.type, r.vmid, r.name).changes;

  if (plan.storage) {
    for (const r of plan.storage.upserts) rows += st.upsertStorage.run(profileId, r).changes;
    for (const r of plan.storage.removedRows) rows += st.deleteStorage.run(profileId, r.node, r.storage).changes;
  }
  if (plan.content) {
    for (const r of plan.content.upserts) rows += st.upsertContent.run(profileId, r).changes;
    for (const r of plan.content.removedRows) rows += st.deleteContent.run(profileId, r.node, r.storage, r.volid).changes;
  }
  if (plan.networks) {
    for (const r of plan.networks.upserts) rows += st.upsertNetwork.run(profileId, r).changes;
    for (const r of plan.networks.removedRows) rows += st.deleteNetwork.run(profileId, r.node, r.iface).changes;
  }
  if (plan.pools) {
    for (const r of plan.pools.upserts) {
      rows += st.upsertPool.run(profileId, { poolid: r.poolid, comment: r.comment }).changes;
      rows += st.deletePoolMembers.run(profileId, r.poolid).changes;
      if (r.members !== '') for (const member of r.members.split('\n')) rows += st.insertPoolMember.run(profileId, r.poolid, member).changes;
    }
    for (const poolid of plan.pools.removed) rows += st.deletePool.run(profileId, poolid).changes;
  }

  for (const r of plan.tasks) rows += st.upsertTask.run(profileId, r).changes;

  for (const h of plan.history) {
    rows += st.insertHistory.run(profileId, {
      sync_run_id: runId,
      at: h.at,
      type: h.type,
      vmid: h.vmid,
      event: h.event,
      field: h.field ?? null,
      old: h.old ?? null,
      new: h.new ?? null,
    }).changes;
  }

  const counts = { ...run.counts, rowsWritten: rows, changes: plan.changes.length, history: plan.history.length };
  st.updateRunCounts.run(JSON.stringify(counts), now(), runId);
  return { changes: plan.changes, historyEntries: plan.history.length, rowsWritten: rows, syncRunId: runId };
}
