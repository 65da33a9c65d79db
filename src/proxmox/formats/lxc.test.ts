import { describe, expect, it } from 'vitest';
import { PropertyStringError } from '../propertyString.js';
import { parseLxcFeatures, printLxcFeatures } from './lxcFeatures.js';
import { parseLxcMountpoint, parseLxcRootfs, parseLxcUnused, printLxcMountpoint, printLxcRootfs, printLxcUnused } from './lxcMount.js';
import { parseLxcNic, printLxcNic } from './lxcNic.js';

function errorOf(fn: () => unknown): PropertyStringError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PropertyStringError) return e;
    throw e;
  }
  throw new Error('expected a PropertyStringError');
}

function expectStable<T>(parse: (s: string) => T, print: (v: T) => string, text: string): T {
  const value = parse(text);
  expect(print(value)).toBe(text);
  expect(parse(print(value))).toEqual(value);
  return value;
}

describe('lxc NIC', () => {
  it('reads a DHCP NIC', () => {
    expect(expectStable(parseLxcNic, printLxcNic, 'name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:5D:3A:01,ip=dhcp,type=veth')).toEqual({
      name: 'eth0',
      bridge: 'vmbr0',
      firewall: true,
      hwaddr: 'BC:24:11:5D:3A:01',
      ip: 'dhcp',
      type: 'veth',
    });
  });

  it('reads static addresses, IPv6 modes, VLANs and limits', () => {
    const nic = expectStable(
      parseLxcNic,
      printLxcNic,
      'name=eth1,bridge=vmbr1,gw=10.1.1.1,gw6=fd00::1,hwaddr=bc:24:11:5d:3a:02,ip=10.1.1.3/24,ip6=fd00::3/64,link_down=1,mtu=1400,rate=2.5,tag=30,trunks=40;50,type=veth',
    );
    expect(nic).toMatchObject({
      ip: { address: '10.1.1.3', prefixLength: 24 },
      ip6: { address: 'fd00::3', prefixLength: 64 },
      gw: '10.1.1.1',
      gw6: 'fd00::1',
      hwaddr: 'bc:24:11:5d:3a:02',
      link_down: true,
      mtu: 1400,
      rate: 2.5,
      tag: 30,
      trunks: [
        { from: 40, to: 40 },
        { from: 50, to: 50 },
      ],
    });
    expect(parseLxcNic('name=eth0,ip=manual,ip6=auto').ip6).toBe('auto');
    expect(parseLxcNic('name=eth0,ip6=dhcp,host-managed=1')).toEqual({ name: 'eth0', ip6: 'dhcp', 'host-managed': true });
  });

  it('prints name= first, like PVE (a required key)', () => {
    expect(printLxcNic({ bridge: 'vmbr0', ip: 'dhcp', name: 'eth0' })).toBe('name=eth0,bridge=vmbr0,ip=dhcp');
  });

  it.each([
    ['no name', 'bridge=vmbr0', 'name'],
    ['a bare value (there is no default key)', 'eth0,bridge=vmbr0', undefined],
    ['a qemu-style trunk range', 'name=eth0,trunks=10-20', 'trunks'],
    ['a type other than veth', 'name=eth0,type=macvlan', 'type'],
    ['mtu 63', 'name=eth0,mtu=63', 'mtu'],
    ['an IPv4 address without prefix', 'name=eth0,ip=10.0.0.2', 'ip'],
    ['an IPv6 address in ip', 'name=eth0,ip=fd00::2/64', 'ip'],
    ['auto for IPv4', 'name=eth0,ip=auto', 'ip'],
    ['a bad gateway', 'name=eth0,gw=10.0.0', 'gw'],
    ['a bad MAC', 'name=eth0,hwaddr=BC-24-11-5D-3A-01', 'hwaddr'],
  ])('refuses %s', (_what, input, key) => {
    const err = errorOf(() => parseLxcNic(input));
    expect(err.key).toBe(key);
    expect(err.input).toBe(input);
  });

  it('refuses to print a range in lxc trunks', () => {
    expect(() => printLxcNic({ name: 'eth0', trunks: [{ from: 1, to: 5 }] })).toThrow(/trunks/);
  });
});

