// The console's list screens as data: per resource kind its columns (header, width, cell text,
// sort value), the rows it shows, what `/` filters by and how a row is keyed. The DataTable,
// the filter, the sort indicator, the help text and the palette all read from here.
import { type GuestRow, type NodeRow, type StorageContentRow, type StorageRow, type TaskRow, guestKeyOf } from '../db/model.js';
import { formatBytes, formatDuration, formatPercent, formatRatio, formatUsage, formatWhen } from '../app/output/units.js';
import type { SortValue } from '../app/output/query.js';
import { taskDuration, taskState, taskVmid } from '../app/read/records.js';
import type { FilterFields } from '../store/filterExpr.js';
import type { ConsoleState, ListId, Route, SnapshotListRow } from '../store/types.js';

export type { SnapshotListRow } from '../store/types.js';

export interface CellContext {
  now: number;
  icons: boolean;
}

export interface ConsoleColumn<Row> {
  id: string;
  header: string;
  /** Width in cells; a flex column takes what is left (at least `width`). */
  width: number;
  flex?: boolean;
  align?: 'left' | 'right';
  cell(row: Row, ctx: CellContext): string;
  /** Sortable when present. */
  sort?(row: Row): SortValue;
  /** The sort depends on live figures (re-sort when they move). */
  live?: boolean;
}

/** How a row is drawn beyond its text: dimmed (stopped, templates) or in a status colour. */
export type RowTone = 'dim' | 'ok' | 'warn' | 'error' | 'accent';

/** What Enter on a row does: a screen to push, or a list to switch to with a filter. */
export type RowOpen = { push: Route } | { list: Route; filter: string };

export interface ListKind<Row> {
  id: ListId;
  title: string;
  /** Enter on a row (nothing when absent). */
  open?(row: Row): RowOpen;
  tone?(row: Row): RowTone | undefined;
  columns: readonly ConsoleColumn<Row>[];
  defaultSort: { column: string; descending: boolean };
  /** Compared when the sort column ties (ascending). */
  tieBreak(a: Row, b: Row): number;
  rowKey(row: Row): string;
  filter: FilterFields<Row>;
  rows(state: ConsoleState): readonly Row[];
}

const dash = (v: string | undefined): string => (v === undefined || v === '' ? '-' : v);

const STATUS_ICONS: Record<string, string> = {
  running: '●',
  stopped: '○',
  paused: '‖',
  suspended: '‖',
  template: '◇',
  online: '●',
  offline: '✕',
  ok: '✓',
  error: '✕',
  warning: '!',
  available: '●',
};

/** `● running`, or the word alone without icons. */
export function statusText(status: string, ctx: CellContext): string {
  const icon = ctx.icons ? STATUS_ICONS[status] : undefined;
  return icon === undefined ? status : `${icon} ${status}`;
}

export function guestStatus(g: GuestRow): string {
  return g.template ? 'template' : g.status;
}

const running = (g: GuestRow): boolean => g.status === 'running';

const GUEST_COLUMNS: readonly ConsoleColumn<GuestRow>[] = [
  { id: 'vmid', header: 'VMID', width: 6, align: 'right', cell: (g) => String(g.vmid), sort: (g) => g.vmid },
  { id: 'name', header: 'NAME', width: 16, flex: true, cell: (g) => dash(g.name), sort: (g) => g.name },
  { id: 'type', header: 'TYPE', width: 4, cell: (g) => (g.type === 'qemu' ? 'vm' : 'ct'), sort: (g) => g.type },
  { id: 'node', header: 'NODE', width: 8, cell: (g) => g.node, sort: (g) => g.node },
  { id: 'status', header: 'STATUS', width: 10, cell: (g, ctx) => statusText(guestStatus(g), ctx), sort: guestStatus },
  { id: 'cpu', header: 'CPU', width: 6, align: 'right', cell: (g) => (running(g) ? formatPercent(g.cpu) : '-'), sort: (g) => (running(g) ? g.cpu : undefined), live: true },
  { id: 'mem', header: 'MEM', width: 13, align: 'right', cell: (g) => (running(g) ? formatUsage(g.mem, g.maxmem) : formatBytes(g.maxmem)), sort: (g) => (running(g) ? g.mem : undefined), live: true },
  { id: 'disk', header: 'DISK', width: 8, align: 'right', cell: (g) => formatBytes(g.maxdisk), sort: (g) => g.maxdisk },
  { id: 'uptime', header: 'UPTIME', width: 8, align: 'right', cell: (g) => (running(g) && g.uptime ? formatDuration(g.uptime) : '-'), sort: (g) => (running(g) ? g.uptime : undefined), live: true },
  { id: 'tags', header: 'TAGS', width: 10, flex: true, cell: (g) => (g.tags.length ? g.tags.join(',') : ''), sort: (g) => g.tags.join(',') },
  // Last: a narrow terminal drops it first (the detail view shows the lock too).
  { id: 'lock', header: 'LOCK', width: 8, cell: (g) => g.lock ?? '', sort: (g) => g.lock },
];

