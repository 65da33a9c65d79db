// A guest's config as an operator reads it: disks and NICs out of their property strings
// (storage, size, model, MAC, bridge, VLAN, firewall), boot order, agent, and the rest as
// key: value. Malformed entries are reported, never fatal.
import type { GuestRow } from '../../db/model.js';
import {
  extractLxcDevices,
  extractQemuDevices,
  isCdrom,
  isCloudInitDrive,
  parseLxcFeatures,
  parseQemuAgent,
  parseQemuBoot,
  parseQemuIpConfig,
  parseQemuMemory,
  type IpAddressWithPrefix,
  type Ipv4Setting,
  type Ipv6Setting,
  type VlanRange,
} from '../../proxmox/formats/index.js';

export type OptionValue = string | number | boolean;

export interface DiskInfo {
  key: string;
  /** disk, cdrom, cloudinit, efidisk, tpmstate (qemu); rootfs, mountpoint (lxc). */
  role: 'disk' | 'cdrom' | 'cloudinit' | 'efidisk' | 'tpmstate' | 'rootfs' | 'mountpoint';
  storage: string | null;
  /** The volume as written (`local-lvm:vm-100-disk-0`, `none`, a host path). */
  volume: string;
  /** Bytes. */
  size: number | null;
  /** lxc: where it is mounted in the container. */
  mountpoint: string | null;
  /** The other keys of the property string (iothread, discard, ssd, backup...). */
  options: Record<string, OptionValue>;
}

export interface NicInfo {
  key: string;
  /** qemu: the NIC model (virtio, e1000e...); lxc: veth. */
  model: string | null;
  /** lxc: the interface name inside the container. */
  name: string | null;
  mac: string | null;
  bridge: string | null;
  vlan: number | null;
  firewall: boolean;
  linkDown: boolean;
  /** lxc: the NIC's own settings; qemu: cloud-init's ipconfig<n>. */
  ip: string | null;
  gateway: string | null;
  ip6: string | null;
  gateway6: string | null;
  options: Record<string, OptionValue>;
}

export interface UnusedInfo {
  key: string;
  storage: string | null;
  volume: string;
}

export interface ParsedConfig {
  disks: DiskInfo[];
  nics: NicInfo[];
  unused: UnusedInfo[];
  /** Boot devices in order (qemu), or null. */
  boot: string[] | null;
  /** One line per entry that could not be read. */
  errors: string[];
  /** Readable values for the remaining keys, by key (sorted). */
  other: Array<{ key: string; value: string }>;
}

function ipText(v: Ipv4Setting | Ipv6Setting | undefined): string | null {
  if (v === undefined) return null;
  if (typeof v === 'string') return v;
  const cidr: IpAddressWithPrefix = v;
  return `${cidr.address}/${cidr.prefixLength}`;
}

function trunksText(ranges: VlanRange[]): string {
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(';');
}

/** The keys of a parsed property string other than `skip`, as plain values. */
function optionsOf(parsed: object, skip: readonly string[]): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (skip.includes(key) || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value)) {
      out[key] = key === 'trunks' ? trunksText(value as VlanRange[]) : value.map(String).join(';');
    } else if (typeof value === 'object' && value !== null && 'text' in value) out[key] = String((value as { text: unknown }).text);
    else out[key] = JSON.stringify(value);
  }
  return out;
}

const VOLUME_KEYS = ['file', 'volume', 'storage', 'volumeName', 'size', 'mp', 'media'] as const;
const QEMU_NIC_KEYS = ['model', 'macaddr', 'bridge', 'tag', 'firewall', 'link_down'] as const;
const LXC_NIC_KEYS = ['name', 'hwaddr', 'bridge', 'tag', 'firewall', 'link_down', 'ip', 'gw', 'ip6', 'gw6', 'type'] as const;

/** Keys shown elsewhere by describe (identity, devices, notes), not under "config". */
const SHOWN_ELSEWHERE = /^(name|hostname|description|tags|lock|digest|parent|(ide|sata|scsi|virtio|net|unused|mp|ipconfig)\d+|efidisk0|tpmstate0|rootfs)$/;

function yesNo(v: string | number): string {
  return String(v) === '1' ? 'yes' : String(v) === '0' ? 'no' : String(v);
}

const BOOLEAN_KEYS = new Set(['onboot', 'protection', 'template', 'unprivileged', 'numa', 'acpi', 'kvm', 'tablet', 'console', 'debug', 'reboot', 'localtime', 'freeze']);

