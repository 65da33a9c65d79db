// Two processes syncing one cache: an observation older than the last one applied (a slow poll
// committing last) is discarded whole; and a cache from before profiles.observed_at upgrades.
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from './cacheApi.js';
import { openCache, openDatabase } from './client.js';
import { resolveMigrationsFolder } from './migrationsFolder.js';
import type { ClusterObservation, GuestRow, NodeRow } from './model.js';

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

function tempPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'pmc-stale-')), 'cache.db');
}

function open(path: string): Cache {
  const cache = openCache(path, { now: () => 1 });
  opened.push(cache);
  return cache;
}

function raw(path: string): Database.Database {
  const db = new Database(path);
  opened.push(db);
  return db;
}

const run = (startedAt: number) => ({ startedAt, counts: {} });
const node = (name: string): NodeRow => ({ node: name, status: 'online' });
const vm = (vmid: number, extra: Partial<GuestRow> = {}): GuestRow => ({
  type: 'qemu',
  vmid,
  node: 'pve1',
  name: `vm${vmid}`,
  status: 'running',
  template: false,
  tags: [],
  ...extra,
});
const obs = (at: number, guests: GuestRow[]): ClusterObservation => ({ at, nodes: [node('pve1')], guests });

const observedAt = (path: string, profileId: number) =>
  raw(path).prepare('SELECT observed_at FROM profiles WHERE id = ?').pluck().get(profileId) as number | null;

describe('an older observation than the last applied one', () => {
  it('is discarded: the cache keeps the newer state, no history, no sync run; the slow handle stays consistent', () => {
    const path = tempPath();
    const a = open(path);
    const b = open(path);
    const p = a.profile('lab', 'https://pve.lab:8006');
    a.applyObservation(p.id, obs(1000, [vm(100)]), run(1000)); // A holds this state in memory

    // A observes at 2000 (vm 300 appeared) but is slow; B observes at 3000 and commits first.
    const slow = obs(2000, [vm(100), vm(300)]);
    const newer = b.applyObservation(p.id, obs(3000, [vm(100, { status: 'stopped' }), vm(300)]), run(3000));
    expect(newer.rowsWritten).toBeGreaterThan(0);
    expect(newer.stale).toBeUndefined();

    const late = a.applyObservation(p.id, slow, run(2000));
    expect(late).toEqual({ changes: [], historyEntries: 0, rowsWritten: 0, stale: true });
    expect(a.guest(p.id, 'qemu/100')?.status).toBe('stopped');
    expect(a.guest(p.id, 'qemu/300')).toBeDefined();
    const history = a.history(p.id);
    expect(history.map((h) => [h.event, h.vmid, h.at])).toEqual(
      expect.arrayContaining([
        ['created', 300, 3000],
        ['status', 100, 3000],
      ]),
    );
    expect(history).toHaveLength(2);
    expect(a.syncRuns(p.id)).toHaveLength(2);
    expect(observedAt(path, p.id)).toBe(3000);

    // A's next (newer) poll compares with what the rows hold, not with its pre-discard copy.
    const same = a.applyObservation(p.id, obs(4000, [vm(100, { status: 'stopped' }), vm(300)]), run(4000));
    expect(same).toEqual({ changes: [], historyEntries: 0, rowsWritten: 0 });
    const flip = a.applyObservation(p.id, obs(5000, [vm(100), vm(300)]), run(5000));
    expect(flip.historyEntries).toBe(1);
    expect(a.history(p.id, { key: 'qemu/100', limit: 1 })[0]).toMatchObject({ event: 'status', old: 'stopped', new: 'running', at: 5000 });
    expect(observedAt(path, p.id)).toBe(5000);
  });

  it('an observation taken at the same time as the last applied one is discarded too', () => {
    const path = tempPath();
    const a = open(path);
    const p = a.profile('lab', 'https://pve.lab:8006');
    a.applyObservation(p.id, obs(1000, [vm(100)]), run(1000));
    expect(a.applyObservation(p.id, obs(1000, [vm(100, { status: 'stopped' })]), run(1000)).stale).toBe(true);
    expect(a.guest(p.id, 'qemu/100')?.status).toBe('running');
  });

  it('a poll that changed nothing writes nothing, observed_at included; touch never moves it', () => {
    const path = tempPath();
    const a = open(path);
    const p = a.profile('lab', 'https://pve.lab:8006');
    a.applyObservation(p.id, obs(1000, [vm(100)]), run(1000));
    expect(a.applyObservation(p.id, obs(2000, [vm(100)]), run(2000))).toEqual({ changes: [], historyEntries: 0, rowsWritten: 0 });
    a.touch(p.id, 9000);
    expect(observedAt(path, p.id)).toBe(1000);
    expect(a.freshness(p.id).verifiedAt).toBe(9000);
    // Older than the touch, newer than the last applied observation: applied.
    const applied = a.applyObservation(p.id, obs(1500, [vm(100, { status: 'stopped' })]), run(1500));
    expect(applied.stale).toBeUndefined();
    expect(applied.historyEntries).toBe(1);
    expect(observedAt(path, p.id)).toBe(1500);
    expect(a.freshness(p.id).verifiedAt).toBe(9000); // never backwards
  });
});

describe('upgrading a cache created before profiles.observed_at', () => {
  it('opens, gains the column (NULL: the next observation applies), keeps its data', () => {
    // A migrations folder holding only the first migration, as the previous release shipped it.
    const current = resolveMigrationsFolder();
    const journal = JSON.parse(readFileSync(join(current, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const first = journal.entries[0]!;
    expect(journal.entries.length).toBeGreaterThan(1);
    const old = join(mkdtempSync(join(tmpdir(), 'pmc-migrations-')), 'drizzle');
    mkdirSync(join(old, 'meta'), { recursive: true });
    copyFileSync(join(current, `${first.tag}.sql`), join(old, `${first.tag}.sql`));
    writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: [first] }));

    // The previous release's cache, written with the previous release's columns.
    const path = tempPath();
    const before = openDatabase(path, { migrationsFolder: old });
    const p = { id: Number(before.prepare("INSERT INTO profiles (name, endpoint, created_at) VALUES ('lab', 'https://pve.lab:8006', 1)").run().lastInsertRowid) };
    before.prepare("INSERT INTO sync_runs (profile_id, started_at, finished_at, outcome) VALUES (?, 5000, 5001, 'ok')").run(p.id);
    before.prepare("INSERT INTO guests (profile_id, type, vmid, node, name, status) VALUES (?, 'qemu', 100, 'pve1', 'vm100', 'running')").run(p.id);
    before.prepare("INSERT INTO nodes (profile_id, node, status) VALUES (?, 'pve1', 'online')").run(p.id);
    before.close();
    const columns = () => (raw(path).prepare("SELECT name FROM pragma_table_info('profiles')").pluck().all() as string[]);
    expect(columns()).not.toContain('observed_at');

    const after = open(path);
    expect(columns()).toContain('observed_at');
    expect(raw(path).prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    expect(after.guest(p.id, 'qemu/100')?.status).toBe('running');
    expect(observedAt(path, p.id)).toBeNull();
    // NULL: no observation is too old yet.
    const next = after.applyObservation(p.id, obs(4000, [vm(100, { status: 'stopped' })]), run(4000));
    expect(next.stale).toBeUndefined();
    expect(next.historyEntries).toBe(1);
    expect(observedAt(path, p.id)).toBe(4000);
    expect(after.applyObservation(p.id, obs(3000, [vm(100)]), run(3000)).stale).toBe(true);
  });
});
