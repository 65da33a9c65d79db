// The console's run I/O against the real terraform (offline: terraform_data + local-exec) in a
// workspace, through the store as the run screen reads it: plan, the question, apply, a stop
// mid-apply (SIGINT, terraform's own clean stop), destroy's question, validate, no workspace.
// A missing terraform FAILS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConsoleStore, type ConsoleStore } from '../../store/consoleStore.js';
import type { ConsoleState, RunView } from '../../store/types.js';
import { clearSecrets } from '../../util/redact.js';
import { initWorkspace } from '../../workspace/project.js';
import { lockVaults, Vault, vaultPath } from '../../workspace/vault.js';
import { createRunController, type RunController } from './runController.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/iac/terraform-json-ui');
const dirs: string[] = [];
const controllers: RunController[] = [];

beforeAll(() => {
  const tf = spawnSync('terraform', ['version']);
  if (tf.error || tf.status !== 0) throw new Error('terraform is needed for this test and was not found on PATH (CI installs it)');
});
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(mainTf?: string): { root: string; store: ConsoleStore; runs: RunController } {
  const root = mkdtempSync(join(tmpdir(), 'pmc-runctl-'));
  dirs.push(root);
  initWorkspace(root);
  if (mainTf) writeFileSync(join(root, 'terraform', 'main.tf'), readFileSync(join(FIXTURES, mainTf), 'utf8').replace('sleep 1;', 'sleep 0;').replace('sleep 4', 'sleep 0'));
  const store = createConsoleStore({ meta: { profile: 'p', endpoint: '', readOnly: false } });
  const runs = createRunController({ console: store, cwd: root, batchMs: 20 });
  controllers.push(runs);
  return { root, store, runs };
}

/** Resolves once the predicate holds for the store's state (checked on every change). */
function until(store: ConsoleStore, predicate: (s: ConsoleState) => boolean, timeoutMs = 30_000): Promise<ConsoleState> {
  return new Promise((done, fail) => {
    const check = (): boolean => {
      const s = store.store.getState();
      if (!predicate(s)) return false;
      clearTimeout(timer);
      off();
      done(s);
      return true;
    };
    const timer = setTimeout(() => {
      off();
      fail(new Error(`timed out; run: ${JSON.stringify({ phase: store.store.getState().run?.phase, message: store.store.getState().run?.message, note: store.store.getState().message })}`));
    }, timeoutMs);
    const off = store.store.subscribe(() => void check());
    check();
  });
}

const phase = (p: RunView['phase']) => (s: ConsoleState) => s.run?.phase === p;

