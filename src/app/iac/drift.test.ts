import { describe, expect, it } from 'vitest';
import { compareBodies, computeDrift } from './drift.js';

const vm = (name: string, body: string) => `resource "proxmox_virtual_environment_vm" "${name}" {\n${body}\n}\n`;

describe('drift', () => {
  it('compares only what the generator writes; expressions are skipped; an extra or missing block shows', () => {
    const live = { node_name: 'pve1', vm_id: 100, memory: [{ dedicated: 4096 }], disk: [{ size: 32 }], tags: ['a', 'b'] };
    expect(compareBodies(live, { ...live, lifecycle: [{ ignore_changes: ['x'] }] })).toEqual([]);
    expect(compareBodies(live, { ...live, node_name: '${var.node}' })).toEqual([]);
    expect(compareBodies(live, { ...live, tags: ['b', 'a'] })).toEqual([{ name: 'tags', code: ['b', 'a'], live: ['a', 'b'] }]);
    expect(compareBodies(live, { ...live, memory: [{ dedicated: 2048 }] })).toEqual([{ name: 'memory.dedicated', code: 2048, live: 4096 }]);
    expect(compareBodies(live, { ...live, disk: [{ size: 32 }, { size: 8 }] })).toEqual([{ name: 'disk[1].size', code: 8, live: null }]);
    expect(compareBodies(live, { node_name: 'pve2', vm_id: 100, memory: [{ dedicated: 4096 }], disk: [{ size: 32 }], tags: ['a', 'b'] })).toEqual([
      { name: 'node_name', code: 'pve2', live: 'pve1' },
    ]);
  });

  it('a MAC address the code leaves out is for the provider to fill; a clone takes from its template what its code leaves out', () => {
    const live = { name: 'app-01', description: 'from the template', tags: ['tpl'], network_device: [{ bridge: 'vmbr0', mac_address: 'BC:24:11:00:00:01' }], memory: [{ dedicated: 2048 }] };
    const code = { name: 'app-01', description: 'from the template', tags: ['tpl'], network_device: [{ bridge: 'vmbr0' }], memory: [{ dedicated: 2048 }] };
    expect(compareBodies(live, code)).toEqual([]);
    // Not a clone: an attribute the code leaves out is still drift (the provider would clear it).
    expect(compareBodies(live, { ...code, description: undefined })).toEqual([{ name: 'description', code: null, live: 'from the template' }]);
    // A clone: only what the code sets is compared, and a value it sets still drifts.
    const clone = { name: 'app-01', clone: [{ vm_id: 9000 }], network_device: [{ bridge: 'vmbr0' }], memory: [{ dedicated: 4096 }] };
    expect(compareBodies(live, clone)).toEqual([{ name: 'memory.dedicated', code: 4096, live: 2048 }]);
  });

  it('matches by type and vm_id across files and names; reports the line of the resource', async () => {
    const generated = [
      { path: 'terraform/vm-100-a.tf', content: vm('vm_100_a', '  node_name = "pve1"\n  vm_id = 100') },
      { path: 'terraform/vm-101-b.tf', content: vm('vm_101_b', '  node_name = "pve1"\n  vm_id = 101') },
    ];
    const code = [
      { path: 'terraform/all.tf', content: `# mine\n\n${vm('renamed', '  node_name = "pve2"\n  vm_id = 100')}${vm('x', '  vm_id = 7')}` },
      { path: 'terraform/broken.tf', content: 'resource "a" {' },
      { path: 'terraform/sub/ignored.tf', content: vm('y', '  vm_id = 8') },
    ];
    const r = await computeDrift(generated, code);
    expect(r.drift).toBe(true);
    expect(r.changed).toEqual([{ address: 'proxmox_virtual_environment_vm.renamed', file: 'terraform/all.tf', line: 3, vmid: 100, node: 'pve1', attributes: [{ name: 'node_name', code: 'pve2', live: 'pve1' }] }]);
    expect(r.notInCode.map((g) => g.vmid)).toEqual([101]);
    expect(r.noGuest).toEqual([{ address: 'proxmox_virtual_environment_vm.x', file: 'terraform/all.tf', line: 7, vmid: 7 }]);
    expect(r.unreadable.map((u) => u.file)).toEqual(['terraform/broken.tf']);
    const same = await computeDrift(generated, generated);
    expect(same).toMatchObject({ drift: false, matching: 2 });
  });
});
