// `proxmox-mpc plan|apply|destroy` end to end: the built CLI in a workspace whose terraform/
// holds an offline terraform_data + local-exec config, with the real terraform. A missing
// terraform FAILS the test.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWorkspace } from '../src/workspace/project.js';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';
import { spawnTty } from './support/tty.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/iac/terraform-json-ui');
let build: PrivateBuild;
const dirs: string[] = [];

beforeAll(() => {
  const tf = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (tf.error || tf.status !== 0) throw new Error('terraform is needed for this test and was not found on PATH (CI installs it)');
  build = privateBuild('pmc-run-cli-e2e-');
});
afterAll(() => {
  build?.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(fixture: string): string {
  const root = mkdtempSync(join(tmpdir(), 'pmc-ws-'));
  dirs.push(root);
  initWorkspace(root);
  const tf = readFileSync(join(FIXTURES, fixture), 'utf8').replace('sleep 1;', 'sleep 0;').replace('sleep 4', 'sleep 0');
  writeFileSync(join(root, 'terraform', 'main.tf'), tf);
  return root;
}

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = isolatedEnv()): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [build.cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('plan / apply / destroy (built CLI, real terraform, offline)', () => {
  it('plan streams plain lines and saves the run; apply and destroy refuse without a terminal or --yes', async () => {
    const root = workspace('fixture-main.tf');
    const plan = await cli(['plan'], root);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('terraform_data.step1: Plan to create');
    expect(plan.stdout).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    expect(readdirSync(join(root, '.proxmox-mpc', 'logs')).some((f) => f.endsWith('-plan.jsonl'))).toBe(true);

    const refused = await cli(['apply'], join(root, 'terraform'));
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('apply is high risk and needs confirmation: run it in a terminal, or pass --yes');
    expect(existsSync(join(root, 'terraform', 'terraform.tfstate'))).toBe(false);

    const readOnly = await cli(['apply', '--yes', '--read-only'], root);
    expect(readOnly.code).toBe(4);
    expect(readOnly.stderr).toMatch(/apply refused: read-only mode/);
  }, 90_000);

  it('apply --yes applies the plan it showed; -o json passes events; destroy --yes; no changes is a no-op', async () => {
    const root = workspace('fixture-main.tf');
    const applied = await cli(['apply', '--yes'], root);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    expect(applied.stdout).toContain('terraform_data.step1: (local-exec): creating web-01');
    expect(applied.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
    expect(applied.stderr).toContain(`HIGH: terraform apply in ${basename(root)}: 2 to add, 0 to change, 0 to destroy. (confirmed by --yes)`);
    expect(existsSync(join(root, 'terraform', 'terraform.tfstate'))).toBe(true);

    const again = await cli(['apply', '--yes', '-o', 'json'], root);
    expect(again.code).toBe(0);
    const events = again.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; changes?: { add: number } });
    expect(events[0]!.type).toBe('version');
    expect(events.find((e) => e.type === 'change_summary')?.changes).toMatchObject({ add: 0, change: 0, remove: 0 });

    const destroyed = await cli(['destroy', '--yes'], root);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain('Plan: 0 to add, 0 to change, 2 to destroy.');
    expect(destroyed.stdout).toContain('Destruction complete');
    expect(destroyed.stdout).toContain('2 destroyed');
    const logs = readdirSync(join(root, '.proxmox-mpc', 'logs'));
    expect(logs.filter((f) => /Z-(plan|apply|plan-destroy|destroy)\.jsonl$/.test(f)).length).toBeGreaterThanOrEqual(5);
  }, 90_000);

  it('a failing provisioner: exit 1 with the diagnostic at file:line', async () => {
    const root = workspace('fixture-fail-main.tf');
    const r = await cli(['apply', '--yes'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Error: local-exec provisioner error');
    expect(r.stdout).toContain('  on main.tf line 7, in resource "terraform_data" "boom":');
    expect(r.stdout).toContain('exit status 3');
    expect(r.stderr).toMatch(/apply failed.*the log is .*\.proxmox-mpc\/logs\/.*-apply\.jsonl/);
  }, 90_000);

  it('code that requires providers never installed: terraform init runs first; when it fails there is no plan', async () => {
    const root = workspace('fixture-main.tf');
    const main = join(root, 'terraform', 'main.tf');
    // The built-in provider: init installs nothing and succeeds offline, then the plan runs.
    writeFileSync(main, `terraform {\n  required_providers {\n    terraform = { source = "terraform.io/builtin/terraform" }\n  }\n}\n${readFileSync(main, 'utf8')}`);
    const ok = await cli(['plan'], root);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('the providers are not installed yet: terraform init first');
    expect(ok.stdout).toMatch(/Terraform has been successfully initialized|successfully initialized/i);
    expect(ok.stdout).toMatch(/Plan: \d+ to add/);
    // A provider no registry serves (.invalid never resolves): init fails, the plan never runs.
    writeFileSync(join(root, 'terraform', 'versions.tf'), 'terraform {\n  required_providers {\n    nothing = { source = "example.invalid/none/nothing" }\n  }\n}\n');
    writeFileSync(main, readFileSync(main, 'utf8').replace(/^terraform \{[\s\S]*?\n\}\n/, ''));
    const failed = await cli(['plan'], root);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/terraform init failed, so no plan: the log is .*-init\.jsonl/);
    expect(failed.stdout).not.toMatch(/Plan: \d+ to add/);
  }, 90_000);

  it('outside a workspace: exit 2 with what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-nows-'));
    dirs.push(dir);
    const r = await cli(['plan'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plan works inside a workspace and none was found from .* up: run proxmox-mpc init/);
  });

  it('on a terminal: apply asks y/N (n refuses); destroy asks for the workspace name', async () => {
    const root = workspace('fixture-main.tf');
    const env = isolatedEnv();
    const no = spawnTty([build.cliPath, 'apply'], { cwd: root, env });
    await no.waitForText('Proceed? [y/N]', { timeoutMs: 30_000 });
    expect(no.text()).toContain(`HIGH: terraform apply in ${basename(root)}: 2 to add, 0 to change, 0 to destroy.`);
    no.write('n\r');
    expect((await no.exited).exitCode).toBe(4);
    expect(existsSync(join(root, 'terraform', 'terraform.tfstate'))).toBe(false);

    expect((await cli(['apply', '--yes'], root)).code).toBe(0);
    const d = spawnTty([build.cliPath, 'destroy'], { cwd: root, env });
    await d.waitForText(`Type the workspace's name (${basename(root)}) to confirm:`, { timeoutMs: 30_000 });
    expect(d.text()).toContain('CRITICAL: terraform destroy');
    d.write(`${basename(root)}\r`);
    await d.waitForText('2 destroyed', { timeoutMs: 30_000 });
    expect((await d.exited).exitCode).toBe(0);
  }, 120_000);
});