describe('run controller (real terraform)', () => {
  it('plan: rows planned, done, the screen on show', async () => {
    const { store, runs } = setup('fixture-main.tf');
    runs.start('plan');
    const s = await until(store, phase('done'));
    expect(s.stack.at(-1)).toEqual({ screen: 'run' });
    expect(s.run!.state.rows.map((r) => [r.addr, r.state])).toEqual([
      ['terraform_data.step1', 'planned'],
      ['terraform_data.step2', 'planned'],
    ]);
    expect(s.run!.message).toMatch(/^Plan: 2 to add, 0 to change, 0 to destroy; log: .*-plan\.jsonl$/);
    expect(s.run!.lines.length).toBeGreaterThan(3);
  });

  it('providers never installed: terraform init runs first on the same screen; a failing init is said, and no plan runs', async () => {
    const { root, store, runs } = setup('fixture-main.tf');
    writeFileSync(join(root, 'terraform', 'versions.tf'), 'terraform {\n  required_providers {\n    terraform = { source = "terraform.io/builtin/terraform" }\n  }\n}\n');
    runs.start('plan');
    const ok = await until(store, (st) => st.run?.phase === 'done' || st.run?.phase === 'failed');
    expect(ok.run!.message).toMatch(/^Plan: 2 to add/);
    expect(Array.from({ length: ok.run!.lines.length }, (_, i) => ok.run!.lines.at(i)).join('\n')).toMatch(/successfully initialized/i);

    writeFileSync(join(root, 'terraform', 'versions.tf'), 'terraform {\n  required_providers {\n    nothing = { source = "example.invalid/none/nothing" }\n  }\n}\n');
    runs.start('plan');
    const failed = await until(store, (st) => st.run?.id !== ok.run!.id && (st.run?.phase === 'done' || st.run?.phase === 'failed'));
    expect(failed.run!.phase).toBe('failed');
    expect(failed.run!.message).toMatch(/^terraform init failed; log: .*-init\.jsonl$/);
    expect(failed.run!.state.rows).toEqual([]);
  });

  it('apply: the question, then x mid-apply stops terraform cleanly (interrupted, the resource failed)', async () => {
    const { root, store, runs } = setup('fixture-interrupt-main.tf');
    runs.start('apply');
    let s = await until(store, phase('confirm'));
    expect(s.run!.question).toMatchObject({ risk: 'high', expected: 'y', typed: '' });
    expect(s.run!.question!.lines[0]).toBe(`HIGH: terraform apply in ${basename(root)}: 1 to add, 0 to change, 0 to destroy.`);
    runs.confirm();
    await until(store, (x) => x.run?.state.rows[0]?.lastOutput === 'started');
    runs.stop();
    expect(store.store.getState().run!.phase).toBe('stopping');
    s = await until(store, phase('interrupted'));
    expect(s.run!.state.interrupted).toBe(true);
    expect(s.run!.state.rows[0]).toMatchObject({ addr: 'terraform_data.slow', state: 'failed' });
    expect(s.run!.state.rows[0]!.elapsedSeconds).toBeLessThan(30);
  }, 60_000);

  it("destroy asks for the workspace's name; cancel changes nothing; a second run while one waits is refused", async () => {
    const { root, store, runs } = setup('fixture-main.tf');
    runs.start('apply');
    await until(store, phase('confirm'));
    runs.confirm();
    await until(store, phase('done'));
    runs.start('destroy');
    const s = await until(store, phase('confirm'));
    expect(s.run!.question).toMatchObject({ risk: 'critical', expected: basename(root) });
    runs.start('plan');
    expect(store.store.getState().message?.text).toMatch(/still waiting for an answer/);
    runs.cancel();
    const c = await until(store, phase('cancelled'));
    expect(c.run!.message).toBe('destroy not confirmed: nothing was changed');
    expect(readFileSync(join(root, 'terraform', 'terraform.tfstate'), 'utf8')).toContain('terraform_data');
  }, 60_000);

  it('validate: each check a line, failures as diagnostics with file:line', async () => {
    const { store, runs } = setup();
    writeFileSync(join(dirs[0]!, 'terraform', 'main.tf'), 'resource "terraform_data" "x" {\n  input =    "unformatted"\n}\n');
    runs.start('validate');
    const s = await until(store, (x) => x.run?.phase === 'done' || x.run?.phase === 'failed', 120_000);
    expect(s.run!.kind).toBe('validate');
    expect(s.run!.message).toMatch(/\d+ passed, \d+ failed, \d+ warnings?/);
    const text = Array.from({ length: s.run!.lines.length }, (_, i) => s.run!.lines.at(i)).join('\n');
    // terraform fmt finds the unformatted file.
    expect(text).toMatch(/terraform fmt.*main\.tf/);
    expect(s.run!.state.diagnostics.some((d) => d.file?.endsWith('main.tf'))).toBe(true);
  }, 120_000);

  it('read-only mode refuses apply and destroy, not plan', async () => {
    const { store, runs } = setup('fixture-main.tf');
    store.actions.setMeta({ readOnly: true });
    runs.start('apply');
    expect(store.store.getState().message?.text).toBe('read-only mode: apply refused (start without --read-only to change anything)');
    runs.start('destroy');
    expect(store.store.getState().run).toBeUndefined();
    runs.start('plan');
    await until(store, phase('done'));
  });

  it('outside a workspace: one line saying what to do, no run', async () => {
    const store = createConsoleStore({ meta: { profile: 'p', endpoint: '', readOnly: false } });
    const dir = mkdtempSync(join(tmpdir(), 'pmc-nows-'));
    dirs.push(dir);
    const runs = createRunController({ console: store, cwd: dir });
    controllers.push(runs);
    runs.start('plan');
    const s = await until(store, (x) => x.message !== undefined);
    expect(s.message!.text).toMatch(/^plan: no workspace here .*: run proxmox-mpc init and generate/);
    expect(s.run).toBeUndefined();
  });
});

