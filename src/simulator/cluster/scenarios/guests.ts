// Guests described at a high level and stored the way PVE would have written them: volumes
// allocated on their storages, property strings in PVE's print order.

import { printPropertyString } from '../../../proxmox/propertyString.js';
import { LXC_NET_FORMAT, QEMU_NET_FORMAT } from '../../../proxmox/formats/schema.js';
import { formatTags } from '../../../proxmox/values.js';
import type { Cluster } from '../cluster.js';
import { printVolumeOption } from '../formats.js';
import { GuestConfig } from '../guestConfig.js';
import type { Guest, GuestConf, GuestKind, HaState, Volume } from '../model.js';
import type { Rng } from '../rng.js';
import { formatSize, GiB, MiB } from '../sizes.js';
import { allocateVolume } from '../volumes.js';
import { DAY } from './infra.js';

export interface DiskSpec {
  key: string;
  storage: string;
  sizeGiB: number;
  opts?: Record<string, string>;
}

export interface NetSpec {
  bridge: string;
  model?: string;
  firewall?: boolean;
  tag?: number;
  /** LXC only. */
  ip?: string;
  gw?: string;
  ip6?: string;
}

export interface GuestCommon {
  vmid: number;
  node: string;
  status: 'running' | 'stopped' | 'paused';
  tags?: string[];
  description?: string;
  onboot?: boolean;
  pool?: string;
  ha?: HaState;
  lock?: string;
  template?: boolean;
  /** Days before the anchor the guest was created. */
  ageDays: number;
  startup?: string;
  protection?: boolean;
  extra?: GuestConf;
}

export interface QemuSpec extends GuestCommon {
  name?: string;
  cores: number;
  sockets?: number;
  memoryMiB: number;
  balloon?: number;
  cpu?: string;
  ostype?: string;
  disks: DiskSpec[];
  /** `none` (default), an ISO volid, or omit the drive entirely with `false`. */
  cdrom?: string | false;
  nets: NetSpec[];
  agent?: string;
  uefi?: { storage: string; tpm?: boolean };
  cloudInit?: { storage: string; user: string; sshKeys?: string; ipconfig0: string; nameserver?: string; searchdomain?: string };
  serialConsole?: boolean;
  machine?: string;
  /** Base volume names (vm-<id> replaced) this guest's disks were linked-cloned from. */
  linkedFrom?: { vmid: number; storage: string };
}

function commonConf(spec: GuestCommon, conf: GuestConf): void {
  if (spec.tags?.length) conf.tags = formatTags(spec.tags);
  if (spec.description !== undefined) conf.description = spec.description;
  if (spec.onboot) conf.onboot = 1;
  if (spec.startup) conf.startup = spec.startup;
  if (spec.protection) conf.protection = 1;
  if (spec.lock) conf.lock = spec.lock;
  if (spec.template) conf.template = 1;
  Object.assign(conf, spec.extra ?? {});
}

function ctimeOf(cluster: Cluster, rng: Rng, ageDays: number): number {
  return cluster.anchor - Math.round(ageDays * DAY) + rng.int(8 * 3600, 20 * 3600);
}

