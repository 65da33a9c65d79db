// The format objects the typed codecs are built on: the ones derived from the official schema
// (schema/property-formats.json, written by scripts/derive-pve-fixtures.ts), plus the few the
// schema only names (`pve-qm-boot`, `pve-qm-ipconfig`) or that were not derived (`unused[n]`),
// written by hand from their typetext.
import derived from '../schema/property-formats.json' with { type: 'json' };
import type { PropertyFormat, PropertySpec } from '../propertyString.js';

const SPEC_TYPES = new Set(['string', 'integer', 'number', 'boolean']);

function asPropertyFormat(name: string, value: unknown): PropertyFormat {
  if (typeof value !== 'object' || value === null) throw new Error(`property format ${name} is not an object`);
  for (const [key, spec] of Object.entries(value)) {
    if (typeof spec !== 'object' || spec === null) throw new Error(`property format ${name}.${key} is not an object`);
    const type: unknown = (spec as { type?: unknown }).type;
    if (type !== undefined && !SPEC_TYPES.has(String(type))) throw new Error(`property format ${name}.${key} has type ${String(type)}`);
  }
  return value as PropertyFormat;
}

const formats = derived as Record<string, unknown>;
const pick = (name: string): PropertyFormat => asPropertyFormat(name, formats[name]);

export const QEMU_NET_FORMAT = pick('qemuNet');
export const QEMU_SCSI_FORMAT = pick('qemuScsi');
export const QEMU_VIRTIO_FORMAT = pick('qemuVirtio');
export const QEMU_SATA_FORMAT = pick('qemuSata');
export const QEMU_IDE_FORMAT = pick('qemuIde');
export const QEMU_EFIDISK_FORMAT = pick('qemuEfidisk');
export const QEMU_TPMSTATE_FORMAT = pick('qemuTpmstate');
export const QEMU_AGENT_FORMAT = pick('qemuAgent');
export const QEMU_MEMORY_FORMAT = pick('qemuMemory');
export const LXC_NET_FORMAT = pick('lxcNet');
export const LXC_ROOTFS_FORMAT = pick('lxcRootfs');
export const LXC_MOUNTPOINT_FORMAT = pick('lxcMountpoint');
export const LXC_FEATURES_FORMAT = pick('lxcFeatures');

const spec = (s: PropertySpec): PropertySpec => s;

/** `boot`: `[[legacy=]<[acdn]{1,4}>] [,order=<device[;device...]>]` (qemu-server $boot_fmt). */
export const QEMU_BOOT_FORMAT: PropertyFormat = {
  legacy: spec({ type: 'string', default_key: 1, optional: 1, pattern: '[acdn]{1,4}', default: 'cdn' }),
  order: spec({ type: 'string', optional: 1, format: 'pve-qm-bootdev-list' }),
};

/** `ipconfig[n]`: `[gw=<GatewayIPv4>] [,gw6=<GatewayIPv6>] [,ip=<IPv4Format/CIDR>] [,ip6=<IPv6Format/CIDR>]`
 * (qemu-server $ipconfig_fmt). */
export const QEMU_IPCONFIG_FORMAT: PropertyFormat = {
  ip: spec({ type: 'string', format: 'pve-ipv4-config', optional: 1, default: 'dhcp' }),
  gw: spec({ type: 'string', format: 'ipv4', optional: 1, requires: 'ip' }),
  ip6: spec({ type: 'string', format: 'pve-ipv6-config', optional: 1, default: 'dhcp' }),
  gw6: spec({ type: 'string', format: 'ipv6', optional: 1, requires: 'ip6' }),
};

/** qemu `unused[n]`: `[file=]<volume>`. */
export const QEMU_UNUSED_FORMAT: PropertyFormat = {
  file: spec({ type: 'string', default_key: 1, format: 'pve-volume-id' }),
  volume: spec({ alias: 'file' }),
};

/** lxc `unused[n]`: `[volume=]<volume>`. */
export const LXC_UNUSED_FORMAT: PropertyFormat = {
  volume: spec({ type: 'string', default_key: 1, format: 'pve-volume-id' }),
};
