// An observation whose resource list could not be read completely deletes nothing: a guest
// missing from it may well still exist.
import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from './cacheApi.js';
import { openCache } from './client.js';
import { syntheticObservation } from './test-support/observation.js';

let cache: Cache | undefined;
afterEach(() => cache?.close());

describe('an incomplete observation', () => {
  it('deletes no guest or node and records no deletion', () => {
    cache = openCache(':memory:');
    const profileId = cache.profile('p', 'https://p:8006').id;
    const full = syntheticObservation({ guests: 50, nodes: 3, withConfigs: false });
    cache.applyObservation(profileId, full, { startedAt: 1, counts: {} });

    const partial = { ...full, at: full.at + 1000, incomplete: true, guests: full.guests.slice(0, 30), nodes: full.nodes.slice(0, 1) };
    const result = cache.applyObservation(profileId, partial, { startedAt: 2, counts: {} });
    expect(result.changes.filter((c) => c.op === 'removed')).toEqual([]);
    expect(cache.guests(profileId, { withConfig: false })).toHaveLength(50);
    expect(cache.nodes(profileId)).toHaveLength(full.nodes.length);
    expect(cache.history(profileId).filter((h) => h.event === 'deleted')).toEqual([]);

    // The same list, complete, does delete.
    const complete = { ...partial, at: partial.at + 1000, incomplete: false };
    cache.applyObservation(profileId, complete, { startedAt: 3, counts: {} });
    expect(cache.guests(profileId, { withConfig: false })).toHaveLength(30);
  });
});
