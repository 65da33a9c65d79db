import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCache, openDatabase } from './client.js';
import { insertOperations, readOperations, type OperationLogEntry } from './operationLog.js';

const dirs: string[] = [];
const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cacheFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-oplog-'));
  dirs.push(dir);
  return join(dir, 'cache.db');
}

function entry(over: Partial<OperationLogEntry> = {}): OperationLogEntry {
  return {
    startedAt: 1_000,
    endedAt: 3_500,
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
    upid: 'UPID:pve1:00001234:00005678:65000000:qmstart:100:root@pam:',
    durationMs: 2_500,
    calls: [{ method: 'POST', path: '/nodes/pve1/qemu/100/status/start', params: {} }],
    ...over,
  };
}

describe('the operations log', () => {
  it('writes entries under the profile and reads them back, newest first, whole', () => {
    const db = openDatabase(cacheFile());
    closers.push(() => db.close());
    insertOperations(db, { name: 'lab', endpoint: 'https://pve1:8006' }, [entry()]);
    insertOperations(db, { name: 'lab' }, [entry({ startedAt: 5_000, endedAt: 5_001, action: 'stop', outcome: 'refused', message: 'not confirmed', exitStatus: undefined, upid: undefined, durationMs: undefined, user: undefined, risk: 'high' })]);
    const profileId = db.prepare('SELECT id FROM profiles WHERE name = ?').pluck().get('lab') as number;
    expect(db.prepare('SELECT endpoint FROM profiles WHERE id = ?').pluck().get(profileId)).toBe('https://pve1:8006');

    const rows = readOperations(db, profileId);
    expect(rows.map((r) => r.action)).toEqual(['stop', 'start']);
    const { id, ...start } = rows[1]!;
    expect(id).toBeGreaterThan(0);
    expect(start).toEqual(entry());
    // Absent fields stay absent (not null).
    expect(rows[0]).not.toHaveProperty('upid');
    expect(rows[0]).not.toHaveProperty('user');
    expect(rows[0]).toMatchObject({ outcome: 'refused', message: 'not confirmed', risk: 'high' });
  });

  it('filters by guest, time and count; profiles do not mix', () => {
    const db = openDatabase(cacheFile());
    closers.push(() => db.close());
    insertOperations(db, { name: 'lab' }, [
      entry({ startedAt: 1_000 }),
      entry({ startedAt: 2_000, type: 'lxc', vmid: 100, name: 'ct-100' }),
      entry({ startedAt: 3_000, vmid: 101, name: 'web-02' }),
      entry({ startedAt: 4_000 }),
    ]);
    insertOperations(db, { name: 'other' }, [entry({ startedAt: 9_000 })]);
    const lab = db.prepare('SELECT id FROM profiles WHERE name = ?').pluck().get('lab') as number;
    expect(readOperations(db, lab).map((r) => r.startedAt)).toEqual([4_000, 3_000, 2_000, 1_000]);
    expect(readOperations(db, lab, { key: 'qemu/100' }).map((r) => r.startedAt)).toEqual([4_000, 1_000]);
    expect(readOperations(db, lab, { key: 'lxc/100' }).map((r) => r.name)).toEqual(['ct-100']);
    expect(readOperations(db, lab, { since: 2_000 }).map((r) => r.startedAt)).toEqual([4_000, 3_000, 2_000]);
    expect(readOperations(db, lab, { limit: 1 }).map((r) => r.startedAt)).toEqual([4_000]);
  });

  it('the cache reader reads them; deleting the profile deletes them', () => {
    const path = cacheFile();
    const db = openDatabase(path);
    closers.push(() => db.close());
    insertOperations(db, { name: 'lab', endpoint: 'https://pve1:8006' }, [entry()]);
    const cache = openCache(path, { quickCheck: false });
    closers.push(() => cache.close());
    const profile = cache.findProfile('lab')!;
    expect(cache.operations(profile.id, { key: 'qemu/100' })).toHaveLength(1);
    db.prepare('DELETE FROM profiles WHERE id = ?').run(profile.id);
    expect(cache.operations(profile.id)).toEqual([]);
  });

  it('while a sync holds the write lock a write is busy (the recorder retries it), then goes through', () => {
    const path = cacheFile();
    const sync = openDatabase(path);
    closers.push(() => sync.close());
    const recorder = openDatabase(path, { busyTimeoutMs: 0 });
    closers.push(() => recorder.close());
    sync.prepare('BEGIN IMMEDIATE').run();
    expect(() => insertOperations(recorder, { name: 'lab' }, [entry()])).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }) as unknown as Error);
    sync.prepare('COMMIT').run();
    insertOperations(recorder, { name: 'lab' }, [entry()]);
    expect(sync.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(1);
  });
});
