import { describe, expect, it } from 'vitest';
import { PropertyStringError } from '../propertyString.js';
import { QEMU_NET_FORMAT } from './schema.js';
import { parseQemuAgent, printQemuAgent } from './qemuAgent.js';
import { parseQemuBoot, printQemuBoot } from './qemuBoot.js';
import {
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
  type QemuDriveBus,
} from './qemuDisk.js';
import { parseQemuIpConfig, printQemuIpConfig } from './qemuIpconfig.js';
import { parseQemuMemory, printQemuMemory } from './qemuMemory.js';
import { QEMU_NIC_MODELS, parseQemuNic, printQemuNic } from './qemuNic.js';

function errorOf(fn: () => unknown): PropertyStringError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PropertyStringError) return e;
    throw e;
  }
  throw new Error('expected a PropertyStringError');
}

/** The string PVE printed reads back to itself, and the value survives a second trip. */
function expectStable<T>(parse: (s: string) => T, print: (v: T) => string, text: string): T {
  const value = parse(text);
  expect(print(value)).toBe(text);
  expect(parse(print(value))).toEqual(value);
  return value;
}

describe('qemu NIC', () => {
  it('types every field', () => {
    const nic = expectStable(
      parseQemuNic,
      printQemuNic,
      'virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1,link_down=0,mtu=9000,queues=4,rate=12.5,tag=20,trunks=10;20-30',
    );
    expect(nic).toEqual({
      model: 'virtio',
      macaddr: 'BC:24:11:2E:C5:4A',
      bridge: 'vmbr0',
      firewall: true,
      link_down: false,
      mtu: 9000,
      queues: 4,
      rate: 12.5,
      tag: 20,
      trunks: [
        { from: 10, to: 10 },
        { from: 20, to: 30 },
      ],
    });
  });

  it('keeps the MAC in the case it was written', () => {
    expect(parseQemuNic('virtio=bc:24:11:2e:c5:4a').macaddr).toBe('bc:24:11:2e:c5:4a');
    expect(parseQemuNic('virtio=BC:24:11:2E:C5:4A').macaddr).toBe('BC:24:11:2E:C5:4A');
    expectStable(parseQemuNic, printQemuNic, 'e1000=Bc:24:11:2e:C5:4a,bridge=vmbr1');
  });

  it('leaves absent keys absent', () => {
    expect(parseQemuNic('virtio,bridge=vmbr0')).toEqual({ model: 'virtio', bridge: 'vmbr0' });
    expect(Object.keys(parseQemuNic('rtl8139'))).toEqual(['model']);
  });

  it('reads `model=…,macaddr=…` and prints the stored `<model>=<mac>` form', () => {
    const nic = parseQemuNic('bridge=vmbr0,macaddr=BC:24:11:00:00:01,model=vmxnet3');
    expect(printQemuNic(nic)).toBe('vmxnet3=BC:24:11:00:00:01,bridge=vmbr0');
  });

  it('reads PVE boolean spellings and prints 1/0', () => {
    expect(printQemuNic(parseQemuNic('virtio,firewall=on,link_down=no'))).toBe('virtio,firewall=1,link_down=0');
    expect(printQemuNic(parseQemuNic('virtio,firewall=TRUE'))).toBe('virtio,firewall=1');
  });

  it('knows every model of the schema', () => {
    expect([...QEMU_NIC_MODELS]).toEqual(QEMU_NET_FORMAT.model?.enum);
    for (const model of QEMU_NIC_MODELS) expectStable(parseQemuNic, printQemuNic, `${model}=BC:24:11:00:00:01`);
  });

  it.each([
    ['an unknown model', 'virtio2=BC:24:11:00:00:01', 'virtio2'],
    ['an unknown bare model', 'virtio2', 'model'],
    ['no model', 'bridge=vmbr0', 'model'],
    ['tag 0', 'virtio,tag=0', 'tag'],
    ['tag 4095', 'virtio,tag=4095', 'tag'],
    ['a tag that is not a number', 'virtio,tag=ten', 'tag'],
    ['a fractional tag', 'virtio,tag=1.5', 'tag'],
    ['mtu 0', 'virtio,mtu=0', 'mtu'],
    ['65 queues', 'virtio,queues=65', 'queues'],
    ['a negative rate', 'virtio,rate=-1', 'rate'],
    ['a malformed MAC', 'virtio=BC:24:11:2E:C5', 'macaddr'],
    ['a bridge with a space', 'virtio,bridge=vm br0', 'bridge'],
    ['malformed trunks', 'virtio,trunks=10;;20', 'trunks'],
    ['a boolean that is not one', 'virtio,firewall=2', 'firewall'],
  ])('refuses %s, naming the key and the input', (_what, input, key) => {
    const err = errorOf(() => parseQemuNic(input));
    expect(err.key).toBe(key);
    expect(err.input).toBe(input);
    expect(err.message).toContain(key);
    expect(err.message).toContain(input);
  });

  it('refuses to print what it could not read back', () => {
    expect(() => printQemuNic({ model: 'virtio', tag: 0 })).toThrow(/tag/);
    expect(() => printQemuNic({ model: 'virtio', bridge: 'a,b' })).toThrow(/bridge/);
    expect(() => printQemuNic({ model: 'virtio', mtu: 1.5 })).toThrow(/mtu: expected an integer/);
    expect(() => printQemuNic({ model: 'virtio', trunks: [] })).toThrow(/trunks/);
    expect(() => printQemuNic({ model: 'nope' as 'virtio' })).toThrow(/model/);
    expect(() => printQemuNic({ bridge: 'vmbr0' } as never)).toThrow(/model: missing property/);
    expect(() => printQemuNic({ model: 'virtio', extra: 1 } as never)).toThrow(/invalid key 'extra'/);
  });
});