function readableValue(type: GuestRow['type'], key: string, raw: string | number, errors: string[]): string {
  try {
    if (BOOLEAN_KEYS.has(key)) return yesNo(raw);
    if (type === 'qemu' && key === 'agent') {
      const a = parseQemuAgent(typeof raw === 'number' ? raw : String(raw));
      const extras = Object.entries(a)
        .filter(([k, v]) => k !== 'enabled' && v !== undefined)
        .map(([k, v]) => (v === true ? k : `${k}=${String(v === false ? 0 : v)}`));
      return [a.enabled ? 'enabled' : 'disabled', ...extras].join(', ');
    }
    if (type === 'qemu' && key === 'memory') return `${parseQemuMemory(typeof raw === 'number' ? raw : String(raw)).current} MiB`;
    if (type === 'qemu' && key === 'balloon') return String(raw) === '0' ? '0 (no ballooning)' : `${raw} MiB (minimum)`;
    if (key === 'memory' || key === 'swap') return `${raw} MiB`;
    if (type === 'lxc' && key === 'features') {
      const f = parseLxcFeatures(String(raw));
      return Object.entries(f)
        .filter(([, v]) => v !== undefined && v !== false)
        .map(([k, v]) => (v === true ? k : `${k}=${Array.isArray(v) ? v.join(';') : String(v)}`))
        .join(', ');
    }
    if (key === 'sshkeys') {
      const keys = decodeURIComponent(String(raw))
        .split('\n')
        .filter((l) => l.trim() !== '');
      return `${keys.length} key${keys.length === 1 ? '' : 's'}: ${keys.map((k) => k.split(/\s+/).slice(2).join(' ') || k.split(/\s+/)[0]).join(', ')}`;
    }
  } catch (error) {
    errors.push(`${key}: ${(error as Error).message}`);
  }
  return String(raw);
}

export function parseGuestConfig(guest: GuestRow): ParsedConfig {
  const config = guest.config ?? {};
  const errors: string[] = [];
  const disks: DiskInfo[] = [];
  const nics: NicInfo[] = [];
  const unused: UnusedInfo[] = [];
  let boot: string[] | null = null;

  if (guest.type === 'qemu') {
    const devices = extractQemuDevices(config);
    for (const e of devices.errors) errors.push(e.message);
    for (const d of devices.disks) {
      const role: DiskInfo['role'] =
        d.bus === 'efidisk' ? 'efidisk' : d.bus === 'tpmstate' ? 'tpmstate' : isCloudInitDrive(d.disk) ? 'cloudinit' : isCdrom(d.disk) ? 'cdrom' : 'disk';
      disks.push({ key: d.key, role, storage: d.disk.storage ?? null, volume: d.disk.file, size: d.disk.size?.bytes ?? null, mountpoint: null, options: optionsOf(d.disk, VOLUME_KEYS) });
    }
    for (const n of devices.nics) {
      let ip: string | null = null;
      let gateway: string | null = null;
      let ip6: string | null = null;
      let gateway6: string | null = null;
      const ipconfig = config[`ipconfig${n.index}`];
      if (typeof ipconfig === 'string') {
        try {
          const c = parseQemuIpConfig(ipconfig);
          ip = ipText(c.ip);
          gateway = c.gw ?? null;
          ip6 = ipText(c.ip6);
          gateway6 = c.gw6 ?? null;
        } catch (error) {
          errors.push(`ipconfig${n.index}: ${(error as Error).message}`);
        }
      }
      nics.push({
        key: n.key,
        model: n.nic.model,
        name: null,
        mac: n.nic.macaddr ?? null,
        bridge: n.nic.bridge ?? null,
        vlan: n.nic.tag ?? null,
        firewall: n.nic.firewall === true,
        linkDown: n.nic.link_down === true,
        ip,
        gateway,
        ip6,
        gateway6,
        options: optionsOf(n.nic, QEMU_NIC_KEYS),
      });
    }
    for (const u of devices.unused) unused.push({ key: u.key, storage: u.storage ?? null, volume: u.volume });
    if (typeof config.boot === 'string') {
      try {
        const b = parseQemuBoot(config.boot);
        boot = b.legacy !== undefined && b.order.length === 0 ? [`legacy ${b.legacy}`] : b.order;
      } catch (error) {
        errors.push(`boot: ${(error as Error).message}`);
      }
    }
  } else {
    const devices = extractLxcDevices(config);
    for (const e of devices.errors) errors.push(e.message);
    if (devices.rootfs) {
      const r = devices.rootfs;
      disks.push({ key: 'rootfs', role: 'rootfs', storage: r.storage ?? null, volume: r.volume, size: r.size?.bytes ?? null, mountpoint: '/', options: optionsOf(r, VOLUME_KEYS) });
    }
    for (const m of devices.mountpoints) {
      const mp = m.mountpoint;
      disks.push({ key: m.key, role: 'mountpoint', storage: mp.storage ?? null, volume: mp.volume, size: mp.size?.bytes ?? null, mountpoint: mp.mp, options: optionsOf(mp, VOLUME_KEYS) });
    }
    for (const n of devices.nics) {
      nics.push({
        key: n.key,
        model: n.nic.type ?? 'veth',
        name: n.nic.name,
        mac: n.nic.hwaddr ?? null,
        bridge: n.nic.bridge ?? null,
        vlan: n.nic.tag ?? null,
        firewall: n.nic.firewall === true,
        linkDown: n.nic.link_down === true,
        ip: ipText(n.nic.ip),
        gateway: n.nic.gw ?? null,
        ip6: ipText(n.nic.ip6),
        gateway6: n.nic.gw6 ?? null,
        options: optionsOf(n.nic, LXC_NIC_KEYS),
      });
    }
    for (const u of devices.unused) unused.push({ key: u.key, storage: u.storage ?? null, volume: u.volume });
  }

  const other: ParsedConfig['other'] = [];
  for (const key of Object.keys(config).sort()) {
    if (SHOWN_ELSEWHERE.test(key) || key === 'boot') continue;
    other.push({ key, value: readableValue(guest.type, key, config[key]!, errors) });
  }
  return { disks, nics, unused, boot, errors, other };
}
