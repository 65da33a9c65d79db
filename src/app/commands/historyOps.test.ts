// `history --ops`: the operations log as the history command shows it (the e2e test in
// test/operations-history.cli.test.ts records them through the CLI itself).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache, openDatabase } from '../../db/client.js';
import type { Cache } from '../../db/cacheApi.js';
import { insertOperations, type OperationLogEntry } from '../../db/operationLog.js';
import type { ReadContext } from '../read/context.js';
import { plainGuest, sink } from '../read/test-support/fixture.js';
import { describeSections, describeView } from '../read/describeGuest.js';
import { UserError } from '../userError.js';
import { runHistory, type HistoryOptions } from './history.js';

const T = Date.UTC(2025, 0, 5, 10, 0, 0);
let dir: string;
let cache: Cache;
let ctx: ReadContext;

const op = (over: Partial<OperationLogEntry>): OperationLogEntry => ({
  startedAt: T,
  endedAt: T + 2_400,
  source: 'cli',
  user: 'root@pam',
  action: 'start',
  type: 'qemu',
  vmid: 100,
  name: 'web-01',
  node: 'pve1',
  risk: 'low',
  outcome: 'done',
  message: 'OK',
  exitStatus: 'OK',
  upid: 'UPID:pve1:0000A1B2:00C3D4E5:677A5A50:qmstart:100:root@pam:',
  durationMs: 2_400,
  calls: [{ method: 'POST', path: '/nodes/pve1/qemu/100/status/start', params: {} }],
  ...over,
});

