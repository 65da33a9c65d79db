import { describe, expect, it } from 'vitest';
import { CHECKED_FORMATS, lookupFormat, UNCHECKED_FORMATS } from './formats.js';

function check(format: string, value: string): string | undefined {
  const f = lookupFormat(format);
  if (f?.kind !== 'code') throw new Error(`${format} is not a code format`);
  return f.check(value);
}

describe('named formats', () => {
  it.each([
    ['pve-vmid', ['100', '999999999'], '99', 'value does not look like a valid VM ID\n'],
    ['pve-node', ['pve1', 'node-a'], 'pve_1', 'value does not look like a valid node name\n'],
    ['pve-storage-id', ['local', 'local-lvm', 'nfs.store1'], 'local-', "storage ID 'local-' contains illegal characters\n"],
    ['pve-configid', ['snap1', 'before_upgrade'], '1snap', "invalid configuration ID '1snap'\n"],
    ['pve-poolid', ['dev', 'team/dev', 'a.b-c_d'], 'bad pool', "pool name 'bad pool' contains invalid characters\n"],
    ['pve-bridge-id', ['vmbr0', 'vnet.1'], 'vm br', "invalid bridge ID 'vm br'\n"],
    ['mac-addr', ['BC:24:11:2E:C5:4A', 'bc:24:11:2e:c5:4a'], '01:00:00:00:00:00', 'value does not look like a valid unicast MAC address\n'],
    ['ipv4', ['10.0.0.1', '255.255.255.255'], '10.0.0.256', 'value does not look like a valid IPv4 address\n'],
    ['ipv6', ['fe80::1', '2001:db8::10', '::ffff:10.0.0.1'], '2001:db8:::1', 'value does not look like a valid IPv6 address\n'],
    ['CIDR', ['10.0.0.0/24', '2001:db8::/64'], '10.0.0.0/7', 'value does not look like a valid CIDR network\n'],
    ['pve-ipv4-config', ['dhcp', 'manual', '10.0.0.5/24'], '10.0.0.5', 'value does not look like a valid ipv4 network configuration\n'],
    ['pve-ipv6-config', ['auto', 'dhcp', '2001:db8::5/64'], '2001:db8::5', 'value does not look like a valid ipv6 network configuration\n'],
    ['dns-name', ['example.com', 'web-01'], 'bad_host', 'value does not look like a valid DNS name\n'],
    ['address', ['1.1.1.1', 'dns.example'], 'no way', 'value does not look like a valid address: no way\n'],
    ['pve-tag', ['prod', 'a+b.c', '_x'], 'a;b', 'invalid characters in tag\n'],
    ['pve-volume-id', ['local:iso/debian.iso', 'local-lvm:vm-100-disk-0'], 'nope', "unable to parse volume ID 'nope'\n"],
    ['pve-volume-id-or-qm-path', ['none', 'cdrom', '/dev/sdb', 'local-lvm:32'], 'x', "unable to parse volume ID 'x'\n"],
    ['disk-size', ['32G', '1.5T', '1024'], '32GB', 'value does not look like a valid disk size: 32GB\n'],
    ['pve-qm-bootdisk', ['scsi0', 'virtio15', 'efidisk0'], 'scsi31', "invalid boot disk 'scsi31'\n"],
    ['pve-qm-bootdev', ['scsi0', 'ide2', 'net0', 'hostpci3'], 'efidisk0', "invalid boot device 'efidisk0'\n"],
    ['pve-startup-order', ['order=1,up=30', '2', 'down=10'], '0', 'unable to parse startup options\n'],
    ['urlencoded', ['abc%20def', "it's"], 'a b', 'invalid urlencoded string: a b\n'],
    ['pve-storage-content', ['images', 'iso', 'vztmpl', 'import'], 'disks', "invalid content type 'disks'\n"],
    ['pve-lxc-mp-string', ['/mnt/data', 'local-lvm:8'], '/mnt/../etc', '/mnt/../etc contains illegal character sequences\n'],
    ['pve-lxc-dev-string', ['/dev/net/tun'], '/etc/passwd', '/etc/passwd is not a valid device path\n'],
    ['pve-hotplug-features', ['0', '1', 'network,disk,usb'], 'network,gpu', "invalid hotplug feature 'gpu'\n"],
    ['pve-realm', ['pam', 'pve', 'ldap2'], '2fa', 'value does not look like a valid realm\n'],
    ['pve-priv', ['VM.Audit', 'Sys.Modify'], 'VM.Monitor', "invalid privilege 'VM.Monitor'\n"],
    ['pve-task-status-type', ['ok', 'ERROR'], 'done', "invalid status 'done'\n"],
    ['pve-ct-timezone', ['host', 'UTC', 'Europe/Vienna'], 'Mars/Olympus', "invalid time zone 'Mars/Olympus'\n"],
    ['lxc-ip-with-ll-iface', ['10.0.0.1', 'fe80::1%eth0'], 'fe80::1%', 'value does not look like a valid IP address\n'],
  ])('%s', (format, good, bad, message) => {
    for (const value of good) expect(check(format, value), value).toBeUndefined();
    expect(check(format, bad)).toBe(message);
  });

  it('storage-pair checks each ID of a mapping', () => {
    expect(check('storage-pair', 'local:local-lvm')).toBeUndefined();
    expect(check('storage-pair', '1')).toBeUndefined();
    expect(check('storage-pair', 'local:bad-')).toBe("entry 'local:bad-' contains invalid ID - storage ID 'bad-' contains illegal characters\n\n\n");
  });

  it('has property-string formats for the named object formats', () => {
    for (const name of ['pve-qm-ipconfig', 'pve-qm-boot', 'pve-qm-watchdog', 'pve-qm-rng', 'pve-qm-cicustom', 'pve-qm-ide']) {
      const f = lookupFormat(name);
      expect(f?.kind, name).toBe('object');
      if (f?.kind === 'object') expect(Object.keys(f.format).length, name).toBeGreaterThan(0);
    }
  });

  it('knows nothing of unknown formats and lists what it leaves unchecked', () => {
    expect(lookupFormat('no-such-format')).toBeUndefined();
    expect(lookupFormat('constructor')).toBeUndefined();
    for (const name of UNCHECKED_FORMATS) expect(lookupFormat(name)).toBeUndefined();
    expect(CHECKED_FORMATS).toContain('pve-vmid');
  });
});
