import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../db/client.js';
import { checkCache, checkCacheOffThread } from './health.js';
import { IntegrityCheckError, integrityCheckOffThread } from './integrityCheck.js';

let dir: string;
let big: string;
const NOW = Date.parse('2026-12-08T02:00:00Z');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-integrity-'));
  // A cache with a large table and an index: integrity_check reads every page of both.
  big = join(dir, 'big.db');
  const cache = openCache(big, { now: () => NOW - 60_000 });
  cache.touch(cache.profile('home', 'https://pve:8006').id, NOW - 60_000);
  cache.close();
  const db = new Database(big);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, name TEXT, body TEXT); CREATE INDEX filler_name ON filler (name)');
  const insert = db.prepare('INSERT INTO filler (name, body) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 150_000; i++) insert.run(`guest-${(i * 7919) % 150_000}`, 'x'.repeat(60));
  })();
  db.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('integrityCheckOffThread', () => {
  it('finds no problem in a sound database, and what SQLite finds in a damaged one', async () => {
    const damaged = join(dir, 'damaged.db');
    const cache = openCache(damaged);
    cache.profile('home', 'https://pve:8006');
    cache.close();
    const bytes = readFileSync(damaged);
    bytes.fill(0x5a, 4096);
    writeFileSync(damaged, bytes);
    const inThread = checkCache(damaged, 'home', NOW);
    expect(await checkCacheOffThread(damaged, 'home', NOW)).toEqual(inThread);
    expect(inThread[0]!.status).toBe('fail');
  });

  it('a file SQLite cannot read: rejects, and the health lines are those of the in-thread check', async () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database'.repeat(300));
    await expect(integrityCheckOffThread(garbage)).rejects.toBeInstanceOf(IntegrityCheckError);
    expect(await checkCacheOffThread(garbage, 'home', NOW)).toEqual(checkCache(garbage, 'home', NOW));
  });

  it('the same health lines as the in-thread check on a sound cache', async () => {
    const small = join(dir, 'small.db');
    const cache = openCache(small, { now: () => NOW - 60_000 });
    cache.touch(cache.profile('home', 'https://pve:8006').id, NOW - 60_000);
    cache.close();
    const lines = await checkCacheOffThread(small, 'home', NOW);
    expect(lines).toEqual(checkCache(small, 'home', NOW));
    expect(lines.map((l) => l.status)).toEqual(['ok', 'ok']);
  });

  it("the calling thread stays free while the check runs: its timers fire (keys and redraws in the console)", async () => {
    // In-thread, the check holds the thread for its whole duration: no timer fires until it ends.
    const inThreadStart = performance.now();
    checkCache(big, 'home', NOW);
    const inThreadMs = performance.now() - inThreadStart;

    let finished = false;
    const started = performance.now();
    const check = checkCacheOffThread(big, 'home', NOW).then((lines) => {
      finished = true;
      return lines;
    });
    let ticks = 0;
    let longestGap = 0;
    let last = performance.now();
    while (!finished) {
      await new Promise((r) => setTimeout(r, 2));
      const t = performance.now();
      longestGap = Math.max(longestGap, t - last);
      last = t;
      if (!finished) ticks++;
    }
    const offThreadMs = performance.now() - started;
    expect(await integrityCheckOffThread(big)).toEqual([]);
    expect((await check)[0]).toMatchObject({ status: 'ok', message: expect.stringMatching(/^integrity ok/) });
    expect(ticks).toBeGreaterThanOrEqual(5);
    // The longest the thread was held is a small part of what the check takes in-thread.
    expect(longestGap, `in-thread ${Math.round(inThreadMs)} ms, off-thread ${Math.round(offThreadMs)} ms`).toBeLessThan(Math.max(100, inThreadMs / 2));
  }, 30_000);
});