export function addQemu(cluster: Cluster, rng: Rng, spec: QemuSpec): Guest {
  const ctime = ctimeOf(cluster, rng, spec.ageDays);
  const conf: GuestConf = {};
  if (spec.name) conf.name = spec.name;
  conf.cores = spec.cores;
  conf.sockets = spec.sockets ?? 1;
  conf.memory = String(spec.memoryMiB);
  if (spec.balloon !== undefined) conf.balloon = spec.balloon;
  conf.cpu = spec.cpu ?? 'x86-64-v2-AES';
  conf.ostype = spec.ostype ?? 'l26';
  conf.numa = 0;
  conf.scsihw = 'virtio-scsi-single';
  conf.meta = `creation-qemu=9.2.0,ctime=${ctime}`;
  conf.smbios1 = `uuid=${uuidFrom(rng)}`;
  conf.vmgenid = uuidFrom(rng);
  if (spec.agent) conf.agent = spec.agent;
  if (spec.machine) conf.machine = spec.machine;

  const allocate = (storage: string, sizeBytes: number, name?: string): Volume => {
    const base = spec.template === true && name === undefined;
    const linked = spec.linkedFrom && !base && name === undefined ? linkedParent(cluster, spec) : undefined;
    return allocateVolume(cluster, {
      node: spec.node,
      storage,
      vmid: spec.vmid,
      kind: 'qemu',
      size: sizeBytes,
      ctime,
      ...(base ? { base: true } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(linked !== undefined ? { parent: linked } : {}),
    });
  };

  if (spec.uefi) {
    conf.bios = 'ovmf';
    conf.machine ??= 'q35';
    const efi = allocate(spec.uefi.storage, 4 * MiB);
    conf.efidisk0 = `${efi.volid},efitype=4m,pre-enrolled-keys=1,size=4M`;
  }
  for (const disk of spec.disks) {
    const vol = allocate(disk.storage, disk.sizeGiB * GiB);
    conf[disk.key] = printVolumeOption('qemu', disk.key, { file: vol.volid, ...(/^(scsi|virtio)/.test(disk.key) ? { iothread: '1' } : {}), ...(disk.opts ?? {}), size: formatSize(vol.size) });
  }
  if (spec.uefi?.tpm) {
    const tpm = allocate(spec.uefi.storage, 4 * MiB);
    conf.tpmstate0 = `${tpm.volid},size=4M,version=v2.0`;
  }
  if (spec.cloudInit) {
    const ci = spec.cloudInit;
    const def = cluster.storage.require(ci.storage);
    const name = def.type === 'lvmthin' ? `vm-${spec.vmid}-cloudinit` : `${spec.vmid}/vm-${spec.vmid}-cloudinit.qcow2`;
    const vol = allocate(ci.storage, 4 * MiB, name);
    conf.ide2 = `${vol.volid},media=cdrom`;
    conf.ciuser = ci.user;
    conf.ipconfig0 = ci.ipconfig0;
    if (ci.sshKeys) conf.sshkeys = encodeURIComponent(ci.sshKeys);
    if (ci.nameserver) conf.nameserver = ci.nameserver;
    if (ci.searchdomain) conf.searchdomain = ci.searchdomain;
  } else if (spec.cdrom !== false) {
    const iso = spec.cdrom ?? 'none';
    if (iso === 'none') conf.ide2 = 'none,media=cdrom';
    else {
      const vol = cluster.storage.get(spec.node, iso);
      conf.ide2 = `${iso},media=cdrom${vol ? `,size=${formatSize(vol.size)}` : ''}`;
    }
  }
  if (spec.serialConsole) {
    conf.serial0 = 'socket';
    conf.vga = 'serial0';
  }
  spec.nets.forEach((net, i) => {
    conf[`net${i}`] = printPropertyString(
      { model: net.model ?? 'virtio', macaddr: macFrom(rng), bridge: net.bridge, ...(net.firewall !== false ? { firewall: '1' } : {}), ...(net.tag ? { tag: String(net.tag) } : {}) },
      QEMU_NET_FORMAT,
    );
  });
  const bootDevices = [spec.disks[0]?.key, spec.cloudInit ? undefined : spec.cdrom !== false ? 'ide2' : undefined, spec.nets.length ? 'net0' : undefined].filter(
    (d): d is string => d !== undefined,
  );
  conf.boot = `order=${spec.cloudInit ? spec.disks[0]!.key : bootDevices.join(';')}`;
  commonConf(spec, conf);
  return register(cluster, rng, 'qemu', spec, conf);
}

function linkedParent(cluster: Cluster, spec: QemuSpec): string | undefined {
  const from = spec.linkedFrom;
  if (!from) return undefined;
  const def = cluster.storage.require(from.storage);
  return def.type === 'lvmthin' ? `base-${from.vmid}-disk-0` : `${from.vmid}/base-${from.vmid}-disk-0.qcow2`;
}

export interface LxcSpec extends GuestCommon {
  hostname?: string;
  cores?: number;
  memoryMiB: number;
  swapMiB?: number;
  ostype: string;
  rootfs: { storage: string; sizeGiB: number };
  mountPoints?: { storage: string; sizeGiB: number; path: string; backup?: boolean }[];
  nets: NetSpec[];
  features?: string;
  unprivileged?: boolean;
  nameserver?: string;
  searchdomain?: string;
}

export function addLxc(cluster: Cluster, rng: Rng, spec: LxcSpec): Guest {
  const ctime = ctimeOf(cluster, rng, spec.ageDays);
  const conf: GuestConf = { arch: 'amd64' };
  if (spec.cores !== undefined) conf.cores = spec.cores;
  if (spec.hostname) conf.hostname = spec.hostname;
  conf.memory = spec.memoryMiB;
  conf.swap = spec.swapMiB ?? 512;
  conf.ostype = spec.ostype;
  if (spec.unprivileged !== false) conf.unprivileged = 1;
  if (spec.features) conf.features = spec.features;
  if (spec.nameserver) conf.nameserver = spec.nameserver;
  if (spec.searchdomain) conf.searchdomain = spec.searchdomain;
  const root = allocateVolume(cluster, { node: spec.node, storage: spec.rootfs.storage, vmid: spec.vmid, kind: 'lxc', size: spec.rootfs.sizeGiB * GiB, ctime, ...(spec.template ? { base: true } : {}) });
  conf.rootfs = `${root.volid},size=${formatSize(root.size)}`;
  spec.mountPoints?.forEach((mp, i) => {
    const vol = allocateVolume(cluster, { node: spec.node, storage: mp.storage, vmid: spec.vmid, kind: 'lxc', size: mp.sizeGiB * GiB, ctime });
    conf[`mp${i}`] = `${vol.volid},mp=${mp.path}${mp.backup ? ',backup=1' : ''},size=${formatSize(vol.size)}`;
  });
  spec.nets.forEach((net, i) => {
    conf[`net${i}`] = printPropertyString(
      {
        name: `eth${i}`,
        bridge: net.bridge,
        ...(net.firewall !== false ? { firewall: '1' } : {}),
        ...(net.gw ? { gw: net.gw } : {}),
        hwaddr: macFrom(rng),
        ip: net.ip ?? 'dhcp',
        ...(net.ip6 ? { ip6: net.ip6 } : {}),
        ...(net.tag ? { tag: String(net.tag) } : {}),
        type: 'veth',
      },
      LXC_NET_FORMAT,
    );
  });
  commonConf(spec, conf);
  return register(cluster, rng, 'lxc', spec, conf);
}

function register(cluster: Cluster, rng: Rng, kind: GuestKind, spec: GuestCommon, conf: GuestConf): Guest {
  const node = cluster.nodes.get(spec.node);
  if (!node) throw new Error(`scenario puts ${spec.vmid} on unknown node ${spec.node}`);
  const running = spec.status !== 'stopped' && !spec.template;
  const uptimeMax = Math.max(120, cluster.anchor - node.bootTime - 60);
  const guest: Guest = {
    kind,
    vmid: spec.vmid,
    node: spec.node,
    status: running ? 'running' : 'stopped',
    paused: spec.status === 'paused',
    checkpointed: false,
    startedAt: running ? cluster.anchor - rng.int(60, uptimeMax) : 0,
    pid: running ? (node.nextPid += rng.int(50, 3000)) : 0,
    config: GuestConfig.of(kind, spec.vmid, conf),
  };
  if (spec.pool) guest.pool = spec.pool;
  if (spec.ha) guest.ha = { state: spec.ha };
  cluster.addGuest(guest);
  return guest;
}

export function macFrom(rng: Rng): string {
  return `BC:24:11:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}`;
}

export function uuidFrom(rng: Rng): string {
  const h = rng.hex(32).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

