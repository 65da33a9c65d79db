// The generated lifecycle playbooks run for real: ansible-playbook (community.general's
// proxmox_kvm, proxmox and proxmox_snap, through python3-proxmoxer) against the homelab
// simulator, with the credentials only in the environment the Terraform provider reads
// (PROXMOX_VE_ENDPOINT, PROXMOX_VE_INSECURE, and PROXMOX_VE_API_TOKEN or PROXMOX_VE_USERNAME +
// PROXMOX_VE_PASSWORD, a ticket login). CI installs ansible and
// python3-proxmoxer; without them this test fails.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAnsible } from '../src/generators/ansible/index.js';
import { DEFAULT_GENERATOR_OPTIONS } from '../src/generators/types.js';
import { useHomelabIac } from './support/homelabIac.js';

const homelab = useHomelabIac('pmc-ansible-life-');
const RUN = 120_000;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pmc-ansible-life-ws-'));
  for (const f of generateAnsible(await homelab.load(), DEFAULT_GENERATOR_OPTIONS)) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

type Credentials = Partial<Record<'PROXMOX_VE_API_TOKEN' | 'PROXMOX_VE_USERNAME' | 'PROXMOX_VE_PASSWORD', string>>;

const token = (): Credentials => ({ PROXMOX_VE_API_TOKEN: `${homelab.sim.root.tokenId}=${homelab.sim.root.tokenSecret}` });

/** ansible-playbook in ansible/ (asynchronously: the simulator answers from this process). */
function playbook(args: string[], credentials: Credentials = token()): Promise<{ code: number; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PROXMOX_VE_ENDPOINT: homelab.sim.url, PROXMOX_VE_INSECURE: 'true', ANSIBLE_NOCOLOR: '1' };
  for (const key of ['PROXMOX_VE_API_TOKEN', 'PROXMOX_VE_USERNAME', 'PROXMOX_VE_PASSWORD'] as const) {
    delete env[key];
    if (credentials[key] !== undefined) env[key] = credentials[key];
  }
  return new Promise((done, reject) => {
    execFile('ansible-playbook', ['-i', 'inventory.yml', ...args], { cwd: join(root, 'ansible'), env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        reject(new Error(`ansible-playbook could not be run (CI installs ansible): ${error.message}`));
        return;
      }
      done({ code: error ? Number(error.code) : 0, out: `${stdout}${stderr}` });
    });
  });
}

const status = (vmid: number): string => homelab.sim.cluster.guests.get(vmid)!.status;

describe('generated lifecycle playbooks against the simulator', () => {
  it(
    'start.yml starts a stopped VM (proxmox_kvm) and a stopped container (proxmox), stop.yml stops the VM',
    async () => {
      expect(status(114)).toBe('stopped');
      expect(status(207)).toBe('stopped');
      const vm = await playbook(['start.yml', '-e', 'target=test-vm']);
      expect(vm.code, vm.out).toBe(0);
      expect(vm.out).toMatch(/test-vm\s+: ok=2\s+changed=1 .*failed=0/);
      expect(status(114)).toBe('running');

      const ct = await playbook(['start.yml', '-e', 'target=adguard-test']);
      expect(ct.code, ct.out).toBe(0);
      expect(status(207)).toBe('running');

      const stop = await playbook(['stop.yml', '-e', 'target=test-vm']);
      expect(stop.code, stop.out).toBe(0);
      expect(status(114)).toBe('stopped');
    },
    RUN,
  );

  it(
    'with PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD instead of a token (a ticket login); a token, when set, wins over them',
    async () => {
      const { username, password } = homelab.sim.root;
      expect(status(114)).toBe('stopped');
      const start = await playbook(['start.yml', '-e', 'target=test-vm'], { PROXMOX_VE_USERNAME: username, PROXMOX_VE_PASSWORD: password });
      expect(start.code, start.out).toBe(0);
      expect(start.out).toMatch(/test-vm\s+: ok=2\s+changed=1 .*failed=0/);
      expect(status(114)).toBe('running');
      expect(start.out).not.toContain(password);

      // with the token set too, the token is used: the wrong password is not sent (the modules
      // would log in with it, and fail, if it were)
      const both = await playbook(['stop.yml', '-e', 'target=test-vm'], { ...token(), PROXMOX_VE_USERNAME: username, PROXMOX_VE_PASSWORD: 'not-the-password' });
      expect(both.code, both.out).toBe(0);
      expect(status(114)).toBe('stopped');

      // a user with no password is refused before any call, saying what to set
      const half = await playbook(['start.yml', '-e', 'target=test-vm'], { PROXMOX_VE_USERNAME: username });
      expect(half.code).toBe(2);
      expect(half.out).toContain('PROXMOX_VE_USERNAME (user@realm) and PROXMOX_VE_PASSWORD');
      expect(status(114)).toBe('stopped');
    },
    RUN,
  );

  it(
    'snapshot.yml takes a snapshot (proxmox_snap) named on the command line',
    async () => {
      const r = await playbook(['snapshot.yml', '-e', 'target=web-02', '-e', 'snapname=before_upgrade']);
      expect(r.code, r.out).toBe(0);
      expect([...homelab.sim.cluster.guests.get(101)!.config.snapshots.keys()]).toContain('before_upgrade');
    },
    RUN,
  );

  it(
    'refuses to run without a target (nothing is touched), and a bad snapshot name, saying what to pass',
    async () => {
      const none = await playbook(['stop.yml']);
      expect(none.code).toBe(2);
      expect(none.out).toContain('Pass -e target=<host or group>');
      const bad = await playbook(['snapshot.yml', '-e', 'target=web-02', '-e', 'snapname=1-bad name']);
      expect(bad.code).toBe(2);
      expect(bad.out).toContain('Pass -e snapname=<name>');
    },
    RUN,
  );
});
