// The cache's tables (drizzle sqlite-core). Every key includes profile_id: one cache file can
// hold several clusters, and a vmid or node name alone is not unique across them. Deleting a
// profile deletes everything it owns (ON DELETE CASCADE).
//
// After changing this file: `npx drizzle-kit generate` (writes a new migration to drizzle/),
// and commit the migration. Self-contained on purpose: drizzle-kit loads it on its own.
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const profileId = () =>
  integer('profile_id')
    .notNull()
    .references(() => profiles.id, { onDelete: 'cascade' });

export const profiles = sqliteTable('profiles', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  endpoint: text('endpoint').notNull(),
  clusterName: text('cluster_name'),
  pveVersion: text('pve_version'),
  /** Epoch ms when a sync last confirmed the cache current (written or touched). */
  verifiedAt: integer('verified_at'),
  /** `ClusterObservation.at` (epoch ms) of the last observation applied with writes: an older
   * one (a slow poll of another process finishing late) is discarded. NULL: none yet. */
  observedAt: integer('observed_at'),
  createdAt: integer('created_at').notNull(),
});

export const nodes = sqliteTable(
  'nodes',
  {
    profileId: profileId(),
    node: text('node').notNull(),
    status: text('status').notNull(),
    cpu: real('cpu'),
    maxcpu: integer('maxcpu'),
    mem: integer('mem'),
    maxmem: integer('maxmem'),
    disk: integer('disk'),
    maxdisk: integer('maxdisk'),
    uptime: integer('uptime'),
    level: text('level'),
    sslFingerprint: text('ssl_fingerprint'),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.node] })],
);

export const guests = sqliteTable(
  'guests',
  {
    profileId: profileId(),
    type: text('type', { enum: ['qemu', 'lxc'] }).notNull(),
    vmid: integer('vmid').notNull(),
    node: text('node').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    template: integer('template', { mode: 'boolean' }).notNull().default(false),
    /** `;`-joined, as PVE writes them ('' when none). */
    tags: text('tags').notNull().default(''),
    pool: text('pool'),
    lock: text('lock'),
    hastate: text('hastate'),
    cpu: real('cpu'),
    maxcpu: integer('maxcpu'),
    mem: integer('mem'),
    maxmem: integer('maxmem'),
    disk: integer('disk'),
    maxdisk: integer('maxdisk'),
    uptime: integer('uptime'),
    netin: integer('netin'),
    netout: integer('netout'),
    diskread: integer('diskread'),
    diskwrite: integer('diskwrite'),
    /** JSON object: the config as GET .../config returns it, without `digest`. */
    config: text('config'),
    configDigest: text('config_digest'),
    configFingerprint: text('config_fingerprint'),
  },
  (t) => [
    // vmid before type: the key's index also serves `ORDER BY vmid, type` (lists by vmid).
    primaryKey({ columns: [t.profileId, t.vmid, t.type] }),
    index('guests_node_idx').on(t.profileId, t.node),
    index('guests_status_idx').on(t.profileId, t.status),
    check('guests_type_check', sql`${t.type} in ('qemu', 'lxc')`),
  ],
);

export const storage = sqliteTable(
  'storage',
  {
    profileId: profileId(),
    node: text('node').notNull(),
    storage: text('storage').notNull(),
    type: text('type').notNull(),
    /** `,`-joined content types. */
    content: text('content').notNull().default(''),
    shared: integer('shared', { mode: 'boolean' }).notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    status: text('status'),
    total: integer('total'),
    used: integer('used'),
    avail: integer('avail'),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.node, t.storage] })],
);

export const storageContent = sqliteTable(
  'storage_content',
  {
    profileId: profileId(),
    node: text('node').notNull(),
    storage: text('storage').notNull(),
    volid: text('volid').notNull(),
    content: text('content').notNull(),
    format: text('format'),
    size: integer('size'),
    vmid: integer('vmid'),
    ctime: integer('ctime'),
    notes: text('notes'),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.node, t.storage, t.volid] })],
);

export const networks = sqliteTable(
  'networks',
  {
    profileId: profileId(),
    node: text('node').notNull(),
    iface: text('iface').notNull(),
    type: text('type').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    autostart: integer('autostart', { mode: 'boolean' }),
    address: text('address'),
    cidr: text('cidr'),
    gateway: text('gateway'),
    bridgePorts: text('bridge_ports'),
    vlanId: integer('vlan_id'),
    comments: text('comments'),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.node, t.iface] })],
);

export const pools = sqliteTable(
  'pools',
  {
    profileId: profileId(),
    poolid: text('poolid').notNull(),
    comment: text('comment'),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.poolid] })],
);

