import { format } from '@cdktn/hcl-tools';
import { parse } from '@cdktn/hcl2json';
import { describe, expect, it } from 'vitest';
import type { GuestRow } from '../../db/model.js';
import { DEFAULT_GENERATOR_OPTIONS, type IacInput } from '../types.js';
import { generateTerraform } from './index.js';
import { checkTerraformSchema } from './schemaCheck.js';

const EVIL = 'evil"name ${var.x} %{ if 1 }\n}\nresource "x" "y" {\u001b[2J';

function vm(vmid: number, name: string, config: Record<string, string | number> | undefined, extra: Partial<GuestRow> = {}): GuestRow {
  return { type: 'qemu', vmid, node: 'pve1', name, status: 'running', template: false, tags: [], ...(config ? { config } : {}), ...extra };
}
function ct(vmid: number, name: string, config: Record<string, string | number> | undefined, extra: Partial<GuestRow> = {}): GuestRow {
  return { type: 'lxc', vmid, node: 'pve2', name, status: 'stopped', template: false, tags: [], ...(config ? { config } : {}), ...extra };
}

const input = (guests: GuestRow[]): IacInput => ({ profile: 'lab', endpoint: 'https://pve.lab:8006', clusterName: 'lab', nodes: [], guests, storage: [], pools: [] });

const WEB: Record<string, string | number> = {
  name: 'web-01',
  cores: 2,
  sockets: 1,
  memory: '4096',
  balloon: 1024,
  cpu: 'host,flags=+aes;-pcid',
  ostype: 'l26',
  scsihw: 'virtio-scsi-single',
  agent: '1,fstrim_cloned_disks=1,type=virtio',
  scsi0: 'local-lvm:vm-101-disk-0,discard=on,iothread=1,size=32G,ssd=1',
  scsi1: 'nas:101/vm-101-disk-1.qcow2,size=3584M',
  ide2: 'local-lvm:vm-101-cloudinit,media=cdrom',
  ide0: 'local:iso/debian.iso,media=cdrom,size=600M',
  net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=30,link_down=1',
  net1: 'e1000=BC:24:11:00:00:02,bridge=vmbr1',
  ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1,ip6=auto',
  ipconfig2: 'ip=dhcp',
  ciuser: 'admin',
  cipassword: '**********',
  sshkeys: 'ssh-ed25519%20AAAA%20a%40b%0Assh-rsa%20BBBB%20c%40d',
  nameserver: '1.1.1.1 9.9.9.9',
  searchdomain: 'lab.example',
  tags: 'web;prod',
  description: EVIL,
  onboot: 1,
  startup: 'order=3,up=20,down=10',
  boot: 'order=scsi0;net0',
  unused0: 'local-lvm:vm-101-disk-9',
  usb0: 'host=1234:5678',
  meta: 'creation-qemu=9.2.0',
};

const CT: Record<string, string | number> = {
  hostname: 'proxy',
  arch: 'amd64',
  cores: 2,
  memory: 1024,
  swap: 256,
  ostype: 'debian',
  unprivileged: 1,
  rootfs: 'local-lvm:vm-200-disk-0,size=8G',
  mp0: 'local-lvm:vm-200-disk-1,mp=/data,backup=1,size=100G',
  net0: 'name=eth0,bridge=vmbr0,firewall=1,gw=192.168.1.1,hwaddr=BC:24:11:00:00:03,ip=192.168.1.80/24,type=veth,tag=5',
  net1: 'name=eth1,bridge=vmbr1,hwaddr=BC:24:11:00:00:04,type=veth',
  features: 'keyctl=1,nesting=1',
  nameserver: '192.168.1.53',
  tags: 'infra',
  onboot: 1,
  lxc_extra: 'x',
};

