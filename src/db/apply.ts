// Applies one ClusterObservation to the cache in ONE transaction: compares it with what is
// stored (the profile's rows loaded once, compared field by field in memory), then writes only
// what changed, records history, and a sync run row. When nothing changed nothing is written.
import type Database from 'better-sqlite3';
import type { ApplyResult } from './cacheApi.js';
import { type ApplyStatements, prepareApplyStatements } from './applyStatements.js';
import { type Config, configChanges, diffSection, differingKeys, parseConfig, type SectionDiff, sameConfig } from './diff.js';
import { G, type GuestTuple, guestTuple, plainGuestChanges } from './guestTuple.js';
import type { ChangeEvent, ClusterObservation, GuestKey, GuestType, HistoryEntry, PoolRow } from './model.js';
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

/** Everything one observation changes, computed before anything is written. */
interface WritePlan {
  profile?: { cluster_name: string | null; pve_version: string | null };
  nodes: SectionDiff<NodeRecord>;
  /** Tuples to upsert (new guests and changed ones). */
  guestUpserts: GuestTuple[];
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

/** Node field names as the model spells them, for ChangeEvent.fields. */
const MODEL_FIELD: Record<string, string> = { ssl_fingerprint: 'sslFingerprint' };
const modelField = (column: string): string => MODEL_FIELD[column] ?? column;

const guestKeyOf = (type: string, vmid: number): GuestKey => `${type as GuestType}/${vmid}`;
/** A guest's identity as a number (cheaper than a string key at 100,000 guests). */
const guestId = (type: string, vmid: number): number => vmid * 2 + (type === 'lxc' ? 1 : 0);
const SNAPSHOT_CURRENT = 'current';

export function createApplier(
  db: Database.Database,
  now: () => number = Date.now,
): (profileId: number, obs: ClusterObservation, run: ApplyRun) => ApplyOutcome {
  const st = prepareApplyStatements(db);
  const apply = db.transaction((profileId: number, obs: ClusterObservation, run: ApplyRun): ApplyOutcome => {
    const plan = planChanges(st, profileId, obs);
    if (isEmpty(plan)) return { changes: [], historyEntries: 0, rowsWritten: 0 };
    return writePlan(st, profileId, obs, run, plan, now);
  });
  // IMMEDIATE: take the write lock before reading, so the compare and the writes see the same data.
  return (profileId, obs, run) => apply.immediate(profileId, obs, run);
}

function isEmpty(plan: WritePlan): boolean {
  return (
    plan.profile === undefined &&
    plan.changes.length === 0 &&
    plan.history.length === 0 &&
    plan.guestUpserts.length === 0 &&
    plan.guestDeletes.length === 0
  );
}

// ---------------------------------------------------------------- compare

function planChanges(st: ApplyStatements, profileId: number, obs: ClusterObservation): WritePlan {
  const plan: WritePlan = {
    nodes: { upserts: [], added: [], changed: [], removed: [], removedRows: [] },
    guestUpserts: [],
    guestDeletes: [],
    snapshotUpserts: [],
    snapshotDeletes: [],
    tasks: [],
    history: [],
    changes: [],
  };
  planProfile(st, profileId, obs, plan);
  planNodes(st, profileId, obs, plan);
  const present = planGuests(st, profileId, obs, plan);
  planSnapshots(st, profileId, obs, present, plan);
  if (obs.storage) {
    plan.storage = diffSection<StorageRecord>(loadMap<StorageRecord>(st.selectStorage, profileId, storageKey), obs.storage.map(storageRecord), storageKey);
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
    plan.pools = diffSection<PoolRecord>(loadMap(st.selectPools, profileId, (p: PoolRecord) => p.poolid), obs.pools.map(poolRecord), (p) => p.poolid);
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

function planNodes(st: ApplyStatements, profileId: number, obs: ClusterObservation, plan: WritePlan): void {
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
    const fields = differingKeys(old, next);
    if (fields.length === 0) continue;
    plan.nodes.upserts.push(next);
    plan.changes.push({ kind: 'node', op: 'changed', node: row.node, fields: fields.map(modelField) });
  }
  for (const node of stored.keys()) {
    if (seen.has(node)) continue;
    plan.nodes.removed.push(node);
    plan.changes.push({ kind: 'node', op: 'removed', node });
  }
}

/** Returns the guests present after this observation (by guestId). */
function planGuests(st: ApplyStatements, profileId: number, obs: ClusterObservation, plan: WritePlan): Set<number> {
  const stored = new Map<number, StoredGuest>();
  for (const row of st.selectGuests.all(profileId) as StoredGuest[]) stored.set(guestId(row[G.type] as string, row[G.vmid] as number), row);
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
      plan.guestUpserts.push(guestTuple(guest, guest.config === undefined ? null : JSON.stringify(guest.config)));
      if (!initialImport) plan.history.push({ at, type: guest.type, vmid: guest.vmid, event: 'created', new: guest.name });
      plan.changes.push({ kind: 'guest', op: 'added', key });
      continue;
    }
    const fields = plainGuestChanges(old, guest) ?? [];
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
      if (configText !== null) fields.push('config');
    }
    if (guest.configDigest !== undefined && guest.configDigest !== old[G.config_digest]) fields.push('configDigest');
    if (guest.configFingerprint !== undefined && guest.configFingerprint !== old[G.config_fingerprint]) fields.push('configFingerprint');
    if (fields.length === 0) continue;
    plan.guestUpserts.push(guestTuple(guest, configText));
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
    if (seen.has(id)) continue;
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
  st.updateProfile.run(profileId, { ...storedProfile, verified_at: obs.at });
  if (plan.profile) rows += 1;

  for (const r of plan.nodes.upserts) rows += st.upsertNode.run(profileId, r).changes;
  for (const node of plan.nodes.removed) rows += st.deleteNode.run(profileId, node).changes;

  for (const t of plan.guestUpserts) rows += st.upsertGuest.run(profileId, ...t).changes;
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
