import { describe, expect, it } from 'vitest';
import type { GuestRow } from '../../db/model.js';
import { parseGuestConfig } from './guestConfig.js';

const guest = (type: GuestRow['type'], config: Record<string, string | number>): GuestRow => ({
  type,
  vmid: 100,
  node: 'pve1',
  name: 'x',
  status: 'running',
  template: false,
  tags: [],
  config,
});

describe('parseGuestConfig', () => {
  it('classifies qemu drives: disk, cdrom, cloud-init, efidisk, tpmstate', () => {
    const p = parseGuestConfig(
      guest('qemu', {
        scsi0: 'local-lvm:vm-100-disk-0,size=32G,ssd=1',
        ide2: 'local-lvm:vm-100-cloudinit,media=cdrom',
        ide0: 'local:iso/debian.iso,media=cdrom,size=600M',
        efidisk0: 'local-lvm:vm-100-disk-1,efitype=4m,pre-enrolled-keys=1,size=4M',
        tpmstate0: 'local-lvm:vm-100-disk-2,size=4M,version=v2.0',
        sata1: '/dev/disk/by-id/ata-XYZ,size=1T',
      }),
    );
    expect(p.disks.map((d) => [d.key, d.role, d.storage, d.size])).toEqual([
      ['ide0', 'cdrom', 'local', 629145600],
      ['ide2', 'cloudinit', 'local-lvm', null],
      ['sata1', 'disk', null, 1024 ** 4],
      ['scsi0', 'disk', 'local-lvm', 32 * 1024 ** 3],
      ['efidisk0', 'efidisk', 'local-lvm', 4 * 1024 ** 2],
      ['tpmstate0', 'tpmstate', 'local-lvm', 4 * 1024 ** 2],
    ]);
    expect(p.disks.find((d) => d.key === 'efidisk0')!.options).toEqual({ efitype: '4m', 'pre-enrolled-keys': true });
  });

  it('reports malformed entries and keeps the rest', () => {
    const p = parseGuestConfig(guest('qemu', { net0: 'nonsense=1', net1: 'virtio=BC:24:11:00:00:02,bridge=vmbr0,trunks=10;20-30', boot: 'order=scsi0', agent: 'bogus=2' }));
    expect(p.nics.map((n) => n.key)).toEqual(['net1']);
    expect(p.nics[0]!.options).toEqual({ trunks: '10;20-30' });
    expect(p.errors.some((e) => e.startsWith('net0:'))).toBe(true);
    expect(p.errors.some((e) => e.startsWith('agent:'))).toBe(true);
    expect(p.other.find((o) => o.key === 'agent')!.value).toBe('bogus=2');
    expect(p.boot).toEqual(['scsi0']);
  });

  it('reads the legacy boot form and ballooning', () => {
    const p = parseGuestConfig(guest('qemu', { boot: 'cdn', bootdisk: 'scsi0', balloon: 0, memory: 2048 }));
    expect(p.boot).toEqual(['legacy cdn']);
    expect(p.other).toEqual([
      { key: 'balloon', value: '0 (no ballooning)' },
      { key: 'bootdisk', value: 'scsi0' },
      { key: 'memory', value: '2048 MiB' },
    ]);
  });

  it('summarises cloud-init SSH keys without printing them whole', () => {
    const p = parseGuestConfig(guest('qemu', { sshkeys: encodeURIComponent('ssh-ed25519 AAAA admin@ws\nssh-rsa BBBB\n') }));
    expect(p.other).toEqual([{ key: 'sshkeys', value: '2 keys: admin@ws, ssh-rsa' }]);
  });

  it('an empty or missing config gives empty lists', () => {
    const p = parseGuestConfig({ ...guest('lxc', {}), config: undefined });
    expect(p).toEqual({ disks: [], nics: [], unused: [], boot: null, errors: [], other: [] });
  });
});
