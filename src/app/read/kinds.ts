// The resource kinds `get` lists, as data: names and aliases, which filters apply, the table
// columns (and which only `-o wide` shows), the sort keys, what the free-text filter searches,
// and the JSON/YAML record. `listKind` applies one to the cache.
import type { CacheReader } from '../../db/cacheApi.js';
import type { GuestRow, GuestType, NodeRow, PoolRow, SnapshotRow, StorageRow, TaskRow } from '../../db/model.js';
import { limitRows, listOption, oneOf, parseSort, sortRows, textMatcher, type SortKey, type SortValue } from '../output/query.js';
import { jsonElement } from '../output/serialize.js';
import type { TableColumn } from '../output/table.js';
import { formatBytes, formatDuration, formatPercent, formatRatio, formatUsage, formatWhen } from '../output/units.js';
import { ExitCode, UserError } from '../userError.js';
import {
  guestRecord,
  nodeRecord,
  poolRecord,
  snapshotRecord,
  storageRecord,
  taskDuration,
  taskRecord,
  taskState,
  type GuestCounts,
} from './records.js';

export type KindId = 'nodes' | 'vms' | 'cts' | 'guests' | 'storage' | 'tasks' | 'snapshots' | 'pools';
export type FilterName = 'node' | 'status' | 'tag' | 'pool' | 'type';
export const FILTER_NAMES: readonly FilterName[] = ['node', 'status', 'tag', 'pool', 'type'];

export interface ListOptions {
  /** Free text (substring) or `/regex/`, case-insensitive. */
  filter?: string;
  node?: string;
  status?: string;
  tag?: string;
  pool?: string;
  type?: string;
  /** A column id, `-` first for descending. */
  sort?: string;
  limit?: number;
  wide?: boolean;
}

export interface KindContext {
  cache: CacheReader;
  profileId: number;
  now: number;
}

export interface ColumnDef<Row> extends TableColumn {
  /** What --sort calls it: the header in lower case. */
  id: string;
  cell: (row: Row, ctx: KindContext) => string;
  /** The raw value to sort by (a number for sizes and times); not sortable when absent. */
  sort?: (row: Row, ctx: KindContext) => SortValue;
  /** Only with -o wide. */
  wide?: boolean;
}

type Filters = Partial<Record<FilterName, Set<string>>>;

interface KindDef<Row> {
  /** See Kind.jsonElements and Kind.plainGuests. */
  jsonElements?(ctx: KindContext, options: ListOptions): Iterable<string> | undefined;
  plainGuests?(options: ListOptions): { type?: GuestType } | undefined;
  id: KindId;
  /** `VM`, `container`... for messages. */
  noun: string;
  aliases: readonly string[];
  filters: readonly FilterName[];
  /** Values --type accepts, when it is a closed set. */
  types?: Readonly<Record<string, string>>;
  /** Values --status accepts, when it is a closed set (a typo would silently match nothing). */
  statuses?: readonly string[];
  load(ctx: KindContext, filters: Filters): Row[];
  columns: readonly ColumnDef<Row>[];
  /** More sort keys than the columns (JSON field names). */
  extraSort?: readonly SortKey<Row>[];
  defaultSort: { id: string; descending: boolean };
  tieBreakers: readonly SortKey<Row>[];
  search(row: Row): (string | number | undefined)[];
  matches(row: Row, filters: Filters): boolean;
  record(row: Row, ctx: KindContext): unknown;
}

export interface Listing {
  kind: KindId;
  count: number;
  table(): { columns: TableColumn[]; cells: string[][] };
  records(): unknown[];
}

export interface Kind {
  id: KindId;
  noun: string;
  aliases: readonly string[];
  filters: readonly FilterName[];
  sortKeys: readonly string[];
  /** Throws the usage error list() would, without reading anything. */
  validate(options: ListOptions): void;
  list(ctx: KindContext, options: ListOptions): Listing;
  /** The JSON records of list(ctx, options), each as the text of a two-space indented array's
   * element (jsonElement), when this kind can produce them without building the rows (plain
   * listings of many guests); undefined when not for these options. */
  jsonElements?(ctx: KindContext, options: ListOptions): Iterable<string> | undefined;
  /** For a plain listing of guests without a limit (what jsonElements prints whole): which
   * type, for printing it on two threads (parallelJson.ts); undefined otherwise. */
  plainGuests?(options: ListOptions): { type?: GuestType } | undefined;
}

