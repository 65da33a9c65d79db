// Each simulator fault during an operation (`start`/`stop` of the built CLI against the homelab
// simulator in this process): one line per guest saying what failed, the exit code a script can
// branch on, the attempt recorded in `history --ops`, the cache intact, and the same command
// working once the fault clears.
import { afterEach, describe, expect, it } from 'vitest';
import type { OperationRecord } from '../../src/app/read/operationsView.js';
import type { SimFaults } from '../../src/simulator/index.js';
import { waitFor } from '../../src/sync/test-support/sim.js';
import { useSimulatorCli } from '../support/simCli.js';
import { cacheFileOf, errorLines, inspectCache, NO_FAULTS, noCrash } from './support.js';

const TEST_MS = 60_000;
const cli = useSimulatorCli('pmc-faults-ops-');
afterEach(() => {
  cli.sim.faults.set(NO_FAULTS);
});

const outLines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

async function opsOf(env: NodeJS.ProcessEnv): Promise<OperationRecord[]> {
  const r = await cli.run(['history', '--ops', '-o', 'json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as OperationRecord[];
}

async function simStatus(vmid: number): Promise<string | undefined> {
  return (await cli.client.clusterResources('vm')).find((g) => g.vmid === vmid)?.status;
}

describe('an operation under faults', () => {
  it('2 s latency: start still completes and is recorded as done', { timeout: TEST_MS }, async () => {
    const env = await cli.syncedEnv();
    cli.sim.faults.set({ latencyMs: 2000 });
    const r = await cli.run(['start', 'vm', 'win11-desk'], env);
    cli.sim.faults.set(NO_FAULTS);
    noCrash(r);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^qemu\/109 win11-desk: start done \(\d+\.\d s\): OK\n$/);
    expect((await opsOf(env)).map((o) => `${o.action} ${o.vmid} ${o.outcome}`)).toEqual(['start 109 done']);
    expect(await simStatus(109)).toBe('running');
  });

  it('500s, malformed answers, the guest\'s node offline: one failed line each (exit 1), recorded; works once cleared', { timeout: TEST_MS }, async () => {
    const env = await cli.syncedEnv();
    const cases: [Partial<SimFaults>, RegExp][] = [
      [{ errorRate: 1 }, /^qemu\/100 web-01: stop failed: server error 500 on POST \/nodes\/pve1\/qemu\/100\/status\/stop /],
      [{ offlineNodes: ['pve1'] }, /^qemu\/100 web-01: stop failed: node pve1 is unreachable \(595/],
      // A POST whose answer was unreadable may have been carried out: the user is told to check.
      [{ malformedRate: 1 }, /^qemu\/100 web-01: stop failed: malformed response to POST \/nodes\/pve1\/qemu\/100\/status\/stop .*the server may have carried it out/],
    ];
    for (const [faults, line] of cases) {
      cli.sim.faults.set(faults);
      const r = await cli.run(['stop', 'vm', 'web-01', '--yes'], env);
      cli.sim.faults.set(NO_FAULTS);
      noCrash(r);
      expect(r.code, r.stderr).toBe(1);
      const out = outLines(r.stdout);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(line);
      // The live state could not be read: said, and the plan made from the cache.
      expect(r.stderr).toContain('proxmox-mpc: warning: planning from the cached state');
      if (!faults.malformedRate) expect(await simStatus(100)).toBe('running');
      else await waitFor(async () => (await simStatus(100)) === 'stopped', 10_000, 'the stop carried out'); // as the line warned
    }
    const ops = await opsOf(env);
    expect(ops.map((o) => `${o.action} ${o.vmid} ${o.outcome}`)).toEqual(['stop 100 failed', 'stop 100 failed', 'stop 100 failed']);
    expect(ops.map((o) => o.message)).toEqual([
      expect.stringContaining('malformed response'),
      expect.stringContaining('node pve1 is unreachable'),
      expect.stringContaining('server error 500'),
    ]);
    expect(inspectCache(cacheFileOf(env, cli.sim.port)).integrity).toBe('ok');

    // Recovery: nothing restarted, the next command works and the cache follows.
    const ok = await cli.run(['start', 'vm', 'web-01'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^qemu\/100 web-01: start done/);
    expect(await simStatus(100)).toBe('running');
    const offline = await cli.run(['get', 'vms', '--offline', '--status', 'running'], env);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toMatch(/ web-01 /); // the cache was synced after the operation
  });

  it('every connection reset: one line, exit 3 (connection), nothing done, the attempts recorded as failed; works once cleared', { timeout: TEST_MS }, async () => {
    const env = await cli.syncedEnv();
    cli.sim.faults.set({ resetRate: 1 });
    const r = await cli.run(['start', 'ct', 'pihole'], env);
    const stop = await cli.run(['stop', 'vm', 'web-01', 'db-01', '--yes'], env);
    cli.sim.faults.set(NO_FAULTS);
    for (const run of [r, stop]) {
      noCrash(run);
      expect(run.code, run.stderr).toBe(3);
      const errors = errorLines(run);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/cannot reach 127\.0\.0\.1:\d+ \(connection reset by the server/);
    }
    expect(inspectCache(cacheFileOf(env, cli.sim.port)).integrity).toBe('ok');
    // The history says what was attempted, and why it failed (the connection, redacted).
    const ops = await opsOf(env);
    expect(ops.map((o) => `${o.action} ${o.type}/${o.guest} ${o.outcome}`).sort()).toEqual(['start lxc/pihole failed', 'stop qemu/db-01 failed', 'stop qemu/web-01 failed']);
    for (const o of ops) expect(o.message).toMatch(/^cannot reach 127\.0\.0\.1:\d+ \(connection reset by the server/);
    expect(JSON.stringify(ops)).not.toContain(cli.sim.root.tokenSecret);
    const again = await cli.run(['stop', 'vm', 'db-01', '--yes'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(await simStatus(102)).toBe('stopped');
    expect((await opsOf(env))[0]).toMatchObject({ action: 'stop', vmid: 102, outcome: 'done' });
  });

  it('tickets that expire at once (password login): one line, exit 3, no password; works once they last', { timeout: TEST_MS }, async () => {
    const env = await cli.syncedEnv({ PROXMOX_VE_API_TOKEN: '', PROXMOX_VE_USERNAME: cli.sim.root.username, PROXMOX_VE_PASSWORD: cli.sim.root.password });
    cli.sim.faults.set({ ticketLifetimeSec: 0 });
    const r = await cli.run(['start', 'vm', 'win11-desk'], env);
    cli.sim.faults.set(NO_FAULTS);
    noCrash(r);
    expect(r.code, r.stderr).toBe(3);
    const errors = errorLines(r);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/authentication failed for root@pam/);
    expect(r.stdout + r.stderr).not.toContain(cli.sim.root.password);
    const ok = await cli.run(['start', 'vm', 'win11-desk'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^qemu\/109 win11-desk: start (done|skipped)/);
  });
});
