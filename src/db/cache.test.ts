import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from './cacheApi.js';
import { openCache } from './client.js';
import type { ClusterObservation, GuestKey, GuestRow, NodeRow, SnapshotRow, TaskRow } from './model.js';

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

/** The cache's clock: each reading is 1 ms after the latest observation applied. */
let clock = 0;
function fresh(): { cache: Cache; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'pmc-cache-')), 'cache.db');
  const cache = openCache(path, { now: () => clock });
  opened.push(cache);
  return { cache, path };
}

const run = (startedAt = 1000) => ({ startedAt, counts: { polls: 1 } });

function node(name: string, extra: Partial<NodeRow> = {}): NodeRow {
  return { node: name, status: 'online', cpu: 0.1, maxcpu: 8, mem: 100, maxmem: 1000, uptime: 50, ...extra };
}

function vm(vmid: number, extra: Partial<GuestRow> = {}): GuestRow {
  return { type: 'qemu', vmid, node: 'pve1', name: `vm${vmid}`, status: 'running', template: false, tags: [], cpu: 0.5, mem: 10, maxmem: 100, ...extra };
}

function ct(vmid: number, extra: Partial<GuestRow> = {}): GuestRow {
  return { type: 'lxc', vmid, node: 'pve2', name: `ct${vmid}`, status: 'stopped', template: false, tags: ['web'], ...extra };
}

function obs(at: number, guests: GuestRow[], extra: Partial<ClusterObservation> = {}): ClusterObservation {
  clock = at + 1;
  return { at, clusterName: 'lab', pveVersion: '8.4.1', nodes: [node('pve1'), node('pve2')], guests, ...extra };
}

const config100 = { name: 'vm100', memory: 2048, cores: 2, net0: 'virtio=AA:BB:CC:DD:EE:FF,bridge=vmbr0' };

/** A cache holding one synced profile (two guests, one with a config). */
function seeded() {
  const { cache, path } = fresh();
  const p = cache.profile('lab', 'https://pve.lab:8006');
  const first = cache.applyObservation(
    p.id,
    obs(1000, [vm(100, { config: config100, configDigest: 'd1', configFingerprint: 'f1' }), ct(200)]),
    run(),
  );
  return { cache, path, p, first };
}

describe('applyObservation: first sync', () => {
  it('inserts nodes and guests, records a sync run, reads back what was observed', () => {
    const { cache, p, first } = seeded();
    expect(first.rowsWritten).toBe(5); // profile fields, 2 nodes, 2 guests (no "created" history on the initial import)
    expect(first.historyEntries).toBe(0);
    expect(first.syncRunId).toBeGreaterThan(0);
    expect(first.changes).toEqual(
      expect.arrayContaining([
        { kind: 'node', op: 'added', node: 'pve1' },
        { kind: 'node', op: 'added', node: 'pve2' },
        { kind: 'guest', op: 'added', key: 'qemu/100' },
        { kind: 'guest', op: 'added', key: 'lxc/200' },
      ]),
    );
    expect(first.changes).toHaveLength(4);
    expect(cache.guests(p.id)).toEqual([vm(100, { config: config100, configDigest: 'd1', configFingerprint: 'f1' }), ct(200)]);
    expect(cache.nodes(p.id)).toEqual([node('pve1'), node('pve2')]);
    expect(cache.findProfile('lab')).toEqual({ id: p.id, name: 'lab', endpoint: 'https://pve.lab:8006', clusterName: 'lab', pveVersion: '8.4.1' });
    const runs = cache.syncRuns(p.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: first.syncRunId, startedAt: 1000, outcome: 'ok', counts: { polls: 1, rowsWritten: 5, changes: 4, history: 0 } });
    expect(runs[0]!.finishedAt).toBe(1001);
    expect(cache.freshness(p.id)).toEqual({ lastSyncAt: 1001, verifiedAt: 1000 });
  });
});

