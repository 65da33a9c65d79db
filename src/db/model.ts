// The cached cluster as plain data: what one sync observes (ClusterObservation), what the
// cache stores and what it tells the rest of the program changed (ChangeEvent, HistoryEntry).
// The sync worker produces observations, the cache (src/db) applies them in one transaction,
// and the read commands and the console read rows back.

export type GuestType = 'qemu' | 'lxc';

/** `qemu/100`: unique within a profile (a vmid alone is not unique across profiles). */
export type GuestKey = `${GuestType}/${number}`;

export function guestKey(type: GuestType, vmid: number): GuestKey {
  return `${type}/${vmid}`;
}

/** The key of anything that names a guest by type and vmid (a row, a target, a snapshot). */
export function guestKeyOf(g: { type: GuestType; vmid: number }): GuestKey {
  return `${g.type}/${g.vmid}`;
}

export interface NodeRow {
  node: string;
  status: string; // online | offline | unknown
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  uptime?: number;
  level?: string;
  sslFingerprint?: string;
}

/** A guest's resource figures: the live ones (GUEST_FIGURE_FIELDS) change every poll while it
 * runs and are never recorded in history; maxcpu/maxmem/maxdisk come from its config. */
export interface GuestFigures {
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  uptime?: number;
  netin?: number;
  netout?: number;
  diskread?: number;
  diskwrite?: number;
}

/** The live figures of a guest, node or storage: they drift on every poll, so they are not a
 * change. The cache writes them at most once per `figuresEveryMs` (a row with a real change is
 * written whole at once); the sync posts the fresh ones to the main thread on every poll. */
export const GUEST_FIGURE_FIELDS = ['cpu', 'mem', 'disk', 'uptime', 'netin', 'netout', 'diskread', 'diskwrite'] as const satisfies readonly (keyof GuestFigures)[];
export type GuestFigureField = (typeof GUEST_FIGURE_FIELDS)[number];
export const NODE_FIGURE_FIELDS = ['cpu', 'mem', 'disk', 'uptime'] as const satisfies readonly (keyof NodeRow)[];
export type NodeFigureField = (typeof NODE_FIGURE_FIELDS)[number];
/** Storage usage (total too: thin pools and shared file systems report it as it moves). */
export const STORAGE_FIGURE_FIELDS = ['used', 'avail', 'total'] as const satisfies readonly (keyof StorageRow)[];
export type StorageFigureField = (typeof STORAGE_FIGURE_FIELDS)[number];

export interface GuestRow extends GuestFigures {
  type: GuestType;
  vmid: number;
  node: string;
  name: string;
  status: string; // running | stopped | paused | suspended | unknown
  template: boolean;
  tags: string[];
  pool?: string;
  lock?: string;
  hastate?: string;
  /** The config as GET .../config returns it (without `digest`), when it has been fetched. */
  config?: Record<string, string | number>;
  /** PVE's config digest (SHA-1 of the config file), when the config has been fetched. */
  configDigest?: string;
  /** The sync's fingerprint of the config-derived resource fields (name, maxmem, maxcpu,
   * maxdisk, tags, template, lock, pool, node) when the config was fetched: /cluster/resources
   * carries no digest, so a changed fingerprint (or a config task) is what triggers a re-fetch. */
  configFingerprint?: string;
}

export interface StorageRow {
  node: string;
  storage: string;
  type: string; // dir, lvmthin, nfs, pbs, zfspool...
  content: string[];
  shared: boolean;
  enabled: boolean;
  active: boolean;
  status?: string;
  total?: number;
  used?: number;
  avail?: number;
}

export interface StorageContentRow {
  node: string;
  storage: string;
  volid: string;
  content: string; // iso, vztmpl, backup, images, rootdir
  format?: string;
  size?: number;
  vmid?: number;
  ctime?: number;
  notes?: string;
}

export interface NetworkRow {
  node: string;
  iface: string;
  type: string;
  active: boolean;
  autostart?: boolean;
  address?: string;
  cidr?: string;
  gateway?: string;
  bridgePorts?: string;
  vlanId?: number;
  comments?: string;
}

export interface PoolRow {
  poolid: string;
  comment?: string;
  /** `qemu/100`, `lxc/101`, `storage/pve1/local`. */
  members: string[];
}

export interface SnapshotRow {
  type: GuestType;
  vmid: number;
  name: string;
  parent?: string;
  description?: string;
  snaptime?: number;
  vmstate: boolean;
}

export interface TaskRow {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  starttime: number;
  endtime?: number;
  /** Exit text once finished (`OK`, an error, `WARNINGS: n`); undefined while running. */
  status?: string;
}

/** What one sync observed. A section that is undefined was not fetched this time: the cache
 * keeps what it had (storage content and networks are fetched less often than guests). */
export interface ClusterObservation {
  /** Epoch milliseconds when the observation was taken. */
  at: number;
  clusterName?: string;
  pveVersion?: string;
  nodes: NodeRow[];
  /** Every guest in the cluster. A guest whose config was not re-fetched carries none: the
   * cache keeps the config it has. */
  guests: GuestRow[];
  storage?: StorageRow[];
  storageContent?: StorageContentRow[];
  networks?: NetworkRow[];
  pools?: PoolRow[];
  /** Snapshots of the guests whose config was fetched this time, by guest key. */
  snapshots?: Map<GuestKey, SnapshotRow[]>;
  /** Tasks started or finished since the previous sync. */
  tasks?: TaskRow[];
  /** Some entries of the resource list could not be read: what is missing from `nodes` and
   * `guests` may still exist, so nothing is deleted on the strength of this observation. */
  incomplete?: boolean;
}

export type ChangeOp = 'added' | 'removed' | 'changed';

/** A compact note of what changed, posted to the main thread (never whole tables). `fields`
 * lists real changes only: live figures are no change (the sync posts them on every poll). */
export type ChangeEvent =
  | { kind: 'guest'; op: ChangeOp; key: GuestKey; fields?: string[] }
  | { kind: 'node'; op: ChangeOp; node: string; fields?: string[] }
  | { kind: 'storage' | 'network' | 'pool' | 'snapshot' | 'task'; op: ChangeOp; id: string };

export type HistoryEvent = 'created' | 'deleted' | 'moved' | 'status' | 'config';

export interface HistoryEntry {
  /** Epoch milliseconds. */
  at: number;
  type: GuestType;
  vmid: number;
  event: HistoryEvent;
  /** For `config`: the config key; for `moved`: `node`; for `status`: `status`. */
  field?: string;
  old?: string;
  new?: string;
  /** The sync run that recorded it. */
  syncRunId: number;
}

export type SyncOutcome = 'ok' | 'failed' | 'partial';

export interface SyncRunRow {
  id: number;
  startedAt: number;
  finishedAt?: number;
  outcome?: SyncOutcome;
  /** What the run saw and wrote: guests, nodes, configsFetched, rowsWritten, changes... */
  counts: Record<string, number>;
  error?: string;
}
