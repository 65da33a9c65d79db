// `generated`: N guests over a few big nodes, deterministic for a seed, built for load
// (10k and 100k guests). Guests keep only a summary until something reads their config,
// and every per-guest value derives from (seed, vmid), so building is linear and lazy.

import type { Cluster } from '../cluster.js';
import { GuestConfig, type GuestSummary } from '../guestConfig.js';
import type { Guest, GuestConf } from '../model.js';
import { createRng, hash32, type Rng } from '../rng.js';
import { formatSize, GiB, MiB, TiB } from '../sizes.js';
import { allocateVolume } from '../volumes.js';
import { macFrom, uuidFrom } from './guests.js';
import { addFile, addNode, DAY, defineStorage } from './infra.js';

const ROLES = ['web', 'api', 'db', 'cache', 'worker', 'k8s', 'build', 'mq', 'lb', 'proxy', 'mon', 'log', 'dev', 'test', 'batch', 'etl'];
const TAGS = ['prod', 'staging', 'dev', 'web', 'db', 'k8s', 'ci', 'monitoring', 'team-a', 'team-b'];

interface GuestPlan {
  kind: 'qemu' | 'lxc';
  vmid: number;
  node: string;
  name: string;
  cores: number;
  memMiB: number;
  diskGiB: number;
  tags: string[];
  running: boolean;
}

function planGuest(seed: number, vmid: number, nodes: readonly string[]): GuestPlan {
  const rng = createRng(hash32(seed, 'guest', vmid));
  const kind = rng.chance(0.25) ? 'lxc' : 'qemu';
  const role = rng.pick(ROLES);
  const tags = rng.chance(0.7) ? [...new Set([rng.pick(TAGS), rng.pick(TAGS)])].sort() : [];
  return {
    kind,
    vmid,
    node: nodes[vmid % nodes.length]!,
    name: `${role}-${String(vmid).padStart(6, '0')}`,
    cores: rng.pick([1, 1, 2, 2, 2, 4, 4, 8]),
    memMiB: rng.pick(kind === 'lxc' ? [256, 512, 512, 1024, 2048] : [1024, 2048, 2048, 4096, 8192, 16384]),
    diskGiB: rng.pick(kind === 'lxc' ? [4, 8, 8, 16, 32] : [16, 32, 32, 64, 100]),
    tags,
    running: rng.chance(0.72),
  };
}

function summaryOf(p: GuestPlan): GuestSummary {
  const summary: GuestSummary = {
    name: p.name,
    cpus: p.cores,
    maxmem: p.memMiB * MiB,
    maxswap: p.kind === 'lxc' ? 512 * MiB : 0,
    maxdisk: p.diskGiB * GiB,
    template: false,
    serial: false,
  };
  if (p.tags.length) summary.tags = p.tags.join(';');
  return summary;
}

function configOf(seed: number, p: GuestPlan, volid: string, ctime: number): GuestConf {
  const rng = createRng(hash32(seed, 'conf', p.vmid));
  const tags: GuestConf = p.tags.length ? { tags: p.tags.join(';') } : {};
  if (p.kind === 'lxc') {
    return {
      arch: 'amd64',
      cores: p.cores,
      hostname: p.name,
      memory: p.memMiB,
      swap: 512,
      ostype: 'debian',
      unprivileged: 1,
      features: 'nesting=1',
      rootfs: `${volid},size=${formatSize(p.diskGiB * GiB)}`,
      net0: `name=eth0,bridge=vmbr0,firewall=1,hwaddr=${macFrom(rng)},ip=dhcp,type=veth`,
      ...tags,
    };
  }
  return {
    name: p.name,
    cores: p.cores,
    sockets: 1,
    memory: String(p.memMiB),
    cpu: 'x86-64-v2-AES',
    ostype: 'l26',
    numa: 0,
    scsihw: 'virtio-scsi-single',
    agent: '1',
    boot: 'order=scsi0;ide2;net0',
    ide2: 'none,media=cdrom',
    scsi0: `${volid},iothread=1,size=${formatSize(p.diskGiB * GiB)}`,
    net0: `virtio=${macFrom(rng)},bridge=vmbr0,firewall=1`,
    meta: `creation-qemu=9.2.0,ctime=${ctime}`,
    smbios1: `uuid=${uuidFrom(rng)}`,
    vmgenid: uuidFrom(rng),
    ...tags,
  };
}