beforeAll(() => {
  process.env.TZ = 'UTC';
  dir = mkdtempSync(join(tmpdir(), 'pmc-history-ops-'));
  const path = join(dir, 'cache.db');
  cache = openCache(path);
  const profile = cache.profile('homelab', 'https://pve.example:8006');
  const writer = openDatabase(path);
  insertOperations(writer, { name: 'homelab' }, [
    op({}),
    op({ startedAt: T + 60_000, endedAt: T + 60_010, action: 'stop', risk: 'high', outcome: 'refused', message: 'not confirmed', exitStatus: undefined, upid: undefined, durationMs: 10 }),
    op({ startedAt: T + 120_000, endedAt: T + 125_000, source: 'console', type: 'lxc', vmid: 200, name: 'dns-\u001b[31mevil', node: 'pve2', action: 'reboot', risk: 'medium', outcome: 'failed', message: 'command failed: exit code 1', exitStatus: 'command failed: exit code 1', durationMs: 5_000 }),
  ]);
  writer.close();
  ctx = { cache, profile, profileName: 'homelab', now: T + 3_600_000, syncedAt: T, syncedAgo: () => 'synced 1 h ago', close: () => undefined };
});
afterAll(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

async function history(ref: string | undefined, opts: Partial<HistoryOptions> = {}) {
  const stdout = sink();
  const stderr = sink();
  await runHistory(ref, { output: 'text', ops: true, ...opts } as HistoryOptions, { stdout, stderr, env: { COLUMNS: '140' }, open: async () => ctx });
  return { stdout: stdout.text(), stderr: stderr.text() };
}

describe('history --ops', () => {
  it('lists operations newest first: guest, action, risk, outcome, who, how long, the message', async () => {
    const r = await history(undefined);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME +GUEST +NAME +ACTION +RISK +OUTCOME +BY +TOOK +MESSAGE$/);
    expect(lines[1]).toMatch(/^2025-01-05 10:02:00 +200 +dns-evil +reboot +medium +failed +root@pam \(console\) +5\.0 s +command failed: exit code 1$/);
    expect(lines[2]).toMatch(/^2025-01-05 10:01:00 +100 +web-01 +stop +high +refused +root@pam \(cli\) +- +not confirmed$/);
    expect(lines[3]).toMatch(/^2025-01-05 10:00:00 +100 +web-01 +start +low +done +root@pam \(cli\) +2\.4 s +OK$/);
    expect(r.stdout).not.toContain('\u001b');
  });

  it('searches: --grep in any field (any case), --outcome and --risk lists; the limit counts what matches', async () => {
    const names = async (opts: Partial<HistoryOptions>) => (await history(undefined, opts)).stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/)[4]);
    expect(await names({ grep: 'CONFIRMED' })).toEqual(['stop']);
    expect(await names({ grep: 'pve2' })).toEqual(['reboot']);
    expect(await names({ outcome: 'done,failed' })).toEqual(['reboot', 'start']);
    expect(await names({ risk: 'high,low' })).toEqual(['stop', 'start']);
    expect(await names({ risk: 'low', grep: 'web' })).toEqual(['start']);
    expect(await names({ grep: 'web', limit: 1 })).toEqual(['stop']);
    expect((await history(undefined, { grep: 'nothing-like-this' })).stderr).toMatch(/^proxmox-mpc: no recorded operations in the cache of profile homelab\n$/);
    await expect(history(undefined, { outcome: 'done,maybe' })).rejects.toThrow(/--outcome 'maybe': use done, failed, refused, skipped/);
  });

  it('narrows to a guest, a type and a time; JSON carries the task and the calls', async () => {
    expect((await history('100')).stdout.trimEnd().split('\n')).toHaveLength(3);
    expect((await history(undefined, { type: 'ct' })).stdout).toMatch(/reboot/);
    expect((await history(undefined, { type: 'ct' })).stdout).not.toMatch(/web-01/);
    expect((await history(undefined, { since: '2025-01-05T10:00:30Z' })).stdout.trimEnd().split('\n')).toHaveLength(3);
    const json = JSON.parse((await history('qemu/100', { output: 'json', limit: 1 })).stdout) as unknown[];
    expect(json).toEqual([
      {
        startedAt: '2025-01-05T10:01:00Z',
        endedAt: '2025-01-05T10:01:00Z',
        source: 'cli',
        user: 'root@pam',
        action: 'stop',
        type: 'qemu',
        vmid: 100,
        guest: 'web-01',
        node: 'pve1',
        risk: 'high',
        outcome: 'refused',
        message: 'not confirmed',
        exitStatus: null,
        upid: null,
        durationMs: 10,
        calls: [{ method: 'POST', path: '/nodes/pve1/qemu/100/status/start', params: {} }],
      },
    ]);
  });

  it('-o wide adds the type, the node and the UPID', async () => {
    const r = await history(undefined, { output: 'wide' });
    expect(r.stdout.split('\n')[0]).toMatch(/^TIME +GUEST +NAME +TYPE +NODE +ACTION +RISK +OUTCOME +BY +TOOK +MESSAGE +UPID$/);
    expect(r.stdout).toMatch(/ 100 +web-01 +qemu +pve1 +start .* UPID:pve1:\S+$/m);
  });

  it('nothing recorded is a message and no rows; JSON is []', async () => {
    const r = await history('999');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no recorded operations on 999/);
    expect((await history('999', { output: 'json' })).stdout.trim()).toBe('[]');
  });

  it('refuses --event and a sync run id with --ops', async () => {
    await expect(history(undefined, { event: 'status' })).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.exitCode === 2);
    await expect(history(undefined, { since: '42' })).rejects.toSatisfy((e: unknown) => e instanceof UserError && /not recorded by sync runs/.test(e.message));
  });

  it('without --ops, the changes view says that operations were recorded too', async () => {
    const r = await history(undefined, { ops: false });
    expect(r.stderr).toMatch(/operations run on guests are recorded too: proxmox-mpc history --ops/);
  });
});

describe("a guest's operations in describe and the console's History tab", () => {
  it('the document lists them; the History section has an Operations table', () => {
    const guest = plainGuest('qemu', 100, 'web-01', 'pve1');
    const operations = cache.operations(ctx.profile.id);
    const view = describeView(guest, { snapshots: [], tasks: [], history: [], operations }, ctx.now);
    // Only this guest's (the container 200 is another guest).
    expect(view.doc.operations.map((o) => o.action)).toEqual(['stop', 'start']);
    const text = describeSections(view, ctx.now, 120).history.join('\n');
    expect(text).toMatch(/^Operations:$/m);
    expect(text).toMatch(/^ +2025-01-05 10:01:00 +stop +refused +root@pam \(cli\) +- +not confirmed$/m);
    expect(text).toMatch(/^ +2025-01-05 10:00:00 +start +done +root@pam \(cli\) +2\.4 s +OK$/m);
  });
});
