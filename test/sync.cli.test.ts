// `proxmox-mpc sync` as a user runs it (from source through tsx, so it does not depend on the
// bundle), against the simulator, with an isolated config and cache directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxClient } from '../src/proxmox/client.js';
import { startTestSimulator, waitFor, type TestSimulator } from '../src/sync/test-support/sim.js';
import { isolatedEnv } from './support/cli.js';

const CLI_SOURCE = resolve(import.meta.dirname, '../src/app/cli.ts');

let sim: TestSimulator;
let client: ProxmoxClient;

beforeAll(async () => {
  ({ sim, client } = await startTestSimulator());
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});

function envFor(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return isolatedEnv({
    PROXMOX_VE_ENDPOINT: sim.url,
    PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=${sim.root.tokenSecret}`,
    PMC_FINGERPRINT: sim.fingerprint,
    ...extra,
  });
}

interface Running {
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  signal(sig: NodeJS.Signals): void;
}

function start(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: resolve(import.meta.dirname, '..') });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { stdout: () => out, stderr: () => err, exit, signal: (sig) => child.kill(sig) };
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = start(args, env);
  const code = await r.exit;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

describe('proxmox-mpc sync', () => {
  it('syncs once: progress on stderr, the summary on stdout, exit 0', async () => {
    const env = envFor();
    const r = await run(['sync'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^synced env-127\.0\.0\.1-\d+: 3 nodes, 38 guests \(38 configs fetched\), \d+ changes, \d+ ms\n$/);
    expect(r.stderr).toContain('sync: reading guest configs');
    expect(existsSync(join(env.XDG_CACHE_HOME!, 'proxmox-mpc', `env-127.0.0.1-${new URL(sim.url).port}.db`))).toBe(true);
    const json = await run(['-o', 'json', 'sync'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ profile: `env-127.0.0.1-${new URL(sim.url).port}`, nodes: 3, guests: 38, historyEntries: 0, warnings: [] });
  });

  it('a rejected token: one line, exit 3, no secret', async () => {
    const r = await run(['sync'], envFor({ PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=not-the-secret-42` }));
    expect(r.code).toBe(3);
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('proxmox-mpc: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/rejected|authentication/i);
    expect(r.stderr).not.toContain('not-the-secret-42');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a damaged cache file: a clear message; --reset-cache moves it aside and syncs', async () => {
    const env = envFor();
    const dir = join(env.XDG_CACHE_HOME!, 'proxmox-mpc');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `env-127.0.0.1-${new URL(sim.url).port}.db`), 'this is not a database, just some text that is long enough to not be empty '.repeat(100));
    const broken = await run(['sync'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/--reset-cache/);
    const reset = await run(['sync', '--reset-cache'], env);
    expect(reset.code).toBe(0);
    expect(reset.stderr).toMatch(/moved the old cache aside/);
    expect(readdirSync(dir).some((f) => f.includes('.broken-'))).toBe(true);
  });

  it('--watch first prints what changed while nothing was watching', async () => {
    const env = envFor();
    expect((await run(['sync'], env)).code).toBe(0);
    await client.waitForTaskOk(await client.qemu.start('pve2', 114), { pollIntervalMs: 5 });
    const w = start(['sync', '--watch', '--interval', '0.2'], env);
    await waitFor(() => w.stdout().includes('qemu/114 test-vm: status stopped -> running'), 15_000, 'the offline change');
    w.signal('SIGINT');
    expect(await w.exit).toBe(0);
    await client.waitForTaskOk(await client.qemu.stop('pve2', 114), { pollIntervalMs: 5 });
  });

  it('--watch prints changes as they happen and stops on Ctrl-C with exit 0', async () => {
    const w = start(['sync', '--watch', '--interval', '0.2'], envFor());
    await waitFor(() => /watching for changes/.test(w.stderr()), 15_000, 'the first sync');
    await client.waitForTaskOk(await client.qemu.stop('pve1', 100), { pollIntervalMs: 5 });
    await waitFor(() => w.stdout().includes('qemu/100 web-01: status running -> stopped'), 10_000, 'the change line');
    await client.qemu.updateConfig('pve2', 114, { description: 'watched' });
    await client.qemu.updateConfig('pve2', 114, { memory: 1536 });
    await waitFor(() => w.stdout().includes('qemu/114 test-vm: description (unset) -> watched'), 10_000, 'the config change line');
    w.signal('SIGINT');
    expect(await w.exit).toBe(0);
    expect(w.stderr()).not.toMatch(/\n\s+at /);
  });
});
