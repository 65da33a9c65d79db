// What the guest operations' plans need to know, read live from PVE: a guest's snapshots, the
// volumes that go with it (delete), its config basics with their digest (set, tags), the
// cluster's nodes, vmids and storages, and the disks clone and migrate look at. The CLI
// commands and the console's dialogs both read their facts here, with a client they own.
import type { ProxmoxClient } from '../proxmox/client.js';
import type { ClusterResource } from '../proxmox/types.js';
import { parseGuestConfig, type DiskInfo } from '../app/read/guestConfig.js';
import type { CloneFacts, CloneVolume } from './clone.js';
import type { NodeFact } from './common.js';
import type { CurrentConfig } from './config.js';
import type { DeleteFacts } from './destroy.js';
import type { MigrateFacts } from './migrate.js';
import type { ExistingSnapshot } from './snapshots.js';
import type { GuestTarget } from './types.js';

/** The guest's snapshots as PVE lists them now (without its `current` marker). */
export async function liveSnapshots(client: ProxmoxClient, t: GuestTarget): Promise<ExistingSnapshot[]> {
  return (await client.guest(t.type).snapshots(t.node, t.vmid))
    .filter((s) => s.name !== 'current')
    .map((s) => ({ name: s.name, ...(s.snaptime !== undefined ? { snaptime: s.snaptime } : {}), ...(s.vmstate ? { vmstate: true } : {}) }));
}

export async function snapshotNames(client: ProxmoxClient, t: GuestTarget): Promise<string[]> {
  return (await liveSnapshots(client, t)).map((s) => s.name);
}

const configRow = (t: GuestTarget, raw: unknown) => ({ type: t.type, vmid: t.vmid, node: t.node, name: t.name, status: t.status, template: t.template, tags: [], config: raw as Record<string, string | number> });

/** Delete: every volume its config references (disks, mount points, unused; not CD-ROMs) and
 * its protection flag. */
export async function deleteFacts(client: ProxmoxClient, t: GuestTarget): Promise<DeleteFacts> {
  const c = await client.guest(t.type).config(t.node, t.vmid);
  const parsed = parseGuestConfig(configRow(t, c.raw));
  const volumes = [...parsed.disks.filter((d) => d.role !== 'cdrom' && d.volume !== 'none').map((d) => d.volume), ...parsed.unused.map((u) => u.volume)];
  return { volumes, protection: c.protection === true };
}

/** Set and tags: the values a config edit compares against, the tags, and the config digest. */
export interface LiveConfig {
  current: CurrentConfig;
  tags: string[];
  digest?: string;
}

export async function liveConfig(client: ProxmoxClient, t: GuestTarget): Promise<LiveConfig> {
  const c = await client.guest(t.type).config(t.node, t.vmid);
  const tags = c.tags ?? [];
  return {
    current: { cores: c.cores, memory: c.memory, onboot: c.onboot === undefined ? undefined : c.onboot ? 1 : 0, description: c.description, tags: tags.join(';') },
    tags,
    ...(c.digest ? { digest: c.digest } : {}),
  };
}

/** What /cluster/resources tells about nodes, vmids and storages. */
export interface ClusterFacts {
  nodes: NodeFact[];
  usedVmids: Set<number>;
  /** `node/storage` -> the storage as that node has it. */
  storages: Map<string, ClusterResource>;
}

export async function readCluster(client: ProxmoxClient): Promise<ClusterFacts> {
  const resources = await client.clusterResources();
  const storages = new Map<string, ClusterResource>();
  for (const r of resources) if (r.type === 'storage' && r.node !== undefined && r.storage !== undefined) storages.set(`${r.node}/${r.storage}`, r);
  return {
    nodes: resources.filter((r) => r.type === 'node' && r.node !== undefined).map((r) => ({ name: r.node!, online: r.status === 'online' })),
    usedVmids: new Set(resources.flatMap((r) => (r.vmid !== undefined && (r.type === 'qemu' || r.type === 'lxc') ? [r.vmid] : []))),
    storages,
  };
}

/** The guest's disks as its config (or one of its snapshots) has them. */
export async function disksOf(client: ProxmoxClient, t: GuestTarget, snapshot?: string): Promise<DiskInfo[]> {
  const c = await client.guest(t.type).config(t.node, t.vmid, snapshot !== undefined ? { snapshot } : {});
  return parseGuestConfig(configRow(t, c.raw)).disks.filter((d) => d.volume !== 'none' && d.volume !== 'cdrom');
}

function storageOf(cluster: ClusterFacts, node: string, d: DiskInfo): ClusterResource | undefined {
  return d.storage === null ? undefined : cluster.storages.get(`${node}/${d.storage}`);
}

/** Storage types that make linked clones of any volume; file storages only of qcow2 ones. */
const THIN_STORAGE = new Set(['lvmthin', 'zfspool', 'zfs', 'rbd', 'btrfs']);
const FILE_STORAGE = new Set(['dir', 'nfs', 'cifs', 'glusterfs']);

/** Clone: the cluster's vmids and nodes, the source's disks (as of `snapname`), its node's
 * storages, its snapshots and the pools. */
export async function cloneFacts(client: ProxmoxClient, source: GuestTarget, snapname?: string): Promise<CloneFacts> {
  const cluster = await readCluster(client);
  const volumes: CloneVolume[] = (await disksOf(client, source, snapname))
    .filter((d) => d.role !== 'cdrom' && d.storage !== null)
    .map((d) => {
      const storage = storageOf(cluster, source.node, d);
      const type = storage?.plugintype;
      const linkable = d.role === 'cloudinit' || type === undefined || THIN_STORAGE.has(type) || (FILE_STORAGE.has(type) && /\.qcow2$/.test(d.volume));
      return { key: d.key, volid: d.volume, shared: storage?.shared === true, linkable };
    });
  return {
    usedVmids: cluster.usedVmids,
    nodes: cluster.nodes,
    volumes,
    storages: [...cluster.storages.values()].filter((s) => s.node === source.node).map((s) => ({ id: s.storage!, content: s.content ?? [], shared: s.shared === true })),
    snapshots: await snapshotNames(client, source),
    pools: (await client.pools()).map((p) => p.poolid),
  };
}

/** The linked-or-full default: a linked clone when the source is a template whose every disk
 * can be linked, else a full copy. */
export const defaultFullClone = (source: GuestTarget, facts: Pick<CloneFacts, 'volumes'>): boolean => !(source.template && facts.volumes.every((v) => v.linkable));

/** Migrate: the nodes, and each guest's local volumes and local CD-ROM images. */
export async function migrateFacts(client: ProxmoxClient, targets: readonly GuestTarget[], cluster?: ClusterFacts): Promise<MigrateFacts[]> {
  const c = cluster ?? (await readCluster(client));
  const out: MigrateFacts[] = [];
  for (const t of targets) {
    const local = (await disksOf(client, t)).filter((d) => d.storage !== null && storageOf(c, t.node, d)?.shared !== true);
    out.push({ nodes: c.nodes, localVolumes: local.filter((d) => d.role !== 'cdrom').map((d) => d.volume), localCdroms: local.filter((d) => d.role === 'cdrom').map((d) => d.volume) });
  }
  return out;
}
