// A small cluster in an in-memory cache, synced twice (so there is history), for the read
// commands' unit tests. Times are fixed; tests set TZ=UTC for the local-time formats.
import { openCache } from '../../../db/client.js';
import type { Cache } from '../../../db/cacheApi.js';
import type { ClusterObservation, GuestRow, SnapshotRow, TaskRow } from '../../../db/model.js';
import { guestKey } from '../../../db/model.js';
import type { ReadContext } from '../context.js';
import { formatAge } from '../../output/units.js';

/** 2025-01-05T10:00:00Z, the first sync. */
export const T0 = Date.UTC(2025, 0, 5, 10, 0, 0);
/** The second sync, five minutes later. */
export const T1 = T0 + 5 * 60_000;
/** When the tests "run": 30 s after the second sync. */
export const NOW = T1 + 30_000;

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const sec = (ms: number): number => Math.floor(ms / 1000);

export const EVIL_NAME = 'evil\u001b[31m\u001b]0;pwned\u0007name\u009b2J';

function qemu(vmid: number, name: string, node: string, extra: Partial<GuestRow> = {}): GuestRow {
  return {
    type: 'qemu',
    vmid,
    node,
    name,
    status: 'running',
    template: false,
    tags: [],
    cpu: 0.25,
    maxcpu: 4,
    mem: 2 * GiB,
    maxmem: 4 * GiB,
    disk: 0,
    maxdisk: 32 * GiB,
    uptime: 3 * 86400 + 4 * 3600,
    netin: 5 * GiB,
    netout: 1 * GiB,
    ...extra,
  };
}

function lxc(vmid: number, name: string, node: string, extra: Partial<GuestRow> = {}): GuestRow {
  return {
    type: 'lxc',
    vmid,
    node,
    name,
    status: 'running',
    template: false,
    tags: [],
    cpu: 0.05,
    maxcpu: 1,
    mem: 300 * MiB,
    maxmem: 512 * MiB,
    disk: 1.5 * GiB,
    maxdisk: 8 * GiB,
    uptime: 3600,
    ...extra,
  };
}

const WEB_CONFIG: Record<string, string | number> = {
  name: 'web-01',
  cores: 4,
  sockets: 1,
  memory: '4096',
  agent: '1,fstrim_cloned_disks=1',
  boot: 'order=scsi0;ide2;net0',
  ostype: 'l26',
  onboot: 1,
  scsihw: 'virtio-scsi-single',
  scsi0: 'local-lvm:vm-100-disk-0,iothread=1,discard=on,size=32G',
  scsi1: 'nas:100/vm-100-disk-1.qcow2,backup=0,size=100G',
  ide2: 'none,media=cdrom',
  net0: 'virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1,tag=20',
  net1: 'e1000=BC:24:11:00:00:01,bridge=vmbr1,link_down=1',
  ipconfig0: 'ip=10.0.20.5/24,gw=10.0.20.1',
  description: 'Public web server\nsecond line',
  tags: 'prod;web',
  parent: 'after-upgrade',
  unused0: 'local-lvm:vm-100-disk-9',
};

const PIHOLE_CONFIG: Record<string, string | number> = {
  hostname: 'pihole',
  arch: 'amd64',
  cores: 1,
  memory: 512,
  swap: 512,
  ostype: 'debian',
  rootfs: 'local-lvm:vm-200-disk-0,size=8G',
  mp0: 'nas:subvol-200-disk-1,mp=/data,backup=1,size=20G',
  net0: 'name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:CA:E8:A9,ip=192.168.1.53/24,gw=192.168.1.1,type=veth',
  features: 'nesting=1,keyctl=1',
  unprivileged: 1,
  tags: 'dns',
};

function snapshots(): Map<`qemu/${number}` | `lxc/${number}`, SnapshotRow[]> {
  const rows: SnapshotRow[] = [
    { type: 'qemu', vmid: 100, name: 'base', snaptime: sec(T0) - 86400 * 10, vmstate: false, description: 'fresh install' },
    { type: 'qemu', vmid: 100, name: 'pre-upgrade', parent: 'base', snaptime: sec(T0) - 86400 * 3, vmstate: true, description: 'before the upgrade' },
    { type: 'qemu', vmid: 100, name: 'after-upgrade', parent: 'pre-upgrade', snaptime: sec(T0) - 86400 * 2, vmstate: false },
    { type: 'qemu', vmid: 100, name: 'experiment', parent: 'base', snaptime: sec(T0) - 86400 * 5, vmstate: false, description: 'a side branch' },
  ];
  return new Map([[guestKey('qemu', 100), rows]]);
}