const dash = (v: string | undefined): string => (v === undefined || v === '' ? '-' : v);
const yesNo = (v: boolean): string => (v ? 'yes' : 'no');

// ---------------------------------------------------------------------------------------------
// Guests

const GUEST_TYPES: Record<string, GuestType> = { qemu: 'qemu', vm: 'qemu', vms: 'qemu', lxc: 'lxc', ct: 'lxc', cts: 'lxc', container: 'lxc' };

function guestStatus(g: GuestRow): string {
  return g.template ? 'template' : g.status;
}

function guestMem(g: GuestRow): string {
  return g.status === 'running' ? formatUsage(g.mem, g.maxmem) : formatBytes(g.maxmem);
}

/** Containers report the space their root disk uses; VMs only its size. */
function guestDisk(g: GuestRow): string {
  return g.type === 'lxc' && g.status === 'running' && g.disk ? formatUsage(g.disk, g.maxdisk) : formatBytes(g.maxdisk);
}

function guestMatches(g: GuestRow, f: Filters): boolean {
  if (!oneOf(f.node, g.node)) return false;
  if (f.status && !f.status.has(g.status.toLowerCase()) && !(g.template && f.status.has('template'))) return false;
  if (f.tag && !g.tags.some((t) => f.tag!.has(t.toLowerCase()))) return false;
  if (!oneOf(f.pool, g.pool)) return false;
  if (f.type && !f.type.has(g.type)) return false;
  return true;
}

function guestColumns(withType: boolean): ColumnDef<GuestRow>[] {
  const cols: (ColumnDef<GuestRow> | undefined)[] = [
    { id: 'vmid', header: 'VMID', align: 'right', cell: (g) => String(g.vmid), sort: (g) => g.vmid },
    { id: 'name', header: 'NAME', flex: true, minWidth: 10, cell: (g) => dash(g.name), sort: (g) => g.name },
    withType ? { id: 'type', header: 'TYPE', cell: (g) => g.type, sort: (g) => g.type } : undefined,
    { id: 'node', header: 'NODE', cell: (g) => g.node, sort: (g) => g.node },
    { id: 'status', header: 'STATUS', cell: guestStatus, sort: guestStatus },
    { id: 'cpu', header: 'CPU', align: 'right', cell: (g) => (g.status === 'running' ? formatPercent(g.cpu) : '-'), sort: (g) => g.cpu },
    { id: 'cpus', header: 'CPUS', align: 'right', wide: true, cell: (g) => (g.maxcpu === undefined ? '-' : String(g.maxcpu)), sort: (g) => g.maxcpu },
    { id: 'mem', header: 'MEM', align: 'right', cell: guestMem, sort: (g) => (g.status === 'running' ? g.mem : undefined) },
    { id: 'mem%', header: 'MEM%', align: 'right', wide: true, cell: (g) => (g.status === 'running' ? formatRatio(g.mem, g.maxmem) : '-'), sort: (g) => (g.status === 'running' && g.maxmem ? (g.mem ?? 0) / g.maxmem : undefined) },
    { id: 'disk', header: 'DISK', align: 'right', cell: guestDisk, sort: (g) => g.maxdisk },
    { id: 'uptime', header: 'UPTIME', align: 'right', cell: (g) => (g.status === 'running' && g.uptime ? formatDuration(g.uptime) : '-'), sort: (g) => (g.status === 'running' ? g.uptime : undefined) },
    { id: 'pool', header: 'POOL', wide: true, cell: (g) => dash(g.pool), sort: (g) => g.pool },
    { id: 'lock', header: 'LOCK', wide: true, cell: (g) => dash(g.lock), sort: (g) => g.lock },
    { id: 'ha', header: 'HA', wide: true, cell: (g) => dash(g.hastate), sort: (g) => g.hastate },
    { id: 'netin', header: 'NETIN', align: 'right', wide: true, cell: (g) => (g.netin ? formatBytes(g.netin) : '-'), sort: (g) => g.netin },
    { id: 'netout', header: 'NETOUT', align: 'right', wide: true, cell: (g) => (g.netout ? formatBytes(g.netout) : '-'), sort: (g) => g.netout },
    { id: 'tags', header: 'TAGS', flex: true, cell: (g) => (g.tags.length ? g.tags.join(',') : '-'), sort: (g) => g.tags.join(',') },
  ];
  return cols.filter((c): c is ColumnDef<GuestRow> => c !== undefined);
}

