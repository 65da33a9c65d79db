import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTerraformSchema } from './schemaCheck.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/iac/schema-check');
const fixture = (name: string) => ({ path: name, content: readFileSync(join(FIXTURES, name), 'utf8') });

const errors = (results: Awaited<ReturnType<typeof checkTerraformSchema>>) =>
  results
    .filter((r) => !r.ok && r.severity === 'error')
    .map((r) => `${r.line}: ${r.message}`)
    .sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));

describe('checkTerraformSchema', () => {
  it("finds the 8 errors terraform validate finds in the broken fixture, on terraform's lines", async () => {
    const results = await checkTerraformSchema([fixture('broken-main.tf')]);
    expect(errors(results)).toEqual([
      '1: proxmox_virtual_environment_vm.bad: the argument "node_name" is required, but no definition was found',
      '3: proxmox_virtual_environment_vm.bad: an argument named "cores" is not expected here',
      '4: proxmox_virtual_environment_vm.bad: inappropriate value for "vm_id": number required, got "abc"',
      '8: proxmox_virtual_environment_vm.bad: too many cpu blocks: no more than 1 allowed, found 2',
      '11: proxmox_virtual_environment_vm.bad: an argument named "memory" is not expected here; did you mean to define a block of type "memory"?',
      '12: proxmox_virtual_environment_vm.bad.disk[0]: the argument "interface" is required, but no definition was found',
      '15: proxmox_virtual_environment_vm.bad: blocks of type "nonsense_block" are not expected here',
      '19: proxmox_virtual_environment_vm.bad.network_device[0]: an argument named "colour" is not expected here',
    ]);
    expect(results.every((r) => r.file === 'broken-main.tf' && r.tool === 'schema')).toBe(true);
    expect(results.some((r) => r.ok)).toBe(false);
  });

  it("applies the provider's value validators to literals, and skips expressions", async () => {
    const results = await checkTerraformSchema([fixture('invalid-values.tf')]);
    expect(errors(results)).toEqual([
      '3: proxmox_virtual_environment_vm.values: invalid value for "vm_id": expected an integer between 100 and 2147483647, got 42',
      expect.stringMatching(/^4: proxmox_virtual_environment_vm\.values: invalid value for "name": expected matching .*; got "not_a_hostname"$/),
      '5: proxmox_virtual_environment_vm.values: invalid value for "bios": expected one of "ovmf", "seabios"; got "uefi"',
      '7: proxmox_virtual_environment_vm.values: inappropriate value for "on_boot": bool required, got "maybe"',
      '10: proxmox_virtual_environment_vm.values.cpu: invalid value for "cores": expected an integer between 1 and 2304, got 0',
      '20: proxmox_virtual_environment_vm.values.network_device[0]: invalid value for "model": expected one of "e1000", "e1000e", "rtl8139", "virtio", "vmxnet3"; got "ne2k"',
      expect.stringMatching(/^21: proxmox_virtual_environment_vm\.values\.network_device\[0\]: invalid value for "mac_address": expected matching .*; got "not-a-mac"$/),
      '31: proxmox_virtual_environment_vm.values.disk[0]: invalid value for "file_format": expected one of "qcow2", "raw", "vmdk"; got "qcow3"',
      '34: proxmox_virtual_environment_vm.values: "ipv4_addresses" is read-only (computed by the provider) and cannot be set',
    ]);
  });

  it('reads a directory, and reports HCL that does not parse with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-schema-'));
    writeFileSync(join(dir, 'ok.tf'), 'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = "pve1"\n}\n');
    writeFileSync(join(dir, 'bad.tf'), 'resource "proxmox_virtual_environment_vm" "b" {\n  node_name = \n}\n');
    writeFileSync(join(dir, 'notes.txt'), 'not terraform');
    const results = await checkTerraformSchema(dir);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: false, severity: 'error', file: 'bad.tf', line: 2 });
    expect(results[0]!.message).toMatch(/^not valid HCL: /);
  });

  it('a clean set says so in one passing result', async () => {
    const results = await checkTerraformSchema([{ path: 'a.tf', content: 'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = "pve1"\n  network_device = [{ bridge = "vmbr0" }]\n}\n' }, { path: 'README.md', content: '#' }]);
    expect(results).toEqual([{ tool: 'schema', check: 'bpg/proxmox schema', ok: true, severity: 'info', message: '1 files, 1 resources match the bpg/proxmox 0.111 schema' }]);
  });

  it('checks the provider block too, and warns about deprecated arguments', async () => {
    const results = await checkTerraformSchema([{ path: 'p.tf', content: 'provider "proxmox" {\n  endpoint = var.e\n  api_tokn = "x"\n  otp      = "1"\n}\n' }]);
    expect(results.map((r) => [r.severity, r.line, r.message])).toEqual(
      expect.arrayContaining([
        ['error', 3, 'provider.proxmox: an argument named "api_tokn" is not expected here'],
        ['warning', 4, expect.stringMatching(/^provider\.proxmox: "otp" is deprecated/)],
      ]),
    );
  });
});
