import { describe, expect, it } from 'vitest';
import type { CloneSpec } from './emitClone.js';
import { clonedGuest, renderClone } from './emitClone.js';
import { renderNewGuest } from './emitCode.js';

/** A cloud-image template as PVE stores it (like the homelab's 9000). */
const TEMPLATE = {
  name: 'ubuntu-cloud',
  template: 1,
  onboot: 0,
  agent: '1',
  scsihw: 'virtio-scsi-single',
  cores: 2,
  sockets: 1,
  cpu: 'x86-64-v2-AES',
  memory: '2048',
  ostype: 'l26',
  scsi0: 'local-lvm:base-9000-disk-0,iothread=1,size=3584M',
  ide2: 'local-lvm:vm-9000-cloudinit,media=cdrom',
  net0: 'virtio=BC:24:11:44:A3:1A,bridge=vmbr0,firewall=1',
  serial0: 'socket',
  vga: 'serial0',
  nameserver: '192.168.1.53',
  ciuser: 'ubuntu',
  ipconfig0: 'ip=dhcp',
  boot: 'order=scsi0',
};

function spec(over: Partial<CloneSpec> = {}, full = false): CloneSpec {
  return {
    node: 'pve1',
    vmid: 172,
    name: 'web-clone',
    source: { kind: 'clone', template: { node: 'pve1', vmid: 9000, name: 'ubuntu-cloud', disk: { key: 'scsi0', sizeGiB: 3.5 } }, full },
    ostype: 'l26',
    cores: 4,
    memoryMiB: 4096,
    nic: { bridge: 'vmbr0', vlan: 20 },
    cloudInit: { ip: { cidr: '192.168.1.72/24', gateway: '192.168.1.1' }, user: 'ops', sshKeys: 'ssh-ed25519 AAAAkey ops@laptop', password: 's3cret-never-written' },
    start: true,
    tags: ['web'],
    pool: 'prod',
    ...over,
  };
}

describe('clonedGuest: what PVE would hold for the clone, as far as the code manages it', () => {
  it('the settings given, the template settings the provider would reset, no password', () => {
    const { row, config } = clonedGuest(spec(), TEMPLATE);
    expect(row).toMatchObject({ type: 'qemu', vmid: 172, node: 'pve1', status: 'running', template: false, pool: 'prod', tags: ['web'] });
    expect(config).toMatchObject({ name: 'web-clone', cores: 4, memory: 4096, ciuser: 'ops', ipconfig0: 'gw=192.168.1.1,ip=192.168.1.72/24', tags: 'web' });
    expect(config).toMatchObject({ agent: '1', scsihw: 'virtio-scsi-single', sockets: 1, cpu: 'x86-64-v2-AES', onboot: 0, vga: 'serial0', serial0: 'socket', nameserver: '192.168.1.53' });
    expect(config.ide2).toBe(TEMPLATE.ide2);
    expect(config.net0).toMatch(/^virtio,bridge=vmbr0,tag=20/);
    expect(config).not.toHaveProperty('cipassword');
    expect(JSON.stringify(config)).not.toContain('s3cret');
    // no resize asked: the template's disk is not written (the clone has it as it is)
    expect(config).not.toHaveProperty('scsi0');
    // the template's own keys that are not the clone's
    expect(config).not.toHaveProperty('template');
    expect(config).not.toHaveProperty('boot');
  });

  it('a disk grown: on the template storage for a linked clone, on the target storage for a full copy', () => {
    expect(clonedGuest(spec({ disk: { storage: 'local-lvm', sizeGiB: 20 } }), TEMPLATE).config.scsi0).toBe('local-lvm:base-9000-disk-0,iothread=1,size=20G');
    expect(clonedGuest(spec({ disk: { storage: 'ceph', sizeGiB: 20 } }, true), TEMPLATE).config.scsi0).toBe('ceph:vm-172-disk-0,iothread=1,size=20G');
  });

  it("with cloud-init settings and no user or keys given, the template's are kept (the clone has them and the provider reads them back)", () => {
    const keyed = { ...TEMPLATE, sshkeys: 'ssh-ed25519%20AAAAtemplate%20admin%40workstation%0A' };
    const s = spec({ cloudInit: { ip: 'dhcp', password: 'never-written' } });
    const { config } = clonedGuest(s, keyed);
    expect(config).toMatchObject({ ciuser: 'ubuntu', sshkeys: keyed.sshkeys, ipconfig0: 'ip=dhcp' });
    const { body } = renderClone(s, keyed);
    expect(body).toMatch(/user_account \{\n +keys += \["ssh-ed25519 AAAAtemplate admin@workstation"\]\n +password = var\.vm_172_web_clone_password\n +username = "ubuntu"\n/);
    // what is given replaces the template's
    expect(clonedGuest(spec(), keyed).config).toMatchObject({ ciuser: 'ops', sshkeys: expect.stringContaining('ops%40laptop') });
  });

  it('without cloud-init settings the template cloud-init drive and DNS are left alone', () => {
    const { cloudInit: _, ...plain } = spec();
    const { config } = clonedGuest(plain as CloneSpec, TEMPLATE);
    expect(config).not.toHaveProperty('ide2');
    expect(config).not.toHaveProperty('nameserver');
  });
});

describe('renderClone / renderNewGuest', () => {
  it('a linked clone: clone block with the template vmid and node and full = false; the password from a sensitive variable', () => {
    const { body, passwordVariable } = renderClone(spec(), TEMPLATE);
    expect(passwordVariable).toBe('vm_172_web_clone_password');
    expect(body).toMatch(/ {2}clone \{\n {4}vm_id += 9000\n {4}node_name = "pve1"\n {4}full += false\n {2}\}/);
    expect(body).toContain('password = var.vm_172_web_clone_password');
    expect(body).not.toContain('s3cret');
    expect(body).not.toContain('import {');
    expect(body).toContain('pool_id       = "prod"');
  });

  it('a full copy onto another storage, from a template on another node: clone.datastore_id and the source node', () => {
    const s = spec({ node: 'pve2', disk: { storage: 'ceph', sizeGiB: 32 } }, true);
    const { body, passwordVariable } = renderClone({ ...s, cloudInit: { ip: 'dhcp' } }, TEMPLATE);
    expect(passwordVariable).toBeUndefined();
    expect(body).toMatch(/node_name += "pve2"/);
    expect(body).toMatch(/ {2}clone \{\n {4}vm_id += 9000\n {4}node_name += "pve1"\n {4}full += true\n {4}datastore_id = "ceph"\n {2}\}/);
    expect(body).toMatch(/disk \{\n {4}datastore_id = "ceph"\n {4}interface += "scsi0"\n {4}size += 32\n/);
    expect(body).not.toContain('variable "');
  });

  it('the file: terraform fmt-clean, its header says what it is; a template name cannot break out of the comment', async () => {
    const s = spec();
    const evil = { ...s, source: { ...s.source, template: { ...s.source.template, name: 'x\nresource "evil" "y" {}' } } } as CloneSpec;
    const { path, content, passwordVariable } = await renderNewGuest({ type: 'qemu', spec: evil, template: TEMPLATE });
    expect(path).toBe('terraform/vm-172-web-clone.tf');
    expect(passwordVariable).toBe('vm_172_web_clone_password');
    expect(content).toMatch(/^# Written by proxmox-mpc create vm --emit-code: VM 172 does not exist yet/);
    expect(content).toContain('as a linked clone of template x resource "evil" "y" {} (9000 on pve1)');
    expect(content).not.toMatch(/^resource "evil"/m);
    expect(content).toContain('export TF_VAR_vm_172_web_clone_password');
  });
});
