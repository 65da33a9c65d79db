// Building blocks for scenarios: nodes with their networks, storages, and the files on them
// (ISOs, container templates, backup archives).

import type { Cluster } from '../cluster.js';
import { KERNEL } from '../cluster.js';
import type { NetworkInterface, NodeState, StorageDef, Volume, VolumeContent } from '../model.js';
import type { Rng } from '../rng.js';
import { GiB, MiB } from '../sizes.js';

export const DAY = 86_400;

export interface NodeSpec {
  name: string;
  nodeid: number;
  ip: string;
  cpuModel: string;
  sockets: number;
  cores: number;
  threads: number;
  memGiB: number;
  rootGiB: number;
  uptimeDays: number;
  level?: string;
  /** Second NIC / VLAN layout (homelab has a storage VLAN). */
  storageVlan?: { id: number; address: string };
}

export function addNode(cluster: Cluster, rng: Rng, spec: NodeSpec): NodeState {
  const fingerprint = Array.from({ length: 32 }, () => rng.hex(2)).join(':');
  const node: NodeState = {
    name: spec.name,
    nodeid: spec.nodeid,
    ip: spec.ip,
    sslFingerprint: fingerprint,
    level: spec.level ?? '',
    maxcpu: spec.threads,
    cpuModel: spec.cpuModel,
    sockets: spec.sockets,
    cores: spec.cores,
    maxmem: spec.memGiB * GiB - rng.int(200, 900) * MiB,
    maxdisk: spec.rootGiB * GiB - rng.int(1, 5) * GiB,
    rootUsed: rng.int(4, 14) * GiB + rng.int(0, 1023) * MiB,
    baseMemUsed: rng.int(1500, 3500) * MiB,
    bootTime: cluster.anchor - Math.round(spec.uptimeDays * DAY) - rng.int(0, 20_000),
    kernel: KERNEL.release,
    runningGuests: 0,
    runningMem: 0,
    nextPid: rng.int(20_000, 900_000),
    interfaces: nodeInterfaces(spec),
  };
  cluster.nodes.set(node.name, node);
  return node;
}

function nodeInterfaces(spec: NodeSpec): NetworkInterface[] {
  const gateway = spec.ip.replace(/\.\d+$/, '.1');
  const ifaces: NetworkInterface[] = [
    { iface: 'eno1', type: 'eth', method: 'manual', method6: 'manual', families: ['inet'], exists: 1, active: 1, priority: 3 },
    { iface: 'eno2', type: 'eth', method: 'manual', method6: 'manual', families: ['inet'], exists: 1, active: 1, priority: 4 },
    {
      iface: 'vmbr0',
      type: 'bridge',
      method: 'static',
      method6: 'manual',
      families: ['inet'],
      address: spec.ip,
      netmask: '24',
      cidr: `${spec.ip}/24`,
      gateway,
      bridge_ports: 'eno1',
      bridge_stp: 'off',
      bridge_fd: '0',
      autostart: 1,
      active: 1,
      priority: 5,
    },
    {
      iface: 'vmbr1',
      type: 'bridge',
      method: 'manual',
      method6: 'manual',
      families: ['inet'],
      bridge_ports: 'eno2',
      bridge_stp: 'off',
      bridge_fd: '0',
      bridge_vlan_aware: 1,
      bridge_vids: '2-4094',
      autostart: 1,
      active: 1,
      comments: 'VM trunk\n',
      priority: 6,
    },
  ];
  if (spec.storageVlan) {
    const { id, address } = spec.storageVlan;
    ifaces.push({
      iface: `vmbr1.${id}`,
      type: 'vlan',
      method: 'static',
      method6: 'manual',
      families: ['inet'],
      address,
      netmask: '24',
      cidr: `${address}/24`,
      'vlan-raw-device': 'vmbr1',
      'vlan-id': String(id),
      autostart: 1,
      active: 1,
      comments: 'storage network\n',
      priority: 7,
    });
  }
  return ifaces;
}

export function defineStorage(cluster: Cluster, def: StorageDef): void {
  cluster.storage.define({ ...def, content: [...def.content].sort() });
}

/** A file on a file-based storage (ISO, container template, vzdump archive, PBS snapshot). */
export function addFile(cluster: Cluster, node: string, storage: string, name: string, content: VolumeContent, size: number, ctime: number, extra: Partial<Volume> = {}): Volume {
  const volume: Volume = { volid: `${storage}:${name}`, storage, name, content, format: fileFormat(name, content, extra), size, used: size, ctime, ...extra };
  cluster.storage.add(node, volume);
  return volume;
}

function fileFormat(name: string, content: VolumeContent, extra: Partial<Volume>): string {
  if (extra.format) return extra.format;
  if (content === 'iso') return 'iso';
  const tpl = /\.tar\.(gz|xz|zst|bz2)$/.exec(name);
  if (content === 'vztmpl' && tpl) return `t${tpl[1]}`;
  const dump = /\.(vma|tar)(\.(zst|gz|lzo))?$/.exec(name);
  if (dump) return `${dump[1]}${dump[2] ?? ''}`;
  return 'raw';
}

/** `2025_01_10-02_00_03` as vzdump names its archives. */
export function vzdumpStamp(epochSec: number): string {
  return new Date(epochSec * 1000).toISOString().slice(0, 19).replace(/-/g, '_').replace('T', '-').replace(/:/g, '_');
}

/** `2025-01-10T02:00:03Z` as PBS names its snapshots. */
export function pbsStamp(epochSec: number): string {
  return `${new Date(epochSec * 1000).toISOString().slice(0, 19)}Z`;
}
