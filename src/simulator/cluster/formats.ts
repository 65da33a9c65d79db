// Which property-string format a config key uses, and the drive/mount-point keys PVE knows,
// in PVE's own order (qemu-server Drive.pm valid_drive_names, pve-container mountpoint_names).

import {
  LXC_MOUNTPOINT_FORMAT,
  LXC_NET_FORMAT,
  LXC_ROOTFS_FORMAT,
  LXC_UNUSED_FORMAT,
  QEMU_EFIDISK_FORMAT,
  QEMU_IDE_FORMAT,
  QEMU_NET_FORMAT,
  QEMU_SATA_FORMAT,
  QEMU_SCSI_FORMAT,
  QEMU_TPMSTATE_FORMAT,
  QEMU_UNUSED_FORMAT,
  QEMU_VIRTIO_FORMAT,
} from '../../proxmox/formats/schema.js';
import { parsePropertyString, printPropertyString, type PropertyFormat, type RawProperties } from '../../proxmox/propertyString.js';
import type { GuestKind } from './model.js';

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** qemu drive keys in the order PVE walks them (first disk, first cdrom...). */
export const QEMU_DRIVE_KEYS: readonly string[] = [
  ...range('ide', 4),
  ...range('sata', 6),
  ...range('scsi', 31),
  ...range('virtio', 16),
  'efidisk0',
  'tpmstate0',
];
const QEMU_DRIVE_SET = new Set(QEMU_DRIVE_KEYS);

export const LXC_MOUNT_KEYS: readonly string[] = ['rootfs', ...range('mp', 256)];
const LXC_MOUNT_SET = new Set(LXC_MOUNT_KEYS);

export function isQemuDriveKey(key: string): boolean {
  return QEMU_DRIVE_SET.has(key);
}

export function isLxcMountKey(key: string): boolean {
  return LXC_MOUNT_SET.has(key);
}

export function isUnusedKey(key: string): boolean {
  return /^unused\d+$/.test(key);
}

export function isNetKey(key: string): boolean {
  return /^net\d+$/.test(key);
}

export function volumeKeyFormat(kind: GuestKind, key: string): PropertyFormat | undefined {
  if (isUnusedKey(key)) return kind === 'qemu' ? QEMU_UNUSED_FORMAT : LXC_UNUSED_FORMAT;
  if (kind === 'lxc') {
    if (key === 'rootfs') return LXC_ROOTFS_FORMAT;
    return isLxcMountKey(key) ? LXC_MOUNTPOINT_FORMAT : undefined;
  }
  if (key.startsWith('ide')) return QEMU_IDE_FORMAT;
  if (key.startsWith('sata')) return QEMU_SATA_FORMAT;
  if (key.startsWith('scsi')) return QEMU_SCSI_FORMAT;
  if (key.startsWith('virtio')) return QEMU_VIRTIO_FORMAT;
  if (key === 'efidisk0') return QEMU_EFIDISK_FORMAT;
  if (key === 'tpmstate0') return QEMU_TPMSTATE_FORMAT;
  return undefined;
}

export function netFormat(kind: GuestKind): PropertyFormat {
  return kind === 'qemu' ? QEMU_NET_FORMAT : LXC_NET_FORMAT;
}

/** The volume a drive/mount-point value points at (`file` for qemu, `volume` for lxc). */
export function volumeKeyOf(kind: GuestKind): 'file' | 'volume' {
  return kind === 'qemu' ? 'file' : 'volume';
}

export interface ParsedVolumeOption {
  props: RawProperties;
  /** The volume id, `none`, `cdrom`, a path or `storage:size`. */
  volume: string;
  isCdrom: boolean;
}

export function parseVolumeOption(kind: GuestKind, key: string, value: string): ParsedVolumeOption | undefined {
  const format = volumeKeyFormat(kind, key);
  if (!format) return undefined;
  const props = parsePropertyString(value, format);
  const volume = props[volumeKeyOf(kind)] ?? '';
  return { props, volume, isCdrom: props.media === 'cdrom' };
}

export function printVolumeOption(kind: GuestKind, key: string, props: RawProperties): string {
  const format = volumeKeyFormat(kind, key);
  if (!format) throw new Error(`${key} is not a volume option`);
  return printPropertyString(props, format);
}

/** `storage:name` -> [storage, name]; undefined for `none`, paths and other non-volumes. */
export function splitVolid(volid: string): [string, string] | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]):(.+)$/.exec(volid);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** qemu-server NEW_DISK_RE: `local-lvm:32` (or `32` with a default storage) allocates 32 GiB. */
export function parseNewDisk(volume: string): { storage?: string; sizeGiB: number } | undefined {
  const m = /^(?:([^/:\s]+):)?(\d+(?:\.\d+)?)$/.exec(volume);
  if (!m) return undefined;
  return m[1] === undefined ? { sizeGiB: Number(m[2]) } : { storage: m[1], sizeGiB: Number(m[2]) };
}
