import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from '@cdktn/hcl-tools';
import { describe, expect, it } from 'vitest';
import type { GuestRow } from '../../db/model.js';
import { render } from './hcl.js';
import { passwordVariableName, renderClonedVm, renderNewContainer } from './newGuest.js';
import { checkTerraformSchema } from './schemaCheck.js';
import { cloneBlock, vmBody } from './vm.js';

const guest: GuestRow = { type: 'qemu', vmid: 170, node: 'pve2', name: 'web-new', status: 'running', template: false, tags: ['web'], pool: 'prod' };

const config = {
  name: 'web-new',
  cores: 2,
  memory: 4096,
  ostype: 'l26',
  net0: 'virtio,bridge=vmbr0,tag=20',
  ide2: 'local-lvm:vm-9000-cloudinit,media=cdrom',
  ciuser: 'ops',
  sshkeys: 'ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIExample%20ops%40laptop',
  ipconfig0: 'ip=192.168.1.70/24,gw=192.168.1.1',
  tags: 'web',
};

describe('cloneBlock', () => {
  it('writes the template vmid and node and always says full or linked (the provider defaults to full, PVE to linked)', () => {
    expect(render([cloneBlock({ vmId: 9000, nodeName: 'pve1', full: false })])).toBe('clone {\n  vm_id     = 9000\n  node_name = "pve1"\n  full      = false\n}\n');
    expect(render([cloneBlock({ vmId: 9000, nodeName: 'pve1', full: true, datastoreId: 'ceph' })])).toContain('datastore_id = "ceph"');
  });

  it('vmBody without a clone source has no clone block (existing guests are imported, not cloned)', () => {
    expect(render(vmBody(guest, config))).not.toContain('clone {');
  });
});

