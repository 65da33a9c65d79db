// Property-based round trips over generated values, with a small seeded generator (no
// dependency): for every generated x, parse(print(x)) deep-equals x, printing is stable,
// and the order of the parts does not matter when reading. A fuzz pass feeds token soup to
// every codec: it must either read it or throw PropertyStringError, and what it reads must
// survive printing.
import { describe, expect, it } from 'vitest';
import { PropertyStringError } from '../propertyString.js';
import type { PropertyStringCodec } from './codec.js';
import { formatDiskSize, parseDiskSize, type DiskSize } from './diskSize.js';
import type { IpAddressWithPrefix } from './ip.js';
import type { VlanRange } from './lists.js';
import { lxcFeaturesCodec, type LxcFeatures } from './lxcFeatures.js';
import { lxcMountpointCodec, lxcRootfsCodec, type LxcMountOption, type LxcMountpoint, type LxcRootfs } from './lxcMount.js';
import { lxcNicCodec, type LxcNic } from './lxcNic.js';
import { qemuAgentCodec } from './qemuAgent.js';
import { qemuBootCodec } from './qemuBoot.js';
import { qemuDriveCodecs, qemuEfiDiskCodec, type QemuDrive } from './qemuDisk.js';
import { qemuIpConfigCodec, type QemuIpConfig } from './qemuIpconfig.js';
import { qemuMemoryCodec } from './qemuMemory.js';
import { QEMU_NIC_MODELS, qemuNicCodec, type QemuNic } from './qemuNic.js';
import { volumeLocation } from './volume.js';

const RUNS = 400;