describe('lxc rootfs', () => {
  it('reads an LVM-thin and a ZFS root file system', () => {
    expect(expectStable(parseLxcRootfs, printLxcRootfs, 'local-lvm:vm-101-disk-0,size=8G')).toEqual({
      volume: 'local-lvm:vm-101-disk-0',
      storage: 'local-lvm',
      volumeName: 'vm-101-disk-0',
      size: { bytes: 8 * 1024 ** 3, text: '8G' },
    });
    expect(expectStable(parseLxcRootfs, printLxcRootfs, 'vmstore:subvol-101-disk-0,size=30G')).toMatchObject({
      storage: 'vmstore',
      volumeName: 'subvol-101-disk-0',
    });
  });

  it('reads the options', () => {
    expect(
      expectStable(parseLxcRootfs, printLxcRootfs, 'local:101/vm-101-disk-0.raw,acl=1,mountoptions=noatime;nodev,quota=0,replicate=0,ro=0,shared=0,size=0.5G'),
    ).toMatchObject({
      acl: true,
      quota: false,
      replicate: false,
      ro: false,
      shared: false,
      mountoptions: ['noatime', 'nodev'],
      size: { bytes: 512 * 1024 ** 2, text: '0.5G' },
    });
  });

  it.each([
    ['backup (only mount points have it)', 'local-lvm:x,backup=1', 'backup'],
    ['mp (only mount points have it)', 'local-lvm:x,mp=/', 'mp'],
    ['an unknown mount option', 'local-lvm:x,mountoptions=noatime;sync', 'mountoptions'],
    ['no volume', 'size=8G', 'volume'],
  ])('refuses %s', (_what, input, key) => {
    expect(errorOf(() => parseLxcRootfs(input)).key).toBe(key);
  });
});

describe('lxc mount points', () => {
  it('reads a volume mount point', () => {
    expect(expectStable(parseLxcMountpoint, printLxcMountpoint, 'local-lvm:vm-101-disk-1,mp=/data,backup=1,size=32G')).toEqual({
      volume: 'local-lvm:vm-101-disk-1',
      storage: 'local-lvm',
      volumeName: 'vm-101-disk-1',
      mp: '/data',
      backup: true,
      size: { bytes: 32 * 1024 ** 3, text: '32G' },
    });
  });

  it('reads bind and device mounts without inventing a storage', () => {
    expect(expectStable(parseLxcMountpoint, printLxcMountpoint, '/mnt/foo/bar,mp=/storage')).toEqual({ volume: '/mnt/foo/bar', mp: '/storage' });
    expect(expectStable(parseLxcMountpoint, printLxcMountpoint, '/dev/sdb1,mp=/mnt/disk,ro=1')).toEqual({
      volume: '/dev/sdb1',
      mp: '/mnt/disk',
      ro: true,
    });
  });

  it('prints the volume, then mp=, then the rest sorted', () => {
    expect(printLxcMountpoint({ size: { bytes: 1024 ** 3, text: '1G' }, backup: false, mp: '/x', volume: 'local:1/a.raw' })).toBe(
      'local:1/a.raw,mp=/x,backup=0,size=1G',
    );
  });

  it('needs mp', () => {
    expect(errorOf(() => parseLxcMountpoint('local-lvm:vm-101-disk-1,size=1G')).key).toBe('mp');
    expect(() => printLxcMountpoint({ volume: 'local:x' } as never)).toThrow(/mp: missing property/);
  });

  it('reads unused volumes', () => {
    expect(expectStable(parseLxcUnused, printLxcUnused, 'local-lvm:vm-101-disk-2')).toEqual({
      volume: 'local-lvm:vm-101-disk-2',
      storage: 'local-lvm',
      volumeName: 'vm-101-disk-2',
    });
  });
});

describe('lxc features', () => {
  it('reads flags as booleans', () => {
    expect(expectStable(parseLxcFeatures, printLxcFeatures, 'fuse=1,mknod=1,nesting=1')).toEqual({ fuse: true, mknod: true, nesting: true });
    expect(expectStable(parseLxcFeatures, printLxcFeatures, 'force_rw_sys=0,keyctl=1')).toEqual({ force_rw_sys: false, keyctl: true });
  });

  it('reads the mount list', () => {
    expect(expectStable(parseLxcFeatures, printLxcFeatures, 'mount=nfs;cifs,nesting=1')).toEqual({ mount: ['nfs', 'cifs'], nesting: true });
  });

  it('prints sorted whatever order the client wrote (PVE stores features verbatim)', () => {
    expect(printLxcFeatures(parseLxcFeatures('nesting=1,keyctl=1'))).toBe('keyctl=1,nesting=1');
  });

  it('reads the empty string as no features', () => {
    expect(expectStable(parseLxcFeatures, printLxcFeatures, '')).toEqual({});
  });

  it.each(['nesting=2', 'docker=1', 'mount=nfs,v4', 'mount=n-f-s', '1'])('refuses %j', (input) => {
    expect(() => parseLxcFeatures(input)).toThrow(PropertyStringError);
  });

  it('refuses to print an empty mount list', () => {
    expect(() => printLxcFeatures({ mount: [] })).toThrow(/mount/);
  });
});
