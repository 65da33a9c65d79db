import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadContext } from '../read/context.js';
import { openFixture, sink, type Fixture } from '../read/test-support/fixture.js';
import { UserError } from '../userError.js';
import { runHistory, type HistoryOptions } from './history.js';

let fx: Fixture;
beforeAll(() => {
  process.env.TZ = 'UTC';
  fx = openFixture();
});
afterAll(() => fx.cache.close());

async function history(ref: string | undefined, opts: Partial<HistoryOptions> = {}, ctx: ReadContext = fx.ctx) {
  const stdout = sink();
  const stderr = sink();
  await runHistory(ref, { output: 'text', ...opts } as HistoryOptions, { stdout, stderr, env: { COLUMNS: '120' }, open: async () => ctx });
  return { stdout: stdout.text(), stderr: stderr.text() };
}

describe('history', () => {
  it('lists the recorded changes newest first with time, guest, event, field and old -> new', async () => {
    const r = await history(undefined);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME +GUEST +NAME +EVENT +FIELD +CHANGE$/);
    expect(r.stdout).toMatch(/^2025-01-05 10:05:00 +100 +web-01 +config +memory +4096 -> 8192$/m);
    expect(r.stdout).toMatch(/^2025-01-05 10:05:00 +102 +db-01 +moved +node +pve1 -> pve2$/m);
    expect(r.stdout).toMatch(/^2025-01-05 10:05:00 +101 +web-02 +status +status +stopped -> running$/m);
    expect(r.stdout).toMatch(/^2025-01-05 10:05:00 +202 +new-ct +created +- +created \(new-ct\)$/m);
    // A deleted guest keeps the name history recorded, sanitised.
    expect(r.stdout).toMatch(/^2025-01-05 10:05:00 +103 +evilname +deleted +- +deleted \(was evilname\)$/m);
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(r.stderr).toBe('');
  });

  it('narrows to one guest by vmid or name, and filters events', async () => {
    const byVmid = await history('100');
    expect(byVmid.stdout.trimEnd().split('\n')).toHaveLength(2);
    const byName = await history('db-01', { output: 'json' });
    expect(JSON.parse(byName.stdout)).toEqual([
      { at: '2025-01-05T10:05:00Z', syncRunId: 2, type: 'qemu', vmid: 102, guest: 'db-01', event: 'moved', field: 'node', old: 'pve1', new: 'pve2' },
    ]);
    const events = JSON.parse((await history(undefined, { output: 'json', event: 'status,moved' })).stdout) as Array<{ event: string }>;
    expect(events.map((x) => x.event).sort()).toEqual(['moved', 'status']);
  });

  it('still shows the history of a deleted guest by vmid', async () => {
    const r = JSON.parse((await history('103', { output: 'json' })).stdout) as Array<{ event: string; guest: string }>;
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ event: 'deleted', guest: 'evil\u001b[31m\u001b]0;pwned\u0007name\u009b2J' });
  });

  it('a vmid with neither a guest nor a history exits 4', async () => {
    await expect(history('999')).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.exitCode === 4 && /no guest 999/.test(e.message));
  });

  it('an existing guest without changes prints a message on stderr and nothing on stdout (json: [])', async () => {
    const r = await history('200');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no recorded changes for 200/);
    expect((await history('200', { output: 'yaml' })).stdout).toBe('[]\n');
  });

  it('--since a sync run shows the net drift recorded after it', async () => {
    const r = await history(undefined, { since: '1' });
    expect(r.stderr).toMatch(/^Changes since sync run 1 \(.*\), net of changes that were undone:\n$/);
    expect(r.stdout.split('\n')[0]).toMatch(/^GUEST +NAME +EVENT +FIELD +CHANGE +CHANGES +LAST$/);
    expect(r.stdout).toMatch(/^ +100 +web-01 +config +memory +4096 -> 8192 +1 +10:05:00$/m);
    expect(r.stdout).toMatch(/^ +103 +evilname +deleted +- +deleted \(was evilname\) +1 /m);
    const none = await history(undefined, { since: '2', output: 'json' });
    expect(none.stdout).toBe('[]\n');
  });

  it('--since a duration or a date', async () => {
    const recent = JSON.parse((await history(undefined, { since: '10s', output: 'json' })).stdout) as unknown[];
    expect(recent).toEqual([]);
    const hour = JSON.parse((await history(undefined, { since: '1h', output: 'json' })).stdout) as Array<Record<string, unknown>>;
    expect(hour).toHaveLength(5);
    expect(Object.keys(hour[0]!)).toEqual(['type', 'vmid', 'guest', 'event', 'field', 'old', 'new', 'changes', 'firstAt', 'lastAt']);
    const all = JSON.parse((await history(undefined, { since: '2025-01-05T10:04:00Z', all: true, output: 'json' })).stdout) as unknown[];
    expect(all).toHaveLength(5);
  });

  it('a sync run newer than the newest exits 4', async () => {
    await expect(history(undefined, { since: '99' })).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.exitCode === 4 && /no sync run 99 .*the newest is 2/.test(e.message));
  });

  it('usage errors: --all without --since, a bad --since or --event', async () => {
    await expect(history(undefined, { all: true })).rejects.toThrow(/--all only applies with --since/);
    await expect(history(undefined, { since: 'soon' })).rejects.toThrow(/--since 'soon'/);
    await expect(history(undefined, { event: 'x' })).rejects.toThrow(/--event x/);
  });

  it('limits tables by default and says so; --limit N and 0 for all', async () => {
    const limited = await history(undefined, { limit: 2 });
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(limited.stderr).toMatch(/showing the newest 2 changes/);
    const all = await history(undefined, { limit: 0 });
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(6);
    expect(all.stderr).toBe('');
  });
});