export const GUEST_TYPE_SYNONYMS: Readonly<Record<string, string>> = { vm: 'qemu', vms: 'qemu', qemu: 'qemu', ct: 'lxc', cts: 'lxc', lxc: 'lxc', container: 'lxc' };

/** Running guests plain, paused/suspended in the warning colour, the rest dimmed. */
function guestTone(g: GuestRow): RowTone | undefined {
  const status = guestStatus(g);
  if (status === 'running') return undefined;
  return status === 'paused' || status === 'suspended' || status === 'prelaunch' || status === 'unknown' ? 'warn' : 'dim';
}

export const guestsKind: ListKind<GuestRow> = {
  id: 'guests',
  title: 'Guests',
  open: (g) => ({ push: { screen: 'detail', key: guestKeyOf(g), tab: 'summary' } }),
  tone: guestTone,
  columns: GUEST_COLUMNS,
  defaultSort: { column: 'vmid', descending: false },
  tieBreak: (a, b) => a.vmid - b.vmid || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
  rowKey: guestKeyOf,
  filter: {
    search: (g) => [g.name, g.vmid, g.node, ...g.tags],
    fields: {
      node: (g) => g.node,
      status: (g) => (g.template ? ['template', g.status] : g.status),
      tag: (g) => g.tags,
      type: (g) => g.type,
      pool: (g) => g.pool,
      name: (g) => g.name,
      vmid: (g) => g.vmid,
      lock: (g) => g.lock,
    },
    aliases: { tags: 'tag', kind: 'type', state: 'status', id: 'vmid' },
    synonyms: { type: GUEST_TYPE_SYNONYMS },
  },
  rows: (s) => s.data.guests,
};

export const nodesKind: ListKind<NodeRow> = {
  id: 'nodes',
  title: 'Nodes',
  // A node's guests, as `:node NAME` shows them.
  open: (n) => ({ list: { screen: 'guests' }, filter: `node:${n.node}` }),
  tone: (n) => (n.status === 'online' ? undefined : 'error'),
  columns: [
    { id: 'node', header: 'NODE', width: 12, flex: true, cell: (n) => n.node, sort: (n) => n.node },
    { id: 'status', header: 'STATUS', width: 10, cell: (n, ctx) => statusText(n.status, ctx), sort: (n) => n.status },
    { id: 'cpu', header: 'CPU', width: 6, align: 'right', cell: (n) => formatPercent(n.cpu), sort: (n) => n.cpu, live: true },
    { id: 'cores', header: 'CORES', width: 5, align: 'right', cell: (n) => (n.maxcpu === undefined ? '-' : String(n.maxcpu)), sort: (n) => n.maxcpu },
    { id: 'mem', header: 'MEM', width: 14, align: 'right', cell: (n) => formatUsage(n.mem, n.maxmem), sort: (n) => n.mem, live: true },
    { id: 'mem%', header: 'MEM%', width: 5, align: 'right', cell: (n) => formatRatio(n.mem, n.maxmem), sort: (n) => (n.maxmem ? (n.mem ?? 0) / n.maxmem : undefined), live: true },
    { id: 'disk', header: 'ROOTFS', width: 14, align: 'right', cell: (n) => formatUsage(n.disk, n.maxdisk), sort: (n) => n.disk },
    { id: 'uptime', header: 'UPTIME', width: 8, align: 'right', cell: (n) => (n.uptime ? formatDuration(n.uptime) : '-'), sort: (n) => n.uptime, live: true },
  ],
  defaultSort: { column: 'node', descending: false },
  tieBreak: (a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0),
  rowKey: (n) => n.node,
  filter: { search: (n) => [n.node, n.status], fields: { node: (n) => n.node, status: (n) => n.status } },
  rows: (s) => s.data.nodes,
};