/** A plain listing (no filter, the default order; a limit is fine) comes straight from the
 * cache as JSON text, printed by SQLite (CacheReader.guestRecordsJson). */
function* guestJsonElements(ctx: KindContext, type: GuestType | undefined, limit: number | undefined): Generator<string> {
  const query = { ...(type ? { type } : {}), ...(limit !== undefined ? { limit } : {}) };
  for (const item of ctx.cache.guestRecordsJson(ctx.profileId, query)) yield typeof item === 'string' ? item : jsonElement(guestRecord(item));
}

function plainListing(options: ListOptions): boolean {
  if ((options.filter ?? '') !== '' || FILTER_NAMES.some((f) => options[f] !== undefined)) return false;
  return options.sort === undefined || options.sort === 'vmid';
}

function guestKind(id: 'vms' | 'cts' | 'guests', noun: string, aliases: string[], type: GuestType | undefined): KindDef<GuestRow> {
  return {
    jsonElements: (ctx, options) => (plainListing(options) ? guestJsonElements(ctx, type, options.limit) : undefined),
    plainGuests: (options) => (plainListing(options) && options.limit === undefined ? (type ? { type } : {}) : undefined),
    id,
    noun,
    aliases,
    filters: type ? ['node', 'status', 'tag', 'pool'] : ['node', 'status', 'tag', 'pool', 'type'],
    statuses: ['running', 'stopped', 'paused', 'suspended', 'prelaunch', 'unknown', 'template'],
    ...(type ? {} : { types: GUEST_TYPES }),
    load: (ctx) => ctx.cache.guests(ctx.profileId, type ? { type, withConfig: false } : { withConfig: false }),
    columns: guestColumns(type === undefined),
    extraSort: [
      { id: 'maxmem', value: (g) => g.maxmem },
      { id: 'maxdisk', value: (g) => g.maxdisk },
      { id: 'maxcpu', value: (g) => g.maxcpu },
      { id: 'diskread', value: (g) => g.diskread },
      { id: 'diskwrite', value: (g) => g.diskwrite },
      { id: 'hastate', value: (g) => g.hastate },
      { id: 'template', value: (g) => g.template },
    ],
    defaultSort: { id: 'vmid', descending: false },
    tieBreakers: [
      { id: 'vmid', value: (g) => g.vmid },
      { id: 'type', value: (g) => g.type },
    ],
    search: (g) => [g.name, g.vmid, g.node, ...g.tags],
    matches: guestMatches,
    record: (g) => guestRecord(g),
  };
}

// ---------------------------------------------------------------------------------------------
// Nodes

interface NodeItem {
  row: NodeRow;
  counts: GuestCounts;
}

