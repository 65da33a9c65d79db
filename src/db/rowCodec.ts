// Rows as SQLite stores them (snake_case, 0/1, NULL, joined lists) and their conversion to
// the model's rows, for every table but guests (guestTuple.ts). Shared by writer and reader.
import type {
  GuestType,
  NetworkRow,
  NodeRow,
  SnapshotRow,
  StorageContentRow,
  StorageRow,
  TaskRow,
} from './model.js';

export type Nullable<T> = T | null;
export type SqlValue = string | number | null;

export interface NodeRecord {
  node: string;
  status: string;
  cpu: Nullable<number>;
  maxcpu: Nullable<number>;
  mem: Nullable<number>;
  maxmem: Nullable<number>;
  disk: Nullable<number>;
  maxdisk: Nullable<number>;
  uptime: Nullable<number>;
  level: Nullable<string>;
  ssl_fingerprint: Nullable<string>;
}

export interface StorageRecord {
  node: string;
  storage: string;
  type: string;
  content: string;
  shared: number;
  enabled: number;
  active: number;
  status: Nullable<string>;
  total: Nullable<number>;
  used: Nullable<number>;
  avail: Nullable<number>;
}

export interface StorageContentRecord {
  node: string;
  storage: string;
  volid: string;
  content: string;
  format: Nullable<string>;
  size: Nullable<number>;
  vmid: Nullable<number>;
  ctime: Nullable<number>;
  notes: Nullable<string>;
}

export interface NetworkRecord {
  node: string;
  iface: string;
  type: string;
  active: number;
  autostart: Nullable<number>;
  address: Nullable<string>;
  cidr: Nullable<string>;
  gateway: Nullable<string>;
  bridge_ports: Nullable<string>;
  vlan_id: Nullable<number>;
  comments: Nullable<string>;
}

export interface SnapshotRecord {
  type: GuestType;
  vmid: number;
  name: string;
  parent: Nullable<string>;
  description: Nullable<string>;
  snaptime: Nullable<number>;
  vmstate: number;
}

