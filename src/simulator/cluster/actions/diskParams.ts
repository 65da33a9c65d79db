// Turning drive / mount-point parameters into volumes, the way create_disks does for
// qemu-server and create_disks/foreach_mountpoint for pve-container: `local-lvm:32`
// allocates 32 GiB, `local-lvm:cloudinit` a cloud-init drive, an existing volume is checked
// and sized, `none`/`cdrom` stay as they are.

import { dieError, paramError } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { parseNewDisk, parseVolumeOption, printVolumeOption, splitVolid, volumeKeyOf } from '../formats.js';
import type { GuestKind, Volume } from '../model.js';
import { formatSize, GiB, MiB } from '../sizes.js';
import { TaskFailure } from '../tasks.js';
import { allocateVolume } from '../volumes.js';
import { createdLines } from './storageLog.js';

export interface VolumeParam {
  key: string;
  props: Record<string, string>;
  /** `alloc`: a new volume of `sizeBytes` on `storage`; `cloudinit`: a cloud-init drive. */
  mode: 'alloc' | 'cloudinit' | 'existing' | 'passthrough';
  storage?: string;
  sizeBytes?: number;
  isCdrom: boolean;
}

/** The checks done before the worker is forked (check_storage_access, $check_drive_param). */
export function checkVolumeParam(cluster: Cluster, kind: GuestKind, node: string, key: string, value: string, defaultStorage: string | undefined): VolumeParam {
  let parsed;
  try {
    parsed = parseVolumeOption(kind, key, value);
  } catch {
    throw paramError({ [key]: 'unable to parse drive options' });
  }
  if (!parsed) throw paramError({ [key]: 'unable to parse drive options' });
  const props: Record<string, string> = { ...parsed.props };
  const volume = parsed.volume;
  if (kind === 'lxc' && /^\d+(\.\d+)?$/.test(volume) && defaultStorage !== undefined) props.volume = `${defaultStorage}:${volume}`;
  const vol = props[volumeKeyOf(kind)] ?? '';
  if (vol === 'none' || vol === 'cdrom' || vol === '') return { key, props, mode: 'passthrough', isCdrom: parsed.isCdrom };
  const parts = splitVolid(vol);
  if (parts && parts[1] === 'cloudinit') {
    cluster.storage.requireOn(parts[0], node);
    return { key, props, mode: 'cloudinit', storage: parts[0], isCdrom: true };
  }
  const newDisk = parsed.isCdrom ? undefined : parseNewDisk(vol);
  if (newDisk) {
    const storage = newDisk.storage ?? defaultStorage;
    if (storage === undefined) throw dieError('no storage ID specified (and no default storage)');
    const def = cluster.storage.requireOn(storage, node);
    const content = kind === 'qemu' ? 'images' : 'rootdir';
    if (!def.content.includes(content)) {
      throw paramError({ storage: kind === 'qemu' ? `storage '${storage}' does not support vm images` : `storage '${storage}' does not support container directories` });
    }
    return { key, props, mode: 'alloc', storage, sizeBytes: Math.round(newDisk.sizeGiB * GiB), isCdrom: false };
  }
  if (!parts) {
    if (kind === 'lxc') throw dieError('Only root can pass arbitrary filesystem paths.');
    return { key, props, mode: 'passthrough', isCdrom: parsed.isCdrom };
  }
  cluster.storage.requireOn(parts[0], node);
  if (/^iso\//.test(parts[1])) {
    if (kind === 'qemu' && !parsed.isCdrom) throw paramError({ [key]: "explicit 'media=cdrom' is required for iso images" });
  } else if (/^(vztmpl|backup|snippets)\//.test(parts[1])) {
    throw paramError({ [key]: "content type needs to be 'images' or 'iso'" });
  }
  return { key, props, mode: 'existing', isCdrom: parsed.isCdrom };
}

export interface MaterializedVolume {
  value: string;
  created?: Volume;
  lines: string[];
}

/** Inside the worker: allocates the volume (or checks the existing one) and prints the option. */
export function materializeVolume(cluster: Cluster, kind: GuestKind, node: string, vmid: number, p: VolumeParam, now: number, base = false): MaterializedVolume {
  const volKey = volumeKeyOf(kind);
  if (p.mode === 'passthrough') {
    const props = { ...p.props };
    if (props[volKey] === 'none' || props[volKey] === 'cdrom') delete props.size;
    return { value: printVolumeOption(kind, p.key, props), lines: [] };
  }
  if (p.mode === 'cloudinit') {
    const def = cluster.storage.require(p.storage!);
    const name = def.type === 'lvmthin' ? `vm-${vmid}-cloudinit` : `${vmid}/vm-${vmid}-cloudinit.qcow2`;
    const vol = allocateVolume(cluster, { node, storage: p.storage!, vmid, kind, size: 4 * MiB, ctime: now, name });
    const value = printVolumeOption(kind, p.key, { ...p.props, [volKey]: vol.volid, media: 'cdrom' });
    return { value, created: vol, lines: [...createdLines(cluster, vol.volid, vol.size), `${p.key}: successfully created disk '${value}'`] };
  }
  if (p.mode === 'alloc') {
    const size = p.key === 'efidisk0' || p.key === 'tpmstate0' ? 4 * MiB : p.sizeBytes!;
    const vol = allocateVolume(cluster, { node, storage: p.storage!, vmid, kind, size, ctime: now, ...(base ? { base: true } : {}) });
    const value = printVolumeOption(kind, p.key, { ...p.props, [volKey]: vol.volid, size: formatSize(size) });
    return { value, created: vol, lines: [...createdLines(cluster, vol.volid, size), ...(kind === 'qemu' ? [`${p.key}: successfully created disk '${value}'`] : [])] };
  }
  const volid = p.props[volKey]!;
  const existing = cluster.storage.get(node, volid);
  if (!existing) throw new TaskFailure(`volume '${volid}' does not exist`);
  return { value: printVolumeOption(kind, p.key, { ...p.props, size: formatSize(existing.size) }), lines: [] };
}
