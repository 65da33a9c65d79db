// lxc `rootfs` and `mp[n]`:
//   rootfs: local-lvm:vm-101-disk-0,size=8G        (ZFS: vmstore:subvol-101-disk-0,size=30G)
//   mp0:    local-lvm:vm-101-disk-1,mp=/data,backup=1,size=32G   or a bind mount /mnt/x,mp=/x
import type { PropertyFormat } from '../propertyString.js';
import { propertyStringCodec, type PropertyStringCodec } from './codec.js';
import { diskSizeCodec, type DiskSize } from './diskSize.js';
import { semicolonListCodec } from './lists.js';
import { LXC_MOUNTPOINT_FORMAT, LXC_ROOTFS_FORMAT, LXC_UNUSED_FORMAT } from './schema.js';
import { volumeLocation, type VolumeLocation } from './volume.js';

export type LxcMountOption = 'discard' | 'lazytime' | 'noatime' | 'nodev' | 'noexec' | 'nosuid';

export interface LxcRootfs extends VolumeLocation {
  /** `local-lvm:vm-101-disk-0`, `vmstore:subvol-101-disk-0`. */
  volume: string;
  size?: DiskSize;
  acl?: boolean;
  quota?: boolean;
  replicate?: boolean;
  ro?: boolean;
  shared?: boolean;
  mountoptions?: LxcMountOption[];
}

export interface LxcMountpoint extends LxcRootfs {
  /** The volume, a host directory (bind mount) or a host device. */
  volume: string;
  /** Where it is mounted inside the container. */
  mp: string;
  backup?: boolean;
}

/** lxc `unused[n]`. */
export interface LxcUnusedVolume extends VolumeLocation {
  volume: string;
}

function mountCodec<T extends { volume: string } & VolumeLocation>(format: PropertyFormat): PropertyStringCodec<T> {
  return propertyStringCodec<T>(format, {
    fields: { size: diskSizeCodec, mountoptions: semicolonListCodec<LxcMountOption>() },
    derived: { keys: ['storage', 'volumeName'], compute: (v) => volumeLocation(v.volume) as Partial<T> },
  });
}

export const lxcRootfsCodec = mountCodec<LxcRootfs>(LXC_ROOTFS_FORMAT);
export const lxcMountpointCodec = mountCodec<LxcMountpoint>(LXC_MOUNTPOINT_FORMAT);
export const lxcUnusedCodec = mountCodec<LxcUnusedVolume>(LXC_UNUSED_FORMAT);

export function parseLxcRootfs(input: string): LxcRootfs {
  return lxcRootfsCodec.parse(input);
}

export function printLxcRootfs(rootfs: LxcRootfs): string {
  return lxcRootfsCodec.print(rootfs);
}

export function parseLxcMountpoint(input: string): LxcMountpoint {
  return lxcMountpointCodec.parse(input);
}

export function printLxcMountpoint(mountpoint: LxcMountpoint): string {
  return lxcMountpointCodec.print(mountpoint);
}

export function parseLxcUnused(input: string): LxcUnusedVolume {
  return lxcUnusedCodec.parse(input);
}

export function printLxcUnused(volume: LxcUnusedVolume): string {
  return lxcUnusedCodec.print(volume);
}
