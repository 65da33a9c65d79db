import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadContext } from '../read/context.js';
import type { ClusterObservation, GuestRow } from '../../db/model.js';
import { openFixture, openScenario, plainGuest, sink, vmidReuseObservations, type Fixture } from '../read/test-support/fixture.js';
import { UserError } from '../userError.js';
import { runHistory, type HistoryOptions } from './history.js';

let fx: Fixture;
beforeAll(() => {
  process.env.TZ = 'UTC';
  fx = openFixture();
});
afterAll(() => fx.cache.close());

async function history(ref: string | undefined, opts: Partial<HistoryOptions> = {}, ctx: ReadContext = fx.ctx, env: NodeJS.ProcessEnv = { COLUMNS: '120' }) {
  const stdout = sink();
  const stderr = sink();
  await runHistory(ref, { output: 'text', ...opts } as HistoryOptions, { stdout, stderr, env, open: async () => ctx });
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

  it('usage errors: a bad --since, --event or --type, a type that contradicts --type', async () => {
    await expect(history(undefined, { since: 'soon' })).rejects.toThrow(/--since 'soon'/);
    await expect(history(undefined, { event: 'x' })).rejects.toThrow(/--event x/);
    await expect(history(undefined, { type: 'storage' })).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.exitCode === 2 && /--type storage: use qemu \(vm\) or lxc \(ct\)/.test(e.message));
    await expect(history('qemu/100', { type: 'ct' })).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.exitCode === 2 && /'qemu\/100' is a qemu guest but --type asks for lxc/.test(e.message));
    await expect(history('disk/100')).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.exitCode === 2);
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

describe('history of a vmid that two guests had', () => {
  let reuse: Fixture;
  beforeAll(() => {
    reuse = openScenario(vmidReuseObservations());
  });
  afterAll(() => reuse.cache.close());

  it('a bare vmid shows every type\'s history, each row with its type', async () => {
    const r = await history('100', {}, reuse.ctx);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME +GUEST +NAME +TYPE +EVENT +FIELD +CHANGE$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^2025-01-06 09:30:00 +100 +new-ct +lxc +status +status +running -> stopped$/),
      expect.stringMatching(/^2025-01-06 09:20:00 +100 +new-ct +lxc +created +- +created \(new-ct\)$/),
      expect.stringMatching(/^2025-01-06 09:10:00 +100 +old-vm +qemu +deleted +- +deleted \(was old-vm\)$/),
    ]);
    const json = JSON.parse((await history('100', { output: 'json' }, reuse.ctx)).stdout) as Array<{ type: string; event: string; guest: string }>;
    expect(json.map((e) => [e.type, e.event, e.guest])).toEqual([
      ['lxc', 'status', 'new-ct'],
      ['lxc', 'created', 'new-ct'],
      ['qemu', 'deleted', 'old-vm'],
    ]);
  });

  it('qemu/100, vm/100 or --type pick one type', async () => {
    const types = async (ref: string, opts: Partial<HistoryOptions> = {}) =>
      (JSON.parse((await history(ref, { output: 'json', ...opts }, reuse.ctx)).stdout) as Array<{ type: string; event: string }>).map((e) => `${e.type} ${e.event}`);
    expect(await types('qemu/100')).toEqual(['qemu deleted']);
    expect(await types('vm/100')).toEqual(['qemu deleted']);
    expect(await types('100', { type: 'ct' })).toEqual(['lxc status', 'lxc created']);
    expect(await types('LXC/100', { type: 'lxc' })).toEqual(['lxc status', 'lxc created']);
    expect(await types('new-ct', { type: 'ct' })).toEqual(['lxc status', 'lxc created']);
    const one = await history('qemu/100', {}, reuse.ctx);
    expect(one.stdout.split('\n')[0]).toMatch(/^TIME +GUEST +NAME +EVENT +FIELD +CHANGE$/);
  });

  it('--type without a guest narrows the whole history', async () => {
    const all = JSON.parse((await history(undefined, { output: 'json', type: 'vm' }, reuse.ctx)).stdout) as Array<{ type: string }>;
    expect(all.map((e) => e.type)).toEqual(['qemu']);
  });

  it('a type the vmid never had exits 4 and names the other one', async () => {
    await expect(history('ct/101', {}, reuse.ctx)).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && e.exitCode === 4 && /^no container 101 and no recorded changes for it .*; 101 is a VM: proxmox-mpc history qemu\/101$/.test(e.message),
    );
    const r = await history('qemu/101', {}, reuse.ctx);
    expect(r.stderr).toMatch(/no recorded changes for qemu\/101/);
  });
});