describe('qemu drives', () => {
  it('splits a volume id into storage and volume name and reads the size', () => {
    const disk = expectStable((s) => parseQemuDrive(s, 'scsi'), (d) => printQemuDrive(d, 'scsi'), 'local-lvm:vm-100-disk-0,iothread=1,size=32G');
    expect(disk).toEqual({
      file: 'local-lvm:vm-100-disk-0',
      storage: 'local-lvm',
      volumeName: 'vm-100-disk-0',
      iothread: true,
      size: { bytes: 32 * 1024 ** 3, text: '32G' },
    });
  });

  it('reads an empty CD-ROM drive', () => {
    const drive = expectStable((s) => parseQemuDrive(s, 'ide'), (d) => printQemuDrive(d, 'ide'), 'none,media=cdrom');
    expect(drive).toEqual({ file: 'none', media: 'cdrom' });
    expect(isCdrom(drive)).toBe(true);
  });

  it('reads an ISO in a CD-ROM drive', () => {
    const drive = expectStable(
      (s) => parseQemuDrive(s, 'ide'),
      (d) => printQemuDrive(d, 'ide'),
      'local:iso/debian-12.iso,media=cdrom,size=600M',
    );
    expect(drive).toEqual({
      file: 'local:iso/debian-12.iso',
      storage: 'local',
      volumeName: 'iso/debian-12.iso',
      media: 'cdrom',
      size: { bytes: 600 * 1024 ** 2, text: '600M' },
    });
  });

  it('reads the host CD-ROM drive, a pass-through path and a ZFS volume without inventing a storage', () => {
    expect(parseQemuDrive('cdrom,media=cdrom', 'ide')).toEqual({ file: 'cdrom', media: 'cdrom' });
    expect(parseQemuDrive('/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0000000,size=3907018584K', 'sata')).toEqual({
      file: '/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0000000',
      size: { bytes: 3907018584 * 1024, text: '3907018584K' },
    });
    expect(parseQemuDrive('local-zfs:vm-100-disk-0,discard=on,size=8G,ssd=1', 'scsi')).toMatchObject({
      storage: 'local-zfs',
      volumeName: 'vm-100-disk-0',
      discard: 'on',
      ssd: true,
    });
  });

  it('keeps a size as written and in bytes: fractions, T, plain bytes', () => {
    const size = (text: string) => parseQemuDrive(`local:1/base.qcow2,size=${text}`, 'virtio').size;
    expect(size('0.5G')).toEqual({ bytes: 512 * 1024 ** 2, text: '0.5G' });
    expect(size('1T')).toEqual({ bytes: 1024 ** 4, text: '1T' });
    expect(size('1.5T')).toEqual({ bytes: 1.5 * 1024 ** 4, text: '1.5T' });
    expect(size('4194304')).toEqual({ bytes: 4194304, text: '4194304' });
    expect(size('528K')).toEqual({ bytes: 528 * 1024, text: '528K' });
    expect(printQemuDrive(parseQemuDrive('local:x,size=0.5G', 'virtio'), 'virtio')).toBe('local:x,size=0.5G');
  });

  it.each(['32g', '1.G', '.5G', '-1G', '1P', '1 G', '1GB', 'G'])('refuses the size %j (PVE: \\d+(\\.\\d+)?[KMGT]?)', (size) => {
    const err = errorOf(() => parseQemuDrive(`local:x,size=${size}`, 'scsi'));
    expect(err.key).toBe('size');
  });

  it('checks keys per bus', () => {
    expect(parseQemuDrive('local:x,ssd=1', 'sata').ssd).toBe(true);
    expect(errorOf(() => parseQemuDrive('local:x,ssd=1', 'virtio')).key).toBe('ssd');
    expect(parseQemuDrive('local:x,iothread=1', 'virtio').iothread).toBe(true);
    expect(errorOf(() => parseQemuDrive('local:x,iothread=1', 'ide')).key).toBe('iothread');
    expect(parseQemuDrive('local:x,model=QEMU%20HARDDISK', 'ide').model).toBe('QEMU%20HARDDISK');
    expect(errorOf(() => parseQemuDrive('local:x,model=x', 'scsi')).key).toBe('model');
    expect(parseQemuDrive('local:x,product=Disk_1,vendor=ACME,scsiblock=0,queues=4', 'scsi')).toMatchObject({
      product: 'Disk_1',
      vendor: 'ACME',
      scsiblock: false,
      queues: 4,
    });
    expect(() => printQemuDrive({ file: 'local:x', ssd: true }, 'virtio')).toThrow(/invalid key 'ssd'/);
  });

  it('reads the tuning keys with their types', () => {
    const drive = expectStable(
      (s) => parseQemuDrive(s, 'scsi'),
      (d) => printQemuDrive(d, 'scsi'),
      'ceph:vm-1-disk-0,aio=io_uring,backup=0,cache=writeback,detect_zeroes=1,format=raw,iops_rd=100,iops_rd_max=200,mbps_wr=10.5,replicate=0,rerror=report,serial=ABC-123,snapshot=1,werror=enospc,wwn=0x5000c500a1b2c3d4',
    );
    expect(drive).toMatchObject({ backup: false, replicate: false, iops_rd: 100, mbps_wr: 10.5, wwn: '0x5000c500a1b2c3d4' });
  });

  it('reads the volume= and file= spellings and prints the bare volume', () => {
    expect(printQemuDrive(parseQemuDrive('size=1G,volume=local:x', 'scsi'), 'scsi')).toBe('local:x,size=1G');
    expect(printQemuDrive(parseQemuDrive('file=local:x', 'scsi'), 'scsi')).toBe('local:x');
  });

  it('ignores the derived storage/volumeName when printing (the volume string is the truth)', () => {
    expect(printQemuDrive({ file: 'local:x', storage: 'other', volumeName: 'y' }, 'scsi')).toBe('local:x');
  });

  it('refuses a size whose text and bytes disagree', () => {
    expect(() => printQemuDrive({ file: 'local:x', size: { bytes: 1, text: '1G' } }, 'scsi')).toThrow(/size text '1G' is not 1 bytes/);
  });

  it.each<[string, QemuDriveBus]>([
    ['size=32G', 'scsi'],
    ['local:x,media=floppy', 'ide'],
    ['local:x,cache=fast', 'sata'],
    ['local:x,serial=has space', 'scsi'],
    ['local:x,wwn=5000c500a1b2c3d4', 'scsi'],
  ])('refuses %j on %s', (input, bus) => {
    expect(() => parseQemuDrive(input, bus)).toThrow(PropertyStringError);
  });

  it('tells cloud-init drives apart', () => {
    expect(isCloudInitDrive(parseQemuDrive('local-lvm:vm-100-cloudinit,media=cdrom', 'ide'))).toBe(true);
    expect(isCloudInitDrive({ file: 'local:100/vm-100-cloudinit.qcow2' })).toBe(true);
    expect(isCloudInitDrive({ file: 'local:iso/cloudinit-tools.iso' })).toBe(false);
    expect(isCdrom({})).toBe(false);
  });

  it('reads efidisk0 and tpmstate0', () => {
    const efi = expectStable(parseQemuEfiDisk, printQemuEfiDisk, 'local-lvm:vm-100-disk-1,efitype=4m,pre-enrolled-keys=1,size=4M');
    expect(efi).toMatchObject({ storage: 'local-lvm', efitype: '4m', 'pre-enrolled-keys': true, size: { bytes: 4 * 1024 ** 2 } });
    expectStable(parseQemuEfiDisk, printQemuEfiDisk, 'local-lvm:vm-100-disk-1,efitype=4m,ms-cert=2023,pre-enrolled-keys=1,size=4M');
    const tpm = expectStable(parseQemuTpmState, printQemuTpmState, 'local-lvm:vm-100-disk-2,size=4M,version=v2.0');
    expect(tpm).toMatchObject({ version: 'v2.0', volumeName: 'vm-100-disk-2' });
    expect(() => parseQemuTpmState('local-lvm:x,version=v3')).toThrow(/version/);
  });

  it('reads unused volumes', () => {
    expect(expectStable(parseQemuUnused, printQemuUnused, 'local-lvm:vm-100-disk-3')).toEqual({
      file: 'local-lvm:vm-100-disk-3',
      storage: 'local-lvm',
      volumeName: 'vm-100-disk-3',
    });
    expect(() => parseQemuUnused('/dev/sdb')).toThrow(/not a valid pve-volume-id/);
  });
});

