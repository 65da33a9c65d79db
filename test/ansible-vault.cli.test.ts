// `proxmox-mpc ansible PLAYBOOK -e pw=$vault.x` as a user runs it (the built CLI, the real
// ansible-playbook, localhost only, no cluster): the secret reaches the playbook, which writes
// its length; the secret is in no output and no file under the workspace (the run's log shows
// ***x***), not in ansible-playbook's arguments, and its private file is gone after the run. A
// vault that cannot be unlocked starts no run.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWorkspace } from '../src/workspace/project.js';
import { isolatedEnv, runCli, type CliResult } from './support/cli.js';

const SECRET = 'ansible vault secret 7f3a9c';
const PASSPHRASE = 'the ansible vault test passphrase';
const dirs: string[] = [];
let env: NodeJS.ProcessEnv;
let root: string;
let runtime: string;

/** The CLI on the workspace (--dir: the current directory does not matter). */
const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => runCli(args[0] === 'ansible' ? [...args, '--dir', root] : args, { ...env, ...extra });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

beforeAll(async () => {
  env = isolatedEnv({ PMC_VAULT_PASSPHRASE: PASSPHRASE });
  runtime = mkdtempSync(join(tmpdir(), 'pmc-ansible-vault-run-'));
  env.XDG_RUNTIME_DIR = runtime;
  root = mkdtempSync(join(tmpdir(), 'pmc-ansible-vault-ws-'));
  dirs.push(env.HOME!, runtime, root);
  initWorkspace(root);
  mkdirSync(join(root, 'ansible'), { recursive: true });
  writeFileSync(join(root, 'ansible', 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
  writeFileSync(
    join(root, 'ansible', 'pw.yml'),
    [
      '---',
      '- name: Use a secret',
      '  hosts: localhost',
      '  gather_facts: false',
      '  tasks:',
      '    - name: Write its length',
      '      ansible.builtin.copy:',
      '        content: "{{ pw | length }}\\n"',
      '        dest: "{{ playbook_dir }}/../pw-length.txt"',
      '        mode: "0600"',
      '    - name: Echo it (the redactor masks it)',
      '      ansible.builtin.debug:',
      '        msg: "pw is {{ pw }}"',
      '',
    ].join('\n'),
  );
  const set = await run(['vault', 'set', 'x', '--from-env', 'SECRET_IN'], { SECRET_IN: SECRET });
  expect(set.code, set.stderr).toBe(0);
}, 30_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('proxmox-mpc ansible -e pw=$vault.x', () => {
  it('gives the playbook the secret without showing or storing it anywhere', async () => {
    const r = await run(['ansible', 'pw', '-e', 'pw=$vault.x']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'pw-length.txt'), 'utf8')).toBe(`${SECRET.length}\n`);
    expect(r.stdout).toContain('"msg": "pw is ***x***"');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    for (const file of filesUnder(root)) expect(readFileSync(file, 'utf8'), file).not.toContain(SECRET);
    // Nor under HOME (config, state, ansible's own ~/.ansible) but inside the sealed vault.
    for (const file of filesUnder(env.HOME!).filter((f) => !f.endsWith('vault.json'))) expect(readFileSync(file, 'utf8'), file).not.toContain(SECRET);
    // The run's log: ansible-playbook's arguments name the file, not the secret; the file is gone.
    const logs = filesUnder(join(root, '.proxmox-mpc', 'logs')).filter((f) => f.endsWith('.jsonl') && f.includes('ansible-pw'));
    expect(logs).toHaveLength(1);
    const log = readFileSync(logs[0]!, 'utf8');
    expect(log).toContain('***x***');
    const args = (JSON.parse(log.split('\n')[0]!) as { args: string[] }).args;
    expect(args[args.indexOf('-e') + 1]).toMatch(new RegExp(`^@${runtime}/pmc-vars-[^/]+/vars-1\\.json$`));
    expect(readdirSync(runtime)).toEqual([]);
  }, 60_000);

  it('starts no run when the vault cannot be unlocked or has no such entry, and says how to fix it', async () => {
    const locked = await run(['ansible', 'pw', '-e', 'pw=$vault.x'], { PMC_VAULT_PASSPHRASE: '' });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/needs its passphrase: set PMC_VAULT_PASSPHRASE/);
    const wrong = await run(['ansible', 'pw', '-e', 'pw=$vault.x'], { PMC_VAULT_PASSPHRASE: 'not it' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/wrong passphrase for the vault/);
    const unknown = await run(['ansible', 'pw', '-e', 'pw=$vault.nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/-e pw refers to \$vault\.nope, which is not in the vault .*: add it with proxmox-mpc vault set nope/);
    // Only the first test's run was logged.
    expect(filesUnder(join(root, '.proxmox-mpc', 'logs')).filter((f) => f.includes('ansible-pw'))).toHaveLength(1);
  }, 30_000);
});