/** mulberry32: tiny, fast, good enough to explore inputs; the seed makes failures repeatable. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  char(alphabet: string): string {
    return alphabet[this.int(0, alphabet.length - 1)]!;
  }
  string(alphabet: string, min: number, max: number): string {
    let s = '';
    for (let i = this.int(min, max); i > 0; i--) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
  /** Sometimes present: optional keys are absent about half the time. */
  maybe<T>(make: () => T): T | undefined {
    return this.bool() ? make() : undefined;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const HEX = '0123456789abcdefABCDEF';

/** Drops undefined members, the way a parsed object has them: absent. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function mac(r: Random): string {
  return Array.from({ length: 6 }, () => r.string(HEX, 2, 2)).join(':');
}

function storageId(r: Random): string {
  return r.char(LOWER) + r.string(`${LOWER}${DIGITS}-_.`, 0, 10) + r.char(`${LOWER}${DIGITS}`);
}

function volumeName(r: Random): string {
  const vmid = r.int(100, 999999);
  return r.pick([
    `vm-${vmid}-disk-${r.int(0, 30)}`,
    `subvol-${vmid}-disk-${r.int(0, 9)}`,
    `base-${vmid}-disk-0/vm-${vmid + 1}-disk-0`,
    `${vmid}/vm-${vmid}-disk-${r.int(0, 9)}.qcow2`,
    `iso/${r.string(`${LOWER}${DIGITS}-_.`, 1, 20)}.iso`,
  ]);
}

function path(r: Random): string {
  return Array.from({ length: r.int(1, 4) }, () => `/${r.string(`${LOWER}${DIGITS}-_.`, 1, 12)}`).join('');
}

function diskSize(r: Random): DiskSize {
  if (r.bool(0.2)) return parseDiskSize(`${r.int(0, 64)}.${r.int(0, 99)}${r.pick(['K', 'M', 'G', 'T'])}`);
  const bytes = r.int(1, 4096) * r.pick([1, 1024, 1024 ** 2, 1024 ** 3, 512 * 1024]);
  return { bytes, text: formatDiskSize(bytes) };
}

/** Any finite double prints with String() and reads back exactly. */
function number(r: Random, min = 0): number {
  return r.pick([r.int(min, 10000), r.int(min, 100000) / 100, min + r.next() * 1000, 1e-7, 2.5e21]);
}

function trunks(r: Random, ranges: boolean): VlanRange[] {
  return Array.from({ length: r.int(1, 5) }, () => {
    const from = r.int(1, 4094);
    return { from, to: ranges && r.bool() ? r.int(1, 4094) : from };
  });
}

function cidr(r: Random, family: 4 | 6): IpAddressWithPrefix {
  return family === 4
    ? { address: Array.from({ length: 4 }, () => r.int(0, 255)).join('.'), prefixLength: r.int(8, 32) }
    : { address: `fd${r.string('0123456789abcdef', 2, 2)}::${r.int(1, 65535).toString(16)}`, prefixLength: r.int(8, 128) };
}

function qemuNic(r: Random): QemuNic {
  return compact<QemuNic>({
    model: r.pick(QEMU_NIC_MODELS),
    macaddr: r.maybe(() => mac(r)),
    bridge: r.maybe(() => `vmbr${r.int(0, 99)}`),
    tag: r.maybe(() => r.int(1, 4094)),
    trunks: r.maybe(() => trunks(r, true)),
    firewall: r.maybe(() => r.bool()),
    link_down: r.maybe(() => r.bool()),
    mtu: r.maybe(() => r.int(1, 65520)),
    queues: r.maybe(() => r.int(0, 64)),
    rate: r.maybe(() => number(r)),
  });
}

function scsiDisk(r: Random): QemuDrive {
  const file = r.pick(['none', 'cdrom', `${storageId(r)}:${volumeName(r)}`, `${storageId(r)}:${volumeName(r)}`, `/dev/${r.string(LOWER, 3, 3)}`]);
  return compact<QemuDrive>({
    file,
    ...volumeLocation(file),
    size: r.maybe(() => diskSize(r)),
    media: r.maybe(() => r.pick(['cdrom', 'disk'] as const)),
    cache: r.maybe(() => r.pick(['none', 'writethrough', 'writeback', 'unsafe', 'directsync'] as const)),
    discard: r.maybe(() => r.pick(['ignore', 'on'] as const)),
    iothread: r.maybe(() => r.bool()),
    ssd: r.maybe(() => r.bool()),
    backup: r.maybe(() => r.bool()),
    replicate: r.maybe(() => r.bool()),
    format: r.maybe(() => r.pick(['raw', 'qcow2', 'vmdk'] as const)),
    aio: r.maybe(() => r.pick(['native', 'threads', 'io_uring'] as const)),
    ro: r.maybe(() => r.bool()),
    serial: r.maybe(() => r.string(`${LOWER}${DIGITS}-_.%`, 1, 20)),
    wwn: r.maybe(() => `0x${r.string('0123456789abcdef', 16, 16)}`),
    product: r.maybe(() => r.string(`${LOWER}${DIGITS}-_ `, 1, 16).trim() || 'p'),
    iops_rd: r.maybe(() => r.int(0, 100000)),
    mbps_wr: r.maybe(() => number(r)),
    'import-from': r.maybe(() => `${storageId(r)}:${volumeName(r)}`),
  });
}

function lxcNic(r: Random): LxcNic {
  const ip = r.maybe(() => (r.bool() ? r.pick(['dhcp', 'manual'] as const) : cidr(r, 4)));
  const ip6 = r.maybe(() => (r.bool() ? r.pick(['dhcp', 'auto', 'manual'] as const) : cidr(r, 6)));
  return compact<LxcNic>({
    name: r.pick(['eth', 'net', 'lan_']) + r.int(0, 9),
    bridge: r.maybe(() => `vmbr${r.int(0, 9)}${r.pick(['', '.100', '-a'])}`),
    hwaddr: r.maybe(() => mac(r)),
    ip,
    gw: ip && r.bool() ? cidr(r, 4).address : undefined,
    ip6,
    gw6: ip6 && r.bool() ? cidr(r, 6).address : undefined,
    tag: r.maybe(() => r.int(1, 4094)),
    trunks: r.maybe(() => trunks(r, false)),
    firewall: r.maybe(() => r.bool()),
    link_down: r.maybe(() => r.bool()),
    'host-managed': r.maybe(() => r.bool()),
    type: r.maybe(() => 'veth' as const),
    mtu: r.maybe(() => r.int(64, 65535)),
    rate: r.maybe(() => number(r)),
  });
}

const MOUNT_OPTIONS: readonly LxcMountOption[] = ['discard', 'lazytime', 'noatime', 'nodev', 'noexec', 'nosuid'];

function rootfs(r: Random): LxcRootfs {
  const volume = r.bool(0.8) ? `${storageId(r)}:${volumeName(r)}` : path(r);
  return compact<LxcRootfs>({
    volume,
    ...volumeLocation(volume),
    size: r.maybe(() => diskSize(r)),
    acl: r.maybe(() => r.bool()),
    quota: r.maybe(() => r.bool()),
    replicate: r.maybe(() => r.bool()),
    ro: r.maybe(() => r.bool()),
    shared: r.maybe(() => r.bool()),
    mountoptions: r.maybe(() => Array.from({ length: r.int(1, 4) }, () => r.pick(MOUNT_OPTIONS))),
  });
}

function mountpoint(r: Random): LxcMountpoint {
  return compact<LxcMountpoint>({ ...rootfs(r), mp: path(r), backup: r.maybe(() => r.bool()) });
}

function ipconfig(r: Random): QemuIpConfig {
  const ip = r.maybe(() => (r.bool() ? r.pick(['dhcp', 'manual'] as const) : cidr(r, 4)));
  const ip6 = r.maybe(() => (r.bool() ? r.pick(['dhcp', 'auto', 'manual'] as const) : cidr(r, 6)));
  return compact<QemuIpConfig>({
    ip,
    gw: ip && r.bool() ? cidr(r, 4).address : undefined,
    ip6,
    gw6: ip6 && r.bool() ? cidr(r, 6).address : undefined,
  });
}

function features(r: Random): LxcFeatures {
  return compact<LxcFeatures>({
    nesting: r.maybe(() => r.bool()),
    keyctl: r.maybe(() => r.bool()),
    fuse: r.maybe(() => r.bool()),
    mknod: r.maybe(() => r.bool()),
    force_rw_sys: r.maybe(() => r.bool()),
    mount: r.maybe(() => Array.from({ length: r.int(1, 3) }, () => r.pick(['nfs', 'cifs', 'ext4', 'fuse_sshfs']))),
  });
}

function checkRoundTrips<T extends object>(name: string, seed: number, codec: PropertyStringCodec<T>, generate: (r: Random) => T): void {
  it(`${name}: parse(print(x)) = x, printing is stable, part order does not matter (${RUNS} values, seed ${seed})`, () => {
    const r = new Random(seed);
    for (let i = 0; i < RUNS; i++) {
      const value = generate(r);
      const printed = codec.print(value);
      const parsed = codec.parse(printed);
      expect(parsed, printed).toEqual(value);
      expect(codec.print(parsed)).toBe(printed);
      const shuffled = r.shuffle(printed.split(',')).join(',');
      expect(codec.parse(shuffled), shuffled).toEqual(value);
    }
  });
}

describe('round trips over generated values', () => {
  checkRoundTrips('qemu NIC', 1, qemuNicCodec, qemuNic);
  checkRoundTrips('qemu scsi disk', 2, qemuDriveCodecs.scsi, scsiDisk);
  checkRoundTrips('lxc NIC', 3, lxcNicCodec, lxcNic);
  checkRoundTrips('lxc rootfs', 4, lxcRootfsCodec, rootfs);
  checkRoundTrips('lxc mount point', 5, lxcMountpointCodec, mountpoint);
  checkRoundTrips('qemu ipconfig', 6, qemuIpConfigCodec, ipconfig);
  checkRoundTrips('lxc features', 7, lxcFeaturesCodec, features);
  checkRoundTrips('qemu boot', 8, qemuBootCodec, (r) =>
    compact({
      order: Array.from({ length: r.int(0, 6) }, () => `${r.pick(['scsi', 'ide', 'sata', 'virtio', 'net', 'usb', 'hostpci'])}${r.int(0, 30)}`),
      legacy: r.maybe(() => r.string('acdn', 1, 4)),
    }),
  );
});

describe('fuzz: token soup is read or refused with PropertyStringError, never anything else', () => {
  const TOKENS = [
    ',', ',', '=', '=', ';', ' ', 'virtio', 'e1000', 'BC:24:11:2E:C5:4A', 'bridge', 'vmbr0', 'tag', '20', '0', '1', 'on', '-1', '1.5',
    'firewall', 'name', 'eth0', 'ip', 'dhcp', '10.0.0.5/24', 'gw', '10.0.0.1', 'ip6', 'auto', 'local-lvm:vm-100-disk-0', 'none',
    'media', 'cdrom', 'size', '32G', '0.5G', 'mp', '/data', 'volume', 'file', 'order', 'scsi0;net0', 'legacy', 'cdn', 'enabled',
    'current', '2048', 'nesting', 'mount', 'nfs;cifs', 'trunks', '10;20-30', 'constructor', '__proto__', 'mountoptions', 'noatime',
    // whole pairs, so that soups with every required key come up often enough
    'name=eth0,', 'mp=/data,', 'bridge=vmbr0,', 'tag=20,', 'ip=dhcp,', 'size=32G,', 'media=cdrom,', 'firewall=1,', 'virtio,',
    'local:iso/x.iso,', 'order=scsi0;net0', 'nesting=1,', 'ip=10.0.0.5/24,gw=10.0.0.1,',
  ];
  // Each with a valid start, which half of the soups get, so that many soups are readable.
  const codecs: [string, PropertyStringCodec<object>, string][] = [
    ['qemu NIC', qemuNicCodec, 'virtio'],
    ['qemu scsi', qemuDriveCodecs.scsi, 'local:x'],
    ['qemu ide', qemuDriveCodecs.ide, 'none'],
    ['qemu efidisk', qemuEfiDiskCodec, 'local:x'],
    ['qemu boot', qemuBootCodec, 'order=net0'],
    ['qemu agent', qemuAgentCodec, '1'],
    ['qemu memory', qemuMemoryCodec, '512'],
    ['qemu ipconfig', qemuIpConfigCodec, 'ip=dhcp'],
    ['lxc NIC', lxcNicCodec, 'name=eth0'],
    ['lxc rootfs', lxcRootfsCodec, 'local:x'],
    ['lxc mount point', lxcMountpointCodec, '/a,mp=/b'],
    ['lxc features', lxcFeaturesCodec, 'fuse=1'],
  ];

  it.each(codecs)('%s', (_name, codec, start) => {
    const r = new Random(42);
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const soup = Array.from({ length: r.int(0, 12) }, () => r.pick(TOKENS)).join('');
      const input = r.bool() ? `${start},${soup}` : soup;
      let value: object;
      try {
        value = codec.parse(input);
      } catch (e) {
        expect(e, input).toBeInstanceOf(PropertyStringError);
        continue;
      }
      read++;
      expect(codec.parse(codec.print(value)), input).toEqual(value);
    }
    expect(read).toBeGreaterThan(100);
  });
});