describe('applyObservation: nothing changed', () => {
  it('writes nothing at all (no rows, no sync run, no commit) and returns no changes', () => {
    const { cache, path, p } = seeded();
    const watcher = new Database(path, { readonly: true });
    opened.push(watcher);
    const version = () => watcher.pragma('data_version', { simple: true });
    const before = version();
    const again = cache.applyObservation(
      p.id,
      obs(2000, [vm(100, { config: config100, configDigest: 'd1', configFingerprint: 'f1' }), ct(200)]),
      run(2000),
    );
    expect(again).toEqual({ changes: [], historyEntries: 0, rowsWritten: 0 });
    expect(version()).toBe(before);
    expect(cache.syncRuns(p.id)).toHaveLength(1);
    expect(cache.freshness(p.id).verifiedAt).toBe(1000);
  });

  it('a guest observed without its config keeps the cached config (and digest, fingerprint)', () => {
    const { cache, p } = seeded();
    const listOnly = cache.applyObservation(p.id, obs(2000, [vm(100), ct(200)]), run(2000));
    expect(listOnly.rowsWritten).toBe(0);
    const g = cache.guest(p.id, 'qemu/100');
    expect(g?.config).toEqual(config100);
    expect(g?.configDigest).toBe('d1');
    expect(g?.configFingerprint).toBe('f1');
    // and a figure change on such a guest, once figures are due, still keeps it
    cache.applyObservation(p.id, obs(61_000, [vm(100, { cpu: 0.9 }), ct(200)]), run(61_000));
    expect(cache.guest(p.id, 'qemu/100')).toMatchObject({ cpu: 0.9, config: config100, configDigest: 'd1' });
  });

  it('the same config in another key order is no change', () => {
    const { cache, p } = seeded();
    const reordered = { net0: config100.net0, cores: 2, memory: 2048, name: 'vm100' };
    const r = cache.applyObservation(p.id, obs(2000, [vm(100, { config: reordered, configDigest: 'd2' }), ct(200)]), run(2000));
    expect(r.historyEntries).toBe(0);
    expect(r.changes).toEqual([{ kind: 'guest', op: 'changed', key: 'qemu/100', fields: ['configDigest'] }]);
  });
});

