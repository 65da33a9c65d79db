// Operations recorded in history, as a user sees them: the built CLI (a private copy of dist/)
// acts on the homelab simulator running in this process, then `history --ops` and `describe`
// read what was recorded from the cache. Dry runs are not recorded; refusals are.
import { describe, expect, it } from 'vitest';
import type { OperationRecord } from '../src/app/read/operationsView.js';
import { useSimulatorCli } from './support/simCli.js';

const TEST_MS = 60_000;

const cli = useSimulatorCli('pmc-ops-history-');
const run = cli.run;
const syncedEnv = () => cli.syncedEnv({ TZ: 'UTC' });

type OpRecord = OperationRecord;

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
      user: cli.sim.root.tokenId,
      source: 'cli',
      calls: [{ method: 'POST', path: '/nodes/pve3/qemu/109/status/start' }],
    });
    expect(started.upid).toMatch(/^UPID:pve3:.*:qmstart:109:/);
    expect(started.durationMs).toBeGreaterThan(0);
    expect(stop).toMatchObject({ risk: 'high', message: expect.stringContaining('needs confirmation') as unknown as string, upid: null });
    // The token's secret is nowhere in what was recorded.
    expect(json.stdout).not.toContain(cli.sim.root.tokenSecret);

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
