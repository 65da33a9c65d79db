// The cache's reads (CacheReader): drizzle's query builder for the small tables, raw prepared
// statements where row counts can be large (guests, content, tasks).
import type Database from 'better-sqlite3';
import { and, desc, eq, gt, gte, type SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { CacheReader, GuestQuery, ProfileRef } from './cacheApi.js';
import type { GuestKey, GuestRow, GuestType, HistoryEntry, PoolRow, SyncOutcome, SyncRunRow } from './model.js';
import { guestJsonRecords, guestJsonSplit } from './guestJson.js';
import { readOperations } from './operationLog.js';
import { GUEST_COLUMNS, guestFromTuple, type GuestTuple } from './guestTuple.js';
import {
  type NetworkRecord,
  networkFromRecord,
  type NodeRecord,
  nodeFromRecord,
  type SnapshotRecord,
  snapshotFromRecord,
  type StorageContentRecord,
  storageContentFromRecord,
  type StorageRecord,
  storageFromRecord,
  type TaskRecord,
  taskFromRecord,
} from './rowCodec.js';
import * as schema from './schema.js';

export type CacheDb = BetterSQLite3Database<typeof schema>;

type ProfileSelect = typeof schema.profiles.$inferSelect;

export function profileRef(row: Pick<ProfileSelect, 'id' | 'name' | 'endpoint' | 'clusterName' | 'pveVersion'>): ProfileRef {
  const ref: ProfileRef = { id: row.id, name: row.name, endpoint: row.endpoint };
  if (row.clusterName !== null) ref.clusterName = row.clusterName;
  if (row.pveVersion !== null) ref.pveVersion = row.pveVersion;
  return ref;
}

/** `qemu/100` -> its parts; throws on anything else (a programming error, not user input). */
export function parseGuestKey(key: GuestKey): { type: GuestType; vmid: number } {
  const match = /^(qemu|lxc)\/(\d+)$/.exec(key);
  if (!match) throw new Error(`not a guest key: ${key}`);
  return { type: match[1] as GuestType, vmid: Number(match[2]) };
}

const GUEST_SELECT = `SELECT ${GUEST_COLUMNS.join(', ')} FROM guests`;
const GUEST_SELECT_NO_CONFIG = `SELECT ${GUEST_COLUMNS.map((c) => (c === 'config' ? 'NULL AS config' : c)).join(', ')} FROM guests`;

export function createReader(sqlite: Database.Database, db: CacheDb): CacheReader {
  const statements = new Map<string, Database.Statement>();
  const prepared = (source: string): Database.Statement => {
    let statement = statements.get(source);
    if (statement === undefined) {
      statement = sqlite.prepare(source);
      statements.set(source, statement);
    }
    return statement;
  };
  const rawStatements = new Map<string, Database.Statement>();
  const rawPrepared = (source: string): Database.Statement => {
    let statement = rawStatements.get(source);
    if (statement === undefined) {
      statement = sqlite.prepare(source).raw();
      rawStatements.set(source, statement);
    }
    return statement;
  };
  const { profiles, syncRuns, history } = schema;

  return {
    profiles() {
      return db.select().from(profiles).orderBy(profiles.name).all().map(profileRef);
    },

    findProfile(name) {
      const row = db.select().from(profiles).where(eq(profiles.name, name)).get();
      return row === undefined ? undefined : profileRef(row);
    },

    freshness(profileId) {
      const profile = db.select({ verifiedAt: profiles.verifiedAt }).from(profiles).where(eq(profiles.id, profileId)).get();
      const lastOk = prepared(
        "SELECT max(coalesce(finished_at, started_at)) FROM sync_runs WHERE profile_id = ? AND outcome = 'ok'",
      ).pluck().get(profileId) as number | null;
      const newest = prepared(
        'SELECT outcome, error, coalesce(finished_at, started_at) AS at FROM sync_runs WHERE profile_id = ? ORDER BY id DESC LIMIT 1',
      ).get(profileId) as { outcome: SyncOutcome | null; error: string | null; at: number } | undefined;
      const out: { lastSyncAt?: number; verifiedAt?: number; lastError?: string } = {};
      if (lastOk !== null) out.lastSyncAt = lastOk;
      const verifiedAt = profile?.verifiedAt ?? null;
      if (verifiedAt !== null) out.verifiedAt = verifiedAt;
      // A failure is current only until a later sync (which may have written nothing) verified the cache.
      if (newest !== undefined && newest.outcome !== 'ok' && newest.error !== null && newest.at >= Math.max(lastOk ?? 0, verifiedAt ?? 0)) {
        out.lastError = newest.error;
      }
      return out;
    },

    syncRuns(profileId, limit = 20) {
      return db
        .select()
        .from(syncRuns)
        .where(eq(syncRuns.profileId, profileId))
        .orderBy(desc(syncRuns.id))
        .limit(limit)
        .all()
        .map((r) => {
          const run: SyncRunRow = { id: r.id, startedAt: r.startedAt, counts: JSON.parse(r.counts) as Record<string, number> };
          if (r.finishedAt !== null) run.finishedAt = r.finishedAt;
          if (r.outcome !== null) run.outcome = r.outcome;
          if (r.error !== null) run.error = r.error;
          return run;
        });
    },

    nodes(profileId) {
      const rows = prepared(
        'SELECT node, status, cpu, maxcpu, mem, maxmem, disk, maxdisk, uptime, level, ssl_fingerprint FROM nodes WHERE profile_id = ? ORDER BY node',
      ).all(profileId) as NodeRecord[];
      return rows.map(nodeFromRecord);
    },

    guests(profileId, query: GuestQuery = {}) {
      const where = ['profile_id = ?'];
      const params: (string | number)[] = [profileId];
      if (query.type !== undefined) {
        where.push('type = ?');
        params.push(query.type);
      }
      if (query.node !== undefined) {
        where.push('node = ?');
        params.push(query.node);
      }
      if (query.status !== undefined) {
        where.push('status = ?');
        params.push(query.status);
      }
      if (query.pool !== undefined) {
        where.push('pool = ?');
        params.push(query.pool);
      }
      if (query.tag !== undefined) {
        // Tags are `;`-joined; PVE compares them case-insensitively.
        where.push("instr(lower(';' || tags || ';'), lower(?)) > 0");
        params.push(`;${query.tag};`);
      }
      if (query.templates === 'exclude') where.push('template = 0');
      if (query.templates === 'only') where.push('template = 1');
      const withConfig = query.withConfig !== false;
      let source = `${withConfig ? GUEST_SELECT : GUEST_SELECT_NO_CONFIG} WHERE ${where.join(' AND ')} ORDER BY vmid, type`;
      if (query.limit !== undefined) {
        source += ' LIMIT ?';
        params.push(query.limit);
      }
      const out: GuestRow[] = [];
      for (const r of rawPrepared(source).iterate(...params) as IterableIterator<GuestTuple>) out.push(guestFromTuple(r, withConfig));
      return out;
    },

    guest(profileId, key) {
      const { type, vmid } = parseGuestKey(key);
      const row = rawPrepared(`${GUEST_SELECT} WHERE profile_id = ? AND type = ? AND vmid = ?`).get(profileId, type, vmid) as GuestTuple | undefined;
      return row === undefined ? undefined : guestFromTuple(row);
    },

    guestRecordsJson(profileId, query = {}) {
      return guestJsonRecords(sqlite, profileId, query, rawPrepared);
    },

    guestVmidSplit(profileId, query, fraction) {
      return guestJsonSplit(sqlite, profileId, query, fraction);
    },

    snapshot(fn) {
      return sqlite.transaction(fn)();
    },

    storage(profileId) {
      const rows = prepared(
        'SELECT node, storage, type, content, shared, enabled, active, status, total, used, avail FROM storage WHERE profile_id = ? ORDER BY node, storage',
      ).all(profileId) as StorageRecord[];
      return rows.map(storageFromRecord);
    },

    storageContent(profileId, filter = {}) {
      const where = ['profile_id = ?'];
      const params: (string | number)[] = [profileId];
      for (const column of ['node', 'storage', 'content'] as const) {
        const value = filter[column];
        if (value === undefined) continue;
        where.push(`${column} = ?`);
        params.push(value);
      }
      const rows = prepared(
        `SELECT node, storage, volid, content, format, size, vmid, ctime, notes FROM storage_content WHERE ${where.join(' AND ')} ORDER BY node, storage, volid`,
      ).all(...params) as StorageContentRecord[];
      return rows.map(storageContentFromRecord);
    },

    networks(profileId, node) {
      const select =
        'SELECT node, iface, type, active, autostart, address, cidr, gateway, bridge_ports, vlan_id, comments FROM networks WHERE profile_id = ?';
      const rows = (
        node === undefined
          ? prepared(`${select} ORDER BY node, iface`).all(profileId)
          : prepared(`${select} AND node = ? ORDER BY node, iface`).all(profileId, node)
      ) as NetworkRecord[];
      return rows.map(networkFromRecord);
    },

    pools(profileId) {
      const pools = prepared('SELECT poolid, comment FROM pools WHERE profile_id = ? ORDER BY poolid').all(profileId) as {
        poolid: string;
        comment: string | null;
      }[];
      const members = prepared('SELECT poolid, member FROM pool_members WHERE profile_id = ? ORDER BY poolid, member').all(profileId) as {
        poolid: string;
        member: string;
      }[];
      const byPool = new Map<string, PoolRow>();
      const out = pools.map((p) => {
        const row: PoolRow = { poolid: p.poolid, members: [] };
        if (p.comment !== null) row.comment = p.comment;
        byPool.set(p.poolid, row);
        return row;
      });
      for (const m of members) byPool.get(m.poolid)?.members.push(m.member);
      return out;
    },

    snapshots(profileId, key) {
      const select = 'SELECT type, vmid, name, parent, description, snaptime, vmstate FROM snapshots WHERE profile_id = ?';
      let rows: SnapshotRecord[];
      if (key === undefined) {
        rows = prepared(`${select} ORDER BY vmid, type, snaptime, name`).all(profileId) as SnapshotRecord[];
      } else {
        const { type, vmid } = parseGuestKey(key);
        rows = prepared(`${select} AND type = ? AND vmid = ? ORDER BY snaptime, name`).all(profileId, type, vmid) as SnapshotRecord[];
      }
      return rows.map(snapshotFromRecord);
    },

    tasks(profileId, filter = {}) {
      const where = ['profile_id = ?'];
      const params: (string | number)[] = [profileId];
      if (filter.vmid !== undefined) {
        where.push('id = ?');
        params.push(String(filter.vmid));
      }
      if (filter.node !== undefined) {
        where.push('node = ?');
        params.push(filter.node);
      }
      const limit = filter.limit === undefined ? '' : ' LIMIT ?';
      if (filter.limit !== undefined) params.push(filter.limit);
      const rows = prepared(
        `SELECT upid, node, type, id, user, starttime, endtime, status FROM tasks WHERE ${where.join(' AND ')} ORDER BY starttime DESC, upid DESC${limit}`,
      ).all(...params) as TaskRecord[];
      return rows.map(taskFromRecord);
    },

    history(profileId, filter = {}) {
      const conditions: SQL[] = [eq(history.profileId, profileId)];
      if (filter.key !== undefined) {
        const { type, vmid } = parseGuestKey(filter.key);
        conditions.push(eq(history.type, type), eq(history.vmid, vmid));
      }
      if (filter.sinceRunId !== undefined) conditions.push(gt(history.syncRunId, filter.sinceRunId));
      if (filter.since !== undefined) conditions.push(gte(history.at, filter.since));
      const query = db
        .select()
        .from(history)
        .where(and(...conditions))
        .orderBy(desc(history.at), desc(history.id));
      const rows = filter.limit === undefined ? query.all() : query.limit(filter.limit).all();
      return rows.map((r) => {
        const entry: HistoryEntry = { at: r.at, type: r.type, vmid: r.vmid, event: r.event, syncRunId: r.syncRunId };
        if (r.field !== null) entry.field = r.field;
        if (r.old !== null) entry.old = r.old;
        if (r.new !== null) entry.new = r.new;
        return entry;
      });
    },

    operations: (profileId, filter) => readOperations(sqlite, profileId, filter),
  };
}
