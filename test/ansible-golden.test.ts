// The Ansible and tests generators on the homelab scenario (test/support/homelabIac.ts): the
// files must equal the golden ones under test/golden/ansible/homelab/ and
// test/golden/tests/homelab/ (UPDATE_GOLDEN=1 rewrites them) and be byte-identical on a second
// run; written as `generate` writes a workspace (generateAll: marked files), they pass the real tools: checkAnsible (ansible-inventory --list,
// ansible-playbook --syntax-check, ansible-lint --offline --strict), the check playbook run for
// real, terraform fmt -check and the offline terraform validate (which reads terraform/tests/).
// Without ansible or terraform these tests fail (CI installs them).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAnsible } from '../src/generators/ansible/index.js';
import { generateAll } from '../src/generators/index.js';
import { generateTerraform } from '../src/generators/terraform/index.js';
import { generateTests, INVENTORY_CHECK_PATH, TFTEST_PATH } from '../src/generators/tests/index.js';
import { DEFAULT_GENERATOR_OPTIONS, type GeneratedFile } from '../src/generators/types.js';
import { checkAnsible } from '../src/workspace/checks/ansible.js';
import { checkTerraform } from '../src/workspace/checks/terraform.js';
import { useHomelabIac } from './support/homelabIac.js';

const GOLDEN = { ansible: resolve(import.meta.dirname, 'golden/ansible/homelab'), tests: resolve(import.meta.dirname, 'golden/tests/homelab') };
const TOOLS = 180_000;
const homelab = useHomelabIac('pmc-ansible-golden-');