export const poolMembers = sqliteTable(
  'pool_members',
  {
    profileId: profileId(),
    poolid: text('poolid').notNull(),
    /** `qemu/100`, `lxc/101`, `storage/pve1/local`. */
    member: text('member').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.profileId, t.poolid, t.member] }),
    foreignKey({ columns: [t.profileId, t.poolid], foreignColumns: [pools.profileId, pools.poolid] }).onDelete('cascade'),
  ],
);

export const snapshots = sqliteTable(
  'snapshots',
  {
    profileId: profileId(),
    type: text('type', { enum: ['qemu', 'lxc'] }).notNull(),
    vmid: integer('vmid').notNull(),
    name: text('name').notNull(),
    parent: text('parent'),
    description: text('description'),
    snaptime: integer('snaptime'),
    vmstate: integer('vmstate', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.profileId, t.vmid, t.type, t.name] }),
    foreignKey({ columns: [t.profileId, t.type, t.vmid], foreignColumns: [guests.profileId, guests.type, guests.vmid] }).onDelete('cascade'),
  ],
);

export const tasks = sqliteTable(
  'tasks',
  {
    profileId: profileId(),
    upid: text('upid').notNull(),
    node: text('node').notNull(),
    type: text('type').notNull(),
    /** The task's object id (a vmid for guest tasks), as PVE reports it. */
    id: text('id').notNull(),
    user: text('user').notNull(),
    starttime: integer('starttime').notNull(),
    endtime: integer('endtime'),
    status: text('status'),
  },
  (t) => [
    primaryKey({ columns: [t.profileId, t.upid] }),
    index('tasks_starttime_idx').on(t.profileId, t.starttime),
    index('tasks_object_idx').on(t.profileId, t.id, t.starttime),
  ],
);

export const syncRuns = sqliteTable(
  'sync_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    profileId: profileId(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    outcome: text('outcome', { enum: ['ok', 'failed', 'partial'] }),
    /** JSON object of counts. */
    counts: text('counts').notNull().default('{}'),
    error: text('error'),
  },
  (t) => [index('sync_runs_profile_idx').on(t.profileId, t.startedAt)],
);

export const history = sqliteTable(
  'history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    profileId: profileId(),
    syncRunId: integer('sync_run_id')
      .notNull()
      .references(() => syncRuns.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    type: text('type', { enum: ['qemu', 'lxc'] }).notNull(),
    vmid: integer('vmid').notNull(),
    event: text('event', { enum: ['created', 'deleted', 'moved', 'status', 'config'] }).notNull(),
    field: text('field'),
    old: text('old'),
    new: text('new'),
  },
  (t) => [
    index('history_guest_idx').on(t.profileId, t.type, t.vmid, t.at),
    index('history_time_idx').on(t.profileId, t.at),
    index('history_run_idx').on(t.syncRunId),
  ],
);

/** Operations run on guests (from the CLI or the console), whatever their outcome: who did
 * what to which guest, how risky it was, how it ended. Written by the process that ran the
 * operation (not the sync worker); never holds a secret (call parameters are redacted). */
export const operations = sqliteTable(
  'operations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    profileId: profileId(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at').notNull(),
    source: text('source', { enum: ['cli', 'console'] }).notNull(),
    /** The profile's user (`root@pam`, `ops@pve!ci`), when known. */
    user: text('user'),
    action: text('action').notNull(),
    type: text('type', { enum: ['qemu', 'lxc'] }).notNull(),
    vmid: integer('vmid').notNull(),
    name: text('name').notNull().default(''),
    node: text('node').notNull(),
    risk: text('risk', { enum: ['low', 'medium', 'high', 'critical'] }),
    outcome: text('outcome', { enum: ['done', 'failed', 'refused', 'skipped'] }).notNull(),
    message: text('message').notNull().default(''),
    exitStatus: text('exit_status'),
    upid: text('upid'),
    durationMs: integer('duration_ms'),
    /** JSON array of the calls made: method, path and the parameters, secrets masked. */
    calls: text('calls').notNull().default('[]'),
  },
  (t) => [index('operations_guest_idx').on(t.profileId, t.type, t.vmid, t.startedAt), index('operations_time_idx').on(t.profileId, t.startedAt)],
);

/** Every table the cache owns (a file holding other tables is not ours). */
export const CACHE_TABLES = [
  'profiles',
  'nodes',
  'guests',
  'storage',
  'storage_content',
  'networks',
  'pools',
  'pool_members',
  'snapshots',
  'tasks',
  'sync_runs',
  'history',
  'operations',
] as const;
