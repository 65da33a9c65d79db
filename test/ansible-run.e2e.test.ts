// `proxmox-mpc ansible <playbook>` as a user runs it: a workspace generated from the simulator
// (init, generate), then the generated lifecycle playbooks run through the built CLI with the
// real ansible-playbook (community.general's Proxmox modules through python3-proxmoxer), the
// credentials only in PROXMOX_VE_*: lines streamed, the PLAY RECAP summed up, the run saved
// under .proxmox-mpc/logs/, ansible-playbook's exit code. CI installs ansible and
// python3-proxmoxer; without them this test fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';
import { spawnTty, ttyEnv, type TtySession } from './support/tty.js';

const RUN = 120_000;
const cli = useSimulatorCli('pmc-ansible-run-');
let root: string;
let env: NodeJS.ProcessEnv;

function runIn(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cli.cliPath, ...args], { env: { ...env, ...extraEnv }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The inventory host of the first stopped VM (not a template). */
function stoppedVm(): { host: string; vmid: number } {
  const inv = parse(readFileSync(join(root, 'ansible', 'inventory.yml'), 'utf8')) as {
    all: { children: { guests: { children: { vms: { hosts: Record<string, { proxmox_vmid: number }> } } } } };
  };
  for (const [host, vars] of Object.entries(inv.all.children.guests.children.vms.hosts)) {
    const g = cli.sim.cluster.guests.get(vars.proxmox_vmid);
    if (g && g.status === 'stopped') return { host, vmid: vars.proxmox_vmid };
  }
  throw new Error('no stopped VM in the simulator');
}

beforeAll(async () => {
  env = isolatedEnv({
    PROXMOX_VE_ENDPOINT: cli.sim.url,
    PROXMOX_VE_API_TOKEN: `${cli.sim.root.tokenId}=${cli.sim.root.tokenSecret}`,
    PROXMOX_VE_INSECURE: 'true',
    PMC_FINGERPRINT: cli.sim.fingerprint,
  });
  root = mkdtempSync(join(tmpdir(), 'pmc-ansible-run-ws-'));
  const init = await runIn(root, ['init']);
  expect(init.code, init.stderr).toBe(0);
  const gen = await runIn(root, ['generate', '--refresh']);
  expect(gen.code, gen.stderr).toBe(0);
}, RUN);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  if (env?.HOME) rmSync(env.HOME, { recursive: true, force: true });
});

