// Typed parse/print for the PVE property strings the product reads and writes.
//
// Contract, for every codec: parse(print(x)) deep-equals x; print(parse(s)) means the same as s
// (parsing it again gives the same value) and is the very same string whenever s is in the
// form PVE itself prints (default key first, required keys, then the rest sorted; booleans
// 1/0; numbers as JS prints them). Keys stay PVE's own names (`link_down`, `import-from`);
// absent keys stay absent, no defaults are filled in. Errors are PropertyStringError naming
// the key (`err.key`), the input (`err.input`) and, from the extract helpers, the config
// option (`err.configKey`).
export { PropertyStringError } from '../propertyString.js';
export {
  LXC_FEATURES_FORMAT,
  LXC_MOUNTPOINT_FORMAT,
  LXC_NET_FORMAT,
  LXC_ROOTFS_FORMAT,
  LXC_UNUSED_FORMAT,
  QEMU_AGENT_FORMAT,
  QEMU_BOOT_FORMAT,
  QEMU_EFIDISK_FORMAT,
  QEMU_IDE_FORMAT,
  QEMU_IPCONFIG_FORMAT,
  QEMU_MEMORY_FORMAT,
  QEMU_NET_FORMAT,
  QEMU_SATA_FORMAT,
  QEMU_SCSI_FORMAT,
  QEMU_TPMSTATE_FORMAT,
  QEMU_UNUSED_FORMAT,
  QEMU_VIRTIO_FORMAT,
} from './schema.js';
export type { FieldCodec, PropertyStringCodec, CodecOptions } from './codec.js';
export { propertyStringCodec } from './codec.js';
export type { DiskSize } from './diskSize.js';
export { diskSizeFromBytes, formatDiskSize, parseDiskSize } from './diskSize.js';
export type { VolumeLocation } from './volume.js';
export { isVolumeId, splitVolumeId } from './volume.js';
export type { IpAddressWithPrefix, Ipv4Setting, Ipv6Setting } from './ip.js';
export type { VlanRange } from './lists.js';
export type { QemuNic, QemuNicModel } from './qemuNic.js';
export { QEMU_NIC_MODELS, parseQemuNic, printQemuNic, qemuNicCodec } from './qemuNic.js';
export type { QemuDiskFormat, QemuDrive, QemuDriveBus, QemuEfiDisk, QemuTpmState, QemuUnusedVolume, QemuVolumeFields } from './qemuDisk.js';
export {
  QEMU_DRIVE_BUSES,
  isCdrom,
  isCloudInitDrive,
  parseQemuDrive,
  parseQemuEfiDisk,
  parseQemuTpmState,
  parseQemuUnused,
  printQemuDrive,
  printQemuEfiDisk,
  printQemuTpmState,
  printQemuUnused,
  qemuDriveCodecs,
  qemuEfiDiskCodec,
  qemuTpmStateCodec,
  qemuUnusedCodec,
} from './qemuDisk.js';
export type { QemuBoot } from './qemuBoot.js';
export { parseQemuBoot, printQemuBoot, qemuBootCodec } from './qemuBoot.js';
export type { QemuAgent } from './qemuAgent.js';
export { parseQemuAgent, printQemuAgent, qemuAgentCodec } from './qemuAgent.js';
export type { QemuMemory } from './qemuMemory.js';
export { parseQemuMemory, printQemuMemory, qemuMemoryCodec } from './qemuMemory.js';
export type { QemuIpConfig } from './qemuIpconfig.js';
export { parseQemuIpConfig, printQemuIpConfig, qemuIpConfigCodec } from './qemuIpconfig.js';
export type { LxcNic } from './lxcNic.js';
export { lxcNicCodec, parseLxcNic, printLxcNic } from './lxcNic.js';
export type { LxcMountOption, LxcMountpoint, LxcRootfs, LxcUnusedVolume } from './lxcMount.js';
export {
  lxcMountpointCodec,
  lxcRootfsCodec,
  lxcUnusedCodec,
  parseLxcMountpoint,
  parseLxcRootfs,
  parseLxcUnused,
  printLxcMountpoint,
  printLxcRootfs,
  printLxcUnused,
} from './lxcMount.js';
export type { LxcFeatures } from './lxcFeatures.js';
export { lxcFeaturesCodec, parseLxcFeatures, printLxcFeatures } from './lxcFeatures.js';
export type { IndexedConfigKey } from './configKeys.js';
export { lxcConfigCodec, qemuConfigCodec, splitConfigKey } from './configKeys.js';
export type {
  GuestConfig,
  LxcDevices,
  LxcMountpointEntry,
  LxcNicEntry,
  QemuDevices,
  QemuDiskEntry,
  QemuNicEntry,
  UnusedVolumeEntry,
} from './devices.js';
export { extractLxcDevices, extractQemuDevices } from './devices.js';
