// The devices of a guest, typed, out of a whole config as GET …/config returns it: disks by
// key (bus order ide, sata, scsi, virtio, then efidisk0 and tpmstate0; index order within a
// bus), NICs and mount points in index order (net2 before net10), and unused volumes.
// A malformed entry does not hide the others: it is left out and reported in `errors`.
import { PropertyStringError } from '../propertyString.js';
import type { PropertyStringCodec } from './codec.js';
import { isQemuDriveBus, splitConfigKey } from './configKeys.js';
import { lxcMountpointCodec, lxcRootfsCodec, lxcUnusedCodec, type LxcMountpoint, type LxcRootfs } from './lxcMount.js';
import { lxcNicCodec, type LxcNic } from './lxcNic.js';
import {
  QEMU_DRIVE_BUSES,
  qemuDriveCodecs,
  qemuEfiDiskCodec,
  qemuTpmStateCodec,
  qemuUnusedCodec,
  type QemuDrive,
  type QemuDriveBus,
  type QemuEfiDisk,
  type QemuTpmState,
} from './qemuDisk.js';
import { qemuNicCodec, type QemuNic } from './qemuNic.js';
import { volumeLocation, type VolumeLocation } from './volume.js';

/** A guest config as GET /nodes/{node}/{qemu|lxc}/{vmid}/config returns it. */
export type GuestConfig = Readonly<Record<string, unknown>>;

export type QemuDiskEntry =
  | { key: string; bus: QemuDriveBus; index: number; disk: QemuDrive }
  | { key: 'efidisk0'; bus: 'efidisk'; index: 0; disk: QemuEfiDisk }
  | { key: 'tpmstate0'; bus: 'tpmstate'; index: 0; disk: QemuTpmState };

export interface QemuNicEntry {
  key: string;
  index: number;
  nic: QemuNic;
}

export interface UnusedVolumeEntry extends VolumeLocation {
  key: string;
  index: number;
  /** The volume id (`local-lvm:vm-100-disk-1`). */
  volume: string;
}

export interface QemuDevices {
  disks: QemuDiskEntry[];
  nics: QemuNicEntry[];
  unused: UnusedVolumeEntry[];
  /** One per entry that could not be read; `configKey` names it. */
  errors: PropertyStringError[];
}

export interface LxcNicEntry {
  key: string;
  index: number;
  nic: LxcNic;
}

export interface LxcMountpointEntry {
  key: string;
  index: number;
  mountpoint: LxcMountpoint;
}

export interface LxcDevices {
  rootfs?: LxcRootfs;
  mountpoints: LxcMountpointEntry[];
  nics: LxcNicEntry[];
  unused: UnusedVolumeEntry[];
  errors: PropertyStringError[];
}

const DISK_BUS_ORDER: readonly string[] = [...QEMU_DRIVE_BUSES, 'efidisk', 'tpmstate'];

function byIndex(a: { index: number }, b: { index: number }): number {
  return a.index - b.index;
}

/** Parses config[key] with codec; on failure records an error naming the config key. */
function reader(config: GuestConfig, errors: PropertyStringError[]) {
  return <T>(key: string, codec: PropertyStringCodec<T>): T | undefined => {
    const value = config[key];
    if (typeof value !== 'string') {
      errors.push(new PropertyStringError(`${key}: expected a property string, got ${JSON.stringify(value)}`, { configKey: key }));
      return undefined;
    }
    try {
      return codec.parse(value);
    } catch (e) {
      const cause = e instanceof PropertyStringError ? e : undefined;
      const reason = e instanceof Error ? e.message : String(e);
      errors.push(new PropertyStringError(`${key}: ${reason}`, { input: cause?.input ?? value, key: cause?.key, configKey: key }));
      return undefined;
    }
  };
}

function unusedEntry(key: string, index: number, volume: string): UnusedVolumeEntry {
  return { key, index, volume, ...volumeLocation(volume) };
}

export function extractQemuDevices(config: GuestConfig): QemuDevices {
  const errors: PropertyStringError[] = [];
  const read = reader(config, errors);
  const disks: QemuDiskEntry[] = [];
  const nics: QemuNicEntry[] = [];
  const unused: UnusedVolumeEntry[] = [];

  for (const key of Object.keys(config)) {
    if (key === 'efidisk0') {
      const disk = read(key, qemuEfiDiskCodec);
      if (disk) disks.push({ key, bus: 'efidisk', index: 0, disk });
      continue;
    }
    if (key === 'tpmstate0') {
      const disk = read(key, qemuTpmStateCodec);
      if (disk) disks.push({ key, bus: 'tpmstate', index: 0, disk });
      continue;
    }
    const indexed = splitConfigKey(key);
    if (!indexed) continue;
    const { prefix, index } = indexed;
    if (isQemuDriveBus(prefix)) {
      const disk = read(key, qemuDriveCodecs[prefix]);
      if (disk) disks.push({ key, bus: prefix, index, disk });
    } else if (prefix === 'net') {
      const nic = read(key, qemuNicCodec);
      if (nic) nics.push({ key, index, nic });
    } else if (prefix === 'unused') {
      const volume = read(key, qemuUnusedCodec);
      if (volume) unused.push(unusedEntry(key, index, volume.file));
    }
  }

  disks.sort((a, b) => DISK_BUS_ORDER.indexOf(a.bus) - DISK_BUS_ORDER.indexOf(b.bus) || a.index - b.index);
  nics.sort(byIndex);
  unused.sort(byIndex);
  return { disks, nics, unused, errors };
}

export function extractLxcDevices(config: GuestConfig): LxcDevices {
  const errors: PropertyStringError[] = [];
  const read = reader(config, errors);
  const devices: LxcDevices = { mountpoints: [], nics: [], unused: [], errors };

  for (const key of Object.keys(config)) {
    if (key === 'rootfs') {
      const rootfs = read(key, lxcRootfsCodec);
      if (rootfs) devices.rootfs = rootfs;
      continue;
    }
    const indexed = splitConfigKey(key);
    if (!indexed) continue;
    const { prefix, index } = indexed;
    if (prefix === 'mp') {
      const mountpoint = read(key, lxcMountpointCodec);
      if (mountpoint) devices.mountpoints.push({ key, index, mountpoint });
    } else if (prefix === 'net') {
      const nic = read(key, lxcNicCodec);
      if (nic) devices.nics.push({ key, index, nic });
    } else if (prefix === 'unused') {
      const volume = read(key, lxcUnusedCodec);
      if (volume) devices.unused.push(unusedEntry(key, index, volume.volume));
    }
  }

  devices.mountpoints.sort(byIndex);
  devices.nics.sort(byIndex);
  devices.unused.sort(byIndex);
  return devices;
}