describe('proxmox-mpc ansible (CLI, simulator, real ansible-playbook)', () => {
  it(
    'start -e target=<vm> from a sub-directory: streamed, PLAY RECAP summed up, saved in the logs, exit 0; the VM runs; no secret printed or logged',
    async () => {
      const vm = stoppedVm();
      const r = await runIn(join(root, 'terraform'), ['ansible', 'start', '-e', `target=${vm.host}`]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^PLAY RECAP \*+$/m);
      expect(r.stdout).toMatch(new RegExp(`^${vm.host}\\s+: ok=2\\s+changed=1 `, 'm'));
      const logs = readdirSync(join(root, '.proxmox-mpc', 'logs')).filter((f) => f.includes('ansible-start'));
      expect(logs).toHaveLength(1);
      expect(r.stderr).toContain(`proxmox-mpc: ansible ansible/start.yml done: 1 host: ok=2 changed=1 unreachable=0 failed=0 skipped=1; the log is ${join(root, '.proxmox-mpc', 'logs', logs[0]!)}`);
      expect(cli.sim.cluster.guests.get(vm.vmid)!.status).toBe('running');
      const log = readFileSync(join(root, '.proxmox-mpc', 'logs', logs[0]!), 'utf8');
      expect(log).toContain('PLAY RECAP');
      for (const text of [r.stdout, r.stderr, log]) expect(text).not.toContain(cli.sim.root.tokenSecret);

      const stop = await runIn(root, ['ansible', 'stop.yml', '--extra-vars', `target=${vm.host}`]);
      expect(stop.code, stop.stdout + stop.stderr).toBe(0);
      expect(cli.sim.cluster.guests.get(vm.vmid)!.status).toBe('stopped');
    },
    RUN,
  );

  it(
    "--check changes nothing; a failing playbook gives ansible-playbook's exit code and a failed summary",
    async () => {
      const vm = stoppedVm();
      const check = await runIn(root, ['ansible', 'start', '-e', `target=${vm.host}`, '--check']);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stderr).toMatch(/ansible ansible\/start\.yml --check done: 1 host: ok=\d+ /);
      expect(cli.sim.cluster.guests.get(vm.vmid)!.status).toBe('stopped');

      const none = await runIn(root, ['ansible', 'stop']);
      expect(none.code).toBe(2);
      expect(none.stdout).toContain('Pass -e target=<host or group>');
      expect(none.stderr).toMatch(/proxmox-mpc: ansible ansible\/stop\.yml failed \(exit 2\): 1 host: ok=\d+ changed=0 unreachable=0 failed=1 skipped=\d+ \(failed: localhost\)/);
    },
    RUN,
  );

  it(
    'the tests/ playbook by name; refused in read-only mode without --check; one line and the exit code for what a user gets wrong',
    async () => {
      const inv = await runIn(root, ['ansible', 'inventory_check']);
      expect(inv.code, inv.stdout + inv.stderr).toBe(0);
      expect(inv.stderr).toContain('proxmox-mpc: ansible tests/inventory_check.yml done');

      const ro = await runIn(root, ['--read-only', 'ansible', 'start', '-e', 'target=x']);
      expect(ro.code).toBe(4);
      expect(ro.stderr).toMatch(/^proxmox-mpc: ansible refused: read-only mode .*--check/);

      const missing = await runIn(root, ['ansible', 'nosuch']);
      expect(missing.code).toBe(4);
      expect(missing.stderr.trim().split('\n')).toHaveLength(1);
      expect(missing.stderr).toContain('no playbook nosuch in');

      const badVar = await runIn(root, ['ansible', 'start', '-e', 'not a var']);
      expect(badVar.code).toBe(2);
      expect(badVar.stderr).toContain('expected key=value');

      const outside = mkdtempSync(join(tmpdir(), 'pmc-no-ws-'));
      try {
        const r = await runIn(outside, ['ansible', 'site']);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('run proxmox-mpc init and proxmox-mpc generate first');
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }

      const noTool = await runIn(root, ['ansible', 'site', '--check'], { PMC_ANSIBLE_PLAYBOOK: '/nonexistent/ansible-playbook' });
      expect(noTool.code).toBe(2);
      expect(noTool.stderr).toContain('ansible-playbook was not found on PATH');
    },
    RUN,
  );

  it(
    'the console: :ansible start target=<vm> streams on the run screen and ends with the PLAY RECAP summed up; the VM runs',
    async () => {
      expect((await runIn(root, ['sync'])).code).toBe(0);
      const vm = stoppedVm();
      const tty: TtySession = spawnTty([cli.cliPath], { env: ttyEnv(env), cwd: root, cols: 160, rows: 40 });
      try {
        await tty.waitFor((s) => /^Guests \(\d+\)/m.test(s), { timeoutMs: 30_000, message: 'the guest table' });
        tty.write(`:ansible start target=${vm.host}\r`);
        await tty.waitFor((s) => s.includes('ansible-playbook ansible/start.yml in pmc-ansible-run-ws-') && /ansible ansible\/start\.yml: done, 1 host: ok=2 changed=1 unreachable=0 failed=0 skipped=1/.test(s), { timeoutMs: 60_000, message: 'the run screen with the recap' });
        expect(tty.text()).toMatch(/^ansible-playbook ansible\/start\.yml in pmc-ansible-run-ws-\w+ +done/m);
        expect(tty.text()).toMatch(/^\s*PLAY RECAP \*+\s*$/m);
        expect(cli.sim.cluster.guests.get(vm.vmid)!.status).toBe('running');
        expect(tty.rawOutput()).not.toContain(cli.sim.root.tokenSecret);
      } finally {
        await tty.dispose();
      }
    },
    RUN,
  );
});