export interface TaskRecord {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  starttime: number;
  endtime: Nullable<number>;
  status: Nullable<string>;
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
const bit = (value: boolean): number => (value ? 1 : 0);
const optBit = (value: boolean | undefined): number | null => (value === undefined ? null : bit(value));

// ---- model -> record ----

export function nodeRecord(row: NodeRow): NodeRecord {
  return {
    node: row.node,
    status: row.status,
    cpu: orNull(row.cpu),
    maxcpu: orNull(row.maxcpu),
    mem: orNull(row.mem),
    maxmem: orNull(row.maxmem),
    disk: orNull(row.disk),
    maxdisk: orNull(row.maxdisk),
    uptime: orNull(row.uptime),
    level: orNull(row.level),
    ssl_fingerprint: orNull(row.sslFingerprint),
  };
}

export function storageRecord(row: StorageRow): StorageRecord {
  return {
    node: row.node,
    storage: row.storage,
    type: row.type,
    content: row.content.join(','),
    shared: bit(row.shared),
    enabled: bit(row.enabled),
    active: bit(row.active),
    status: orNull(row.status),
    total: orNull(row.total),
    used: orNull(row.used),
    avail: orNull(row.avail),
  };
}

export function storageContentRecord(row: StorageContentRow): StorageContentRecord {
  return {
    node: row.node,
    storage: row.storage,
    volid: row.volid,
    content: row.content,
    format: orNull(row.format),
    size: orNull(row.size),
    vmid: orNull(row.vmid),
    ctime: orNull(row.ctime),
    notes: orNull(row.notes),
  };
}

export function networkRecord(row: NetworkRow): NetworkRecord {
  return {
    node: row.node,
    iface: row.iface,
    type: row.type,
    active: bit(row.active),
    autostart: optBit(row.autostart),
    address: orNull(row.address),
    cidr: orNull(row.cidr),
    gateway: orNull(row.gateway),
    bridge_ports: orNull(row.bridgePorts),
    vlan_id: orNull(row.vlanId),
    comments: orNull(row.comments),
  };
}

export function snapshotRecord(row: SnapshotRow): SnapshotRecord {
  return {
    type: row.type,
    vmid: row.vmid,
    name: row.name,
    parent: orNull(row.parent),
    description: orNull(row.description),
    snaptime: orNull(row.snaptime),
    vmstate: bit(row.vmstate),
  };
}

export function taskRecord(row: TaskRow): TaskRecord {
  return {
    upid: row.upid,
    node: row.node,
    type: row.type,
    id: row.id,
    user: row.user,
    starttime: row.starttime,
    endtime: orNull(row.endtime),
    status: orNull(row.status),
  };
}

// ---- record -> model (optional fields left out when NULL) ----

function splitList(value: string, separator: string): string[] {
  return value === '' ? [] : value.split(separator);
}

export function nodeFromRecord(r: NodeRecord): NodeRow {
  const row: NodeRow = { node: r.node, status: r.status };
  if (r.cpu !== null) row.cpu = r.cpu;
  if (r.maxcpu !== null) row.maxcpu = r.maxcpu;
  if (r.mem !== null) row.mem = r.mem;
  if (r.maxmem !== null) row.maxmem = r.maxmem;
  if (r.disk !== null) row.disk = r.disk;
  if (r.maxdisk !== null) row.maxdisk = r.maxdisk;
  if (r.uptime !== null) row.uptime = r.uptime;
  if (r.level !== null) row.level = r.level;
  if (r.ssl_fingerprint !== null) row.sslFingerprint = r.ssl_fingerprint;
  return row;
}

export function storageFromRecord(r: StorageRecord): StorageRow {
  const row: StorageRow = {
    node: r.node,
    storage: r.storage,
    type: r.type,
    content: splitList(r.content, ','),
    shared: r.shared === 1,
    enabled: r.enabled === 1,
    active: r.active === 1,
  };
  if (r.status !== null) row.status = r.status;
  if (r.total !== null) row.total = r.total;
  if (r.used !== null) row.used = r.used;
  if (r.avail !== null) row.avail = r.avail;
  return row;
}

export function storageContentFromRecord(r: StorageContentRecord): StorageContentRow {
  const row: StorageContentRow = { node: r.node, storage: r.storage, volid: r.volid, content: r.content };
  if (r.format !== null) row.format = r.format;
  if (r.size !== null) row.size = r.size;
  if (r.vmid !== null) row.vmid = r.vmid;
  if (r.ctime !== null) row.ctime = r.ctime;
  if (r.notes !== null) row.notes = r.notes;
  return row;
}

export function networkFromRecord(r: NetworkRecord): NetworkRow {
  const row: NetworkRow = { node: r.node, iface: r.iface, type: r.type, active: r.active === 1 };
  if (r.autostart !== null) row.autostart = r.autostart === 1;
  if (r.address !== null) row.address = r.address;
  if (r.cidr !== null) row.cidr = r.cidr;
  if (r.gateway !== null) row.gateway = r.gateway;
  if (r.bridge_ports !== null) row.bridgePorts = r.bridge_ports;
  if (r.vlan_id !== null) row.vlanId = r.vlan_id;
  if (r.comments !== null) row.comments = r.comments;
  return row;
}

export function snapshotFromRecord(r: SnapshotRecord): SnapshotRow {
  const row: SnapshotRow = { type: r.type, vmid: r.vmid, name: r.name, vmstate: r.vmstate === 1 };
  if (r.parent !== null) row.parent = r.parent;
  if (r.description !== null) row.description = r.description;
  if (r.snaptime !== null) row.snaptime = r.snaptime;
  return row;
}

export function taskFromRecord(r: TaskRecord): TaskRow {
  const row: TaskRow = { upid: r.upid, node: r.node, type: r.type, id: r.id, user: r.user, starttime: r.starttime };
  if (r.endtime !== null) row.endtime = r.endtime;
  if (r.status !== null) row.status = r.status;
  return row;
}
