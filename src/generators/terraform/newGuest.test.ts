import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from '@cdktn/hcl-tools';
import { describe, expect, it } from 'vitest';
import type { GuestRow } from '../../db/model.js';
import { render } from './hcl.js';
import { passwordVariableName, renderClonedVm } from './newGuest.js';
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
