// Guest volumes: allocating disks the way each storage names them, finding the volumes a
// config references, and freeing them.

import type { Cluster } from './cluster.js';
import { isLxcMountKey, isQemuDriveKey, isUnusedKey, parseVolumeOption, splitVolid } from './formats.js';
import type { GuestConf, GuestKind, Volume } from './model.js';
import { hash01 } from './rng.js';
import { diskFormat, storageSupports } from './storage.js';

export interface AllocateSpec {
  node: string;
  storage: string;
  vmid: number;
  kind: GuestKind;
  size: number;
  ctime: number;
  base?: boolean;
  /** A fixed name (cloud-init and state volumes); otherwise the next free disk-N. */
  name?: string;
  parent?: string;
}

/** vdisk_alloc: registers a new volume and returns it. */
export function allocateVolume(cluster: Cluster, spec: AllocateSpec): Volume {
  const def = cluster.storage.require(spec.storage);
  const name = spec.name ?? cluster.storage.freeDiskName(spec.storage, spec.node, spec.vmid, spec.kind, spec.base);
  const thin = def.type === 'lvmthin' || def.type === 'zfspool' || def.type === 'nfs' || def.type === 'dir';
  const fill = thin ? 0.05 + hash01(cluster.seed, spec.vmid, name) * 0.55 : 1;
  const volume: Volume = {
    volid: `${spec.storage}:${name}`,
    storage: spec.storage,
    name,
    content: spec.kind === 'lxc' ? 'rootdir' : 'images',
    format: name.endsWith('.qcow2') ? 'qcow2' : diskFormat(def, spec.kind),
    size: spec.size,
    used: Math.round(spec.size * fill),
    ctime: spec.ctime,
    vmid: spec.vmid,
  };
  if (spec.parent !== undefined) volume.parent = spec.parent;
  cluster.storage.add(spec.node, volume);
  return volume;
}

export function supportsGuestDisks(cluster: Cluster, storage: string, kind: GuestKind): boolean {
  const def = cluster.storage.defs.get(storage);
  return def !== undefined && storageSupports(def, kind === 'qemu' ? 'images' : 'rootdir');
}

export interface ConfigVolume {
  key: string;
  volid: string;
  isCdrom: boolean;
}

/** The storage volumes a config references (disks, mount points, unused, vmstate). */
export function configVolumes(kind: GuestKind, conf: Readonly<GuestConf>): ConfigVolume[] {
  const out: ConfigVolume[] = [];
  for (const [key, value] of Object.entries(conf)) {
    if (typeof value !== 'string') continue;
    if (key === 'vmstate') {
      out.push({ key, volid: value, isCdrom: false });
      continue;
    }
    const volumeKey = kind === 'qemu' ? isQemuDriveKey(key) : isLxcMountKey(key);
    if (!volumeKey && !isUnusedKey(key)) continue;
    const parsed = parseVolumeOption(kind, key, value);
    if (!parsed || !splitVolid(parsed.volume)) continue;
    out.push({ key, volid: parsed.volume, isCdrom: parsed.isCdrom });
  }
  return out;
}

/** The guest's own volumes (what destroy frees): not ISOs, not other guests' base images. */
export function ownedVolumes(kind: GuestKind, vmid: number, conf: Readonly<GuestConf>): string[] {
  return configVolumes(kind, conf)
    .filter((v) => !v.isCdrom || /cloudinit/.test(v.volid))
    .map((v) => v.volid)
    .filter((volid) => new RegExp(`(^|[:/])(vm|base|subvol|basevol)-${vmid}-`).test(volid));
}

/** A free `unusedN` key. */
export function nextUnusedKey(conf: Readonly<GuestConf>): string {
  let n = 0;
  while (conf[`unused${n}`] !== undefined) n++;
  return `unused${n}`;
}
