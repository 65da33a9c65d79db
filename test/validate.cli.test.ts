// `proxmox-mpc validate` end to end: the built CLI (a private copy) in workspaces laid out from
// the golden homelab files and the fixtures, and in one generated from the simulator, with the
// real terraform, ansible and ansible-lint. A missing tool FAILS these tests (CI installs them).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/workspace/checks/types.js';
import { initWorkspace } from '../src/workspace/project.js';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';

const TEST_MS = 180_000;
const GOLDEN = resolve(import.meta.dirname, 'golden');
const FIXTURES = resolve(import.meta.dirname, 'fixtures/iac');

const cli = useSimulatorCli('pmc-validate-cli-');
const dirs: string[] = [];

beforeAll(() => {
  for (const tool of ['terraform', 'ansible-playbook', 'ansible-lint']) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`${tool} is needed for this test and was not found on PATH (CI installs it)`);
  }
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = isolatedEnv()): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cli.cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** A workspace whose terraform/, ansible/ and tests/ are copied from the given directories. */
function workspace(parts: { terraform?: string; ansible?: string; tests?: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'pmc-validate-ws-'));
  dirs.push(root);
  initWorkspace(root);
  for (const [name, from] of Object.entries(parts)) if (from !== undefined) cpSync(from, join(root, name), { recursive: true });
  return root;
}

const goldenWorkspace = (): string =>
  workspace({ terraform: join(GOLDEN, 'terraform/homelab'), ansible: join(GOLDEN, 'ansible/homelab'), tests: join(GOLDEN, 'tests/homelab') });

interface Report {
  workspace: string;
  ok: boolean;
  passed: number;
  failed: number;
  warnings: number;
  results: CheckResult[];
  durationMs: number;
  toolDurationsMs: Record<string, number>;
}

