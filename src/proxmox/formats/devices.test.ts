import { describe, expect, it } from 'vitest';
import { PropertyStringError } from '../propertyString.js';
import { lxcConfigCodec, qemuConfigCodec, splitConfigKey } from './configKeys.js';
import { extractLxcDevices, extractQemuDevices } from './devices.js';

describe('extractQemuDevices', () => {
  const config = {
    digest: 'abc',
    name: 'web',
    boot: 'order=scsi0;ide2;net0',
    memory: '2048',
    net10: 'virtio=BC:24:11:00:00:0A,bridge=vmbr0',
    net0: 'virtio=BC:24:11:00:00:00,bridge=vmbr0,firewall=1',
    net2: 'e1000=BC:24:11:00:00:02,bridge=vmbr1,tag=20',
    tpmstate0: 'local-lvm:vm-100-disk-3,size=4M,version=v2.0',
    scsi10: 'local-lvm:vm-100-disk-2,size=10G',
    virtio0: 'ceph:vm-100-disk-5,size=1T',
    scsi2: 'local-lvm:vm-100-disk-1,size=500M',
    efidisk0: 'local-lvm:vm-100-disk-4,efitype=4m,size=4M',
    ide2: 'local:iso/debian-12.iso,media=cdrom,size=600M',
    sata0: '/dev/disk/by-id/ata-X,size=2T',
    scsi0: 'local-lvm:vm-100-disk-0,iothread=1,size=32G',
    unused1: 'local-lvm:vm-100-disk-9',
    unused0: 'ceph:vm-100-disk-8',
    ipconfig0: 'ip=dhcp',
    scsihw: 'virtio-scsi-single',
  };

  it('lists disks by bus (ide, sata, scsi, virtio, efidisk, tpmstate), then by index', () => {
    const { disks, errors } = extractQemuDevices(config);
    expect(errors).toEqual([]);
    expect(disks.map((d) => d.key)).toEqual(['ide2', 'sata0', 'scsi0', 'scsi2', 'scsi10', 'virtio0', 'efidisk0', 'tpmstate0']);
    expect(disks.map((d) => [d.bus, d.index])).toEqual([
      ['ide', 2],
      ['sata', 0],
      ['scsi', 0],
      ['scsi', 2],
      ['scsi', 10],
      ['virtio', 0],
      ['efidisk', 0],
      ['tpmstate', 0],
    ]);
  });

  it('types every disk, whatever its bus', () => {
    const { disks } = extractQemuDevices(config);
    const byKey = Object.fromEntries(disks.map((d) => [d.key, d]));
    expect(byKey.scsi0?.disk).toEqual({
      file: 'local-lvm:vm-100-disk-0',
      storage: 'local-lvm',
      volumeName: 'vm-100-disk-0',
      iothread: true,
      size: { bytes: 32 * 1024 ** 3, text: '32G' },
    });
    expect(byKey.sata0?.disk).toEqual({ file: '/dev/disk/by-id/ata-X', size: { bytes: 2 * 1024 ** 4, text: '2T' } });
    expect(disks.map((d) => d.disk.size?.text)).toEqual(['600M', '2T', '32G', '500M', '10G', '1T', '4M', '4M']);
    const efi = disks.find((d) => d.bus === 'efidisk');
    expect(efi?.bus === 'efidisk' && efi.disk.efitype).toBe('4m');
  });

  it('lists NICs in index order (net2 before net10)', () => {
    const { nics } = extractQemuDevices(config);
    expect(nics.map((n) => n.key)).toEqual(['net0', 'net2', 'net10']);
    expect(nics[1]).toEqual({ key: 'net2', index: 2, nic: { model: 'e1000', macaddr: 'BC:24:11:00:00:02', bridge: 'vmbr1', tag: 20 } });
  });

  it('lists unused volumes in index order', () => {
    expect(extractQemuDevices(config).unused).toEqual([
      { key: 'unused0', index: 0, volume: 'ceph:vm-100-disk-8', storage: 'ceph', volumeName: 'vm-100-disk-8' },
      { key: 'unused1', index: 1, volume: 'local-lvm:vm-100-disk-9', storage: 'local-lvm', volumeName: 'vm-100-disk-9' },
    ]);
  });

  it('reports a malformed entry by config key and keeps the others', () => {
    const { disks, nics, errors } = extractQemuDevices({
      ...config,
      net3: 'virtio=BC:24:11:00:00:03,tag=9999',
      scsi5: 42,
      virtio1: 'local:x,ssd=1',
    });
    expect(disks).toHaveLength(8);
    expect(nics).toHaveLength(3);
    expect(errors.map((e) => [e.configKey, e.key])).toEqual([
      ['net3', 'tag'],
      ['scsi5', undefined],
      ['virtio1', 'ssd'],
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(PropertyStringError);
    expect(errors[0]?.message).toMatch(/^net3: tag: .*maximum 4094.*'virtio=BC:24:11:00:00:03,tag=9999'/);
    expect(errors[0]?.input).toBe('virtio=BC:24:11:00:00:03,tag=9999');
    expect(errors[1]?.message).toBe('scsi5: expected a property string, got 42');
  });

  it('ignores keys that only look indexed (ipconfig0, hostpci0, serial0, scsihw)', () => {
    const { disks, nics, unused, errors } = extractQemuDevices({ hostpci0: '0000:01:00.0', serial0: 'socket', ipconfig0: 'ip=dhcp', scsihw: 'lsi' });
    expect([disks, nics, unused, errors]).toEqual([[], [], [], []]);
  });

  it('gives empty lists for an empty config', () => {
    expect(extractQemuDevices({})).toEqual({ disks: [], nics: [], unused: [], errors: [] });
  });
});

describe('extractLxcDevices', () => {
  const config = {
    hostname: 'ct',
    memory: 512,
    rootfs: 'local-zfs:subvol-101-disk-0,size=8G',
    mp10: '/mnt/backup,mp=/backup,ro=1',
    mp1: 'local-zfs:subvol-101-disk-1,mp=/data,backup=1,size=100G',
    net1: 'name=eth1,bridge=vmbr1,ip=10.0.0.2/24,type=veth',
    net0: 'name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:00,ip=dhcp,type=veth',
    unused0: 'local-zfs:subvol-101-disk-2',
    features: 'nesting=1',
  };

  it('types rootfs, mount points, NICs and unused volumes, in index order', () => {
    const devices = extractLxcDevices(config);
    expect(devices.errors).toEqual([]);
    expect(devices.rootfs).toEqual({
      volume: 'local-zfs:subvol-101-disk-0',
      storage: 'local-zfs',
      volumeName: 'subvol-101-disk-0',
      size: { bytes: 8 * 1024 ** 3, text: '8G' },
    });
    expect(devices.mountpoints.map((m) => [m.key, m.mountpoint.mp])).toEqual([
      ['mp1', '/data'],
      ['mp10', '/backup'],
    ]);
    expect(devices.nics.map((n) => [n.key, n.nic.ip])).toEqual([
      ['net0', 'dhcp'],
      ['net1', { address: '10.0.0.2', prefixLength: 24 }],
    ]);
    expect(devices.unused).toEqual([
      { key: 'unused0', index: 0, volume: 'local-zfs:subvol-101-disk-2', storage: 'local-zfs', volumeName: 'subvol-101-disk-2' },
    ]);
  });

  it('leaves rootfs absent when the config has none, and reports a broken one', () => {
    expect(extractLxcDevices({}).rootfs).toBeUndefined();
    const broken = extractLxcDevices({ rootfs: 'local-zfs:x,size=8X' });
    expect(broken.rootfs).toBeUndefined();
    expect(broken.errors.map((e) => [e.configKey, e.key])).toEqual([['rootfs', 'size']]);
  });
});

describe('config keys', () => {
  it.each([
    ['scsi12', { prefix: 'scsi', index: 12 }],
    ['net0', { prefix: 'net', index: 0 }],
    ['unused255', { prefix: 'unused', index: 255 }],
    ['scsi01', undefined],
    ['scsihw', undefined],
    ['net', undefined],
    ['Net0', undefined],
  ])('splitConfigKey(%j)', (key, expected) => {
    expect(splitConfigKey(key)).toEqual(expected);
  });

  it('finds the codec of a config option', () => {
    expect(qemuConfigCodec('net3')?.parse('virtio')).toEqual({ model: 'virtio' });
    expect(qemuConfigCodec('ide0')?.parse('none,media=cdrom')).toEqual({ file: 'none', media: 'cdrom' });
    expect(qemuConfigCodec('boot')?.parse('order=net0')).toEqual({ order: ['net0'] });
    expect(qemuConfigCodec('ipconfig1')?.parse('ip=dhcp')).toEqual({ ip: 'dhcp' });
    expect(qemuConfigCodec('name')).toBeUndefined();
    expect(qemuConfigCodec('rootfs')).toBeUndefined();
    expect(lxcConfigCodec('net0')?.parse('name=eth0')).toEqual({ name: 'eth0' });
    expect(lxcConfigCodec('mp3')?.parse('/a,mp=/b')).toEqual({ volume: '/a', mp: '/b' });
    expect(lxcConfigCodec('scsi0')).toBeUndefined();
  });
});
