import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { format } from '@cdktn/hcl-tools';
import { parse as parseHcl } from '@cdktn/hcl2json';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { GuestRow } from '../../db/model.js';
import { generateAnsible } from '../ansible/index.js';
import { DEFAULT_GENERATOR_OPTIONS, type GeneratedFile, type IacInput } from '../types.js';
import { generateTests, INVENTORY_CHECK_PATH, TFTEST_PATH } from './index.js';

const guest = (g: Partial<GuestRow> & Pick<GuestRow, 'type' | 'vmid' | 'node' | 'name'>): GuestRow => ({ status: 'running', template: false, tags: [], ...g });

const GUESTS: GuestRow[] = [
  guest({ type: 'qemu', vmid: 100, node: 'pve1', name: 'web-01', tags: ['web'], config: { name: 'web-01', net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0', ipconfig0: 'ip=192.168.1.41/24' } }),
  guest({ type: 'qemu', vmid: 101, node: 'pve2', name: 'odd', config: { name: 'x${var.secret}"%{if}' } }),
  guest({ type: 'lxc', vmid: 200, node: 'pve1', name: 'pihole', config: { hostname: 'pihole', net0: 'name=eth0,bridge=vmbr0,ip=192.168.1.53/24' } }),
  guest({ type: 'lxc', vmid: 201, node: 'pve3', name: 'nocfg' }),
  guest({ type: 'qemu', vmid: 9000, node: 'pve1', name: 'tpl', template: true, status: 'stopped', config: { name: 'tpl' } }),
];
const input: IacInput = { profile: 'home', nodes: [], guests: GUESTS, storage: [], pools: [] };

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function writeAll(files: readonly GeneratedFile[]): string {
  const root = mkdtempSync(join(tmpdir(), 'pmc-gen-tests-'));
  temps.push(root);
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  return root;
}

function tool(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.error) throw new Error(`${command} could not be run (CI installs it): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

interface RunBlock {
  command: string;
  assert: Array<{ condition: string; error_message: string }>;
}

async function runBlock(text: string): Promise<RunBlock> {
  const json = (await parseHcl('guests.tftest.hcl', text)) as { run: Record<string, RunBlock[]> };
  return json.run.generated_values![0]!;
}

describe('generateTests', () => {
  const files = generateTests(input, DEFAULT_GENERATOR_OPTIONS);
  const tftest = files.find((f) => f.path === TFTEST_PATH)!.content;

  it('writes the terraform test file where terraform test finds it, and the inventory check playbook, sorted by path', () => {
    expect(files.map((f) => f.path)).toEqual(['terraform/tests/guests.tftest.hcl', 'tests/inventory_check.yml']);
    expect(generateTests({ ...input, guests: [...GUESTS].reverse() }, DEFAULT_GENERATOR_OPTIONS)).toEqual(files);
  });

  it('asserts vm_id, node_name and the name of each resource generated, in one plan-mode run', async () => {
    const run = await runBlock(tftest);
    expect(run.command).toBe('${plan}');
    const conditions = run.assert.map((a) => a.condition);
    expect(conditions).toContain('${proxmox_virtual_environment_vm.vm_100_web_01.vm_id == 100}');
    expect(conditions).toContain('${proxmox_virtual_environment_vm.vm_100_web_01.node_name == "pve1"}');
    expect(conditions).toContain('${proxmox_virtual_environment_vm.vm_100_web_01.name == "web-01"}');
    expect(conditions).toContain('${proxmox_virtual_environment_container.ct_200_pihole.initialization[0].hostname == "pihole"}');
    // The template too (templates are included by default); nothing for a guest without a config.
    expect(conditions.some((c) => c.includes('vm_9000_tpl.vm_id == 9000'))).toBe(true);
    expect(conditions.some((c) => c.includes('ct_201'))).toBe(false);
    expect(run.assert).toHaveLength(4 * 3);
  });

  it('escapes names so that they stay string literals (no interpolation, no early end)', () => {
    expect(tftest).toContain('proxmox_virtual_environment_vm.vm_101_x_var_secret_if.name == "x$${var.secret}\\"%%{if}"');
  });

  it('leaves templates out when the options do', async () => {
    const run = await runBlock(generateTests(input, { ...DEFAULT_GENERATOR_OPTIONS, includeTemplates: false })[0]!.content);
    expect(run.assert.some((a) => a.condition.includes('9000'))).toBe(false);
  });

  it('is formatted as terraform fmt formats it (hcl-tools and the real terraform fmt -check)', async () => {
    expect(await format(tftest)).toBe(tftest);
    const root = writeAll(files);
    const r = tool('terraform', ['fmt', '-check', '-diff', join(root, 'terraform/tests')], root, { TF_CLI_CONFIG_FILE: '/dev/null' });
    expect(r.status, r.out).toBe(0);
  });

  it('the check playbook expects every inventory host with its vars and every group', () => {
    const play = (parseYaml(files[1]!.content, { version: '1.1' }) as Array<{ hosts: string; vars: { expected_hosts: Record<string, unknown>; expected_groups: Record<string, string[]> } }>)[0]!;
    expect(play.hosts).toBe('localhost');
    expect(play.vars.expected_hosts['web-01']).toEqual({ proxmox_vmid: 100, proxmox_node: 'pve1', proxmox_type: 'qemu', ansible_host: '192.168.1.41' });
    expect(play.vars.expected_hosts.nocfg).toEqual({ proxmox_vmid: 201, proxmox_node: 'pve3', proxmox_type: 'lxc', ansible_host: '' });
    expect(Object.keys(play.vars.expected_hosts)).toEqual(['web-01', 'vm-101', 'pihole', 'nocfg', 'tpl']);
    expect(play.vars.expected_groups.templates).toEqual(['tpl']);
    expect(play.vars.expected_groups.node_pve1).toEqual(['web-01', 'pihole']);
  });

  it(
    'the check playbook passes the real ansible-playbook --syntax-check and run against the generated inventory',
    () => {
      const root = writeAll([...generateAnsible(input, DEFAULT_GENERATOR_OPTIONS), ...files]);
      const syntax = tool('ansible-playbook', ['-i', 'ansible/inventory.yml', '--syntax-check', INVENTORY_CHECK_PATH], root);
      expect(syntax.status, syntax.out).toBe(0);
      const run = tool('ansible-playbook', ['-i', 'ansible/inventory.yml', INVENTORY_CHECK_PATH], root, { ANSIBLE_NOCOLOR: '1' });
      expect(run.status, run.out).toBe(0);
    },
    60_000,
  );
});