describe('validate (built CLI, real tools)', () => {
  it(
    'the golden homelab workspace passes every check: a checklist grouped by tool, ASCII without a terminal, exit 0 (found from a sub-directory)',
    async () => {
      const root = goldenWorkspace();
      const r = await runIn(join(root, 'terraform'), ['validate']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.slice(0, 5)).toEqual([
        'Terraform',
        '  PASS fmt       every file is formatted',
        '  PASS validate  the configuration is valid (offline, against the bpg/proxmox schema)',
        'Schema check (TypeScript)',
        expect.stringMatching(/^ {2}PASS bpg\/proxmox schema {2}\d+ files, 38 resources match/),
      ]);
      expect(lines).toContain('Ansible');
      expect(lines).toContain('  PASS syntax-check  tests/inventory_check.yml  syntax ok');
      expect(lines).toContain('ansible-lint');
      expect(lines.filter((l) => /^ {2}(FAIL|WARN)/.test(l))).toEqual([]);
      expect(lines.at(-1)).toMatch(/^PASS valid: 0 failed, \d+ passed in [\d.]+ s \(.*terraform [\d.]+ s.*\)$/);
      // Nothing left behind in the workspace (no .terraform/, no lock file).
      expect(readdirSync(join(root, 'terraform')).filter((f) => f.startsWith('.'))).toEqual([]);
      expect(readdirSync(join(root, 'terraform')).sort()).toEqual(readdirSync(join(GOLDEN, 'terraform/homelab')).sort());
    },
    TEST_MS,
  );

  it(
    "a broken configuration: each of terraform validate's 8 errors at terraform/main.tf:line:column, the schema check's too; exit 1; -o json says the same",
    async () => {
      const root = workspace({ terraform: join(FIXTURES, 'terraform/broken'), ansible: join(FIXTURES, 'ansible/valid/ansible') });
      const r = await runIn(root, ['validate']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('');
      const failures = r.stdout.split('\n').filter((l) => l.startsWith('  FAIL validate'));
      expect(failures).toHaveLength(8);
      expect(failures).toContain('  FAIL validate  terraform/main.tf:3:3  Unsupported argument: An argument named "cores" is not expected here.');
      expect(failures).toContain('  FAIL validate  terraform/main.tf:8:7  Too many cpu blocks: No more than 1 "cpu" blocks are allowed');
      expect(r.stdout).toContain('  FAIL fmt       terraform/main.tf  not formatted as terraform fmt would');
      expect(r.stdout).toMatch(/\n {2}FAIL bpg\/proxmox schema {2}terraform\/main\.tf:\d+ {2}/);
      expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^FAIL not valid: \d+ failed, \d+ passed in /);

      const json = await runIn(root, ['validate', '-o', 'json']);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as Report;
      expect(report).toMatchObject({ workspace: root, ok: false });
      const validate = report.results.filter((x) => x.tool === 'terraform' && x.check === 'validate');
      expect(validate.map((x) => `${x.file}:${x.line}:${x.column}`)).toEqual([
        'terraform/main.tf:1:49',
        'terraform/main.tf:3:3',
        'terraform/main.tf:4:12',
        'terraform/main.tf:8:7',
        'terraform/main.tf:11:3',
        'terraform/main.tf:12:8',
        'terraform/main.tf:15:3',
        'terraform/main.tf:19:5',
      ]);
      expect(report.failed).toBe(report.results.filter((x) => !x.ok && x.severity === 'error').length);
      expect(report.results.filter((x) => x.tool === 'ansible').every((x) => x.ok)).toBe(true);
      expect(Object.keys(report.toolDurationsMs).sort()).toEqual(['ansible', 'schema', 'terraform']);
    },
    TEST_MS,
  );

  it(
    'terraform missing: one line saying what to install, exit 1; the other checks still run',
    async () => {
      // The golden terraform/ with a small Ansible tree: ansible-lint on the whole golden one
      // takes half a minute and is covered above.
      const root = workspace({ terraform: join(GOLDEN, 'terraform/homelab'), ansible: join(FIXTURES, 'ansible/valid/ansible') });
      const r = await runIn(root, ['validate', '-o', 'json'], isolatedEnv({ PMC_TERRAFORM: '/nonexistent/terraform' }));
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.results.filter((x) => x.tool === 'terraform')).toEqual([
        expect.objectContaining({ check: 'installed', ok: false, severity: 'error', message: expect.stringMatching(/^\/nonexistent\/terraform not found: install Terraform >= 1\.5 \(https:\/\/developer\.hashicorp\.com\/terraform\/install\)/) }),
      ]);
      expect(report.results.filter((x) => x.tool === 'schema').every((x) => x.ok)).toBe(true);
      expect(report.failed).toBe(1);
    },
    TEST_MS,
  );

  it('outside a workspace: exit 2 and how to make one; --dir points at one', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pmc-validate-none-'));
    dirs.push(outside);
    const r = await runIn(outside, ['validate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`proxmox-mpc: validate works inside a workspace and none was found from ${outside} up: run proxmox-mpc init first (or cd into one)\n`);

    const root = workspace({});
    mkdirSync(join(root, 'ansible'), { recursive: true });
    const pointed = await runIn(outside, ['validate', '--dir', root, '-o', 'json']);
    const report = JSON.parse(pointed.stdout) as Report;
    expect(report.workspace).toBe(root);
    // An empty workspace: nothing to check in terraform/ (a warning), no inventory yet (an error).
    expect(report.results.filter((x) => x.tool === 'terraform')).toEqual([expect.objectContaining({ check: 'files', severity: 'warning', message: 'no .tf file in terraform: nothing to check (run proxmox-mpc generate)' })]);
    expect(pointed.code).toBe(report.ok ? 0 : 1);
  }, TEST_MS);

  it(
    'a workspace generated from the simulator passes every check: terraform fmt, the offline terraform validate, the schema check, the Ansible checks',
    async () => {
      const env = await cli.syncedEnv();
      const parent = mkdtempSync(join(tmpdir(), 'pmc-validate-gen-'));
      dirs.push(parent);
      const init = await runIn(parent, ['init', 'ws'], env);
      expect(init.code, init.stderr).toBe(0);
      const root = join(parent, 'ws');
      const gen = await runIn(root, ['generate', '--refresh'], env);
      expect(gen.code, gen.stderr).toBe(0);
      const r = await runIn(root, ['validate', '-o', 'json'], env);
      const report = JSON.parse(r.stdout) as Report;
      const tf = report.results.filter((x) => x.tool === 'terraform' || x.tool === 'schema');
      expect(tf.filter((x) => !x.ok)).toEqual([]);
      expect(tf.map((x) => `${x.tool} ${x.check}`)).toEqual(['terraform fmt', 'terraform validate', 'schema bpg/proxmox schema']);
      // And the generated Ansible: inventory, every playbook's syntax, ansible-lint.
      expect(report.results.filter((x) => !x.ok)).toEqual([]);
      expect(new Set(report.results.map((x) => x.tool))).toEqual(new Set(['terraform', 'schema', 'ansible', 'ansible-lint']));
      expect(report.results.filter((x) => x.check === 'syntax-check').map((x) => x.file)).toContain('ansible/site.yml');
      expect(r.code).toBe(0);
    },
    TEST_MS,
  );
});
