// Which config options hold which property string: `net3` -> the qemu NIC codec, and so on.
import type { PropertyStringCodec } from './codec.js';
import { lxcFeaturesCodec } from './lxcFeatures.js';
import { lxcMountpointCodec, lxcRootfsCodec, lxcUnusedCodec } from './lxcMount.js';
import { lxcNicCodec } from './lxcNic.js';
import { qemuAgentCodec } from './qemuAgent.js';
import { qemuBootCodec } from './qemuBoot.js';
import { QEMU_DRIVE_BUSES, qemuDriveCodecs, qemuEfiDiskCodec, qemuTpmStateCodec, qemuUnusedCodec, type QemuDriveBus } from './qemuDisk.js';
import { qemuIpConfigCodec } from './qemuIpconfig.js';
import { qemuMemoryCodec } from './qemuMemory.js';
import { qemuNicCodec } from './qemuNic.js';

export interface IndexedConfigKey {
  /** `net`, `scsi`, `mp`, `unused`… */
  prefix: string;
  index: number;
}

const INDEXED_KEY_RE = /^([a-z]+)(0|[1-9]\d*)$/;

/** `scsi12` -> { prefix: 'scsi', index: 12 }; keys without a plain decimal suffix -> undefined. */
export function splitConfigKey(key: string): IndexedConfigKey | undefined {
  const m = INDEXED_KEY_RE.exec(key);
  return m ? { prefix: m[1]!, index: Number(m[2]) } : undefined;
}

export function isQemuDriveBus(prefix: string): prefix is QemuDriveBus {
  return (QEMU_DRIVE_BUSES as readonly string[]).includes(prefix);
}

/** The codec for a qemu config option that holds one of the property strings we type, if any.
 * (`memory` and `agent` may also arrive as plain integers: see parseQemuMemory/parseQemuAgent.) */
export function qemuConfigCodec(key: string): PropertyStringCodec<object> | undefined {
  switch (key) {
    case 'boot':
      return qemuBootCodec;
    case 'agent':
      return qemuAgentCodec;
    case 'memory':
      return qemuMemoryCodec;
    case 'efidisk0':
      return qemuEfiDiskCodec;
    case 'tpmstate0':
      return qemuTpmStateCodec;
    default:
      break;
  }
  const indexed = splitConfigKey(key);
  if (!indexed) return undefined;
  if (isQemuDriveBus(indexed.prefix)) return qemuDriveCodecs[indexed.prefix];
  if (indexed.prefix === 'net') return qemuNicCodec;
  if (indexed.prefix === 'ipconfig') return qemuIpConfigCodec;
  if (indexed.prefix === 'unused') return qemuUnusedCodec;
  return undefined;
}

/** The codec for an lxc config option that holds one of the property strings we type, if any. */
export function lxcConfigCodec(key: string): PropertyStringCodec<object> | undefined {
  if (key === 'rootfs') return lxcRootfsCodec;
  if (key === 'features') return lxcFeaturesCodec;
  const indexed = splitConfigKey(key);
  if (indexed?.prefix === 'net') return lxcNicCodec;
  if (indexed?.prefix === 'mp') return lxcMountpointCodec;
  if (indexed?.prefix === 'unused') return lxcUnusedCodec;
  return undefined;
}