/** The golden file of a generated one: ansible/x.yml -> golden/ansible/homelab/x.yml; the tests' files by their base name. */
function goldenPath(f: GeneratedFile): string {
  return f.path.startsWith('ansible/') ? join(GOLDEN.ansible, f.path.slice('ansible/'.length)) : join(GOLDEN.tests, f.path.split('/').pop()!);
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function writeWorkspace(files: readonly GeneratedFile[]): string {
  const root = mkdtempSync(join(tmpdir(), 'pmc-ansible-ws-'));
  temps.push(root);
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  return root;
}

function runCheckPlaybook(root: string): { status: number | null; out: string } {
  const r = spawnSync('ansible-playbook', ['-i', 'ansible/inventory.yml', INVENTORY_CHECK_PATH], { cwd: root, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  if (r.error) throw new Error(`ansible-playbook could not be run (CI installs ansible): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('ansible and tests generators on the homelab scenario', () => {
  let ansible: GeneratedFile[];
  let tests: GeneratedFile[];
  let terraform: GeneratedFile[];
  let root: string;

  beforeAll(async () => {
    const input = await homelab.load();
    ansible = generateAnsible(input, DEFAULT_GENERATOR_OPTIONS);
    tests = generateTests(input, DEFAULT_GENERATOR_OPTIONS);
    terraform = generateTerraform(input, DEFAULT_GENERATOR_OPTIONS);
    if (process.env.UPDATE_GOLDEN === '1') {
      for (const dir of Object.values(GOLDEN)) {
        mkdirSync(dir, { recursive: true });
        for (const old of readdirSync(dir)) unlinkSync(join(dir, old));
      }
      for (const f of [...ansible, ...tests]) writeFileSync(goldenPath(f), f.content);
    }
    // The workspace as `generate` writes it: every generator's files, each with the marker line.
    root = writeWorkspace(generateAll(input, DEFAULT_GENERATOR_OPTIONS));
  });

  it('equals the golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
    expect(ansible.map((f) => f.path.slice('ansible/'.length))).toEqual(readdirSync(GOLDEN.ansible).sort());
    expect(tests.map((f) => f.path.split('/').pop())).toEqual(readdirSync(GOLDEN.tests).sort());
    for (const f of [...ansible, ...tests]) expect(f.content, f.path).toBe(readFileSync(goldenPath(f), 'utf8'));
  });

  it('is byte-identical when generated again from a fresh read of the cache', async () => {
    const input = await homelab.load();
    expect(generateAnsible(input, DEFAULT_GENERATOR_OPTIONS)).toEqual(ansible);
    expect(generateTests(input, DEFAULT_GENERATOR_OPTIONS)).toEqual(tests);
  });

  it("puts every guest in the inventory with the scenario's facts", () => {
    const inv = parse(ansible.find((f) => f.path === 'ansible/inventory.yml')!.content, { version: '1.1' }) as {
      all: { children: Record<string, { hosts?: Record<string, Record<string, unknown> | null>; children?: Record<string, { hosts?: Record<string, Record<string, unknown>> }> }> };
    };
    const c = inv.all.children;
    const vars = { ...c.guests!.children!.vms!.hosts, ...c.guests!.children!.containers!.hosts, ...(c.templates!.hosts as Record<string, Record<string, unknown>>) };
    expect(Object.keys(vars)).toHaveLength(homelab.sim.summary.qemu + homelab.sim.summary.lxc);
    expect(Object.keys(c.templates!.hosts!).sort()).toEqual(['debian-12-base', 'debian-12-cloud', 'ubuntu-24.04-cloud']);
    expect(vars.pihole).toEqual({ ansible_host: '192.168.1.53', proxmox_vmid: 200, proxmox_node: 'pve1', proxmox_type: 'lxc', proxmox_name: 'pihole' });
    expect(vars['k8s-node-2']).toMatchObject({ ansible_host: '192.168.1.42', proxmox_vmid: 105, proxmox_node: 'pve2', proxmox_type: 'qemu' });
    expect(vars['web-01']!.ansible_host).toBeUndefined();
    // 116 and 211 have no name in PVE (the listing's `VM 116` and `CT211` are placeholders).
    expect(vars['vm-116']).toEqual({ proxmox_vmid: 116, proxmox_node: 'pve2', proxmox_type: 'qemu' });
    expect(vars['ct-211']).toEqual({ proxmox_vmid: 211, proxmox_node: 'pve1', proxmox_type: 'lxc' });
    expect(Object.keys(c.stopped!.hosts!).map((h) => vars[h]!.proxmox_vmid).sort()).toEqual([109, 114, 116, 207, 210, 211]);
    // 113 is paused: /cluster/resources says running (qmpstatus says paused), and so does the cache.
    expect(Object.keys(c.running!.hosts!)).toContain('dev-box');
    expect(Object.keys(c.node_pve3!.hosts!)).toContain('nextcloud');
    expect(Object.keys(c.pool_prod!.hosts!)).toContain('db-01');
    expect(Object.keys(c.tag_k8s!.hosts!)).toEqual(['k8s-node-1', 'k8s-node-2', 'k8s-node-3', 'k8s-control']);
    expect(Object.keys(c.reachable!.hosts!)).toEqual(['k8s-node-1', 'k8s-node-2', 'k8s-node-3', 'pihole', 'nginx-proxy', 'wireguard', 'vaultwarden', 'pihole-2']);
  });

  it(
    'the generated workspace passes ansible-inventory --list, syntax-check of every playbook and ansible-lint --offline --strict',
    async () => {
      const results = await checkAnsible(root);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.map((r) => `${r.check} ${r.file ?? ''}`.trim())).toEqual([
        'inventory ansible/inventory.yml',
        'syntax-check ansible/baseline.yml',
        'syntax-check ansible/site.yml',
        'syntax-check ansible/snapshot.yml',
        'syntax-check ansible/start.yml',
        'syntax-check ansible/stop.yml',
        `syntax-check ${INVENTORY_CHECK_PATH}`,
        'lint',
      ]);
      expect(results[0]!.message).toBe(`${homelab.sim.summary.qemu + homelab.sim.summary.lxc} hosts`);
    },
    TOOLS,
  );

  it(
    'with the community.proxmox namespace, which Debian 12 does not ship, the checks say what to do, with file:line',
    async () => {
      const input = await homelab.load();
      const ws = writeWorkspace(generateAnsible(input, { ...DEFAULT_GENERATOR_OPTIONS, ansibleNamespace: 'community.proxmox' }));
      const failed = (await checkAnsible(ws)).filter((r) => !r.ok);
      expect(failed.map((r) => [r.check, r.file, r.line])).toEqual([
        // The line of the first task that uses the module.
        ['syntax-check', 'ansible/snapshot.yml', 40],
        ['syntax-check', 'ansible/start.yml', 34],
        ['syntax-check', 'ansible/stop.yml', 34],
      ]);
      for (const r of failed) expect(r.message).toMatch(/couldn't resolve module\/action 'community\.proxmox\.proxmox(_kvm|_snap)?'.*ansible-galaxy collection install community\.proxmox/);
    },
    TOOLS,
  );

  it(
    'the check playbook passes on the generated inventory and fails, naming the host, once the inventory is edited',
    () => {
      const ok = runCheckPlaybook(root);
      expect(ok.status, ok.out).toBe(0);
      expect(ok.out).toMatch(/localhost\s+: ok=3 .*failed=0/);

      const edited = writeWorkspace([...ansible, ...tests]);
      const inventory = join(edited, 'ansible/inventory.yml');
      const text = readFileSync(inventory, 'utf8');
      expect(text).toContain('proxmox_vmid: 200\n');
      writeFileSync(inventory, text.replace('proxmox_vmid: 200\n', 'proxmox_vmid: 299\n'));
      const bad = runCheckPlaybook(edited);
      expect(bad.status).toBe(2);
      expect(bad.out).toContain('pihole: expected');
    },
    TOOLS,
  );

  it('the .tftest.hcl asserts on resources the Terraform generator writes, every one of them', () => {
    const tftest = tests.find((f) => f.path === TFTEST_PATH)!.content;
    const referenced = new Set([...tftest.matchAll(/condition\s+= (proxmox_virtual_environment_(?:vm|container)\.[a-z0-9_]+)\./g)].map((m) => m[1]!));
    const declared = new Set(terraform.flatMap((f) => [...f.content.matchAll(/^resource "(proxmox_virtual_environment_(?:vm|container))" "([a-z0-9_]+)"/gm)].map((m) => `${m[1]}.${m[2]}`)));
    expect(declared.size).toBe(homelab.sim.summary.qemu + homelab.sim.summary.lxc);
    expect([...referenced].sort()).toEqual([...declared].sort());
    expect(tftest).toContain('proxmox_virtual_environment_container.ct_200_pihole.initialization[0].hostname == "pihole"');
    expect(tftest).toContain('proxmox_virtual_environment_vm.vm_102_db_01.name == "db-01"');
  });

  it(
    'the .tftest.hcl passes terraform fmt -check and the offline terraform validate with the configuration; a broken copy is caught with its line',
    async () => {
      const results = await checkTerraform(join(root, 'terraform'));
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.map((r) => r.check)).toEqual(['fmt', 'validate']);

      const broken = writeWorkspace([...terraform, ...tests]);
      const file = join(broken, TFTEST_PATH);
      writeFileSync(file, readFileSync(file, 'utf8').replace('  command = plan\n', '  command = plan\n  bogus   = 1\n'));
      const found = await checkTerraform(join(broken, 'terraform'));
      expect(found.filter((r) => !r.ok)).toEqual([
        expect.objectContaining({ check: 'validate', severity: 'error', message: expect.stringContaining('Unsupported argument'), file: 'tests/guests.tftest.hcl', line: 9 }),
      ]);
    },
    TOOLS,
  );
});
