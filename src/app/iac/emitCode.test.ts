import { describe, expect, it } from 'vitest';
import type { CtCreateSpec } from '../../operations/create.js';
import type { CloneSpec } from './emitClone.js';
import { renderNewGuest } from './emitCode.js';

const CT: CtCreateSpec = {
  node: 'pve2',
  vmid: 171,
  hostname: 'cache-new',
  template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
  rootfs: { storage: 'local-lvm', sizeGiB: 8 },
  cores: 1,
  memoryMiB: 512,
  swapMiB: 512,
  nic: { bridge: 'vmbr0', ip: 'dhcp' },
  unprivileged: true,
  nesting: false,
  start: false,
};
// a key file with two keys and a comment line, as `--ssh-key ~/.ssh/authorized_keys` reads it
const KEYS = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFirst ops@laptop\n# the backup host\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISecond root@backup';

describe('renderNewGuest: a container', () => {
  it('--password-env with a $vault reference: the variable, the keys, and the header says where the value is; no value anywhere', async () => {
    const r = await renderNewGuest({ type: 'lxc', spec: { ...CT, sshKeys: KEYS }, password: { vault: 'ct-root' } });
    expect(r.path).toBe('terraform/ct-171-cache-new.tf');
    expect(r.passwordVariable).toBe('ct_171_cache_new_password');
    expect(r.passwordVault).toBe('ct-root');
    expect(r.content).toMatch(/^# Written by proxmox-mpc create ct --emit-code: CT 171 does not exist yet;\n/);
    expect(r.content).toContain('# The root password is not in this file: export TF_VAR_ct_171_cache_new_password before plan and apply.\n');
    expect(r.content).toContain('# It is in the vault as ct-root: export TF_VAR_ct_171_cache_new_password="$(proxmox-mpc vault get ct-root --reveal)"\n');
    expect(r.content).toContain('keys     = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFirst ops@laptop", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISecond root@backup"]');
    expect(r.content).toContain('password = var.ct_171_cache_new_password');
    expect(r.content).toMatch(/^variable "ct_171_cache_new_password" \{$/m);
    expect(r.content).not.toContain('backup host');
    // what the spec did not say is not made up: no import, no old "left out" note
    expect(r.content).not.toContain('import {');
    expect(r.content).not.toContain('not written here');
  });

  it('a password value in the spec counts as given, and is not written', async () => {
    const r = await renderNewGuest({ type: 'lxc', spec: { ...CT, password: 'spec-value-never-written' } });
    expect(r.passwordVariable).toBe('ct_171_cache_new_password');
    expect(r.passwordVault).toBeUndefined();
    expect(r.content).not.toContain('spec-value-never-written');
    expect(r.content).not.toContain('vault');
    expect(r.content).toMatch(/user_account \{\n +password = var\.ct_171_cache_new_password\n +\}/);
  });

  it('keys only: no variable, no password note', async () => {
    const r = await renderNewGuest({ type: 'lxc', spec: { ...CT, sshKeys: KEYS } });
    expect(r.passwordVariable).toBeUndefined();
    expect(r.content).not.toContain('password');
    expect(r.content).toContain('user_account {');
  });
});

describe('renderNewGuest: a clone given --password-env with no value in its spec', () => {
  it('gets the variable, and the vault note', async () => {
    const spec: CloneSpec = {
      node: 'pve1',
      vmid: 172,
      name: 'web-clone',
      source: { kind: 'clone', template: { node: 'pve1', vmid: 9000, name: 'ubuntu-cloud' }, full: false },
      ostype: 'l26',
      cores: 2,
      memoryMiB: 2048,
      nic: { bridge: 'vmbr0' },
      cloudInit: { ip: 'dhcp', user: 'ops' },
      start: false,
    };
    const template = { name: 'ubuntu-cloud', template: 1, ide2: 'local-lvm:vm-9000-cloudinit,media=cdrom', scsi0: 'local-lvm:base-9000-disk-0,size=3584M' };
    const r = await renderNewGuest({ type: 'qemu', spec, template, password: { vault: 'vm-pw' } });
    expect(r.passwordVariable).toBe('vm_172_web_clone_password');
    expect(r.content).toContain('password = var.vm_172_web_clone_password');
    expect(r.content).toContain('# The cloud-init password is not in this file');
    expect(r.content).toContain('proxmox-mpc vault get vm-pw --reveal');
    const none = await renderNewGuest({ type: 'qemu', spec, template });
    expect(none.passwordVariable).toBeUndefined();
    expect(none.content).not.toContain('password');
  });
});