function tasks(): TaskRow[] {
  const start = sec(T0) - 600;
  return [
    { upid: 'UPID:pve1:00001234:00000001:6779A000:qmstart:100:root@pam:', node: 'pve1', type: 'qmstart', id: '100', user: 'root@pam', starttime: start, endtime: start + 2, status: 'OK' },
    { upid: 'UPID:pve1:00001235:00000002:6779A100:vzdump:100:root@pam:', node: 'pve1', type: 'vzdump', id: '100', user: 'root@pam', starttime: start + 60, endtime: start + 200, status: 'WARNINGS: 1' },
    { upid: 'UPID:pve2:00001236:00000003:6779A200:qmstop:101:alice@pve:', node: 'pve2', type: 'qmstop', id: '101', user: 'alice@pve', starttime: start + 120, endtime: start + 125, status: "command 'qm stop 101' failed: exit code 1" },
    { upid: 'UPID:pve1:00001237:00000004:6779A300:aptupdate::root@pam:', node: 'pve1', type: 'aptupdate', id: '', user: 'root@pam', starttime: start + 300 },
  ];
}

export function firstObservation(): ClusterObservation {
  return {
    at: T0,
    clusterName: 'homelab',
    pveVersion: '9.1.1',
    nodes: [
      { node: 'pve1', status: 'online', cpu: 0.12, maxcpu: 16, mem: 32 * GiB, maxmem: 64 * GiB, disk: 14 * GiB, maxdisk: 94 * GiB, uptime: 41 * 86400 + 11 * 3600, level: '' },
      { node: 'pve2', status: 'online', cpu: 0.5, maxcpu: 12, mem: 20 * GiB, maxmem: 32 * GiB, disk: 12 * GiB, maxdisk: 94 * GiB, uptime: 86400 },
      { node: 'pve3', status: 'offline' },
    ],
    guests: [
      qemu(100, 'web-01', 'pve1', { tags: ['prod', 'web'], pool: 'prod', config: WEB_CONFIG, configDigest: 'abc123' }),
      qemu(101, 'web-02', 'pve2', { status: 'stopped', tags: ['web'], cpu: 0, mem: 0, uptime: 0, netin: 0, netout: 0 }),
      qemu(102, 'db-01', 'pve1', { tags: ['db', 'prod'], pool: 'prod', lock: 'backup', hastate: 'started', maxmem: 16 * GiB, mem: 12 * GiB }),
      qemu(103, EVIL_NAME, 'pve2', { tags: ['x'] }),
      qemu(9000, 'ubuntu-cloud', 'pve1', { status: 'stopped', template: true, tags: ['template'], pool: 'templates', cpu: 0, mem: 0, uptime: 0 }),
      lxc(200, 'pihole', 'pve1', { tags: ['dns'], pool: 'prod', config: PIHOLE_CONFIG }),
      lxc(201, 'web-01', 'pve2', { tags: ['web'] }),
    ],
    storage: [
      { node: 'pve1', storage: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup'], shared: false, enabled: true, active: true, status: 'available', total: 94 * GiB, used: 22 * GiB, avail: 72 * GiB },
      { node: 'pve1', storage: 'nas', type: 'nfs', content: ['images', 'rootdir'], shared: true, enabled: true, active: true, status: 'available', total: 7450 * GiB, used: 2310 * GiB, avail: 5140 * GiB },
      { node: 'pve2', storage: 'nas', type: 'nfs', content: ['images', 'rootdir'], shared: true, enabled: true, active: false, total: 7450 * GiB, used: 2310 * GiB },
    ],
    pools: [
      { poolid: 'prod', comment: 'Production services', members: ['qemu/100', 'qemu/102', 'lxc/200', 'storage/pve1/nas'] },
      { poolid: 'templates', members: ['qemu/9000'] },
    ],
    snapshots: snapshots(),
    tasks: tasks(),
  };
}

/** Five minutes later: web-02 started, db-01 moved to pve2, web-01's memory changed, the evil
 * guest deleted and a new container created. */
export function secondObservation(): ClusterObservation {
  const first = firstObservation();
  const guests = first.guests
    .filter((g) => g.vmid !== 103)
    .map((g): GuestRow => {
      if (g.vmid === 101) return { ...g, status: 'running', cpu: 0.1, mem: GiB, uptime: 200 };
      if (g.vmid === 102) return { ...g, node: 'pve2' };
      if (g.vmid === 100) return { ...g, config: { ...WEB_CONFIG, memory: '8192' }, configDigest: 'def456', maxmem: 8 * GiB };
      return g;
    });
  guests.push(lxc(202, 'new-ct', 'pve2', { status: 'stopped', cpu: 0, mem: 0, disk: 0, uptime: 0 }));
  return { ...first, at: T1, guests, tasks: [], snapshots: new Map() };
}

export interface Fixture {
  cache: Cache;
  profileId: number;
  ctx: ReadContext;
}

/** The fixture cache, synced once (`runs: 1`) or twice (default). */
export function openFixture(options: { runs?: 1 | 2; now?: number; guests?: GuestRow[] } = {}): Fixture {
  const cache = openCache(':memory:');
  const profile = cache.profile('homelab', 'https://pve.example:8006');
  const first = firstObservation();
  if (options.guests) first.guests.push(...options.guests);
  cache.applyObservation(profile.id, first, { startedAt: T0 - 500, counts: {} });
  if (options.runs !== 1) {
    const second = secondObservation();
    if (options.guests) second.guests.push(...options.guests);
    cache.applyObservation(profile.id, second, { startedAt: T1 - 500, counts: {} });
  }
  const now = options.now ?? NOW;
  const fresh = cache.freshness(profile.id);
  const syncedAt = Math.max(fresh.lastSyncAt ?? 0, fresh.verifiedAt ?? 0);
  const ctx: ReadContext = {
    cache,
    profile,
    profileName: 'homelab',
    now,
    syncedAt,
    syncedAgo: () => `synced ${formatAge(now - syncedAt)} ago`,
    close: () => undefined,
  };
  return { cache, profileId: profile.id, ctx };
}

/** A writable that keeps what was written. */
export function sink(extra: { isTTY?: boolean; columns?: number } = {}): NodeJS.WritableStream & { text(): string; isTTY?: boolean; columns?: number } {
  let text = '';
  const stream = {
    ...extra,
    write(chunk: string | Uint8Array): boolean {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    },
    text: () => text,
  };
  return stream as unknown as NodeJS.WritableStream & { text(): string; isTTY?: boolean; columns?: number };
}

/** A read context over any cache (for scenarios built in a test). */
export function contextFor(cache: Cache, profileId: number, now: number): ReadContext {
  const profile = cache.profiles().find((p) => p.id === profileId)!;
  const fresh = cache.freshness(profileId);
  const syncedAt = Math.max(fresh.lastSyncAt ?? 0, fresh.verifiedAt ?? 0);
  return { cache, profile, profileName: profile.name, now, syncedAt, syncedAgo: () => `synced ${formatAge(now - syncedAt)} ago`, close: () => undefined };
}

/** A cache with these observations applied in order (one sync run each that changes
 * something), read 30 s after the last one. */
export function openScenario(observations: readonly ClusterObservation[]): Fixture {
  const cache = openCache(':memory:');
  const profile = cache.profile('lab', 'https://lab.example:8006');
  for (const o of observations) cache.applyObservation(profile.id, o, { startedAt: o.at - 500, counts: {} });
  const last = observations[observations.length - 1]!;
  return { cache, profileId: profile.id, ctx: contextFor(cache, profile.id, last.at + 30_000) };
}

/** A running VM or container with nothing else set, for scenarios. */
export function plainGuest(type: GuestRow['type'], vmid: number, name: string, node: string, extra: Partial<GuestRow> = {}): GuestRow {
  return { type, vmid, node, name, status: 'running', template: false, tags: [], ...extra };
}

/** A task row for scenarios: `start` in epoch ms, `seconds` long (undefined: still running). */
export function taskAt(type: string, id: string | number, start: number, seconds: number | undefined = 2, status = 'OK', node = 'pve1'): TaskRow {
  const starttime = sec(start);
  const hex = starttime.toString(16).toUpperCase().padStart(8, '0');
  const row: TaskRow = { upid: `UPID:${node}:0000${hex.slice(-4)}:00000000:${hex}:${type}:${id}:root@pam:`, node, type, id: String(id), user: 'root@pam', starttime };
  if (seconds !== undefined) {
    row.endtime = starttime + seconds;
    row.status = status;
  }
  return row;
}

/** 2025-01-06T09:00:00Z, the first sync of the vmid-reuse scenario. */
export const REUSE_T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const min = (m: number): number => REUSE_T0 + m * 60_000;

/** VM 100 (old-vm) is stopped and destroyed, then container 100 (new-ct) is created under the
 * same vmid: four syncs, ten minutes apart. `created: false` leaves out the container's create
 * task (as if it came from a clone or the cache missed the task). */
export function vmidReuseObservations(options: { created?: boolean } = {}): ClusterObservation[] {
  const nodes = [{ node: 'pve1', status: 'online' }];
  const other = plainGuest('qemu', 101, 'other', 'pve1');
  const oldVm = plainGuest('qemu', 100, 'old-vm', 'pve1');
  const newCt = plainGuest('lxc', 100, 'new-ct', 'pve1');
  return [
    { at: min(0), nodes, guests: [oldVm, other], tasks: [taskAt('qmstart', 100, min(-60)), taskAt('vzdump', 100, min(-30), 120), taskAt('qmstart', 101, min(-20))] },
    { at: min(10), nodes, guests: [other], tasks: [taskAt('qmstop', 100, min(5)), taskAt('qmdestroy', 100, min(6), 3)] },
    { at: min(20), nodes, guests: [other, newCt], tasks: [...(options.created === false ? [] : [taskAt('vzcreate', 100, min(15), 20)]), taskAt('vzstart', 100, min(19))] },
    { at: min(30), nodes, guests: [other, { ...newCt, status: 'stopped' }], tasks: [taskAt('vzdump', 100, min(25), 60), taskAt('hastart', 100, min(26)), taskAt('qmstart', 101, min(27))] },
  ];
}