const nodesKind: KindDef<NodeItem> = {
  id: 'nodes',
  noun: 'node',
  aliases: ['node', 'no'],
  filters: ['node', 'status'],
  statuses: ['online', 'offline', 'unknown'],
  load(ctx) {
    const counts = new Map<string, GuestCounts>();
    for (const g of ctx.cache.guests(ctx.profileId, { withConfig: false })) {
      let c = counts.get(g.node);
      if (!c) counts.set(g.node, (c = { qemu: 0, lxc: 0, running: 0 }));
      c[g.type]++;
      if (g.status === 'running') c.running++;
    }
    return ctx.cache.nodes(ctx.profileId).map((row) => ({ row, counts: counts.get(row.node) ?? { qemu: 0, lxc: 0, running: 0 } }));
  },
  columns: [
    { id: 'node', header: 'NODE', flex: true, cell: (n) => n.row.node, sort: (n) => n.row.node },
    { id: 'status', header: 'STATUS', cell: (n) => n.row.status, sort: (n) => n.row.status },
    { id: 'cpu', header: 'CPU', align: 'right', cell: (n) => (n.row.status === 'online' ? formatPercent(n.row.cpu) : '-'), sort: (n) => n.row.cpu },
    { id: 'cores', header: 'CORES', align: 'right', wide: true, cell: (n) => (n.row.maxcpu === undefined ? '-' : String(n.row.maxcpu)), sort: (n) => n.row.maxcpu },
    { id: 'mem', header: 'MEM', align: 'right', cell: (n) => formatUsage(n.row.mem, n.row.maxmem), sort: (n) => n.row.mem },
    { id: 'mem%', header: 'MEM%', align: 'right', cell: (n) => formatRatio(n.row.mem, n.row.maxmem), sort: (n) => (n.row.maxmem ? (n.row.mem ?? 0) / n.row.maxmem : undefined) },
    { id: 'disk', header: 'DISK', align: 'right', cell: (n) => formatUsage(n.row.disk, n.row.maxdisk), sort: (n) => n.row.disk },
    { id: 'uptime', header: 'UPTIME', align: 'right', cell: (n) => (n.row.uptime ? formatDuration(n.row.uptime) : '-'), sort: (n) => n.row.uptime },
    { id: 'guests', header: 'GUESTS', align: 'right', cell: (n) => `${n.counts.running}/${n.counts.qemu + n.counts.lxc}`, sort: (n) => n.counts.qemu + n.counts.lxc },
    { id: 'vms', header: 'VMS', align: 'right', wide: true, cell: (n) => String(n.counts.qemu), sort: (n) => n.counts.qemu },
    { id: 'cts', header: 'CTS', align: 'right', wide: true, cell: (n) => String(n.counts.lxc), sort: (n) => n.counts.lxc },
    { id: 'level', header: 'LEVEL', wide: true, cell: (n) => dash(n.row.level), sort: (n) => n.row.level },
    { id: 'fingerprint', header: 'FINGERPRINT', wide: true, flex: true, cell: (n) => dash(n.row.sslFingerprint), sort: (n) => n.row.sslFingerprint },
  ],
  extraSort: [
    { id: 'maxmem', value: (n) => n.row.maxmem },
    { id: 'maxdisk', value: (n) => n.row.maxdisk },
    { id: 'maxcpu', value: (n) => n.row.maxcpu },
    { id: 'running', value: (n) => n.counts.running },
  ],
  defaultSort: { id: 'node', descending: false },
  tieBreakers: [{ id: 'node', value: (n) => n.row.node }],
  search: (n) => [n.row.node],
  matches: (n, f) => oneOf(f.node, n.row.node) && oneOf(f.status, n.row.status),
  record: (n) => nodeRecord(n.row, n.counts),
};

// ---------------------------------------------------------------------------------------------
// Storage

function storageStatus(s: StorageRow): string {
  if (!s.enabled) return 'disabled';
  if (!s.active) return 'inactive';
  return s.status ?? 'active';
}

interface StorageItem {
  row: StorageRow;
  pools: string[];
}

const storageKind: KindDef<StorageItem> = {
  id: 'storage',
  noun: 'storage',
  aliases: ['storages', 'sto', 'st'],
  filters: ['node', 'status', 'type', 'pool'],
  load(ctx, filters) {
    const pools = new Map<string, string[]>();
    if (filters.pool) {
      for (const p of ctx.cache.pools(ctx.profileId)) {
        for (const m of p.members) {
          if (!m.startsWith('storage/')) continue;
          const list = pools.get(m) ?? [];
          list.push(p.poolid.toLowerCase());
          pools.set(m, list);
        }
      }
    }
    return ctx.cache.storage(ctx.profileId).map((row) => ({
      row,
      pools: [...(pools.get(`storage/${row.node}/${row.storage}`) ?? []), ...(pools.get(`storage/${row.storage}`) ?? [])],
    }));
  },
  columns: [
    { id: 'storage', header: 'STORAGE', flex: true, cell: (s) => s.row.storage, sort: (s) => s.row.storage },
    { id: 'node', header: 'NODE', cell: (s) => s.row.node, sort: (s) => s.row.node },
    { id: 'type', header: 'TYPE', cell: (s) => s.row.type, sort: (s) => s.row.type },
    { id: 'status', header: 'STATUS', cell: (s) => storageStatus(s.row), sort: (s) => storageStatus(s.row) },
    { id: 'shared', header: 'SHARED', cell: (s) => yesNo(s.row.shared), sort: (s) => s.row.shared },
    { id: 'content', header: 'CONTENT', flex: true, cell: (s) => (s.row.content.length ? s.row.content.join(',') : '-'), sort: (s) => s.row.content.join(',') },
    { id: 'used', header: 'USED', align: 'right', cell: (s) => formatUsage(s.row.used, s.row.total), sort: (s) => s.row.used },
    { id: 'use%', header: 'USE%', align: 'right', cell: (s) => formatRatio(s.row.used, s.row.total), sort: (s) => (s.row.total ? (s.row.used ?? 0) / s.row.total : undefined) },
    { id: 'avail', header: 'AVAIL', align: 'right', wide: true, cell: (s) => formatBytes(s.row.avail), sort: (s) => s.row.avail },
    { id: 'total', header: 'TOTAL', align: 'right', wide: true, cell: (s) => formatBytes(s.row.total), sort: (s) => s.row.total },
    { id: 'enabled', header: 'ENABLED', wide: true, cell: (s) => yesNo(s.row.enabled), sort: (s) => s.row.enabled },
  ],
  defaultSort: { id: 'storage', descending: false },
  tieBreakers: [
    { id: 'storage', value: (s) => s.row.storage },
    { id: 'node', value: (s) => s.row.node },
  ],
  search: (s) => [s.row.storage, s.row.node, s.row.type, ...s.row.content],
  matches: (s, f) =>
    oneOf(f.node, s.row.node) &&
    (f.status === undefined || f.status.has(storageStatus(s.row)) || (s.row.status !== undefined && f.status.has(s.row.status.toLowerCase()))) &&
    oneOf(f.type, s.row.type) &&
    (f.pool === undefined || s.pools.some((p) => f.pool!.has(p))),
  record: (s) => storageRecord(s.row),
};