export const storageKind: ListKind<StorageRow> = {
  id: 'storage',
  title: 'Storage',
  open: (r) => ({ push: { screen: 'content', node: r.node, storage: r.storage } }),
  tone: (r) => (r.active ? undefined : 'dim'),
  columns: [
    { id: 'storage', header: 'STORAGE', width: 12, flex: true, cell: (r) => r.storage, sort: (r) => r.storage },
    { id: 'node', header: 'NODE', width: 8, cell: (r) => r.node, sort: (r) => r.node },
    { id: 'type', header: 'TYPE', width: 8, cell: (r) => r.type, sort: (r) => r.type },
    { id: 'content', header: 'CONTENT', width: 14, flex: true, cell: (r) => r.content.join(','), sort: (r) => r.content.join(',') },
    { id: 'shared', header: 'SHARED', width: 6, cell: (r) => (r.shared ? 'yes' : 'no'), sort: (r) => r.shared },
    { id: 'status', header: 'STATUS', width: 10, cell: (r, ctx) => statusText(r.active ? 'available' : r.enabled ? 'inactive' : 'disabled', ctx), sort: (r) => r.active },
    { id: 'used', header: 'USED', width: 14, align: 'right', cell: (r) => formatUsage(r.used, r.total), sort: (r) => r.used, live: true },
    { id: 'use%', header: 'USE%', width: 5, align: 'right', cell: (r) => formatRatio(r.used, r.total), sort: (r) => (r.total ? (r.used ?? 0) / r.total : undefined), live: true },
  ],
  defaultSort: { column: 'node', descending: false },
  tieBreak: (a, b) => (a.node + '/' + a.storage < b.node + '/' + b.storage ? -1 : 1),
  rowKey: (r) => `${r.node}/${r.storage}`,
  filter: {
    search: (r) => [r.storage, r.node, r.type, ...r.content],
    fields: { node: (r) => r.node, type: (r) => r.type, content: (r) => r.content, storage: (r) => r.storage },
  },
  rows: (s) => s.data.storage,
};

export const contentKind: ListKind<StorageContentRow> = {
  id: 'content',
  title: 'Content',
  columns: [
    { id: 'volid', header: 'VOLUME', width: 24, flex: true, cell: (c) => c.volid, sort: (c) => c.volid },
    { id: 'content', header: 'CONTENT', width: 8, cell: (c) => c.content, sort: (c) => c.content },
    { id: 'format', header: 'FORMAT', width: 7, cell: (c) => dash(c.format), sort: (c) => c.format },
    { id: 'size', header: 'SIZE', width: 9, align: 'right', cell: (c) => formatBytes(c.size), sort: (c) => c.size },
    { id: 'vmid', header: 'VMID', width: 6, align: 'right', cell: (c) => (c.vmid === undefined ? '-' : String(c.vmid)), sort: (c) => c.vmid },
    { id: 'created', header: 'CREATED', width: 12, cell: (c, ctx) => formatWhen(c.ctime === undefined ? undefined : c.ctime * 1000, ctx.now), sort: (c) => c.ctime },
    { id: 'notes', header: 'NOTES', width: 10, flex: true, cell: (c) => c.notes ?? '', sort: (c) => c.notes },
  ],
  defaultSort: { column: 'volid', descending: false },
  tieBreak: (a, b) => (a.volid < b.volid ? -1 : a.volid > b.volid ? 1 : 0),
  rowKey: (c) => `${c.node}/${c.storage}/${c.volid}`,
  filter: {
    search: (c) => [c.volid, c.content, c.notes, c.vmid],
    fields: { content: (c) => c.content, vmid: (c) => c.vmid, format: (c) => c.format },
  },
  rows: (s) => s.data.content,
};

/** `● running`, `✓ OK`, `✕ <PVE's error text>`. */
export function taskStatusCell(t: TaskRow, ctx: CellContext): string {
  const state = taskState(t);
  const text = state === 'running' ? 'running' : (t.status ?? '');
  const icon = ctx.icons ? STATUS_ICONS[state] : undefined;
  return icon === undefined ? text : `${icon} ${text}`;
}