describe('renderClonedVm', () => {
  const text = renderClonedVm(guest, config, { clone: { vmId: 9000, nodeName: 'pve1', full: false }, password: true });

  it('is the resource with its clone block first, then the settings given; no import', async () => {
    expect(text).toMatch(/^resource "proxmox_virtual_environment_vm" "vm_170_web_new" \{\n {2}node_name += "pve2"\n {2}vm_id += 170\n/);
    expect(text).toMatch(/\n\n {2}clone \{\n {4}vm_id += 9000\n {4}node_name = "pve1"\n {4}full += false\n {2}\}\n\n {2}cpu \{/);
    expect(text).toMatch(/ +cores += 2\n/);
    expect(text).toMatch(/ +dedicated = 4096\n/);
    expect(text).toContain('pool_id');
    expect(text).toMatch(/network_device \{\n +bridge += "vmbr0"\n +model += "virtio"\n +vlan_id = 20\n/);
    expect(text).toMatch(/initialization \{\n +datastore_id = "local-lvm"\n +interface += "ide2"\n +ip_config \{\n +ipv4 \{\n +address = "192\.168\.1\.70\/24"\n +gateway = "192\.168\.1\.1"/);
    expect(text).toContain('keys     = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops@laptop"]');
    expect(text).toContain('username = "ops"');
    expect(text).toMatch(/started += true/);
    expect(text).not.toContain('import {');
    expect(await format(text)).toBe(text);
  });

  it('reads the password from a sensitive variable declared in the same file, never a value', () => {
    const name = passwordVariableName(guest);
    expect(name).toBe('vm_170_web_new_password');
    expect(text).toContain(`password = var.${name}`);
    expect(text).toMatch(new RegExp(`variable "${name}" \\{\\n[^}]*sensitive += true\\n\\}`));
    expect(text).toContain(`TF_VAR_${name}`);
    const without = renderClonedVm(guest, config, { clone: { vmId: 9000, nodeName: 'pve1', full: true } });
    expect(without).not.toContain('password');
    expect(without).not.toContain('variable "');
  });

  it("passes the project's schema check against the bpg schema (clone.vm_id is required, the rest known)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-clone-tf-'));
    writeFileSync(join(dir, 'vm.tf'), text);
    const results = await checkTerraformSchema(dir);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // the check does look at the clone block: one without its vm_id is an error
    writeFileSync(join(dir, 'vm.tf'), text.replace(/ +vm_id += 9000\n/, ''));
    const broken = (await checkTerraformSchema(dir)).filter((r) => !r.ok);
    expect(broken.map((r) => r.message).join('\n')).toMatch(/vm_id/);
  });

  it('refuses a variable name that is not an identifier (it is written unquoted)', () => {
    expect(() => vmBody(guest, config, { passwordVariable: 'a b' })).toThrow(/not a variable name/);
  });
});

describe('renderNewContainer', () => {
  const ct: GuestRow = { type: 'lxc', vmid: 171, node: 'pve2', name: 'cache-new', status: 'stopped', template: false, tags: [] };
  const ctConfig = { hostname: 'cache-new', cores: 1, memory: 512, swap: 512, rootfs: 'local-lvm:subvol-171-disk-0,size=8G', net0: 'name=eth0,bridge=vmbr0,ip=dhcp', unprivileged: 1 };
  const keys = ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFirst ops@laptop', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQSecond root@backup'];
  const template = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
  const text = renderNewContainer(ct, ctConfig, { template, password: true, sshKeys: keys });

  it('has the template, and the keys and the password variable in initialization.user_account', async () => {
    expect(text).toMatch(/^resource "proxmox_virtual_environment_container" "ct_171_cache_new" \{\n/);
    expect(text).toMatch(/\n {2}operating_system \{\n {4}template_file_id = "local:vztmpl\/debian-12-standard_12\.7-1_amd64\.tar\.zst"\n {2}\}\n/);
    expect(text).toMatch(/ {2}initialization \{\n {4}hostname = "cache-new"\n(.*\n)*? {4}user_account \{\n {6}keys {5}= \["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFirst ops@laptop", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQSecond root@backup"\]\n {6}password = var\.ct_171_cache_new_password\n {4}\}\n {2}\}\n/);
    // the note for imported containers (no template known) does not apply
    expect(text).not.toContain('PVE does not record the template');
    expect(text).not.toContain('import {');
    expect(await format(text)).toBe(text);
  });

  it('declares the password variable sensitive, with no default, in the same file', () => {
    expect(passwordVariableName(ct)).toBe('ct_171_cache_new_password');
    const variable = /\nvariable "ct_171_cache_new_password" \{\n([^}]*)\}\n$/.exec(text)?.[1];
    expect(variable).toMatch(/ +sensitive += true\n/);
    expect(variable).toMatch(/ +type += string\n/);
    expect(variable).toContain('TF_VAR_ct_171_cache_new_password');
    expect(variable).not.toContain('default');
  });

  it('keys only: user_account without a password and no variable; neither: no user_account', () => {
    const keysOnly = renderNewContainer(ct, ctConfig, { template, sshKeys: keys.slice(0, 1) });
    expect(keysOnly).toMatch(/user_account \{\n +keys = \["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFirst ops@laptop"\]\n +\}/);
    expect(keysOnly).not.toContain('password');
    expect(keysOnly).not.toContain('variable "');
    const neither = renderNewContainer(ct, ctConfig, { template });
    expect(neither).not.toContain('user_account');
    expect(neither).toContain('template_file_id');
  });

  it('escapes a key as any other string (a key cannot end the string or start an interpolation)', () => {
    const odd = renderNewContainer(ct, ctConfig, { template, sshKeys: ['ssh-ed25519 AAAA x"${var.y}'] });
    expect(odd).toContain('keys = ["ssh-ed25519 AAAA x\\"$${var.y}"]');
  });

  it("passes the project's schema check against the bpg schema (user_account.keys and password, operating_system)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-newct-tf-'));
    writeFileSync(join(dir, 'ct.tf'), text);
    expect((await checkTerraformSchema(dir)).filter((r) => !r.ok)).toEqual([]);
    // the check does look inside user_account: a misspelt attribute is an error
    writeFileSync(join(dir, 'ct.tf'), text.replace('password = var.', 'passwd = var.'));
    const broken = (await checkTerraformSchema(dir)).filter((r) => !r.ok);
    expect(broken.map((r) => r.message).join('\n')).toMatch(/passwd/);
  });
});