// ---------------------------------------------------------------------------------------------
// Tasks

function taskStatusText(t: TaskRow): string {
  return t.status === undefined || t.status === '' ? 'running' : t.status;
}

const TASK_STATES: Record<string, string> = { failed: 'error', warnings: 'warning' };

const tasksKind: KindDef<TaskRow> = {
  id: 'tasks',
  noun: 'task',
  aliases: ['task', 'tk'],
  filters: ['node', 'status', 'type'],
  statuses: ['running', 'ok', 'warning', 'warnings', 'error', 'failed'],
  load: (ctx) => ctx.cache.tasks(ctx.profileId),
  columns: [
    { id: 'started', header: 'STARTED', cell: (t, ctx) => formatWhen(t.starttime * 1000, ctx.now), sort: (t) => t.starttime },
    { id: 'ended', header: 'ENDED', wide: true, cell: (t, ctx) => (t.endtime === undefined ? '-' : formatWhen(t.endtime * 1000, ctx.now)), sort: (t) => t.endtime },
    { id: 'node', header: 'NODE', cell: (t) => t.node, sort: (t) => t.node },
    { id: 'type', header: 'TYPE', cell: (t) => t.type, sort: (t) => t.type },
    { id: 'id', header: 'ID', cell: (t) => dash(t.id), sort: (t) => (/^\d+$/.test(t.id) ? Number(t.id) : t.id) },
    { id: 'user', header: 'USER', flex: true, cell: (t) => t.user, sort: (t) => t.user },
    { id: 'duration', header: 'DURATION', align: 'right', cell: (t, ctx) => formatDuration(taskDuration(t, ctx.now)), sort: (t, ctx) => taskDuration(t, ctx.now) },
    { id: 'status', header: 'STATUS', flex: true, minWidth: 8, cell: taskStatusText, sort: taskStatusText },
    { id: 'upid', header: 'UPID', wide: true, flex: true, cell: (t) => t.upid, sort: (t) => t.upid },
  ],
  extraSort: [{ id: 'state', value: (t) => taskState(t) }],
  defaultSort: { id: 'started', descending: true },
  tieBreakers: [{ id: 'upid', value: (t) => t.upid }],
  search: (t) => [t.type, t.id, t.user, t.node, t.status, t.upid],
  matches: (t, f) =>
    oneOf(f.node, t.node) &&
    oneOf(f.type, t.type) &&
    (f.status === undefined || f.status.has(taskState(t)) || [...f.status].some((s) => TASK_STATES[s] === taskState(t)) || (t.status !== undefined && f.status.has(t.status.toLowerCase()))),
  record: (t, ctx) => taskRecord(t, ctx.now),
};

// ---------------------------------------------------------------------------------------------
// Snapshots

interface SnapshotItem {
  row: SnapshotRow;
  guest?: GuestRow;
}

