// GET /cluster/resources -> node, guest and storage rows, in one pass over the raw answer.
// (At 100,000 guests the general-purpose normaliser in src/proxmox/types.ts costs more than
// the request; this reads only the fields the cache keeps, with the same wire-value rules.)
import { asArray } from '../proxmox/types.js';
import { parseTags, toBool, toNum, toStr } from '../proxmox/values.js';
import type { GuestRow, GuestType, NodeRow, StorageRow } from '../db/model.js';

export interface ResourceSnapshot {
  nodes: NodeRow[];
  /** Everything but the config. */
  guests: GuestRow[];
  storage: StorageRow[];
  /** Pool ids listed as `pool` entries (PVE 7+), and any a guest names. */
  poolIds: string[];
  /** Entries that could not be read (no vmid, unknown shape): left out, counted. */
  skipped: number;
}

type Rec = Record<string, unknown>;

// The numeric fields /cluster/resources gives guests and nodes (numbers or numeric strings).
const NODE_NUMBERS = ['cpu', 'maxcpu', 'mem', 'maxmem', 'disk', 'maxdisk', 'uptime'] as const satisfies readonly (keyof NodeRow)[];
const GUEST_NUMBERS = [...NODE_NUMBERS, 'netin', 'netout', 'diskread', 'diskwrite'] as const satisfies readonly (keyof GuestRow)[];

function setNum<T extends object>(target: T, key: keyof T & string, value: unknown): void {
  const n = toNum(value);
  if (n !== undefined) (target as Rec)[key] = n;
}

function guestOf(r: Rec, type: GuestType): GuestRow | undefined {
  const vmid = toNum(r.vmid);
  const node = toStr(r.node);
  if (vmid === undefined || !Number.isInteger(vmid) || node === undefined) return undefined;
  const tags = r.tags === undefined || r.tags === null ? [] : parseTags(r.tags);
  const row: GuestRow = {
    type,
    vmid,
    node,
    name: toStr(r.name) ?? '',
    status: toStr(r.status) ?? 'unknown',
    template: toBool(r.template) ?? false,
    tags,
  };
  const pool = toStr(r.pool);
  if (pool !== undefined) row.pool = pool;
  const lock = toStr(r.lock);
  if (lock !== undefined) row.lock = lock;
  const hastate = toStr(r.hastate);
  if (hastate !== undefined) row.hastate = hastate;
  for (const key of GUEST_NUMBERS) setNum(row, key, r[key]);
  return row;
}

function nodeOf(r: Rec): NodeRow | undefined {
  const node = toStr(r.node);
  if (node === undefined) return undefined;
  const row: NodeRow = { node, status: toStr(r.status) ?? 'unknown' };
  for (const key of NODE_NUMBERS) setNum(row, key, r[key]);
  const level = toStr(r.level);
  if (level !== undefined) row.level = level;
  return row;
}

function storageOf(r: Rec): StorageRow | undefined {
  const storage = toStr(r.storage);
  const node = toStr(r.node);
  if (storage === undefined || node === undefined) return undefined;
  const status = toStr(r.status);
  const content = (toStr(r.content) ?? '').split(/[,;\s]+/).filter((c) => c !== '');
  const row: StorageRow = {
    node,
    storage,
    type: toStr(r.plugintype) ?? 'unknown',
    content,
    shared: toBool(r.shared) ?? false,
    // pvestatd reports enabled storages only; `available` means it is active on the node.
    enabled: true,
    active: status === 'available',
  };
  if (status !== undefined) row.status = status;
  const used = toNum(r.disk);
  const total = toNum(r.maxdisk);
  if (used !== undefined) row.used = used;
  if (total !== undefined) row.total = total;
  if (used !== undefined && total !== undefined) row.avail = Math.max(0, total - used);
  return row;
}

/** Reads the answer of GET /cluster/resources (no type filter). */
export function mapResources(data: unknown): ResourceSnapshot {
  const items = asArray(data, 'cluster resources');
  const out: ResourceSnapshot = { nodes: [], guests: [], storage: [], poolIds: [], skipped: 0 };
  const pools = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'object' || item === null) {
      out.skipped++;
      continue;
    }
    const r = item as Rec;
    const type = toStr(r.type) ?? toStr(r.id)?.split('/')[0];
    if (type === 'qemu' || type === 'lxc') {
      const guest = guestOf(r, type);
      if (guest) {
        out.guests.push(guest);
        if (guest.pool !== undefined) pools.add(guest.pool);
      } else out.skipped++;
    } else if (type === 'node') {
      const node = nodeOf(r);
      if (node) out.nodes.push(node);
      else out.skipped++;
    } else if (type === 'storage') {
      const storage = storageOf(r);
      if (storage) out.storage.push(storage);
      else out.skipped++;
    } else if (type === 'pool') {
      const pool = toStr(r.pool) ?? toStr(r.id)?.slice('pool/'.length);
      if (pool) pools.add(pool);
    }
    // sdn, network, openvz: not cached.
  }
  out.poolIds = [...pools].sort();
  return out;
}