describe('history: a node outage is one line per node', () => {
  const T = Date.UTC(2025, 0, 7, 8, 0, 0);
  const ON_PVE3 = 150;
  const at = (m: number): number => T + m * 60_000;
  const nodes = (pve3: string) => [
    { node: 'pve1', status: 'online' },
    { node: 'pve3', status: pve3 },
  ];
  const pve3Guests = (status: (vmid: number) => string): GuestRow[] =>
    Array.from({ length: ON_PVE3 }, (_, i) => {
      const vmid = 300 + i;
      return plainGuest(i % 3 === 2 ? 'lxc' : 'qemu', vmid, `g-${vmid}`, 'pve3', { status: status(vmid) });
    });
  const before = (vmid: number): string => (vmid === 302 ? 'stopped' : 'running');
  const pve1 = (x: string, y: string): GuestRow[] => [plainGuest('qemu', 10, 'x', 'pve1', { status: x }), plainGuest('qemu', 11, 'y', 'pve1', { status: y })];
  const observations = (): ClusterObservation[] => [
    { at: at(0), nodes: nodes('online'), guests: [...pve1('running', 'running'), ...pve3Guests(before)] },
    // pve3 stops answering; on pve1, x is stopped.
    { at: at(1), nodes: nodes('offline'), guests: [...pve1('stopped', 'running'), ...pve3Guests(() => 'unknown')] },
    // pve3 is back (301 was stopped meanwhile); on pve1, y alone goes unknown.
    { at: at(2), nodes: nodes('online'), guests: [...pve1('stopped', 'unknown'), ...pve3Guests((v) => (v === 301 ? 'stopped' : before(v)))] },
  ];
  let fx3: Fixture;
  beforeAll(() => {
    fx3 = openScenario(observations());
  });
  afterAll(() => fx3.cache.close());

  it('sums up the guests of the node per sync run, going unknown and coming back; other changes stay', async () => {
    const r = await history(undefined, {}, fx3.ctx);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^TIME +GUEST +NAME +EVENT +FIELD +CHANGE$/),
      expect.stringMatching(/^2025-01-07 08:02:00 +- +g-300, g-301, g-302 \+147 +status +status +pve3 back: 150 guests \(148 running, 2 stopped\)$/),
      expect.stringMatching(/^2025-01-07 08:02:00 +11 +y +status +status +running -> unknown$/),
      expect.stringMatching(/^2025-01-07 08:01:00 +- +g-300, g-301, g-302 \+147 +status +status +pve3 unreachable: 150 guests unknown$/),
      expect.stringMatching(/^2025-01-07 08:01:00 +10 +x +status +status +running -> stopped$/),
    ]);
    expect(r.stderr).toBe('proxmox-mpc: the status changes of 300 guests on unreachable nodes are one line per node and sync; --all lists each\n');
  });

  it('the limit counts lines as shown', async () => {
    const r = await history(undefined, { limit: 1 }, fx3.ctx);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/pve3 back: 150 guests/);
    expect(r.stderr).toMatch(/showing the newest 1 changes/);
  });

  it('--all, JSON/YAML and one guest\'s history list each row', async () => {
    const all = await history(undefined, { all: true, limit: 0 }, fx3.ctx);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(1 + 2 * ON_PVE3 + 2);
    expect(all.stdout).toMatch(/^2025-01-07 08:01:00 +300 +g-300 +status +status +running -> unknown$/m);
    expect(all.stderr).toBe('');
    const json = JSON.parse((await history(undefined, { output: 'json' }, fx3.ctx)).stdout) as unknown[];
    expect(json).toHaveLength(2 * ON_PVE3 + 2);
    const one = await history('300', {}, fx3.ctx);
    expect(one.stdout).toMatch(/^2025-01-07 08:01:00 +300 +g-300 +qemu +status +status +running -> unknown$/m);
  });

  it('--wide shows the run and the types', async () => {
    const r = await history(undefined, { output: 'wide' }, fx3.ctx, { COLUMNS: '160' });
    expect(r.stdout).toMatch(/^2025-01-07 08:01:00 +2 +- +g-300, g-301, g-302 \+147 +lxc,qemu +status +status +pve3 unreachable: 150 guests unknown$/m);
  });

  it('--since: a node still down is one line of drift', async () => {
    const down = openScenario(observations().slice(0, 2));
    try {
      const r = await history(undefined, { since: '1' }, down.ctx);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(/^GUEST +NAME +EVENT +FIELD +CHANGE +CHANGES +LAST$/),
        expect.stringMatching(/^ +10 +x +status +status +running -> stopped +1 +08:01:00$/),
        expect.stringMatching(/^ +- +g-300, g-301, g-302 \+147 +status +status +pve3 unreachable: 150 guests unknown +150 +08:01:00$/),
      ]);
      const all = await history(undefined, { since: '1', all: true, limit: 0 }, down.ctx);
      expect(all.stdout.trimEnd().split('\n')).toHaveLength(1 + ON_PVE3 + 1);
    } finally {
      down.cache.close();
    }
  });
});