export function buildGenerated(cluster: Cluster, rng: Rng, guests: number, nodeCount: number): void {
  for (let i = 1; i <= nodeCount; i++) {
    addNode(cluster, rng, {
      name: `pve${i}`,
      nodeid: i,
      ip: `10.10.0.${10 + i}`,
      cpuModel: 'AMD EPYC 9354 32-Core Processor',
      sockets: 2,
      cores: 32,
      threads: 128,
      memGiB: 1536,
      rootGiB: 446,
      uptimeDays: 30 + rng.int(0, 90),
      level: 'c',
    });
  }
  const nodes = cluster.nodeNames();
  const perNode = Math.ceil(guests / nodes.length);
  const lvmCapacity = Math.max(4 * TiB, Math.ceil((perNode * 100 * GiB) / TiB) * TiB);
  defineStorage(cluster, { id: 'local', type: 'dir', content: ['backup', 'iso', 'vztmpl'], shared: false, capacity: 440 * GiB, baseUsed: 12 * GiB, path: '/var/lib/vz' });
  defineStorage(cluster, { id: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], shared: false, capacity: lvmCapacity, baseUsed: 0, vgname: 'pve' });
  defineStorage(cluster, { id: 'ceph-nfs', type: 'nfs', content: ['backup', 'images', 'iso', 'rootdir'], shared: true, capacity: 200 * TiB, baseUsed: 31 * TiB, path: '/mnt/pve/ceph-nfs' });
  for (const node of nodes) {
    addFile(cluster, node, 'local', 'iso/debian-12.8.0-amd64-netinst.iso', 'iso', 633 * MiB, cluster.anchor - 40 * DAY);
    addFile(cluster, node, 'local', 'vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', 'vztmpl', 126 * MiB, cluster.anchor - 40 * DAY);
  }
  cluster.pools.set('tenant-a', { poolid: 'tenant-a', comment: 'Tenant A', vmids: new Set(), storages: new Set() });
  cluster.pools.set('tenant-b', { poolid: 'tenant-b', comment: 'Tenant B', vmids: new Set(), storages: new Set(['ceph-nfs']) });

  for (let vmid = 100; vmid < 100 + guests; vmid++) {
    const p = planGuest(cluster.seed, vmid, nodes);
    const ctime = cluster.anchor - (vmid % 400) * DAY;
    const vol = allocateVolume(cluster, { node: p.node, storage: 'local-lvm', vmid, kind: p.kind, size: p.diskGiB * GiB, ctime, name: `vm-${vmid}-disk-0` });
    const node = cluster.node(p.node)!;
    const guest: Guest = {
      kind: p.kind,
      vmid,
      node: p.node,
      status: p.running ? 'running' : 'stopped',
      paused: false,
      checkpointed: false,
      startedAt: p.running ? node.bootTime + 300 + (hash32(cluster.seed, 'up', vmid) % Math.max(1, cluster.anchor - node.bootTime - 600)) : 0,
      pid: p.running ? 1000 + (hash32(cluster.seed, 'pid', vmid) % 4_000_000) : 0,
      config: GuestConfig.lazy(p.kind, vmid, summaryOf(p), () => configOf(cluster.seed, p, vol.volid, ctime)),
    };
    if (vmid % 10 === 0) guest.pool = vmid % 20 === 0 ? 'tenant-a' : 'tenant-b';
    cluster.addGuest(guest);
  }
}