describe('applyObservation: live figures', () => {
  /** The seeded observation again with moved figures (guest, node and storage usage). */
  const moved = (at: number, extra: Partial<GuestRow> = {}) =>
    obs(at, [vm(100, { cpu: 0.75, mem: 55, netin: 7, uptime: 99, ...extra }), ct(200)], {
      nodes: [node('pve1', { cpu: 0.9, uptime: 51 }), node('pve2')],
    });

  it('a poll whose only differences are figures writes nothing and announces nothing', () => {
    const { cache, path, p } = seeded();
    const watcher = new Database(path, { readonly: true });
    opened.push(watcher);
    const before = watcher.pragma('data_version', { simple: true });
    expect(cache.applyObservation(p.id, moved(6000), run(6000))).toEqual({ changes: [], historyEntries: 0, rowsWritten: 0 });
    expect(watcher.pragma('data_version', { simple: true })).toBe(before);
    expect(cache.guest(p.id, 'qemu/100')).toMatchObject({ cpu: 0.5, mem: 10 });
    expect(cache.syncRuns(p.id)).toHaveLength(1);
  });

  it('once figuresEveryMs has passed (observation time), every moved figure is written, still unannounced', () => {
    const { cache, p } = seeded();
    expect(cache.applyObservation(p.id, moved(30_000), run(30_000)).rowsWritten).toBe(0);
    const r = cache.applyObservation(p.id, moved(61_000), run(61_000));
    expect(r).toMatchObject({ changes: [], historyEntries: 0, rowsWritten: 2, syncRunId: expect.any(Number) });
    expect(cache.guest(p.id, 'qemu/100')).toMatchObject({ cpu: 0.75, mem: 55, netin: 7, uptime: 99, config: config100, configDigest: 'd1' });
    expect(cache.nodes(p.id)[0]).toMatchObject({ node: 'pve1', cpu: 0.9, uptime: 51 });
    expect(cache.history(p.id)).toEqual([]);
    // the interval starts again from that write
    expect(cache.applyObservation(p.id, moved(100_000, { cpu: 0.2 }), run(100_000)).rowsWritten).toBe(0);
    expect(cache.applyObservation(p.id, moved(121_000, { cpu: 0.2 }), run(121_000)).rowsWritten).toBe(1);
    expect(cache.guest(p.id, 'qemu/100')?.cpu).toBe(0.2);
  });

  it('a real change is written at once, whole (its figures too), and announced without the figures', () => {
    const { cache, p } = seeded();
    const r = cache.applyObservation(p.id, moved(6000, { status: 'paused', lock: 'suspending' }), run(6000));
    expect(r.rowsWritten).toBe(2); // the guest, and its history entry; the node's figures wait
    expect(r.changes).toEqual([{ kind: 'guest', op: 'changed', key: 'qemu/100', fields: ['status', 'lock'] }]);
    expect(cache.guest(p.id, 'qemu/100')).toMatchObject({ status: 'paused', lock: 'suspending', cpu: 0.75, mem: 55, config: config100 });
    expect(cache.nodes(p.id)[0]).toMatchObject({ node: 'pve1', cpu: 0.1, uptime: 50 });
    // the same again: nothing
    expect(cache.applyObservation(p.id, moved(7000, { status: 'paused', lock: 'suspending' }), run(7000)).rowsWritten).toBe(0);
  });

  it('storage usage is a figure; its status is not', () => {
    const { cache, p } = seeded();
    const local = { node: 'pve1', storage: 'local', type: 'dir', content: ['iso'], shared: false, enabled: true, active: true, total: 100, used: 10, avail: 90 };
    cache.applyObservation(p.id, obs(61_000, [vm(100), ct(200)], { storage: [local] }), run(61_000));
    const usage = cache.applyObservation(p.id, obs(62_000, [vm(100), ct(200)], { storage: [{ ...local, used: 20, avail: 80 }] }), run(62_000));
    expect(usage.rowsWritten).toBe(0);
    const status = cache.applyObservation(p.id, obs(63_000, [vm(100), ct(200)], { storage: [{ ...local, used: 20, avail: 80, active: false }] }), run(63_000));
    expect(status.changes).toEqual([{ kind: 'storage', op: 'changed', id: 'pve1/local' }]);
    expect(cache.storage(p.id)[0]).toMatchObject({ active: false, used: 20, avail: 80 });
  });

  it('figuresEveryMs 0 writes figures with every observation', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pmc-cache-')), 'cache.db');
    const cache = openCache(path, { now: () => clock, figuresEveryMs: 0 });
    opened.push(cache);
    const p = cache.profile('lab', 'https://pve.lab:8006');
    cache.applyObservation(p.id, obs(1000, [vm(100), ct(200)]), run());
    expect(cache.applyObservation(p.id, obs(1001, [vm(100, { cpu: 0.6 }), ct(200)]), run(1001))).toMatchObject({ rowsWritten: 1, changes: [] });
    expect(cache.guest(p.id, 'qemu/100')?.cpu).toBe(0.6);
  });

  it('the in-memory state follows writes by another connection (PRAGMA data_version)', () => {
    const { cache, path, p } = seeded();
    const other = openCache(path, { now: () => clock });
    opened.push(other);
    // Another writer changes a guest, adds one and removes one behind this cache's back...
    other.applyObservation(p.id, obs(2000, [vm(100, { name: 'renamed' }), vm(300)]), run(2000));
    expect(cache.guests(p.id).map((g) => `${g.vmid}:${g.name}`)).toEqual(['100:renamed', '300:vm300']);
    // ...so observing the original cluster again is a change for this one, not "nothing changed".
    const r = cache.applyObservation(p.id, obs(3000, [vm(100, { config: config100, configDigest: 'd1', configFingerprint: 'f1' }), ct(200)]), run(3000));
    expect(r.changes).toEqual(
      expect.arrayContaining([
        { kind: 'guest', op: 'changed', key: 'qemu/100', fields: ['name'] },
        { kind: 'guest', op: 'added', key: 'lxc/200' },
        { kind: 'guest', op: 'removed', key: 'qemu/300' },
      ]),
    );
    expect(cache.guests(p.id).map((g) => `${g.type}/${g.vmid}:${g.name}`)).toEqual(['qemu/100:vm100', 'lxc/200:ct200']);
    // and its own writes do not make it reload: the next identical poll is still free
    expect(cache.applyObservation(p.id, obs(4000, [vm(100), ct(200)]), run(4000)).rowsWritten).toBe(0);
  });

  it('a raw write on another connection is seen too', () => {
    const { cache, path, p } = seeded();
    const raw = new Database(path);
    opened.push(raw);
    raw.prepare("UPDATE guests SET status = 'stopped' WHERE vmid = 100").run();
    const r = cache.applyObservation(p.id, obs(2000, [vm(100), ct(200)]), run(2000));
    expect(r.changes).toEqual([{ kind: 'guest', op: 'changed', key: 'qemu/100', fields: ['status'] }]);
    expect(cache.history(p.id, { key: 'qemu/100' })[0]).toMatchObject({ event: 'status', old: 'stopped', new: 'running' });
  });
});

