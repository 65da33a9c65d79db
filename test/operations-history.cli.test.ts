// Operations recorded in history, as a user sees them: the built CLI (a private copy of dist/)
// acts on the homelab simulator running in this process, then `history --ops` and `describe`
// read what was recorded from the cache. Dry runs are not recorded; refusals are.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxClient } from '../src/proxmox/client.js';
import { startTestSimulator, type TestSimulator } from '../src/sync/test-support/sim.js';
import { CLI, isolatedEnv, type CliResult } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';

const TEST_MS = 60_000;

let build: PrivateBuild | undefined;
let cliPath = CLI;
let sim: TestSimulator;
let client: ProxmoxClient;
const homes: string[] = [];

beforeAll(async () => {
  build = privateBuild('pmc-ops-history-');
  cliPath = build.cliPath;
  ({ sim, client } = await startTestSimulator({ timeScale: 0.02 }));
}, 180_000);

afterAll(async () => {
  client?.close();
  await sim?.close();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  build?.dispose();
});

function run(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function syncedEnv(): Promise<NodeJS.ProcessEnv> {
  const env = isolatedEnv({
    PROXMOX_VE_ENDPOINT: sim.url,
    PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=${sim.root.tokenSecret}`,
    PMC_FINGERPRINT: sim.fingerprint,
    COLUMNS: '200',
    TZ: 'UTC',
  });
  homes.push(env.HOME!);
  const r = await run(['sync'], env);
  expect(r.code, r.stderr).toBe(0);
  return env;
}

interface OpRecord {
  action: string;
  type: string;
  vmid: number;
  guest: string | null;
  node: string;
  risk: string | null;
  outcome: string;
  message: string;
  exitStatus: string | null;
  upid: string | null;
  user: string | null;
  source: string;
  durationMs: number | null;
  calls: Array<{ method: string; path: string }>;
}

describe('operations in history', () => {
  it('a start done and a stop refused are recorded; a dry run is not; history --ops and describe show them', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();

    const start = await run(['start', 'vm', 'win11-desk'], env);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toBe(''); // recording is silent when it works
    const refused = await run(['stop', 'vm', 'web-02'], env);
    expect(refused.code).toBe(4);
    const dry = await run(['start', 'vm', '116', '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);

    const json = await run(['history', '--ops', '-o', 'json'], env);
    expect(json.code, json.stderr).toBe(0);
    const ops = JSON.parse(json.stdout) as OpRecord[];
    expect(ops.map((o) => `${o.action} ${o.vmid} ${o.outcome}`)).toEqual(['stop 101 refused', 'start 109 done']);
    const [stop, started] = ops as [OpRecord, OpRecord];
    expect(started).toMatchObject({
      type: 'qemu',
      guest: 'win11-desk',
      node: 'pve3',
      risk: 'low',
      exitStatus: 'OK',
      user: sim.root.tokenId,
      source: 'cli',
      calls: [{ method: 'POST', path: '/nodes/pve3/qemu/109/status/start' }],
    });
    expect(started.upid).toMatch(/^UPID:pve3:.*:qmstart:109:/);
    expect(started.durationMs).toBeGreaterThan(0);
    expect(stop).toMatchObject({ risk: 'high', message: expect.stringContaining('needs confirmation') as unknown as string, upid: null });
    // The token's secret is nowhere in what was recorded.
    expect(json.stdout).not.toContain(sim.root.tokenSecret);

    const table = await run(['history', '--ops'], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^TIME +GUEST +NAME +ACTION +RISK +OUTCOME +BY +TOOK +MESSAGE$/m);
    expect(table.stdout).toMatch(/ 109 +win11-desk +start +low +done +\S+ \(cli\) +\d+\.\d s +OK$/m);
    expect(table.stdout).toMatch(/ 101 +web-02 +stop +high +refused +\S+ \(cli\) +- +stop VM 101 web-02 is high risk/m);

    const one = await run(['history', 'win11-desk', '--ops', '-o', 'json'], env);
    expect((JSON.parse(one.stdout) as OpRecord[]).map((o) => o.action)).toEqual(['start']);

    // The changes view points at the operations.
    const changes = await run(['history'], env);
    expect(changes.stderr).toContain('proxmox-mpc history --ops');

    const described = await run(['describe', 'vm', '109', '-o', 'json'], env);
    expect(described.code, described.stderr).toBe(0);
    expect((JSON.parse(described.stdout) as { operations: OpRecord[] }).operations.map((o) => `${o.action} ${o.outcome}`)).toEqual(['start done']);
    const text = await run(['describe', 'vm', '109'], env);
    expect(text.stdout).toMatch(/^Operations:$/m);
  });
});