describe('qemu boot', () => {
  it('reads the boot order as a device list', () => {
    expect(expectStable(parseQemuBoot, printQemuBoot, 'order=scsi0;ide2;net0')).toEqual({ order: ['scsi0', 'ide2', 'net0'] });
    expect(parseQemuBoot('order=virtio0;hostpci0;usb1;sata3').order).toEqual(['virtio0', 'hostpci0', 'usb1', 'sata3']);
  });

  it('reads the legacy letters, bare or as legacy=', () => {
    expect(expectStable(parseQemuBoot, printQemuBoot, 'cdn')).toEqual({ order: [], legacy: 'cdn' });
    expect(parseQemuBoot('legacy=dc')).toEqual({ order: [], legacy: 'dc' });
    expect(printQemuBoot(parseQemuBoot('legacy=dc'))).toBe('dc');
    expect(expectStable(parseQemuBoot, printQemuBoot, 'c,order=scsi0')).toEqual({ order: ['scsi0'], legacy: 'c' });
  });

  it('reads an empty boot option as an empty order, and prints it back empty', () => {
    expect(expectStable(parseQemuBoot, printQemuBoot, '')).toEqual({ order: [] });
  });

  it('accepts white space between devices (qemu-server split_list) and prints `;`', () => {
    expect(printQemuBoot(parseQemuBoot('order=scsi0 net0'))).toBe('order=scsi0;net0');
  });

  it.each(['order=floppy0', 'order=efidisk0', 'order=scsi', 'cdnx', 'x', 'legacy=', 'order=scsi0,other=1'])('refuses %j', (input) => {
    expect(() => parseQemuBoot(input)).toThrow(PropertyStringError);
  });

  it('refuses to print a device that is not bootable', () => {
    expect(() => printQemuBoot({ order: ['tpmstate0'] })).toThrow(/boot devices/);
  });
});