describe('applyObservation: history', () => {
  it('records created, deleted, moved, status and config changes with old and new values', () => {
    const { cache, p } = seeded();
    const config = { ...config100, memory: 4096, onboot: 1, digest: 'zzz' } as Record<string, string | number>;
    delete config.net0;
    const r = cache.applyObservation(
      p.id,
      obs(2000, [vm(100, { node: 'pve2', status: 'stopped', config, configDigest: 'd2', configFingerprint: 'f2' }), vm(101)]),
      run(2000),
    );
    const entries = cache.history(p.id);
    const strip = entries.map(({ syncRunId, ...e }) => {
      expect(syncRunId).toBe(r.syncRunId);
      return e;
    });
    expect(strip).toEqual(
      expect.arrayContaining([
        { at: 2000, type: 'qemu', vmid: 101, event: 'created', new: 'vm101' },
        { at: 2000, type: 'lxc', vmid: 200, event: 'deleted', old: 'ct200' },
        { at: 2000, type: 'qemu', vmid: 100, event: 'moved', field: 'node', old: 'pve1', new: 'pve2' },
        { at: 2000, type: 'qemu', vmid: 100, event: 'status', field: 'status', old: 'running', new: 'stopped' },
        { at: 2000, type: 'qemu', vmid: 100, event: 'config', field: 'memory', old: '2048', new: '4096' },
        { at: 2000, type: 'qemu', vmid: 100, event: 'config', field: 'onboot', new: '1' },
        { at: 2000, type: 'qemu', vmid: 100, event: 'config', field: 'net0', old: config100.net0 },
      ]),
    );
    expect(strip).toHaveLength(7); // `digest` never recorded
    expect(r.historyEntries).toBe(7);
    expect(r.changes).toEqual(
      expect.arrayContaining([
        { kind: 'guest', op: 'added', key: 'qemu/101' },
        { kind: 'guest', op: 'removed', key: 'lxc/200' },
        { kind: 'guest', op: 'changed', key: 'qemu/100', fields: expect.arrayContaining(['node', 'status', 'config', 'configDigest', 'configFingerprint']) },
      ]),
    );
    expect(cache.guest(p.id, 'lxc/200')).toBeUndefined();
    expect(cache.guest(p.id, 'qemu/100')?.config).toEqual(config);
  });

  it('live figures are never recorded in history', () => {
    const { cache, p } = seeded();
    const r = cache.applyObservation(
      p.id,
      obs(61_000, [vm(100, { cpu: 0.75, mem: 55, netin: 7, uptime: 99 }), ct(200)], { nodes: [node('pve1', { cpu: 0.9, uptime: 51 }), node('pve2')] }),
      run(61_000),
    );
    expect(r.historyEntries).toBe(0);
    expect(r.rowsWritten).toBe(2);
    expect(cache.history(p.id)).toEqual([]);
  });

  it('history filters: by guest, since a run, since a time, newest first with a limit', () => {
    const { cache, p } = seeded();
    const r2 = cache.applyObservation(p.id, obs(2000, [vm(100, { status: 'stopped' }), ct(200)]), run(2000));
    const r3 = cache.applyObservation(p.id, obs(3000, [vm(100, { status: 'running' }), ct(200, { status: 'running' })]), run(3000));
    expect(cache.history(p.id).map((h) => [h.at, h.vmid])).toEqual([
      [3000, 200],
      [3000, 100],
      [2000, 100],
    ]);
    expect(cache.history(p.id, { key: 'lxc/200' }).map((h) => h.new)).toEqual(['running']);
    expect(cache.history(p.id, { sinceRunId: r2.syncRunId }).every((h) => h.syncRunId === r3.syncRunId)).toBe(true);
    expect(cache.history(p.id, { since: 2500 })).toHaveLength(2);
    expect(cache.history(p.id, { limit: 1 })).toHaveLength(1);
  });
});

