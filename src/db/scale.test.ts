// Large synthetic clusters apply and read back (timings live in bench/cache.bench.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from './cacheApi.js';
import { openCache } from './client.js';
import { syntheticObservation, withoutConfigs } from './test-support/observation.js';

const opened: Cache[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

function fresh(): Cache {
  const cache = openCache(join(mkdtempSync(join(tmpdir(), 'pmc-cache-')), 'cache.db'));
  opened.push(cache);
  return cache;
}

describe('at scale', () => {
  it('10,000 guests with configs: first sync writes every row, the next polls write none', () => {
    const cache = fresh();
    const p = cache.profile('big', 'https://big:8006');
    const obs = syntheticObservation({ guests: 10_000, withConfigs: true });
    const first = cache.applyObservation(p.id, obs, { startedAt: 1, counts: {} });
    expect(first.rowsWritten).toBe(1 + obs.nodes.length + 10_000);
    expect(first.changes).toHaveLength(obs.nodes.length + 10_000);
    expect(cache.applyObservation(p.id, obs, { startedAt: 2, counts: {} }).rowsWritten).toBe(0);
    expect(cache.applyObservation(p.id, withoutConfigs(obs), { startedAt: 3, counts: {} }).rowsWritten).toBe(0);
    expect(cache.guests(p.id, { withConfig: false })).toHaveLength(10_000);
    expect(cache.guest(p.id, 'qemu/5100')?.config).toEqual(obs.guests[5000]!.config);
    expect(cache.configState(p.id).size).toBe(10_000);
  });

  it('100,000 guests list-only apply, and a second poll changing 1% writes 1% (moved figures wait)', () => {
    const cache = fresh();
    const p = cache.profile('huge', 'https://huge:8006');
    const obs = syntheticObservation({ guests: 100_000 });
    const first = cache.applyObservation(p.id, obs, { startedAt: 1, counts: {} });
    expect(first.rowsWritten).toBe(1 + obs.nodes.length + 100_000);
    const next = { ...obs, at: obs.at + 5000, guests: obs.guests.map((g, i) => (i % 100 === 0 ? { ...g, lock: 'backup' } : i % 7 === 0 ? { ...g, cpu: 0.5 } : g)) };
    const second = cache.applyObservation(p.id, next, { startedAt: 2, counts: {} });
    expect(second.rowsWritten).toBe(1000);
    expect(second.historyEntries).toBe(0);
    expect(cache.guests(p.id, { withConfig: false })).toHaveLength(100_000);
  });
});
