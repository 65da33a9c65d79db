// Each simulator fault during `proxmox-mpc sync` (the built CLI against the homelab simulator in
// this process): no crash, the cache intact (integrity_check ok, `get vms --offline` reads it),
// the state said in one line or a warning, and a clean sync once the fault clears.
// (The sync worker under faults is in test/sync.integration.test.ts; this is the CLI a user runs.)
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimFaults } from '../../src/simulator/index.js';
import { useSimulatorCli } from '../support/simCli.js';
import { cacheFileOf, errorLines, inspectCache, NO_FAULTS, noCrash } from './support.js';

const TEST_MS = 60_000;
const cli = useSimulatorCli('pmc-faults-sync-');
afterEach(() => {
  cli.sim.faults.set(NO_FAULTS);
});

/** Syncs a new HOME, injects `faults`, runs `sync`, clears them; returns the faulty run. */
async function syncUnder(faults: Partial<SimFaults>, env?: NodeJS.ProcessEnv) {
  env ??= await cli.syncedEnv();
  const file = cacheFileOf(env, cli.sim.port);
  const before = inspectCache(file);
  cli.sim.faults.set(faults);
  const r = await cli.run(['sync'], env);
  cli.sim.faults.set(NO_FAULTS);
  noCrash(r);
  const during = inspectCache(file);
  expect(during.integrity).toBe('ok');
  return { r, env, file, before, during };
}

/** After the fault: the cache reads offline, and the next sync is clean. */
async function recovers(env: NodeJS.ProcessEnv, file: string): Promise<void> {
  const offline = await cli.run(['get', 'vms', '--offline'], env);
  expect(offline.code, offline.stderr).toBe(0);
  expect(offline.stdout).toMatch(/ web-01 /);
  const again = await cli.run(['sync'], env);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stderr).not.toContain('warning');
  expect(again.stdout).toMatch(/^synced env-127\.0\.0\.1-\d+: 3 nodes, 38 guests/);
  expect(inspectCache(file)).toMatchObject({ integrity: 'ok', guests: 38 });
}

describe('sync under faults', () => {
  it('2 s latency on every answer: slow, but complete (exit 0)', { timeout: TEST_MS }, async () => {
    const { r, env, file, during } = await syncUnder({ latencyMs: 2000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/38 guests/);
    expect(during.guests).toBe(38);
    await recovers(env, file);
  });

  it('30% errors and 30% connection resets: retried; what still failed is a warning, the sync completes', { timeout: TEST_MS }, async () => {
    for (const faults of [{ errorRate: 0.3 }, { resetRate: 0.3 }]) {
      const { r, env, file, during } = await syncUnder(faults);
      expect(r.code, r.stderr).toBe(0);
      expect(errorLines(r)).toEqual([]);
      // Every warning is one line naming what failed.
      for (const w of r.stderr.split('\n').filter((l) => l.startsWith('proxmox-mpc: warning: '))) expect(w).toMatch(/server error 500|connection reset/);
      expect(during.guests).toBe(38);
      await recovers(env, file);
    }
  });

  it('every request failing (500 or reset) or every body malformed: one line, the previous sync kept', { timeout: TEST_MS }, async () => {
    const cases: [Partial<SimFaults>, number, RegExp][] = [
      [{ errorRate: 1 }, 1, /server error 500 on GET \/cluster\/resources/],
      [{ resetRate: 1 }, 3, /cannot reach 127\.0\.0\.1:\d+ \(connection reset/],
      [{ malformedRate: 1 }, 3, /malformed response to GET \/cluster\/resources .*not valid JSON/],
    ];
    for (const [faults, code, message] of cases) {
      const { r, env, file, before, during } = await syncUnder(faults);
      expect(r.code, r.stderr).toBe(code);
      const errors = errorLines(r);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(during).toEqual(before); // untouched: no half sync, no failed run counted as ok
      await recovers(env, file);
    }
  });

  it('30% malformed bodies: read again; the sync completes', { timeout: TEST_MS }, async () => {
    const { r, env, file, during } = await syncUnder({ malformedRate: 0.3 });
    // A malformed answer to the first listing can still fail the run; whichever way, it is said
    // in one line and the cache keeps a whole sync.
    if (r.code === 0) expect(during.guests).toBe(38);
    else expect(errorLines(r)).toHaveLength(1);
    await recovers(env, file);
  });

  it('a node offline: a warning naming it, its guests kept from the cache', { timeout: TEST_MS }, async () => {
    const { r, env, file, during } = await syncUnder({ offlineNodes: ['pve2'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('proxmox-mpc: warning: node pve2 is offline');
    expect(during.guests).toBe(38);
    await recovers(env, file);
  });
});

describe('ticket expiry (password login)', () => {
  const passwordEnv = () =>
    cli.syncedEnv({ PROXMOX_VE_API_TOKEN: '', PROXMOX_VE_USERNAME: cli.sim.root.username, PROXMOX_VE_PASSWORD: cli.sim.root.password });

  it('tickets expired mid-sync: logs in again and completes', { timeout: TEST_MS }, async () => {
    const env = await passwordEnv();
    cli.sim.faults.set({ latencyMs: 50 });
    const r = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [cli.cliPath, 'sync'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let expired = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!expired && stderr.includes('reading guest configs')) {
          expired = true;
          cli.sim.faults.expireTickets();
        }
      });
      child.on('close', (code) => done({ code, stderr }));
    });
    expect(r.stderr).toContain('reading guest configs');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(cli.sim.root.password);
    expect(inspectCache(cacheFileOf(env, cli.sim.port))).toMatchObject({ integrity: 'ok', guests: 38 });
  });

  it('tickets that expire at once: one line, exit 3, no password; the cache kept; fine once they last', { timeout: TEST_MS }, async () => {
    const env = await passwordEnv();
    const { r, file, before, during } = await syncUnder({ ticketLifetimeSec: 0 }, env);
    expect(r.code, r.stderr).toBe(3);
    const errors = errorLines(r);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/authentication failed for root@pam .*even after logging in again/);
    expect(r.stderr + r.stdout).not.toContain(cli.sim.root.password);
    expect(during).toEqual(before);
    await recovers(env, file);
  });
});
