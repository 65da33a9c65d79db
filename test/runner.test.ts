// The runners against the real tools, offline: terraform with the built-in terraform_data
// resource and local-exec provisioners (plan -out, apply of the saved plan, destroy, a failing
// provisioner, SIGINT mid-apply), and ansible-playbook on localhost. A missing tool FAILS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRecapLine, runAnsiblePlaybook } from '../src/workspace/runners/ansible.js';
import { runProcess } from '../src/workspace/runners/process.js';
import { RingBuffer } from '../src/workspace/runners/ringBuffer.js';
import { clearSecrets, registerSecret } from '../src/util/redact.js';
import type { ResourceState } from '../src/workspace/runners/runState.js';
import { runTerraform, terraformArgs, terraformEnv } from '../src/workspace/runners/terraform.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/iac/terraform-json-ui');

function requireTool(name: string): void {
  const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${name} is needed for this test and was not found on PATH (CI installs it)`);
}

const dirs: string[] = [];
function tfDir(mainTf: string, edit: (s: string) => string = (s) => s): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-runner-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'main.tf'), edit(readFileSync(join(FIXTURES, mainTf), 'utf8')));
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Faster than the captured fixture (which sleeps 12 s to show apply_progress).
const quick = (s: string) => s.replace('sleep 1;', 'sleep 0;').replace('sleep 4', 'sleep 0');

describe('terraform runner (real terraform, offline)', () => {
  beforeAll(() => requireTool('terraform'));

  it('plan -out, apply of the saved plan, then destroy: events, states, logs', async () => {
    const dir = tfDir('fixture-main.tf', quick);
    const logsDir = join(dir, '.proxmox-mpc', 'logs');
    const planFile = join(dir, 'run.tfplan');

    const plan = await runTerraform({ dir, step: 'plan', planFile, logsDir }).done;
    expect(plan.code).toBe(0);
    expect(plan.state.rows.map((r) => [r.addr, r.state, r.action])).toEqual([
      ['terraform_data.step1', 'planned', 'create'],
      ['terraform_data.step2', 'planned', 'create'],
    ]);
    expect(plan.state.planSummary).toMatchObject({ add: 2, change: 0, remove: 0 });
    expect(existsSync(planFile)).toBe(true);

    const seen = new Map<string, ResourceState[]>();
    const apply = runTerraform({ dir, step: 'apply', planFile, logsDir, logName: 'apply' });
    const outputs: string[] = [];
    const applied = await new Promise<Awaited<typeof apply.done>>((done) => {
      const poll = (): void => {
        for (const r of apply.state().rows) {
          const list = seen.get(r.addr) ?? [];
          if (list.at(-1) !== r.state) list.push(r.state);
          seen.set(r.addr, list);
        }
      };
      const t = setInterval(poll, 1);
      void apply.done.then((r) => {
        clearInterval(t);
        poll();
        done(r);
      });
    });
    for (const l of apply.process.lines.toArray()) if (l.text.includes('"provision_progress"')) outputs.push(JSON.parse(l.text).hook.output);
    expect(applied.code).toBe(0);
    expect(applied.state.rows.map((r) => r.state)).toEqual(['done', 'done']);
    expect(seen.get('terraform_data.step1')?.at(-1)).toBe('done');
    expect(applied.state.summary).toMatchObject({ add: 2, operation: 'apply' });
    expect(applied.state.outputs?.name).toMatchObject({ value: 'web-01' });
    expect(outputs).toEqual(expect.arrayContaining(['creating web-01', 'line2 from step1', 'tick 1', 'tick 3']));

    const dplan = await runTerraform({ dir, step: 'plan-destroy', planFile, logsDir }).done;
    expect(dplan.state.planSummary).toMatchObject({ add: 0, remove: 2 });
    const destroyed = await runTerraform({ dir, step: 'apply', planFile, logsDir, logName: 'destroy' }).done;
    expect(destroyed.code).toBe(0);
    expect(destroyed.state.rows.map((r) => [r.action, r.state])).toEqual([
      ['delete', 'done'],
      ['delete', 'done'],
    ]);

    // Every run saved: a header, terraform's lines as printed, an exit record.
    const logs = readdirSync(logsDir).sort();
    expect(logs).toHaveLength(4);
    expect(logs[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-plan\.jsonl$/);
    expect(logs.filter((f) => f.endsWith('Z-apply.jsonl'))).toHaveLength(1);
    expect(logs.filter((f) => f.endsWith('Z-destroy.jsonl'))).toHaveLength(1);
    const applyLog = readFileSync(applied.logPath!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(applyLog[0]).toMatchObject({ type: 'proxmox-mpc.run', tool: 'terraform', step: 'apply' });
    expect(applyLog.some((r) => r.type === 'apply_complete' && r.hook.resource.addr === 'terraform_data.step2')).toBe(true);
    expect(applyLog.at(-1)).toMatchObject({ type: 'proxmox-mpc.exit', code: 0 });
  }, 60_000);

  it('a failing provisioner: rc 1, the resource failed, the diagnostic with file:line', async () => {
    const dir = tfDir('fixture-fail-main.tf');
    const planFile = join(dir, 'p.tfplan');
    expect((await runTerraform({ dir, step: 'plan', planFile }).done).code).toBe(0);
    const r = await runTerraform({ dir, step: 'apply', planFile }).done;
    expect(r.code).toBe(1);
    expect(r.state.rows.map((x) => [x.addr, x.state])).toEqual([
      ['terraform_data.ok', 'done'],
      ['terraform_data.boom', 'failed'],
    ]);
    expect(r.state.diagnostics[0]).toMatchObject({ summary: 'local-exec provisioner error', location: 'main.tf:7:28', snippet: { code: '  provisioner "local-exec" {' } });
    expect(r.state.diagnostics[0]!.detail).toContain('exit status 3');
  }, 60_000);

  it('SIGINT mid-apply: terraform stops cleanly (its own graceful stop), the run says interrupted', async () => {
    const dir = tfDir('fixture-interrupt-main.tf');
    const planFile = join(dir, 'p.tfplan');
    expect((await runTerraform({ dir, step: 'plan', planFile }).done).code).toBe(0);
    let sent = false;
    const run = runTerraform({
      dir,
      step: 'apply',
      planFile,
      detached: true,
      onLine: (l) => {
        // Interrupt once the provisioner is running (its first output line).
        if (!sent && l.kind === 'event' && l.event.type === 'provision_progress' && l.event.hook.output === 'started') {
          sent = true;
          expect(run.interrupt()).toBe('sigint');
        }
      },
    });
    const r = await run.done;
    expect(sent).toBe(true);
    expect(r.interrupted).toBe('sigint');
    expect(r.signal).toBeNull(); // terraform exited by itself, it was not killed
    expect(r.code).toBe(1);
    expect(r.state.interrupted).toBe(true);
    expect(r.state.rows[0]).toMatchObject({ addr: 'terraform_data.slow', state: 'failed' });
    expect(r.state.diagnostics.map((d) => d.summary)).toContain('execution halted');
    // It stopped well before the provisioner's 30 s.
    expect(r.state.rows[0]!.elapsedSeconds).toBeLessThan(30);
  }, 60_000);

  it('a second interrupt kills', async () => {
    // A child that ignores SIGINT, as a stuck tool would.
    const run = runProcess({ command: process.execPath, args: ['-e', "process.on('SIGINT', () => console.log('ignoring')); console.log('ready'); setInterval(() => {}, 1000)"], cwd: tmpdir(), env: process.env, detached: true, onLine: (l) => {
      if (l.text === 'ready') run.interrupt();
      if (l.text === 'ignoring') run.interrupt();
    } });
    const r = await run.done;
    expect(r.interrupted).toBe('killed');
    expect(r.signal).toBe('SIGKILL');
  });

  it('terraformEnv: the user CLI config kept when readable, else /dev/null; PROXMOX_VE_* passed through, never on the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-env-'));
    dirs.push(dir);
    const rc = join(dir, 'terraformrc');
    writeFileSync(rc, '');
    expect(terraformEnv({ TF_CLI_CONFIG_FILE: rc }).TF_CLI_CONFIG_FILE).toBe(rc);
    expect(terraformEnv({ TF_CLI_CONFIG_FILE: join(dir, 'missing') }).TF_CLI_CONFIG_FILE).toBe('/dev/null');
    expect(terraformEnv({}).TF_CLI_CONFIG_FILE).toBe('/dev/null');
    expect(terraformEnv({ PROXMOX_VE_API_TOKEN: 'root@pam!t=secret' }).PROXMOX_VE_API_TOKEN).toBe('root@pam!t=secret');
    for (const step of ['init', 'plan', 'plan-destroy', 'validate'] as const) expect(terraformArgs(step, 'x.tfplan').join(' ')).not.toMatch(/secret|token|password/i);
    expect(terraformArgs('apply', 'x.tfplan')).toEqual(['apply', '-json', '-input=false', 'x.tfplan']);
  });

  it('a missing terraform is reported, not hung on', async () => {
    const r = await runTerraform({ dir: tmpdir(), step: 'plan', terraform: '/nonexistent/terraform' }).done;
    expect(r.spawnError?.code).toBe('ENOENT');
  });
});

describe('process runner: secrets', () => {
  it('a secret the process knows is masked in the lines kept, the ones shown and the log, in its JSON-escaped form too', async () => {
    const secret = 'S3cr"et-vaul\\t-value';
    registerSecret('db-password', secret);
    const dir = mkdtempSync(join(tmpdir(), 'pmc-runner-secret-'));
    try {
      const shown: string[] = [];
      const script = `console.log(process.env.PW); console.log(JSON.stringify({ msg: process.env.PW })); console.error('failed for ' + process.env.PW)`;
      const run = runProcess({ command: process.execPath, args: ['-e', script], cwd: dir, env: { ...process.env, PW: secret }, logPath: join(dir, 'run.jsonl'), onLine: (l) => shown.push(l.text) });
      await run.done;
      const kept = [run.lines.at(0)!.text, run.lines.at(1)!.text, run.lines.at(2)!.text];
      expect(kept).toEqual(['***db-password***', '{"msg":"***db-password***"}', 'failed for ***db-password***']);
      expect(shown.sort()).toEqual([...kept].sort());
      const log = readFileSync(join(dir, 'run.jsonl'), 'utf8');
      expect(log).toContain('***db-password***');
      expect(log).not.toContain('S3cr');
    } finally {
      clearSecrets();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('process runner: bounded memory', () => {
  it('keeps the last N lines and counts the dropped ones; a partial last line is not lost', async () => {
    const run = runProcess({ command: process.execPath, args: ['-e', "for (let i = 0; i < 20000; i++) process.stdout.write('line ' + i + '\\n'); process.stdout.write('tail-no-newline')"], cwd: tmpdir(), env: process.env, keepLines: 1000 });
    const r = await run.done;
    expect(r.lines).toBe(20001);
    expect(r.dropped).toBe(19001);
    expect(run.lines.length).toBe(1000);
    expect(run.lines.at(0)?.text).toBe('line 19001');
    expect(run.lines.at(999)?.text).toBe('tail-no-newline');
  });

  it('RingBuffer', () => {
    const b = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) b.push(i);
    expect(b.toArray()).toEqual([3, 4, 5]);
    expect(b.slice(1, 2)).toEqual([4]);
    expect(b.dropped).toBe(2);
    expect(b.total).toBe(5);
  });
});

describe('ansible runner (real ansible-playbook, localhost)', () => {
  beforeAll(() => requireTool('ansible-playbook'));

  it('streams a playbook run line by line, with its recap, and saves the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-ansible-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n');
    writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: say hello\n      ansible.builtin.debug:\n        msg: hello from the runner\n');
    const seen: string[] = [];
    const run = runAnsiblePlaybook({ dir, playbook: 'site.yml', inventory: 'inventory.yml', logsDir: join(dir, 'logs'), onLine: (l) => seen.push(l.text) });
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(seen.some((l) => l.includes('TASK [say hello]'))).toBe(true);
    expect(seen.some((l) => l.includes('hello from the runner'))).toBe(true);
    const recap = seen.map(parseRecapLine).find((x) => x !== undefined);
    expect(recap).toMatchObject({ host: 'localhost', ok: 1, failed: 0 });
    expect(readdirSync(join(dir, 'logs'))[0]).toMatch(/-ansible-site\.jsonl$/);
  }, 60_000);
});

