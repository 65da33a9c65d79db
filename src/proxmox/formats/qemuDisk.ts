// qemu disks: `scsi[n]`, `virtio[n]`, `sata[n]`, `ide[n]` (one shape, each bus with its own
// set of allowed keys), `efidisk0` and `tpmstate0`.
//   scsi0: local-lvm:vm-100-disk-0,iothread=1,size=32G
//   ide2:  local:iso/debian-12.iso,media=cdrom,size=600M   or   none,media=cdrom
import type { PropertyFormat } from '../propertyString.js';
import { propertyStringCodec, type PropertyStringCodec } from './codec.js';
import { diskSizeCodec, type DiskSize } from './diskSize.js';
import {
  QEMU_EFIDISK_FORMAT,
  QEMU_IDE_FORMAT,
  QEMU_SATA_FORMAT,
  QEMU_SCSI_FORMAT,
  QEMU_TPMSTATE_FORMAT,
  QEMU_UNUSED_FORMAT,
  QEMU_VIRTIO_FORMAT,
} from './schema.js';
import { volumeLocation, type VolumeLocation } from './volume.js';

export type QemuDriveBus = 'ide' | 'sata' | 'scsi' | 'virtio';
export const QEMU_DRIVE_BUSES: readonly QemuDriveBus[] = ['ide', 'sata', 'scsi', 'virtio'];

/** Keys every qemu disk has: the volume as written (`file`), split into storage and volume
 * name when it is a volume id, and the size. */
export interface QemuVolumeFields extends VolumeLocation {
  /** `local-lvm:vm-100-disk-0`, `local:iso/x.iso`, `/dev/sdb`, `none` (empty drive) or `cdrom` (host drive). */
  file: string;
  size?: DiskSize;
  'import-from'?: string;
}

export type QemuDiskFormat = 'raw' | 'qcow' | 'qed' | 'qcow2' | 'vmdk' | 'cloop';

/** An `ide`/`sata`/`scsi`/`virtio` drive. Keys a bus does not have are refused for that bus
 * (e.g. `ssd` on virtio, `iothread` on ide/sata, `model` outside ide). */
export interface QemuDrive extends QemuVolumeFields {
  media?: 'cdrom' | 'disk';
  cache?: 'none' | 'writethrough' | 'writeback' | 'unsafe' | 'directsync';
  discard?: 'ignore' | 'on';
  iothread?: boolean;
  ssd?: boolean;
  backup?: boolean;
  replicate?: boolean;
  format?: QemuDiskFormat;
  aio?: 'native' | 'threads' | 'io_uring';
  detect_zeroes?: boolean;
  ro?: boolean;
  shared?: boolean;
  snapshot?: boolean;
  rerror?: 'ignore' | 'report' | 'stop';
  werror?: 'enospc' | 'ignore' | 'report' | 'stop';
  serial?: string;
  wwn?: string;
  /** ide only. */
  model?: string;
  /** scsi only. */
  product?: string;
  vendor?: string;
  queues?: number;
  scsiblock?: boolean;
  bps?: number;
  bps_max_length?: number;
  bps_rd?: number;
  bps_rd_max_length?: number;
  bps_wr?: number;
  bps_wr_max_length?: number;
  iops?: number;
  iops_max?: number;
  iops_max_length?: number;
  iops_rd?: number;
  iops_rd_max?: number;
  iops_rd_max_length?: number;
  iops_wr?: number;
  iops_wr_max?: number;
  iops_wr_max_length?: number;
  mbps?: number;
  mbps_max?: number;
  mbps_rd?: number;
  mbps_rd_max?: number;
  mbps_wr?: number;
  mbps_wr_max?: number;
}

export interface QemuEfiDisk extends QemuVolumeFields {
  efitype?: '2m' | '4m';
  format?: QemuDiskFormat;
  'pre-enrolled-keys'?: boolean;
  'ms-cert'?: '2011' | '2023';
}

export interface QemuTpmState extends QemuVolumeFields {
  format?: 'raw' | 'qcow2' | 'vmdk';
  version?: 'v1.2' | 'v2.0';
}

/** qemu `unused[n]`: a volume detached from the VM but not deleted. */
export interface QemuUnusedVolume extends VolumeLocation {
  file: string;
}

function volumeCodec<T extends QemuVolumeFields | QemuUnusedVolume>(format: PropertyFormat): PropertyStringCodec<T> {
  return propertyStringCodec<T>(format, {
    fields: { size: diskSizeCodec },
    derived: { keys: ['storage', 'volumeName'], compute: (v) => volumeLocation(v.file) as Partial<T> },
  });
}

export const qemuDriveCodecs: Readonly<Record<QemuDriveBus, PropertyStringCodec<QemuDrive>>> = {
  ide: volumeCodec<QemuDrive>(QEMU_IDE_FORMAT),
  sata: volumeCodec<QemuDrive>(QEMU_SATA_FORMAT),
  scsi: volumeCodec<QemuDrive>(QEMU_SCSI_FORMAT),
  virtio: volumeCodec<QemuDrive>(QEMU_VIRTIO_FORMAT),
};
export const qemuEfiDiskCodec = volumeCodec<QemuEfiDisk>(QEMU_EFIDISK_FORMAT);
export const qemuTpmStateCodec = volumeCodec<QemuTpmState>(QEMU_TPMSTATE_FORMAT);
export const qemuUnusedCodec = volumeCodec<QemuUnusedVolume>(QEMU_UNUSED_FORMAT);

export function parseQemuDrive(input: string, bus: QemuDriveBus): QemuDrive {
  return qemuDriveCodecs[bus].parse(input);
}

export function printQemuDrive(drive: QemuDrive, bus: QemuDriveBus): string {
  return qemuDriveCodecs[bus].print(drive);
}

export function parseQemuEfiDisk(input: string): QemuEfiDisk {
  return qemuEfiDiskCodec.parse(input);
}

export function printQemuEfiDisk(disk: QemuEfiDisk): string {
  return qemuEfiDiskCodec.print(disk);
}

export function parseQemuTpmState(input: string): QemuTpmState {
  return qemuTpmStateCodec.parse(input);
}

export function printQemuTpmState(disk: QemuTpmState): string {
  return qemuTpmStateCodec.print(disk);
}

export function parseQemuUnused(input: string): QemuUnusedVolume {
  return qemuUnusedCodec.parse(input);
}

export function printQemuUnused(volume: QemuUnusedVolume): string {
  return qemuUnusedCodec.print(volume);
}

/** A CD/DVD drive (qemu-server drive_is_cdrom), whether it holds an ISO, nothing, or the host drive. */
export function isCdrom(drive: Pick<QemuDrive, 'media'>): boolean {
  return drive.media === 'cdrom';
}

/** The cloud-init drive qemu-server generates (`local-lvm:vm-100-cloudinit`); drive_is_cloudinit. */
export function isCloudInitDrive(drive: Pick<QemuDrive, 'file'>): boolean {
  return /[:/](?:vm-\d+-)?cloudinit(?:\.(?:raw|qcow|qed|qcow2|vmdk|cloop))?$/.test(drive.file);
}