const snapshotsKind: KindDef<SnapshotItem> = {
  id: 'snapshots',
  noun: 'snapshot',
  aliases: ['snapshot', 'snap', 'snaps'],
  filters: ['node', 'tag', 'pool', 'type'],
  types: GUEST_TYPES,
  load(ctx) {
    const guests = new Map<string, GuestRow>();
    for (const g of ctx.cache.guests(ctx.profileId, { withConfig: false })) guests.set(`${g.type}/${g.vmid}`, g);
    return ctx.cache
      .snapshots(ctx.profileId)
      .filter((s) => s.name !== 'current')
      .map((row) => {
        const guest = guests.get(`${row.type}/${row.vmid}`);
        return guest ? { row, guest } : { row };
      });
  },
  columns: [
    { id: 'vmid', header: 'VMID', align: 'right', cell: (s) => String(s.row.vmid), sort: (s) => s.row.vmid },
    { id: 'type', header: 'TYPE', wide: true, cell: (s) => s.row.type, sort: (s) => s.row.type },
    { id: 'guest', header: 'GUEST', flex: true, cell: (s) => dash(s.guest?.name), sort: (s) => s.guest?.name },
    { id: 'node', header: 'NODE', cell: (s) => dash(s.guest?.node), sort: (s) => s.guest?.node },
    { id: 'snapshot', header: 'SNAPSHOT', flex: true, cell: (s) => s.row.name, sort: (s) => s.row.name },
    { id: 'parent', header: 'PARENT', wide: true, flex: true, cell: (s) => dash(s.row.parent), sort: (s) => s.row.parent },
    { id: 'taken', header: 'TAKEN', cell: (s, ctx) => (s.row.snaptime === undefined ? '-' : formatWhen(s.row.snaptime * 1000, ctx.now)), sort: (s) => s.row.snaptime },
    { id: 'ram', header: 'RAM', cell: (s) => yesNo(s.row.vmstate), sort: (s) => s.row.vmstate },
    { id: 'description', header: 'DESCRIPTION', flex: true, cell: (s) => dash(s.row.description?.split('\n')[0]), sort: (s) => s.row.description },
  ],
  defaultSort: { id: 'vmid', descending: false },
  tieBreakers: [
    { id: 'taken', value: (s) => s.row.snaptime },
    { id: 'snapshot', value: (s) => s.row.name },
  ],
  search: (s) => [s.row.name, s.row.vmid, s.guest?.name, s.guest?.node, s.row.description, ...(s.guest?.tags ?? [])],
  matches: (s, f) =>
    oneOf(f.type, s.row.type) &&
    (f.node === undefined || oneOf(f.node, s.guest?.node)) &&
    (f.pool === undefined || oneOf(f.pool, s.guest?.pool)) &&
    (f.tag === undefined || (s.guest?.tags ?? []).some((t) => f.tag!.has(t.toLowerCase()))),
  record: (s) => snapshotRecord(s.row, s.guest),
};

// ---------------------------------------------------------------------------------------------
// Pools

