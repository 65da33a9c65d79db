// The CLI as a user runs it: the built binary against the simulator, good input and bad.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.js';
import { isolatedEnv, runCli, startCli } from './support/cli.js';

let sim: SimulatorHandle;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.01 });
  token = `${sim.root.tokenId}=${sim.root.tokenSecret}`;
});
afterAll(async () => {
  await sim?.close();
});

const envFor = (extra: Record<string, string> = {}) =>
  isolatedEnv({ PROXMOX_VE_ENDPOINT: sim.url, PMC_FINGERPRINT: sim.fingerprint, ...extra });

/** A failure a user can cause: one line on stderr, no stack trace, no secret. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^proxmox-mpc: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toContain(sim.root.tokenSecret);
  expect(stderr).not.toContain(sim.root.password);
}

describe('proxmox-mpc --help', () => {
  it('lists the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['ping', 'simulator', 'demo', 'profile']) expect(r.stdout).toContain(cmd);
    expect(r.stdout).toContain('PROXMOX_VE_ENDPOINT');
  });

  it('an unknown command is a usage error with a suggestion', async () => {
    const r = await runCli(['pnig']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Did you mean ping\?/);
  });
});

describe('proxmox-mpc ping', () => {
  it('reports version, cluster, nodes and latency with an API token', async () => {
    const r = await runCli(['ping'], envFor({ PROXMOX_VE_API_TOKEN: token }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Proxmox VE\s+9\.1/);
    expect(r.stdout).toMatch(/Cluster\s+\S+, quorate, 3 nodes/);
    expect(r.stdout).toMatch(/Latency\s+[\d.]+ ms round trip/);
    for (const node of ['pve1', 'pve2', 'pve3']) expect(r.stdout).toMatch(new RegExp(`${node}\\s+online`));
    expect(r.stdout).toContain('Healthy.');
    expect(r.stdout).not.toContain(sim.root.tokenSecret);
  });

  it('logs in with a user name and password (ticket)', async () => {
    const r = await runCli(['ping'], envFor({ PROXMOX_VE_USERNAME: sim.root.username, PROXMOX_VE_PASSWORD: sim.root.password }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`as ${sim.root.username} (ticket)`);
  });

  it('prints JSON a script can read', async () => {
    const r = await runCli(['ping', '-o', 'json'], envFor({ PROXMOX_VE_API_TOKEN: token }));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { healthy: boolean; nodes: unknown[]; latencyMs: number };
    expect(report.healthy).toBe(true);
    expect(report.nodes).toHaveLength(3);
    expect(report.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('uses a saved profile', async () => {
    const env = isolatedEnv();
    const add = await runCli(['profile', 'add', 'sim', '--endpoint', sim.url, '--fingerprint', sim.fingerprint.toLowerCase()], { ...env, PROXMOX_VE_API_TOKEN: token });
    expect(add.code).toBe(0);
    const list = await runCli(['profile', 'list'], env);
    expect(list.stdout).toMatch(/\* sim\s+https:\/\/127\.0\.0\.1:\d+\s+token root@pam!mpc\s+tls:pinned/);
    expect(list.stdout).not.toContain(sim.root.tokenSecret);
    const r = await runCli(['ping'], env);
    expect(r.code).toBe(0);
  });

  it('profile commands and ping read the same PMC_CONFIG file', async () => {
    const env = isolatedEnv();
    env.PMC_CONFIG = join(env.HOME!, 'elsewhere.yml');
    expect((await runCli(['profile', 'add', 'sim', '--endpoint', sim.url, '--token', token, '--fingerprint', sim.fingerprint], env)).code).toBe(0);
    expect((await runCli(['ping'], env)).code).toBe(0);
  });

  it('exits 1 and says which node is down when one is offline', async () => {
    sim.faults.set({ offlineNodes: ['pve3'] });
    try {
      const r = await runCli(['ping'], envFor({ PROXMOX_VE_API_TOKEN: token }));
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/pve3\s+offline/);
      expect(r.stdout).toContain('Degraded: node pve3 is offline.');
    } finally {
      sim.faults.set({ offlineNodes: [] });
    }
  });
});

describe('bad input gets one clear line and a non-zero exit', () => {
  it('a wrong token secret', async () => {
    const r = await runCli(['ping'], envFor({ PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=00000000-0000-0000-0000-000000000000` }));
    expect(r.code).toBe(3);
    expectOneLineError(r.stderr, /authentication/i);
  });

  it('a wrong password', async () => {
    const r = await runCli(['ping'], envFor({ PROXMOX_VE_USERNAME: 'root@pam', PROXMOX_VE_PASSWORD: 'wrong' }));
    expect(r.code).toBe(3);
    expectOneLineError(r.stderr, /root@pam/);
  });

  it('an unreachable host', async () => {
    const r = await runCli(['ping'], isolatedEnv({ PROXMOX_VE_ENDPOINT: 'https://127.0.0.1:9', PROXMOX_VE_API_TOKEN: token }));
    expect(r.code).toBe(3);
    expectOneLineError(r.stderr, /127\.0\.0\.1:9/);
  });

  it('a certificate that does not match the pinned fingerprint, naming the one it saw', async () => {
    const wrong = sim.fingerprint.replace(/^../, sim.fingerprint.startsWith('00') ? '11' : '00');
    const r = await runCli(['ping'], envFor({ PROXMOX_VE_API_TOKEN: token, PMC_FINGERPRINT: wrong }));
    expect(r.code).toBe(3);
    expectOneLineError(r.stderr, new RegExp(sim.fingerprint));
  });

  it('a self-signed certificate without a pin', async () => {
    const env = isolatedEnv({ PROXMOX_VE_ENDPOINT: sim.url, PROXMOX_VE_API_TOKEN: token });
    const r = await runCli(['ping'], env);
    expect(r.code).toBe(3);
    expectOneLineError(r.stderr, /fingerprint|insecure/i);
  });

  it('accepts it with --insecure when asked', async () => {
    const r = await runCli(['ping', '--insecure'], isolatedEnv({ PROXMOX_VE_ENDPOINT: sim.url, PROXMOX_VE_API_TOKEN: token }));
    expect(r.code).toBe(0);
  });

  it('a malformed URL', async () => {
    const r = await runCli(['ping', '--endpoint', 'https://exa mple:8006', '--token', token]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /not a valid PVE address/);
  });

  it('a malformed token', async () => {
    const r = await runCli(['ping'], envFor({ PROXMOX_VE_API_TOKEN: 'just-a-secret' }));
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /USER@REALM!TOKENID=SECRET/);
  });

  it('a fingerprint that is not a SHA-256 is refused before it is saved', async () => {
    const env = isolatedEnv();
    const r = await runCli(['profile', 'add', 'bad', '--endpoint', sim.url, '--token', token, '--fingerprint', 'zz'], env);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /--fingerprint: .*SHA-256/);
    expect((await runCli(['profile', 'list', '-o', 'json'], env)).stdout.trim()).toBe('[]');
  });

  it('an http endpoint, which would send the token in clear text', async () => {
    const r = await runCli(['ping'], isolatedEnv({ PROXMOX_VE_ENDPOINT: 'http://127.0.0.1:9', PROXMOX_VE_API_TOKEN: token }));
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /https only/);
  });

  it('a config file with a YAML syntax error, naming file and line', async () => {
    const env = isolatedEnv();
    const dir = join(env.XDG_CONFIG_HOME!, 'proxmox-mpc');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.yml'), 'profiles:\n  lab:\n    endpoint: [oops\n', { mode: 0o600 });
    const r = await runCli(['ping'], env);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, new RegExp(`${join(dir, 'config.yml')}:\\d+:\\d+: YAML syntax error`));
  });

  it('no configuration at all points to the demo', async () => {
    const r = await runCli(['ping']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /proxmox-mpc demo/);
  });
});

describe('proxmox-mpc simulator', () => {
  it('prints URL, token and fingerprint, serves them, and stops on SIGTERM', async () => {
    const child = startCli(['simulator', '--port', '0', '--time-scale', '0.01', '-o', 'json']);
    const info = await new Promise<{ url: string; apiToken: string; fingerprint: string }>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { url: string; apiToken: string; fingerprint: string });
      });
      child.on('exit', (code) => reject(new Error(`simulator exited early (${code})`)));
    });
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await runCli(['ping'], isolatedEnv({ PROXMOX_VE_ENDPOINT: info.url, PROXMOX_VE_API_TOKEN: info.apiToken, PMC_FINGERPRINT: info.fingerprint }));
    expect(r.code).toBe(0);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a port out of range as a usage error', async () => {
    const r = await runCli(['simulator', '--port', '99999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/port from 0 to 65535/);
  });

  it('refuses --guests without the generated scenario', async () => {
    const r = await runCli(['simulator', '--guests', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--scenario generated/);
  });
});