describe('qemu agent', () => {
  it.each([
    ['1', { enabled: true }],
    ['0', { enabled: false }],
    ['1,fstrim_cloned_disks=1', { enabled: true, fstrim_cloned_disks: true }],
    ['1,type=virtio', { enabled: true, type: 'virtio' }],
    ['1,freeze-fs-on-backup=0,type=isa', { enabled: true, 'freeze-fs-on-backup': false, type: 'isa' }],
  ])('%j', (input, expected) => {
    expect(expectStable(parseQemuAgent, printQemuAgent, input)).toEqual(expected);
  });

  it('reads enabled= and prints the bare form', () => {
    expect(printQemuAgent(parseQemuAgent('enabled=1,fstrim_cloned_disks=1'))).toBe('1,fstrim_cloned_disks=1');
  });

  it('reads a plain 0/1 number', () => {
    expect(parseQemuAgent(1)).toEqual({ enabled: true });
    expect(parseQemuAgent(0)).toEqual({ enabled: false });
    expect(() => parseQemuAgent(2)).toThrow(PropertyStringError);
  });

  it('needs enabled, like PVE (it is the required default key)', () => {
    expect(errorOf(() => parseQemuAgent('fstrim_cloned_disks=1')).key).toBe('enabled');
    expect(() => parseQemuAgent('1,type=serial')).toThrow(/type/);
  });
});

