// A reader on another connection never sees half a sync: WAL gives it the last committed state
// until the writer's one transaction commits.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCache } from './cache.js';
import { openDatabase } from './client.js';
import { syntheticObservation } from './test-support/observation.js';

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

function setup() {
  const path = join(mkdtempSync(join(tmpdir(), 'pmc-cache-')), 'cache.db');
  const writer = openDatabase(path);
  const cache = createCache(writer, path);
  const reader = new Database(path, { readonly: true });
  opened.push(cache, reader);
  const counts = () => ({
    guests: reader.prepare('SELECT count(*) FROM guests').pluck().get() as number,
    running: reader.prepare("SELECT count(*) FROM guests WHERE status = 'running'").pluck().get() as number,
    nodes: reader.prepare('SELECT count(*) FROM nodes').pluck().get() as number,
    runs: reader.prepare('SELECT count(*) FROM sync_runs').pluck().get() as number,
    history: reader.prepare('SELECT count(*) FROM history').pluck().get() as number,
  });
  return { path, writer, cache, reader, counts };
}

describe('readers during a write', () => {
  it('see the state before the sync at every point inside its transaction, the whole of it after', () => {
    const { writer, cache, counts } = setup();
    const p = cache.profile('lab', 'https://pve.lab:8006');
    const first = syntheticObservation({ guests: 1000, nodes: 4 });
    cache.applyObservation(p.id, first, { startedAt: 1, counts: {} });
    const before = counts();
    expect(before).toMatchObject({ guests: 1000, nodes: 4, runs: 1 });

    // Probe from inside the writer's transaction: a trigger calls back into JS on every guest
    // written, and the other connection counts what it can see at that moment.
    const seen: ReturnType<typeof counts>[] = [];
    writer.function('probe', () => {
      seen.push(counts());
      return 0;
    });
    writer.exec('CREATE TEMP TRIGGER probe_insert AFTER INSERT ON main.guests WHEN NEW.vmid % 97 = 0 BEGIN SELECT probe(); END');
    writer.exec('CREATE TEMP TRIGGER probe_update AFTER UPDATE ON main.guests WHEN NEW.vmid % 97 = 0 BEGIN SELECT probe(); END');
    writer.exec('CREATE TEMP TRIGGER probe_delete AFTER DELETE ON main.guests WHEN OLD.vmid % 97 = 0 BEGIN SELECT probe(); END');

    // The next sync: 300 guests gone, 500 new, every running guest stopped, one node more.
    const second = syntheticObservation({ guests: 1500, nodes: 5, at: first.at + 5000 });
    second.guests = second.guests.slice(300).map((g) => ({ ...g, status: 'stopped' }));
    const result = cache.applyObservation(p.id, second, { startedAt: 2, counts: {} });
    expect(result.rowsWritten).toBeGreaterThan(1000);
    expect(seen.length).toBeGreaterThan(5);
    for (const view of seen) expect(view).toEqual(before);
    expect(counts()).toEqual({ guests: 1200, running: 0, nodes: 5, runs: 2, history: result.historyEntries });
  });

  it('a reader in a long read transaction keeps its snapshot across a whole sync', () => {
    const { cache, reader, counts } = setup();
    const p = cache.profile('lab', 'https://pve.lab:8006');
    const first = syntheticObservation({ guests: 200 });
    cache.applyObservation(p.id, first, { startedAt: 1, counts: {} });
    reader.exec('BEGIN');
    const before = counts();
    cache.applyObservation(p.id, syntheticObservation({ guests: 400, at: first.at + 5000 }), { startedAt: 2, counts: {} });
    expect(counts()).toEqual(before);
    reader.exec('COMMIT');
    expect(counts().guests).toBe(400);
  });

  it('a failing sync leaves nothing of itself behind', () => {
    const { writer, cache, counts } = setup();
    const p = cache.profile('lab', 'https://pve.lab:8006');
    const first = syntheticObservation({ guests: 100 });
    cache.applyObservation(p.id, first, { startedAt: 1, counts: {} });
    const before = counts();
    writer.function('boom', () => {
      throw new Error('disk on fire');
    });
    writer.exec('CREATE TEMP TRIGGER boom AFTER INSERT ON main.history BEGIN SELECT boom(); END');
    const next = syntheticObservation({ guests: 150, at: first.at + 5000 });
    expect(() => cache.applyObservation(p.id, next, { startedAt: 2, counts: {} })).toThrow(/disk on fire/);
    expect(counts()).toEqual(before);
    writer.exec('DROP TRIGGER boom');
    expect(cache.applyObservation(p.id, next, { startedAt: 3, counts: {} }).rowsWritten).toBeGreaterThan(0);
    expect(counts().guests).toBe(150);
  });
});