function poolGuestCount(p: PoolRow): number {
  return p.members.filter((m) => /^(qemu|lxc)\//.test(m)).length;
}

const poolsKind: KindDef<PoolRow> = {
  id: 'pools',
  noun: 'pool',
  aliases: ['pool'],
  filters: ['pool'],
  load: (ctx) => ctx.cache.pools(ctx.profileId),
  columns: [
    { id: 'pool', header: 'POOL', flex: true, cell: (p) => p.poolid, sort: (p) => p.poolid },
    { id: 'guests', header: 'GUESTS', align: 'right', cell: (p) => String(poolGuestCount(p)), sort: poolGuestCount },
    { id: 'storage', header: 'STORAGE', align: 'right', cell: (p) => String(p.members.length - poolGuestCount(p)), sort: (p) => p.members.length - poolGuestCount(p) },
    { id: 'comment', header: 'COMMENT', flex: true, cell: (p) => dash(p.comment?.split('\n')[0]), sort: (p) => p.comment },
    { id: 'members', header: 'MEMBERS', wide: true, flex: true, cell: (p) => (p.members.length ? p.members.join(',') : '-'), sort: (p) => p.members.length },
  ],
  defaultSort: { id: 'pool', descending: false },
  tieBreakers: [{ id: 'pool', value: (p) => p.poolid }],
  search: (p) => [p.poolid, p.comment, ...p.members],
  matches: (p, f) => oneOf(f.pool, p.poolid),
  record: (p) => poolRecord(p),
};

// ---------------------------------------------------------------------------------------------

function toKind<Row>(def: KindDef<Row>): Kind {
  const extra = (def.extraSort ?? []).filter((k) => !def.columns.some((c) => c.id === k.id));
  const sortKeys = [...def.columns.filter((c) => c.sort !== undefined).map((c) => c.id), ...extra.map((k) => k.id)];
  const sortable = (ctx: KindContext): SortKey<Row>[] => [
    ...def.columns.filter((c) => c.sort !== undefined).map((c) => ({ id: c.id, value: (row: Row) => c.sort!(row, ctx) })),
    ...extra,
  ];
  return {
    id: def.id,
    noun: def.noun,
    aliases: def.aliases,
    filters: def.filters,
    sortKeys,
    ...(def.jsonElements ? { jsonElements: def.jsonElements } : {}),
    ...(def.plainGuests ? { plainGuests: def.plainGuests } : {}),
    validate(options) {
      parseFilters(def, options);
      if (options.sort !== undefined) parseSort(options.sort, sortKeys);
      if (options.filter !== undefined && options.filter !== '') textMatcher(options.filter);
    },
    list(ctx, options) {
      const filters = parseFilters(def, options);
      const sort = options.sort !== undefined ? parseSort(options.sort, sortKeys) : def.defaultSort;
      const match = options.filter !== undefined && options.filter !== '' ? textMatcher(options.filter) : undefined;
      let rows = def.load(ctx, filters).filter((row) => def.matches(row, filters) && (match === undefined || match(def.search(row))));
      rows = sortRows(rows, sortable(ctx).find((k) => k.id === sort.id)!, sort.descending, def.tieBreakers);
      rows = limitRows(rows, options.limit);
      const columns = def.columns.filter((c) => options.wide === true || c.wide !== true);
      return {
        kind: def.id,
        count: rows.length,
        table: () => ({
          columns: columns.map(({ header, align, flex, minWidth }) => ({ header, ...(align ? { align } : {}), ...(flex ? { flex } : {}), ...(minWidth ? { minWidth } : {}) })),
          cells: rows.map((row) => columns.map((c) => c.cell(row, ctx))),
        }),
        records: () => rows.map((row) => def.record(row, ctx)),
      };
    },
  };
}

function parseFilters<Row>(def: KindDef<Row>, options: ListOptions): Filters {
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const value = options[name];
    if (value === undefined) continue;
    if (!def.filters.includes(name)) {
      const applicable = def.filters.map((f) => `--${f}`).join(', ');
      throw new UserError(`--${name} does not apply to ${def.id} (filters for ${def.id}: ${applicable || 'none'})`, ExitCode.usage);
    }
    let set = listOption(value)!;
    if (name === 'type' && def.types) {
      const types = def.types;
      const unknown = [...set].filter((t) => types[t] === undefined);
      if (unknown.length) {
        throw new UserError(`--type ${unknown.join(',')} is not a ${def.noun} type: use ${[...new Set(Object.keys(types))].join(', ')}`, ExitCode.usage);
      }
      set = new Set([...set].map((t) => types[t]!));
    }
    if (name === 'status' && def.statuses) {
      const statuses = def.statuses;
      const unknown = [...set].filter((v) => !statuses.includes(v));
      if (unknown.length) throw new UserError(`--status ${unknown.join(',')} is not a ${def.noun} status: use ${statuses.join(', ')}`, ExitCode.usage);
    }
    filters[name] = set;
  }
  return filters;
}

export function buildKinds(): Kind[] {
  return [
    toKind(nodesKind),
    toKind(guestKind('vms', 'VM', ['vm', 'qemu', 'virtualmachines'], 'qemu')),
    toKind(guestKind('cts', 'container', ['ct', 'lxc', 'container', 'containers'], 'lxc')),
    toKind(guestKind('guests', 'guest', ['guest', 'all'], undefined)),
    toKind(storageKind),
    toKind(tasksKind),
    toKind(snapshotsKind),
    toKind(poolsKind),
  ];
}

/** The kind a user named (`vms`, `vm`, `qemu`...); a usage error listing them otherwise. */
export function findKind(name: string, kinds: readonly Kind[] = buildKinds()): Kind {
  const key = name.toLowerCase();
  const kind = kinds.find((k) => k.id === key || k.aliases.includes(key));
  if (!kind) {
    throw new UserError(`unknown resource '${name}': choose one of ${kinds.map((k) => k.id).join(', ')}`, ExitCode.usage);
  }
  return kind;
}