const TASK_TONES: Record<ReturnType<typeof taskState>, RowTone | undefined> = { running: 'accent', ok: undefined, warning: 'warn', error: 'error' };

export const tasksKind: ListKind<TaskRow> = {
  id: 'tasks',
  title: 'Tasks',
  open: (t) => ({ push: { screen: 'taskLog', upid: t.upid, node: t.node } }),
  tone: (t) => TASK_TONES[taskState(t)],
  columns: [
    { id: 'started', header: 'STARTED', width: 12, cell: (t, ctx) => formatWhen(t.starttime * 1000, ctx.now), sort: (t) => t.starttime },
    { id: 'node', header: 'NODE', width: 8, cell: (t) => t.node, sort: (t) => t.node },
    { id: 'type', header: 'TYPE', width: 10, cell: (t) => t.type, sort: (t) => t.type },
    { id: 'id', header: 'ID', width: 6, align: 'right', cell: (t) => dash(t.id), sort: (t) => taskVmid(t) ?? t.id },
    { id: 'user', header: 'USER', width: 12, cell: (t) => t.user, sort: (t) => t.user },
    { id: 'duration', header: 'TIME', width: 7, align: 'right', cell: (t, ctx) => formatDuration(taskDuration(t, ctx.now)), sort: (t) => (t.endtime ?? Number.MAX_SAFE_INTEGER) - t.starttime },
    { id: 'status', header: 'STATUS', width: 12, flex: true, cell: (t, ctx) => taskStatusCell(t, ctx), sort: (t) => taskState(t) },
  ],
  defaultSort: { column: 'started', descending: true },
  tieBreak: (a, b) => (a.upid < b.upid ? 1 : -1),
  rowKey: (t) => t.upid,
  filter: {
    search: (t) => [t.type, t.id, t.node, t.user, t.status],
    fields: { node: (t) => t.node, type: (t) => t.type, user: (t) => t.user, status: (t) => taskState(t), vmid: (t) => taskVmid(t), id: (t) => t.id },
  },
  rows: (s) => s.data.tasks,
};

export const snapshotsKind: ListKind<SnapshotListRow> = {
  id: 'snapshots',
  title: 'Snapshots',
  open: (s) => ({ push: { screen: 'detail', key: guestKeyOf(s), tab: 'snapshots' } }),
  columns: [
    { id: 'vmid', header: 'VMID', width: 6, align: 'right', cell: (s) => String(s.vmid), sort: (s) => s.vmid },
    { id: 'guest', header: 'GUEST', width: 14, cell: (s) => s.guestName, sort: (s) => s.guestName },
    { id: 'name', header: 'SNAPSHOT', width: 16, flex: true, cell: (s) => s.name, sort: (s) => s.name },
    { id: 'parent', header: 'PARENT', width: 12, cell: (s) => dash(s.parent), sort: (s) => s.parent },
    { id: 'ram', header: 'RAM', width: 4, cell: (s) => (s.vmstate ? 'yes' : 'no'), sort: (s) => s.vmstate },
    { id: 'taken', header: 'TAKEN', width: 12, cell: (s, ctx) => formatWhen(s.snaptime === undefined ? undefined : s.snaptime * 1000, ctx.now), sort: (s) => s.snaptime },
    { id: 'description', header: 'DESCRIPTION', width: 10, flex: true, cell: (s) => s.description ?? '', sort: (s) => s.description },
  ],
  defaultSort: { column: 'vmid', descending: false },
  tieBreak: (a, b) => a.vmid - b.vmid || (a.snaptime ?? 0) - (b.snaptime ?? 0),
  rowKey: (s) => `${s.type}/${s.vmid}/${s.name}`,
  filter: {
    search: (s) => [s.name, s.vmid, s.guestName, s.description],
    fields: { vmid: (s) => s.vmid, guest: (s) => s.guestName, name: (s) => s.name },
  },
  rows: (s) => s.data.snapshots,
};

export type AnyListKind = ListKind<GuestRow> | ListKind<NodeRow> | ListKind<StorageRow> | ListKind<TaskRow> | ListKind<StorageContentRow> | ListKind<SnapshotListRow>;

export const LIST_KINDS: Readonly<Record<ListId, AnyListKind>> = {
  guests: guestsKind,
  nodes: nodesKind,
  storage: storageKind,
  content: contentKind,
  tasks: tasksKind,
  snapshots: snapshotsKind,
};