describe('run controller: ansible (real ansible-playbook, localhost only)', () => {
  const playbook = (root: string, dir: 'ansible' | 'tests', name: string, tasks: string): void =>
    writeFileSync(join(root, dir, name), `---\n- name: ${name}\n  hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks}`);

  it('streams the lines, ends with the PLAY RECAP summed up and the log; -e vars reach the playbook', async () => {
    const { root, store, runs } = setup();
    writeFileSync(join(root, 'ansible', 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
    playbook(root, 'ansible', 'hello.yml', '    - name: Say\n      ansible.builtin.debug:\n        msg: "hello {{ who }}"\n');
    runs.ansible('hello', ['who=world']);
    const s = await until(store, (st) => st.run?.phase === 'done' && st.message !== undefined, 60_000);
    expect(s.stack.at(-1)).toEqual({ screen: 'run' });
    expect(s.run).toMatchObject({ kind: 'ansible', playbook: 'ansible/hello.yml' });
    expect(s.run!.message).toMatch(/^1 host: ok=1 changed=0 unreachable=0 failed=0 skipped=0; log: .*-ansible-hello\.jsonl$/);
    const lines = Array.from({ length: s.run!.lines.length }, (_, i) => s.run!.lines.at(i));
    expect(lines.some((l) => /"msg": "hello world"/.test(l ?? ''))).toBe(true);
    expect(s.message?.text).toMatch(/^ansible ansible\/hello\.yml: done, 1 host: ok=1/);
  }, 60_000);

  it("a failing tests/ playbook: failed with ansible-playbook's exit code and the failed host", async () => {
    const { root, store, runs } = setup();
    playbook(root, 'tests', 'broken.yml', '    - name: Fail\n      ansible.builtin.fail:\n        msg: nope\n');
    runs.ansible('broken', [], true);
    const s = await until(store, phase('failed'), 60_000);
    expect(s.run!.playbook).toBe('tests/broken.yml --check');
    expect(s.run!.message).toMatch(/^failed \(exit 2\): 1 host: ok=0 changed=0 unreachable=0 failed=1 skipped=0 \(failed: localhost\); log: /);
  }, 60_000);

  it('x stops a running playbook (interrupted); no playbook or no workspace: one line, no run', async () => {
    const { root, store, runs } = setup();
    playbook(root, 'ansible', 'slow.yml', '    - name: Wait\n      ansible.builtin.command: sleep 30\n');
    runs.ansible('slow', []);
    await until(store, (s) => s.run?.phase === 'planning' && (s.run.lines.length ?? 0) > 0, 60_000);
    runs.stop();
    const s = await until(store, (st) => st.run?.phase === 'interrupted' || st.run?.phase === 'failed', 60_000);
    expect(s.run!.phase).toBe('interrupted');

    runs.ansible('nosuch', []);
    await until(store, (st) => /no playbook nosuch in ansible\/ nor tests\//.test(st.message?.text ?? ''));
    const outside = mkdtempSync(join(tmpdir(), 'pmc-runctl-none-'));
    dirs.push(outside);
    const none = createConsoleStore({ meta: { profile: 'p', endpoint: '', readOnly: false } });
    const c = createRunController({ console: none, cwd: outside });
    controllers.push(c);
    c.ansible('site', []);
    const n = await until(none, (st) => /^ansible: no workspace here/.test(st.message?.text ?? ''));
    expect(n.run).toBeUndefined();
  }, 90_000);

  it('pw=$vault.NAME: resolved when the run starts, given in a private file, masked in the lines and the log; a locked vault: no run', async () => {
    const { root, store, runs } = setup();
    const secret = 'vault-secret-for-the-console-run';
    const home = mkdtempSync(join(tmpdir(), 'pmc-runctl-vault-'));
    dirs.push(home);
    vi.stubEnv('PMC_VAULT', '');
    vi.stubEnv('XDG_CONFIG_HOME', home);
    vi.stubEnv('PMC_VAULT_PASSPHRASE', '');
    Vault.open(vaultPath(), 'the passphrase', { kdf: { N: 1024, r: 8, p: 1 } }).set('db', secret);
    lockVaults();
    clearSecrets();
    playbook(root, 'ansible', 'pw.yml', '    - name: Show\n      ansible.builtin.debug:\n        msg: "pw={{ pw }} length={{ pw | length }}"\n');
    try {
      runs.ansible('pw', ['pw=$vault.db']);
      const locked = await until(store, (st) => /not started/.test(st.message?.text ?? ''));
      expect(locked.message!.text).toMatch(/^ansible ansible\/pw\.yml not started: -e pw refers to \$vault\.db, but the vault is locked: .*export PMC_VAULT_PASSPHRASE=/);
      expect(locked.run).toBeUndefined();

      vi.stubEnv('PMC_VAULT_PASSPHRASE', 'the passphrase');
      runs.ansible('pw', ['pw=$vault.db']);
      const s = await until(store, (st) => st.run?.phase === 'done' && st.message !== undefined, 60_000);
      const lines = Array.from({ length: s.run!.lines.length }, (_, i) => s.run!.lines.at(i) ?? '');
      expect(lines.some((l) => l.includes(`"msg": "pw=***db*** length=${secret.length}"`))).toBe(true);
      expect(lines.join('\n')).not.toContain(secret);
      const log = readFileSync(s.run!.message!.replace(/^.*; log: /, ''), 'utf8');
      expect(log).toContain('***db***');
      expect(log).not.toContain(secret);
      const args = (JSON.parse(log.split('\n')[0]!) as { args: string[] }).args;
      expect(args.join(' ')).not.toContain(secret);
      const file = args[args.indexOf('-e') + 1]!.slice(1);
      expect(file).toMatch(/vars-1\.json$/);
      expect(existsSync(file)).toBe(false);
    } finally {
      vi.unstubAllEnvs();
      lockVaults();
      clearSecrets();
    }
  }, 60_000);
});

describe('run controller: :init, :generate, :drift', () => {
  it(':init makes a workspace here for the profile and says what it created; again: already one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-runctl-init-'));
    dirs.push(dir);
    const store = createConsoleStore({ meta: { profile: 'home', endpoint: '', readOnly: false } });
    const runs = createRunController({ console: store, cwd: dir });
    controllers.push(runs);
    runs.iac('init');
    const s = await until(store, (x) => x.message !== undefined);
    expect(s.message!.text).toBe(`init: workspace for profile home in ${dir}: created .proxmox-mpc/, terraform/, ansible/, tests/, .proxmox-mpc/config.yml, .gitignore; :generate writes the code`);
    expect(readFileSync(join(dir, '.proxmox-mpc', 'config.yml'), 'utf8')).toMatch(/^profile: "home"$/m);
    runs.iac('init');
    const again = await until(store, (x) => x.message?.text.startsWith('init: ') === true && x.message.text.includes('already'));
    expect(again.message).toMatchObject({ text: `init: ${dir} already is a workspace: :generate writes its code`, level: 'warn' });
  });

  it(':init in a console on PROXMOX_VE_* alone names no profile (the made-up env-... name would break the workspace)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-runctl-init-env-'));
    dirs.push(dir);
    const store = createConsoleStore({ meta: { profile: 'env-pve.lan-8006', endpoint: 'https://pve.lan:8006', readOnly: false } });
    const runs = createRunController({ console: store, cwd: dir });
    controllers.push(runs);
    runs.iac('init');
    const s = await until(store, (x) => x.message !== undefined);
    expect(s.message!.text).toMatch(/^init: workspace on the PROXMOX_VE_\* environment in /);
    const config = readFileSync(join(dir, '.proxmox-mpc', 'config.yml'), 'utf8');
    expect(config).not.toContain('env-pve.lan-8006');
    expect(config).not.toMatch(/^profile:/m);
  });

  it(':generate and :drift outside a workspace: one line saying what to do, no run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-runctl-nows-'));
    dirs.push(dir);
    const store = createConsoleStore({ meta: { profile: 'home', endpoint: '', readOnly: false } });
    const runs = createRunController({ console: store, cwd: dir });
    controllers.push(runs);
    for (const what of ['generate', 'drift'] as const) {
      runs.iac(what);
      const s = await until(store, (x) => x.message?.text.startsWith(`${what}: `) === true);
      expect(s.message!.level).toBe('error');
      expect(s.message!.text).toMatch(/no workspace|not .*workspace|init/);
      expect(s.run).toBeUndefined();
    }
  });
});
