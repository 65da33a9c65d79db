// A large plain listing printed on two threads gives the same bytes as one thread, and never
// mixes two states of the cache: a sync committed while it prints is not seen by either half.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from '../../db/cacheApi.js';
import { openCache } from '../../db/client.js';
import type { GuestType } from '../../db/model.js';
import { syntheticObservation } from '../../db/test-support/observation.js';
import { toJson } from '../output/serialize.js';
import { findKind } from './kinds.js';
import { writeGuestsJsonParallel } from './parallelJson.js';

let path: string;
let cache: Cache;
let profileId: number;
const GUESTS = 3000;

beforeAll(() => {
  path = join(mkdtempSync(join(tmpdir(), 'pmc-par-')), 'cache.db');
  cache = openCache(path);
  profileId = cache.profile('big', 'https://big:8006').id;
  const obs = syntheticObservation({ guests: GUESTS, withConfigs: true });
  // a few rows SQLite cannot print exactly (read as rows), on both sides of the split
  obs.guests[10]!.mem = 0.5;
  obs.guests[GUESTS - 10]!.netin = 2 ** 60;
  obs.guests[20]!.name = 'odd "name" \u2028 \u009b é';
  cache.applyObservation(profileId, obs, { startedAt: 1, counts: {} });
});
afterAll(() => cache.close());

function general(type?: GuestType): string {
  const kind = findKind(type === undefined ? 'guests' : type === 'qemu' ? 'vms' : 'cts');
  return toJson(kind.list({ cache, profileId, now: 0 }, {}).records());
}

function parallel(type?: GuestType, onWrite?: (n: number) => void): { outcome: string; text: string } {
  const chunks: Buffer[] = [];
  const outcome = writeGuestsJsonParallel(
    { cache, cachePath: path, profileId, ...(type ? { type } : {}) },
    (chunk) => {
      chunks.push(Buffer.from(chunk));
      onWrite?.(chunks.length);
    },
    // From source the worker starts through tsx: give it time.
    { minGuests: 100, force: true, workerStartMs: 20_000 },
  );
  return { outcome, text: Buffer.concat(chunks).toString('utf8') };
}

describe('two threads', () => {
  it.each([undefined, 'qemu', 'lxc'] as const)('type %s: the same bytes as one thread', (type) => {
    const { outcome, text } = parallel(type);
    expect(outcome).toBe('worker');
    expect(text).toBe(general(type));
  });

  it('below the threshold: nothing written, one thread does it', () => {
    const chunks: unknown[] = [];
    expect(writeGuestsJsonParallel({ cache, cachePath: path, profileId }, (c) => chunks.push(c), { minGuests: GUESTS + 1, force: true })).toBe('not-used');
    expect(chunks).toEqual([]);
  });

  it('a sync committed while the listing prints is seen by neither half', () => {
    const before = general();
    const other = openCache(path);
    try {
      let changed = false;
      const { outcome, text } = parallel(undefined, () => {
        if (changed) return;
        changed = true;
        // Another process's sync renames every guest, mid-listing.
        const obs = syntheticObservation({ guests: GUESTS, withConfigs: false, at: 1_760_000_000_000 + 1000 });
        for (const g of obs.guests) g.name = `renamed-${g.vmid}`;
        other.applyObservation(profileId, obs, { startedAt: 2, counts: {} });
      });
      // Either the worker read before the change (both halves from one snapshot), or after it
      // and its share was thrown away: never a mix.
      expect(['alone', 'worker']).toContain(outcome);
      expect(changed).toBe(true);
      expect(text).toBe(before);
      expect(text).not.toContain('renamed-');
      expect(general()).toContain('renamed-');
    } finally {
      other.close();
    }
  });
});