describe('qemu memory', () => {
  it('reads the PVE 8.1+ string forms', () => {
    expect(expectStable(parseQemuMemory, printQemuMemory, '2048')).toEqual({ current: 2048 });
    expect(parseQemuMemory('current=4096')).toEqual({ current: 4096 });
    expect(printQemuMemory(parseQemuMemory('current=4096'))).toBe('4096');
  });

  it('reads the integer of older servers', () => {
    expect(parseQemuMemory(10240)).toEqual({ current: 10240 });
  });

  it.each<[string | number]>([['8'], ['abc'], ['2048M'], [''], [8], [1.5], [Number.NaN]])('refuses %j', (input) => {
    expect(() => parseQemuMemory(input)).toThrow(PropertyStringError);
  });
});

describe('qemu ipconfig', () => {
  it('reads static addresses with a gateway', () => {
    expect(expectStable(parseQemuIpConfig, printQemuIpConfig, 'gw=10.0.0.1,ip=10.0.0.5/24')).toEqual({
      ip: { address: '10.0.0.5', prefixLength: 24 },
      gw: '10.0.0.1',
    });
    expect(
      expectStable(parseQemuIpConfig, printQemuIpConfig, 'gw=192.168.1.1,gw6=2001:db8::1,ip=192.168.1.10/24,ip6=2001:db8::10/64'),
    ).toEqual({
      ip: { address: '192.168.1.10', prefixLength: 24 },
      gw: '192.168.1.1',
      ip6: { address: '2001:db8::10', prefixLength: 64 },
      gw6: '2001:db8::1',
    });
  });

  it('reads dhcp, auto and manual', () => {
    expect(expectStable(parseQemuIpConfig, printQemuIpConfig, 'ip=dhcp')).toEqual({ ip: 'dhcp' });
    expect(expectStable(parseQemuIpConfig, printQemuIpConfig, 'ip=dhcp,ip6=auto')).toEqual({ ip: 'dhcp', ip6: 'auto' });
    expect(parseQemuIpConfig('ip=manual,ip6=dhcp')).toEqual({ ip: 'manual', ip6: 'dhcp' });
  });

  it('prints in PVE key order whatever order the GUI wrote', () => {
    expect(printQemuIpConfig(parseQemuIpConfig('ip=10.0.0.5/24,gw=10.0.0.1'))).toBe('gw=10.0.0.1,ip=10.0.0.5/24');
  });

  it.each([
    ['gw=10.0.0.1', 'gw'],
    ['gw6=2001:db8::1,ip=dhcp', 'gw6'],
    ['ip=10.0.0.5', 'ip'],
    ['ip=10.0.0.5/7', 'ip'],
    ['ip=10.0.0.5/33', 'ip'],
    ['ip=256.0.0.5/24', 'ip'],
    ['ip=auto', 'ip'],
    ['ip6=2001:db8::10/129', 'ip6'],
    ['ip=10.0.0.5/24,gw=10.0.0.256', 'gw'],
    ['ip=dhcp,gw6=x', 'gw6'],
  ])('refuses %j', (input, key) => {
    expect(errorOf(() => parseQemuIpConfig(input)).key).toBe(key);
  });

  it('refuses to print a gateway without an address', () => {
    expect(() => printQemuIpConfig({ gw: '10.0.0.1' })).toThrow(/gw: requires 'ip'/);
    expect(() => printQemuIpConfig({ ip: { address: '10.0.0.5', prefixLength: 40 } })).toThrow(/ip/);
  });
});