describe('generateTerraform', () => {
  const guests = [vm(101, 'web-01', WEB, { pool: 'prod' }), ct(200, 'proxy', CT), vm(102, EVIL, { name: 'x' }), vm(9000, 'tpl', { name: 'tpl', template: 1 }, { template: true, status: 'stopped' }), ct(201, 'nocfg', undefined)];
  const files = generateTerraform(input(guests), DEFAULT_GENERATOR_OPTIONS);
  const byPath = new Map(files.map((f) => [f.path, f.content]));

  it('writes the provider files, one file per guest and the imports, sorted by path', () => {
    expect(files.map((f) => f.path)).toEqual([
      'terraform/ct-200-proxy.tf',
      'terraform/ct-201-nocfg.tf',
      'terraform/imports.tf',
      'terraform/provider.tf',
      'terraform/variables.tf',
      'terraform/versions.tf',
      'terraform/vm-101-web-01.tf',
      'terraform/vm-102-x.tf',
      'terraform/vm-9000-tpl.tf',
    ]);
  });

  it('is deterministic and formatted exactly as terraform fmt formats', async () => {
    expect(generateTerraform(input([...guests].reverse()), DEFAULT_GENERATOR_OPTIONS)).toEqual(files);
    for (const f of files) expect(await format(f.content), f.path).toBe(f.content);
  });

  it('every file passes the schema check', async () => {
    const results = await checkTerraformSchema(files);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results[0]!.ok).toBe(true);
  });

  it('pins the provider and takes credentials only from the environment', () => {
    expect(byPath.get('terraform/versions.tf')).toContain('version = "~> 0.111.0"');
    const provider = byPath.get('terraform/provider.tf')!;
    expect(provider).toContain('PROXMOX_VE_API_TOKEN');
    expect(provider).toMatch(/endpoint = var\.proxmox_endpoint/);
    expect(provider).not.toMatch(/api_token|password\s*=|username\s*=/);
    expect(byPath.get('terraform/variables.tf')).toContain('default     = "https://pve.lab:8006"');
  });

  it("writes a VM's real settings", async () => {
    const json = (await parse('vm.tf', byPath.get('terraform/vm-101-web-01.tf')!)) as { resource: Record<string, Record<string, Array<Record<string, any>>>> };
    const r = json.resource.proxmox_virtual_environment_vm!.vm_101_web_01![0]!;
    expect(r).toMatchObject({ node_name: 'pve1', vm_id: 101, name: 'web-01', tags: ['prod', 'web'], on_boot: true, started: true, pool_id: 'prod', scsi_hardware: 'virtio-scsi-single', boot_order: ['scsi0', 'net0'] });
    expect(r.cpu).toEqual([{ cores: 2, sockets: 1, type: 'host', flags: ['+aes', '-pcid'] }]);
    expect(r.memory).toEqual([{ dedicated: 4096, floating: 1024 }]);
    expect(r.agent).toEqual([{ enabled: true, trim: true, type: 'virtio' }]);
    expect(r.disk).toEqual([
      { datastore_id: 'local-lvm', interface: 'scsi0', size: 32, iothread: true, ssd: true, discard: 'on' },
      { datastore_id: 'nas', interface: 'scsi1', file_format: 'qcow2' },
    ]);
    expect(r.cdrom).toEqual([{ file_id: 'local:iso/debian.iso', interface: 'ide0' }]);
    expect(r.network_device).toEqual([
      { bridge: 'vmbr0', model: 'virtio', mac_address: 'BC:24:11:00:00:01', vlan_id: 30, firewall: true, disconnected: true },
      { bridge: 'vmbr1', model: 'e1000', mac_address: 'BC:24:11:00:00:02' },
    ]);
    expect(r.startup).toEqual([{ order: 3, up_delay: 20, down_delay: 10 }]);
    const init = r.initialization[0];
    expect(init).toMatchObject({ datastore_id: 'local-lvm', interface: 'ide2' });
    expect(init.dns).toEqual([{ domain: 'lab.example', servers: ['1.1.1.1', '9.9.9.9'] }]);
    expect(init.ip_config).toEqual([{ ipv4: [{ address: '10.0.0.5/24', gateway: '10.0.0.1' }], ipv6: [{ address: 'auto' }] }, {}, { ipv4: [{ address: 'dhcp' }] }]);
    expect(init.user_account).toEqual([{ keys: ['ssh-ed25519 AAAA a@b', 'ssh-rsa BBBB c@d'], username: 'admin' }]);
  });

  it('says in comments what it cannot express, and never writes a password', () => {
    const text = byPath.get('terraform/vm-101-web-01.tf')!;
    expect(text).toContain('scsi1 is 3584M, not a whole number of GiB');
    expect(text).toContain('unused0: the detached volume local-lvm:vm-101-disk-9 is not managed here.');
    expect(text).toMatch(/Not managed here \(.*\): usb0\./);
    expect(text).toContain('A cloud-init password is set in PVE. It is not written here');
    expect(text).not.toContain('**********');
    expect(text).not.toContain('meta');
  });

  it("writes a container's real settings and keeps the provider from replacing it after import", async () => {
    const json = (await parse('ct.tf', byPath.get('terraform/ct-200-proxy.tf')!)) as { resource: Record<string, Record<string, Array<Record<string, any>>>> };
    const r = json.resource.proxmox_virtual_environment_container!.ct_200_proxy![0]!;
    expect(r).toMatchObject({ node_name: 'pve2', vm_id: 200, tags: ['infra'], start_on_boot: true, started: false, unprivileged: true });
    expect(r.cpu).toEqual([{ architecture: 'amd64', cores: 2 }]);
    expect(r.memory).toEqual([{ dedicated: 1024, swap: 256 }]);
    expect(r.disk).toEqual([{ datastore_id: 'local-lvm', size: 8 }]);
    expect(r.mount_point).toEqual([{ volume: 'local-lvm:vm-200-disk-1', path: '/data', size: '100G', backup: true }]);
    expect(r.network_interface).toEqual([
      { name: 'eth0', bridge: 'vmbr0', mac_address: 'BC:24:11:00:00:03', firewall: true, vlan_id: 5 },
      { name: 'eth1', bridge: 'vmbr1', mac_address: 'BC:24:11:00:00:04' },
    ]);
    expect(r.initialization).toEqual([{ hostname: 'proxy', dns: [{ servers: ['192.168.1.53'] }], ip_config: [{ ipv4: [{ address: '192.168.1.80/24', gateway: '192.168.1.1' }] }] }]);
    expect(r.features).toEqual([{ keyctl: true, nesting: true }]);
    expect(r.lifecycle).toEqual([{ ignore_changes: ['${operating_system}', '${unprivileged}'] }]);
    expect(byPath.get('terraform/ct-200-proxy.tf')).toContain('(its type is "debian")');
    expect(byPath.get('terraform/ct-200-proxy.tf')).toMatch(/Not managed here .*: lxc_extra\./);
  });

  it('a guest without a fetched config gets a comment and no import, not a guess', () => {
    expect(byPath.get('terraform/ct-201-nocfg.tf')).toMatch(/^# CT 201 "nocfg" on node pve2: its config has not been fetched/);
    expect(byPath.get('terraform/ct-201-nocfg.tf')).not.toContain('resource');
    const imports = byPath.get('terraform/imports.tf')!;
    expect(imports).toContain('# CT 201 "nocfg": no import until its config is in the cache');
    expect(imports).not.toContain('ct_201');
  });

  it('imports every guest by node/vmid', async () => {
    const json = (await parse('imports.tf', byPath.get('terraform/imports.tf')!)) as { import: Array<{ to: string; id: string }> };
    expect(json.import).toEqual([
      { to: '${proxmox_virtual_environment_container.ct_200_proxy}', id: 'pve2/200' },
      { to: '${proxmox_virtual_environment_vm.vm_101_web_01}', id: 'pve1/101' },
      { to: '${proxmox_virtual_environment_vm.vm_102_x}', id: 'pve1/102' },
      { to: '${proxmox_virtual_environment_vm.vm_9000_tpl}', id: 'pve1/9000' },
    ]);
  });

  it('templates are resources with template = true and not started, or left out when asked', () => {
    expect(byPath.get('terraform/vm-9000-tpl.tf')).toMatch(/template\s+= true\n\s+started\s+= false/);
    const without = generateTerraform(input(guests), { ...DEFAULT_GENERATOR_OPTIONS, includeTemplates: false });
    expect(without.map((f) => f.path)).not.toContain('terraform/vm-9000-tpl.tf');
    expect(without.find((f) => f.path === 'terraform/imports.tf')!.content).not.toContain('9000');
  });

  it("API text cannot break out: the evil name and description stay one string or one comment line", async () => {
    const evil = vm(103, EVIL, { name: EVIL, description: EVIL, tags: 'a;${b}' });
    const out = generateTerraform(input([evil]), DEFAULT_GENERATOR_OPTIONS);
    const file = out.find((f) => f.path.startsWith('terraform/vm-103'))!;
    expect(file.path).toBe('terraform/vm-103-evil-name-var-x-if-1-resource-x-y-2j.tf');
    const json = (await parse(file.path, file.content)) as { resource: Record<string, Record<string, unknown[]>> };
    expect(Object.keys(json.resource)).toEqual(['proxmox_virtual_environment_vm']);
    expect(Object.keys(json.resource.proxmox_virtual_environment_vm!)).toEqual(['vm_103_evil_name_var_x_if_1_resource_x_y_2j']);
    for (const line of file.content.split('\n').filter((l) => l.startsWith('#'))) expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(await format(file.content)).toBe(file.content);
  });

  it('resource names never collide, whatever the names', () => {
    const same = [vm(300, 'a', { name: 'a' }), vm(301, 'a', { name: 'a' }), ct(300, 'a', { hostname: 'a' }), vm(302, '日本', { name: '日本' }), vm(303, 'VM 303', { cores: 1 })];
    const out = generateTerraform(input(same), DEFAULT_GENERATOR_OPTIONS).map((f) => f.path);
    expect(new Set(out).size).toBe(out.length);
    expect(out).toContain('terraform/vm-302.tf');
    // PVE's placeholder name of a VM without one does not name the file
    expect(out).toContain('terraform/vm-303.tf');
  });
});