describe('applyObservation: sections', () => {
  const storage = [
    { node: 'pve1', storage: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup'], shared: false, enabled: true, active: true, total: 100, used: 10, avail: 90 },
    { node: 'pve1', storage: 'nfs', type: 'nfs', content: ['images'], shared: true, enabled: true, active: true },
  ];
  const content = [
    { node: 'pve1', storage: 'local', volid: 'local:iso/debian.iso', content: 'iso', format: 'iso', size: 600 },
    { node: 'pve1', storage: 'local', volid: 'local:backup/vzdump-qemu-100.vma.zst', content: 'backup', vmid: 100, ctime: 5, notes: 'nightly' },
  ];
  const networks = [
    { node: 'pve1', iface: 'vmbr0', type: 'bridge', active: true, autostart: true, address: '10.0.0.2', cidr: '10.0.0.2/24', gateway: '10.0.0.1', bridgePorts: 'eno1' },
    { node: 'pve1', iface: 'eno1', type: 'eth', active: true },
  ];
  const pools = [{ poolid: 'prod', comment: 'production', members: ['qemu/100', 'storage/pve1/local'] }];

  it('stores each section, keeps it when absent, replaces it when present', () => {
    const { cache, p } = seeded();
    const guests = [vm(100), ct(200)];
    const r = cache.applyObservation(p.id, obs(2000, guests, { storage, storageContent: content, networks, pools }), run(2000));
    expect(r.changes).toEqual(
      expect.arrayContaining([
        { kind: 'storage', op: 'added', id: 'pve1/local' },
        { kind: 'storage', op: 'added', id: 'pve1/nfs' },
        { kind: 'network', op: 'added', id: 'pve1/vmbr0' },
        { kind: 'pool', op: 'added', id: 'prod' },
      ]),
    );
    expect(r.changes.filter((c) => c.kind === 'storage')).toHaveLength(2); // content announced through its storage
    expect(cache.storage(p.id)).toEqual(storage);
    expect(cache.storageContent(p.id)).toEqual([content[1], content[0]]);
    expect(cache.storageContent(p.id, { content: 'iso' })).toEqual([content[0]]);
    expect(cache.networks(p.id)).toEqual([networks[1], networks[0]]);
    expect(cache.networks(p.id, 'pve2')).toEqual([]);
    expect(cache.pools(p.id)).toEqual(pools);

    // absent sections: kept, nothing written
    expect(cache.applyObservation(p.id, obs(3000, guests), run(3000)).rowsWritten).toBe(0);
    expect(cache.storage(p.id)).toHaveLength(2);
    expect(cache.pools(p.id)).toEqual(pools);

    // present again, changed: updates and deletes
    const r4 = cache.applyObservation(
      p.id,
      obs(4000, guests, {
        storage: [{ ...storage[0]!, content: ['iso'] }],
        storageContent: [content[0]!],
        networks: [networks[0]!],
        pools: [{ poolid: 'prod', members: ['qemu/100'] }, { poolid: 'dev', members: [] }],
      }),
      run(4000),
    );
    expect(r4.changes).toEqual(
      expect.arrayContaining([
        { kind: 'storage', op: 'changed', id: 'pve1/local' },
        { kind: 'storage', op: 'removed', id: 'pve1/nfs' },
        { kind: 'network', op: 'removed', id: 'pve1/eno1' },
        { kind: 'pool', op: 'changed', id: 'prod' },
        { kind: 'pool', op: 'added', id: 'dev' },
      ]),
    );
    expect(cache.storage(p.id)).toEqual([{ ...storage[0], content: ['iso'] }]);
    expect(cache.storageContent(p.id)).toEqual([content[0]]);
    expect(cache.networks(p.id)).toEqual([networks[0]]);
    expect(cache.pools(p.id)).toEqual([{ poolid: 'dev', members: [] }, { poolid: 'prod', members: ['qemu/100'] }]);

    // empty sections delete everything in them
    cache.applyObservation(p.id, obs(5000, guests, { storage: [], storageContent: [], networks: [], pools: [] }), run(5000));
    expect([cache.storage(p.id), cache.storageContent(p.id), cache.networks(p.id), cache.pools(p.id)]).toEqual([[], [], [], []]);
  });

  it('deletes vanished nodes', () => {
    const { cache, p } = seeded();
    const r = cache.applyObservation(p.id, obs(2000, [vm(100), ct(200)], { nodes: [node('pve1')] }), run(2000));
    expect(r.changes).toEqual([{ kind: 'node', op: 'removed', node: 'pve2' }]);
    expect(cache.nodes(p.id).map((n) => n.node)).toEqual(['pve1']);
  });

  it('snapshots: replaced per guest present in obs.snapshots, gone with their guest, `current` ignored', () => {
    const { cache, p } = seeded();
    const snaps: SnapshotRow[] = [
      { type: 'qemu', vmid: 100, name: 'before-upgrade', snaptime: 10, vmstate: false, description: 'pre' },
      { type: 'qemu', vmid: 100, name: 'after', parent: 'before-upgrade', snaptime: 20, vmstate: true },
      { type: 'qemu', vmid: 100, name: 'current', parent: 'after', vmstate: false },
    ];
    const ctSnap: SnapshotRow[] = [{ type: 'lxc', vmid: 200, name: 'base', snaptime: 5, vmstate: false }];
    const r = cache.applyObservation(p.id, obs(2000, [vm(100), ct(200)], { snapshots: new Map<GuestKey, SnapshotRow[]>([['qemu/100', snaps], ['lxc/200', ctSnap]]) }), run(2000));
    expect(r.changes).toHaveLength(3);
    expect(r.changes).toContainEqual({ kind: 'snapshot', op: 'added', id: 'qemu/100@before-upgrade' });
    expect(cache.snapshots(p.id, 'qemu/100')).toEqual(snaps.slice(0, 2));
    expect(cache.snapshots(p.id)).toHaveLength(3);

    // qemu/100 re-fetched with one snapshot deleted; lxc/200 not in obs.snapshots: kept
    const r2 = cache.applyObservation(p.id, obs(3000, [vm(100), ct(200)], { snapshots: new Map<GuestKey, SnapshotRow[]>([['qemu/100', snaps.slice(1)]]) }), run(3000));
    expect(r2.changes).toEqual([{ kind: 'snapshot', op: 'removed', id: 'qemu/100@before-upgrade' }]);
    expect(cache.snapshots(p.id, 'lxc/200')).toEqual(ctSnap);

    // the guest goes: so do its snapshots; snapshots for a guest not observed are ignored
    cache.applyObservation(p.id, obs(4000, [ct(200)], { snapshots: new Map<GuestKey, SnapshotRow[]>([['qemu/100', snaps]]) }), run(4000));
    expect(cache.snapshots(p.id, 'qemu/100')).toEqual([]);
    expect(cache.snapshots(p.id)).toEqual(ctSnap);
  });

  it('tasks: inserted when new, updated when a running task finishes, filtered and newest first', () => {
    const { cache, p } = seeded();
    const running: TaskRow = { upid: 'UPID:pve1:1:2:3:qmstart:100:root@pam:', node: 'pve1', type: 'qmstart', id: '100', user: 'root@pam', starttime: 50 };
    const other: TaskRow = { upid: 'UPID:pve2:1:2:4:vzdump:200:root@pam:', node: 'pve2', type: 'vzdump', id: '200', user: 'root@pam', starttime: 60, endtime: 70, status: 'OK' };
    const r = cache.applyObservation(p.id, obs(2000, [vm(100), ct(200)], { tasks: [running, other] }), run(2000));
    expect(r.changes).toEqual([
      { kind: 'task', op: 'added', id: running.upid },
      { kind: 'task', op: 'added', id: other.upid },
    ]);
    expect(cache.applyObservation(p.id, obs(2500, [vm(100), ct(200)], { tasks: [running] }), run(2500)).rowsWritten).toBe(0);
    const done = { ...running, endtime: 55, status: 'OK' };
    const r2 = cache.applyObservation(p.id, obs(3000, [vm(100), ct(200)], { tasks: [done] }), run(3000));
    expect(r2.changes).toEqual([{ kind: 'task', op: 'changed', id: running.upid }]);
    expect(cache.tasks(p.id)).toEqual([other, done]);
    expect(cache.tasks(p.id, { vmid: 100 })).toEqual([done]);
    expect(cache.tasks(p.id, { node: 'pve2' })).toEqual([other]);
    expect(cache.tasks(p.id, { limit: 1 })).toEqual([other]);
  });

  it('cluster name and version changes are written', () => {
    const { cache, p } = seeded();
    const r = cache.applyObservation(p.id, obs(2000, [vm(100), ct(200)], { pveVersion: '9.0.3' }), run(2000));
    expect(r.rowsWritten).toBe(1);
    expect(cache.findProfile('lab')?.pveVersion).toBe('9.0.3');
  });
});

describe('profiles', () => {
  it('isolate clusters: the same vmid and node names in two profiles', () => {
    const { cache } = fresh();
    const a = cache.profile('a', 'https://a:8006');
    const b = cache.profile('b', 'https://b:8006');
    cache.applyObservation(a.id, obs(1000, [vm(100, { name: 'from-a' })]), run());
    cache.applyObservation(b.id, obs(1000, [vm(100, { name: 'from-b' }), vm(101)]), run());
    expect(cache.guest(a.id, 'qemu/100')?.name).toBe('from-a');
    expect(cache.guest(b.id, 'qemu/100')?.name).toBe('from-b');
    // b loses 100: a keeps it
    cache.applyObservation(b.id, obs(2000, [vm(101)]), run(2000));
    expect(cache.guests(a.id).map((g) => g.name)).toEqual(['from-a']);
    expect(cache.guests(b.id).map((g) => g.vmid)).toEqual([101]);
    expect(cache.history(a.id)).toEqual([]);
    expect(cache.history(b.id).map((h) => h.event)).toEqual(['deleted']);
    expect(cache.profiles().map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('profile() finds by name, creates once, and follows a new endpoint', () => {
    const { cache } = fresh();
    const a = cache.profile('a', 'https://a:8006');
    expect(cache.profile('a', 'https://a:8006')).toEqual(a);
    expect(cache.profile('a', 'https://a2:8006')).toEqual({ ...a, endpoint: 'https://a2:8006' });
    expect(cache.profiles()).toHaveLength(1);
    expect(cache.findProfile('nope')).toBeUndefined();
  });

  it('configState reports each guest\'s cached digest and fingerprint', () => {
    const { cache, p } = seeded();
    expect(cache.configState(p.id)).toEqual(
      new Map([
        ['qemu/100', { configDigest: 'd1', configFingerprint: 'f1' }],
        ['lxc/200', {}],
      ]),
    );
  });
});

describe('sync runs and freshness', () => {
  it('a failure is recorded and reported until a later sync or touch verifies the cache', () => {
    const { cache, p } = seeded();
    cache.recordFailure(p.id, { startedAt: 5000, finishedAt: 5100, outcome: 'failed', error: 'connection refused', counts: { guests: 0 } });
    expect(cache.freshness(p.id)).toMatchObject({ verifiedAt: 1000, lastError: 'connection refused' });
    expect(cache.syncRuns(p.id)[0]).toEqual({ id: expect.any(Number), startedAt: 5000, finishedAt: 5100, outcome: 'failed', error: 'connection refused', counts: { guests: 0 } });
    cache.touch(p.id, 6000);
    expect(cache.freshness(p.id)).not.toHaveProperty('lastError');
    expect(cache.freshness(p.id).verifiedAt).toBe(6000);
    cache.touch(p.id, 5500); // never backwards
    expect(cache.freshness(p.id).verifiedAt).toBe(6000);
    expect(cache.syncRuns(p.id, 1)).toHaveLength(1);
  });

  it('freshness of a profile never synced is empty', () => {
    const { cache } = fresh();
    const p = cache.profile('x', 'https://x:8006');
    expect(cache.freshness(p.id)).toEqual({});
  });
});

describe('guests(query)', () => {
  it('filters in SQL by type, node, status, tag (any case), pool and templates', () => {
    const { cache } = fresh();
    const p = cache.profile('lab', 'https://pve.lab:8006');
    const guests = [
      vm(100, { tags: ['Prod', 'web'], pool: 'prod' }),
      vm(101, { node: 'pve2', status: 'stopped', template: true, tags: ['webserver'] }),
      ct(200, { tags: ['web'] }),
      ct(201, { tags: [] }),
    ];
    cache.applyObservation(p.id, obs(1000, guests), run());
    const ids = (q: Parameters<Cache['guests']>[1]) => cache.guests(p.id, q).map((g) => g.vmid);
    expect(ids({})).toEqual([100, 101, 200, 201]);
    expect(ids({ type: 'lxc' })).toEqual([200, 201]);
    expect(ids({ node: 'pve2' })).toEqual([101, 200, 201]);
    expect(ids({ status: 'stopped' })).toEqual([101, 200, 201]);
    expect(ids({ tag: 'web' })).toEqual([100, 200]);
    expect(ids({ tag: 'prod' })).toEqual([100]);
    expect(ids({ pool: 'prod' })).toEqual([100]);
    expect(ids({ templates: 'exclude' })).toEqual([100, 200, 201]);
    expect(ids({ templates: 'only' })).toEqual([101]);
    expect(ids({ type: 'qemu', status: 'running', tag: 'web' })).toEqual([100]);
  });

  it('withConfig: false leaves configs out', () => {
    const { cache, p } = seeded();
    expect(cache.guests(p.id, { withConfig: false })[0]?.config).toBeUndefined();
    expect(cache.guests(p.id)[0]?.config).toEqual(config100);
  });
});
