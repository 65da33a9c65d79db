import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from './cacheApi.js';
import { CacheError, isCacheError, openCache, openDatabase, resetCache } from './client.js';
import { CACHE_TABLES } from './schema.js';
import { syntheticObservation } from './test-support/observation.js';

const dir = () => mkdtempSync(join(tmpdir(), 'pmc-cache-'));
const opened: { close(): void }[] = [];
const track = <T extends { close(): void }>(c: T): T => {
  opened.push(c);
  return c;
};
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

function caught(fn: () => unknown): CacheError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CacheError);
    expect(isCacheError(error)).toBe(true);
    return error as CacheError;
  }
  throw new Error('expected a CacheError');
}

function tables(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
}

describe('openCache', () => {
  it('creates a private directory and file and applies the migrations', () => {
    const base = dir();
    const path = join(base, 'nested', 'cache', 'prod.db');
    const db = track(openDatabase(path));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(base, 'nested', 'cache')).mode & 0o777).toBe(0o700);
    expect(tables(db)).toEqual([...CACHE_TABLES, '__drizzle_migrations'].sort());
    expect(db.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBeGreaterThan(0);
  });

  it('sets WAL, a busy timeout, foreign keys and synchronous=NORMAL', () => {
    const db = track(openDatabase(join(dir(), 'c.db')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('is idempotent: a second open migrates nothing and keeps the data', () => {
    const path = join(dir(), 'c.db');
    const first = openCache(path);
    const profile = first.profile('lab', 'https://pve.lab:8006');
    first.applyObservation(profile.id, syntheticObservation({ guests: 5 }), { startedAt: 1, counts: {} });
    first.close();
    const db = track(openDatabase(path));
    const migrations = db.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
    db.close();
    const second = track(openCache(path));
    expect(second.guests(profile.id)).toHaveLength(5);
    const again = track(openDatabase(path));
    expect(again.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(migrations);
  });

  it('opens in memory (for tests elsewhere)', () => {
    const cache = track(openCache(':memory:'));
    expect(cache.profiles()).toEqual([]);
  });

  it('deleting a profile deletes everything it owns (foreign keys cascade)', () => {
    const path = join(dir(), 'c.db');
    const cache = track(openCache(path));
    const p = cache.profile('lab', 'https://pve.lab:8006');
    cache.applyObservation(p.id, syntheticObservation({ guests: 3 }), { startedAt: 1, counts: {} });
    const db = track(openDatabase(path));
    db.prepare('DELETE FROM profiles WHERE id = ?').run(p.id);
    for (const table of ['guests', 'nodes', 'sync_runs', 'history']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
  });
});

describe('a file that is not a usable cache', () => {
  it('garbage bytes: a CacheError naming the file and --reset-cache, never a raw SqliteError', () => {
    const path = join(dir(), 'c.db');
    writeFileSync(path, Buffer.from('this is definitely not an SQLite database file, just some text '.repeat(100)));
    const error = caught(() => openCache(path));
    expect(error.reason).toBe('corrupt');
    expect(error.file).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain('--reset-cache');
    expect(error.message).not.toContain('\n');
  });

  it('damaged pages inside a real cache fail the quick check', () => {
    const path = join(dir(), 'c.db');
    const cache = openCache(path);
    const p = cache.profile('lab', 'https://pve.lab:8006');
    cache.applyObservation(p.id, syntheticObservation({ guests: 2000, withConfigs: true }), { startedAt: 1, counts: {} });
    cache.close();
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    const junk = Buffer.alloc(4096 * 8, 0xa5);
    writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const error = caught(() => openCache(path));
    expect(error.reason).toBe('corrupt');
    expect(error.message).toContain(path);
  });

  it('without the quick check (read-only opens), reading the damaged pages is still a CacheError', () => {
    const path = join(dir(), 'c.db');
    const cache = openCache(path);
    const p = cache.profile('lab', 'https://pve.lab:8006');
    cache.applyObservation(p.id, syntheticObservation({ guests: 2000, withConfigs: true }), { startedAt: 1, counts: {} });
    cache.close();
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    const junk = Buffer.alloc(4096 * 8, 0xa5);
    writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const reader = track(openCache(path, { quickCheck: false }));
    const error = caught(() => reader.guests(p.id));
    expect(error.reason).toBe('corrupt');
    expect(error.message).toContain(path);
    expect(error.message).toContain('--reset-cache');
  });

  it('a foreign SQLite database is refused and left untouched', () => {
    const path = join(dir(), 'other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES (\'x\')');
    other.close();
    const before = readFileSync(path);
    const error = caught(() => openCache(path));
    expect(error.reason).toBe('foreign');
    expect(error.message).toContain(path);
    expect(error.message).toContain('users');
    expect(error.message).toContain('--reset-cache');
    const after = new Database(path, { readonly: true });
    expect(tables(after)).toEqual(['users']);
    after.close();
    expect(readFileSync(path).subarray(100).equals(before.subarray(100))).toBe(true);
  });

  it('another drizzle application\'s database is refused', () => {
    const path = join(dir(), 'other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric); CREATE TABLE todos (id INTEGER)');
    other.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('abc', 1_600_000_000_000);
    other.close();
    expect(caught(() => openCache(path)).reason).toBe('foreign');
  });

  it('a cache from a newer proxmox-mpc is refused with "upgrade"', () => {
    const path = join(dir(), 'c.db');
    openCache(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', 9_999_999_999_999);
    db.close();
    const error = caught(() => openCache(path));
    expect(error.reason).toBe('newer');
    expect(error.message).toMatch(/newer proxmox-mpc.*upgrade/);
  });

  it('an impossible location is a CacheError too', () => {
    const base = dir();
    writeFileSync(join(base, 'file'), 'x');
    const error = caught(() => openCache(join(base, 'file', 'c.db')));
    expect(error.reason).toBe('io');
    expect(error.message).toContain(join(base, 'file', 'c.db'));
  });
});

describe('resetCache', () => {
  it('moves the file and its companions aside, and a fresh open works', () => {
    const base = dir();
    const path = join(base, 'c.db');
    writeFileSync(path, 'garbage garbage garbage garbage garbage garbage garbage garbage garbage');
    writeFileSync(`${path}-wal`, 'wal');
    writeFileSync(`${path}-shm`, 'shm');
    expect(() => openCache(path)).toThrow(CacheError);
    const moved = resetCache(path, new Date('2026-01-02T03:04:05.678Z'));
    expect(moved).toBe(`${path}.broken-2026-01-02T03-04-05-678Z`);
    expect(readFileSync(moved!, 'utf8')).toMatch(/^garbage/);
    expect(readFileSync(`${moved}-wal`, 'utf8')).toBe('wal');
    expect(readFileSync(`${moved}-shm`, 'utf8')).toBe('shm');
    expect(existsSync(path)).toBe(false);
    const cache: Cache = track(openCache(path));
    expect(cache.profiles()).toEqual([]);
  });

  it('never overwrites an earlier broken copy, and does nothing without a file', () => {
    const base = dir();
    const path = join(base, 'c.db');
    const at = new Date('2026-01-02T03:04:05.678Z');
    writeFileSync(path, 'one');
    const first = resetCache(path, at);
    writeFileSync(path, 'two');
    const second = resetCache(path, at);
    expect(second).not.toBe(first);
    expect(readFileSync(first!, 'utf8')).toBe('one');
    expect(readFileSync(second!, 'utf8')).toBe('two');
    expect(resetCache(path)).toBeUndefined();
  });
});

describe('errors after open', () => {
  it('a write blocked past the busy timeout is a CacheError (busy), not a raw SqliteError', () => {
    const path = join(dir(), 'c.db');
    const cache = track(openCache(path, { busyTimeoutMs: 0 }));
    const p = cache.profile('lab', 'https://pve.lab:8006');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const error = caught(() => cache.touch(p.id, 5));
    expect(error.reason).toBe('busy');
    expect(error.message).toContain(path);
    other.exec('ROLLBACK');
    other.close();
    cache.touch(p.id, 5);
    expect(cache.freshness(p.id).verifiedAt).toBe(5);
  });
});
