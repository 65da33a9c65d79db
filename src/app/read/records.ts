// The JSON/YAML field sets of the read commands: one record shape per resource kind, with a
// fixed key order and every key always present (null when unknown), so that scripts can rely
// on them. Sizes are bytes, cpu a fraction (0.25 = 25% of the guest's or node's CPUs),
// durations seconds, and points in time ISO 8601 UTC strings. See docs in README/help.
import type { GuestRow, HistoryEntry, NodeRow, PoolRow, SnapshotRow, StorageRow, TaskRow } from '../../db/model.js';
import { isoTime } from '../output/units.js';

const n = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);
const s = (v: string | undefined): string | null => (v === undefined ? null : v);

export interface GuestRecord {
  type: 'qemu' | 'lxc';
  vmid: number;
  name: string;
  node: string;
  status: string;
  template: boolean;
  tags: string[];
  pool: string | null;
  lock: string | null;
  hastate: string | null;
  cpu: number | null;
  maxcpu: number | null;
  mem: number | null;
  maxmem: number | null;
  disk: number | null;
  maxdisk: number | null;
  uptime: number | null;
  netin: number | null;
  netout: number | null;
  diskread: number | null;
  diskwrite: number | null;
}

export function guestRecord(g: GuestRow): GuestRecord {
  return {
    type: g.type,
    vmid: g.vmid,
    name: g.name,
    node: g.node,
    status: g.status,
    template: g.template,
    tags: [...g.tags],
    pool: s(g.pool),
    lock: s(g.lock),
    hastate: s(g.hastate),
    cpu: n(g.cpu),
    maxcpu: n(g.maxcpu),
    mem: n(g.mem),
    maxmem: n(g.maxmem),
    disk: n(g.disk),
    maxdisk: n(g.maxdisk),
    uptime: n(g.uptime),
    netin: n(g.netin),
    netout: n(g.netout),
    diskread: n(g.diskread),
    diskwrite: n(g.diskwrite),
  };
}

export interface NodeRecord {
  node: string;
  status: string;
  cpu: number | null;
  maxcpu: number | null;
  mem: number | null;
  maxmem: number | null;
  disk: number | null;
  maxdisk: number | null;
  uptime: number | null;
  level: string | null;
  sslFingerprint: string | null;
  /** Guests on the node, from the cache. */
  qemu: number;
  lxc: number;
  running: number;
}

export interface GuestCounts {
  qemu: number;
  lxc: number;
  running: number;
}

export function nodeRecord(row: NodeRow, counts: GuestCounts = { qemu: 0, lxc: 0, running: 0 }): NodeRecord {
  return {
    node: row.node,
    status: row.status,
    cpu: n(row.cpu),
    maxcpu: n(row.maxcpu),
    mem: n(row.mem),
    maxmem: n(row.maxmem),
    disk: n(row.disk),
    maxdisk: n(row.maxdisk),
    uptime: n(row.uptime),
    level: s(row.level),
    sslFingerprint: s(row.sslFingerprint),
    qemu: counts.qemu,
    lxc: counts.lxc,
    running: counts.running,
  };
}

export interface StorageRecord {
  node: string;
  storage: string;
  type: string;
  content: string[];
  shared: boolean;
  enabled: boolean;
  active: boolean;
  status: string | null;
  total: number | null;
  used: number | null;
  avail: number | null;
}

export function storageRecord(row: StorageRow): StorageRecord {
  return {
    node: row.node,
    storage: row.storage,
    type: row.type,
    content: [...row.content],
    shared: row.shared,
    enabled: row.enabled,
    active: row.active,
    status: s(row.status),
    total: n(row.total),
    used: n(row.used),
    avail: n(row.avail),
  };
}

export type TaskState = 'running' | 'ok' | 'warning' | 'error';

/** running (no exit status yet), ok (`OK`), warning (`WARNINGS: n`) or error (anything else). */
export function taskState(row: TaskRow): TaskState {
  if (row.status === undefined || row.status === '') return 'running';
  if (row.status === 'OK') return 'ok';
  if (/^WARNINGS?\b/i.test(row.status)) return 'warning';
  return 'error';
}

/** Seconds the task ran (or has been running, at `now`). */
export function taskDuration(row: TaskRow, nowMs: number): number | undefined {
  const end = row.endtime ?? (row.status === undefined ? Math.floor(nowMs / 1000) : undefined);
  return end === undefined ? undefined : Math.max(0, end - row.starttime);
}

export function taskVmid(row: TaskRow): number | undefined {
  return /^\d+$/.test(row.id) ? Number(row.id) : undefined;
}

export interface TaskRecord {
  upid: string;
  node: string;
  type: string;
  id: string;
  vmid: number | null;
  user: string;
  state: TaskState;
  /** The exit text as PVE reports it (`OK`, an error, `WARNINGS: 2`); null while running. */
  exitStatus: string | null;
  startedAt: string | null;
  endedAt: string | null;
  duration: number | null;
}

export function taskRecord(row: TaskRow, nowMs: number): TaskRecord {
  return {
    upid: row.upid,
    node: row.node,
    type: row.type,
    id: row.id,
    vmid: n(taskVmid(row)),
    user: row.user,
    state: taskState(row),
    exitStatus: row.status === undefined || row.status === '' ? null : row.status,
    startedAt: isoTime(row.starttime * 1000),
    endedAt: row.endtime === undefined ? null : isoTime(row.endtime * 1000),
    duration: n(taskDuration(row, nowMs)),
  };
}

export interface SnapshotRecord {
  type: 'qemu' | 'lxc';
  vmid: number;
  guest: string | null;
  node: string | null;
  name: string;
  parent: string | null;
  description: string | null;
  takenAt: string | null;
  vmstate: boolean;
}

export function snapshotRecord(row: SnapshotRow, guest: GuestRow | undefined): SnapshotRecord {
  return {
    type: row.type,
    vmid: row.vmid,
    guest: guest ? guest.name : null,
    node: guest ? guest.node : null,
    name: row.name,
    parent: s(row.parent),
    description: row.description === undefined || row.description === '' ? null : row.description,
    takenAt: row.snaptime === undefined ? null : isoTime(row.snaptime * 1000),
    vmstate: row.vmstate,
  };
}

export interface PoolRecord {
  poolid: string;
  comment: string | null;
  /** As PVE lists them: `qemu/100`, `lxc/101`, `storage/pve1/local`. */
  members: string[];
  vmids: number[];
  storage: string[];
}

export function poolRecord(row: PoolRow): PoolRecord {
  const vmids: number[] = [];
  const storage: string[] = [];
  for (const m of row.members) {
    const guest = /^(?:qemu|lxc)\/(\d+)$/.exec(m);
    if (guest) vmids.push(Number(guest[1]));
    else if (m.startsWith('storage/')) storage.push(m.slice('storage/'.length));
  }
  return { poolid: row.poolid, comment: s(row.comment), members: [...row.members], vmids: vmids.sort((a, b) => a - b), storage: storage.sort() };
}

export interface HistoryRecord {
  at: string | null;
  syncRunId: number;
  type: 'qemu' | 'lxc';
  vmid: number;
  guest: string | null;
  event: HistoryEntry['event'];
  field: string | null;
  old: string | null;
  new: string | null;
}

export function historyRecord(e: HistoryEntry, guestName: string | undefined): HistoryRecord {
  return {
    at: isoTime(e.at),
    syncRunId: e.syncRunId,
    type: e.type,
    vmid: e.vmid,
    guest: s(guestName),
    event: e.event,
    field: s(e.field),
    old: s(e.old),
    new: s(e.new),
  };
}
