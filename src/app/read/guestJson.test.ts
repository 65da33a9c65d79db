// The fast JSON path of `get vms|cts|guests -o json` (records printed by SQLite, streamed in
// chunks) prints exactly what the general path (rows, records, JSON.stringify) prints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from '../../db/cacheApi.js';
import { openCache } from '../../db/client.js';
import type { GuestRow } from '../../db/model.js';
import { toJson, writeJsonArray } from '../output/serialize.js';
import { findKind, type KindContext, type ListOptions } from './kinds.js';
import { openFixture, type Fixture } from './test-support/fixture.js';

function both(ctx: KindContext, kindName: string, options: ListOptions = {}): { fast: string; general: string; chunks: number } {
  const kind = findKind(kindName);
  const elements = kind.jsonElements?.(ctx, options);
  if (elements === undefined) throw new Error(`no fast path for ${kindName} ${JSON.stringify(options)}`);
  let fast = '';
  let chunks = 0;
  writeJsonArray(elements, (chunk) => {
    fast += chunk;
    chunks++;
  }, 256);
  return { fast, general: toJson(kind.list(ctx, options).records()), chunks };
}

describe('guest records as JSON text from the cache', () => {
  let fx: Fixture;
  beforeAll(() => {
    fx = openFixture();
  });
  afterAll(() => fx.cache.close());

  it.each([
    ['vms', {}],
    ['cts', {}],
    ['guests', {}],
    ['guests', { limit: 2 }],
    ['vms', { sort: 'vmid' }],
  ] as const)('%s %j: the same text as the general path', (kind, options) => {
    const ctx = { cache: fx.cache, profileId: fx.profileId, now: fx.ctx.now };
    const { fast, general, chunks } = both(ctx, kind, options);
    expect(fast).toBe(general);
    expect(chunks).toBeGreaterThan(1);
  });

  it('is not used with a filter or another order', () => {
    const ctx = { cache: fx.cache, profileId: fx.profileId, now: fx.ctx.now };
    const kind = findKind('vms');
    for (const options of [{ filter: 'web' }, { node: 'pve1' }, { status: 'running' }, { tag: 'x' }, { pool: 'p' }, { sort: '-vmid' }, { sort: 'name' }]) {
      expect(kind.jsonElements?.(ctx, options), JSON.stringify(options)).toBeUndefined();
    }
    expect(findKind('nodes').jsonElements).toBeUndefined();
  });
});

describe('awkward values', () => {
  let cache: Cache;
  let ctx: KindContext;
  const guest = (vmid: number, extra: Partial<GuestRow>): GuestRow => ({
    type: 'qemu',
    vmid,
    node: 'pve1',
    name: `g${vmid}`,
    status: 'running',
    template: false,
    tags: [],
    ...extra,
  });
  beforeAll(() => {
    cache = openCache(':memory:');
    const p = cache.profile('x', 'https://x:8006');
    ctx = { cache, profileId: p.id, now: 0 };
    cache.applyObservation(
      p.id,
      {
        at: 1,
        nodes: [{ node: 'pve1', status: 'online' }],
        guests: [
          guest(100, { name: 'quote " back \\ slash / tab \t nl \n del \u007f c1 \u0085 \u009b ls \u2028 ps \u2029 nul \u0000 é 😀', tags: ['a"b', 'c\\d', 'ü', 'x y'] }),
          guest(101, { template: true, pool: 'p\u0001', lock: 'backup', hastate: 'started', cpu: 0.1 + 0.2, maxcpu: 4, mem: 2 ** 60, maxmem: 2 ** 53 - 1, disk: -5, maxdisk: 0, uptime: 1 }),
          guest(102, { cpu: 1e-7, mem: 0.5, netin: 1e21 }), // not integers: read as a row
          guest(103, { cpu: 1 / 3, maxcpu: 2.5, tags: ['only'] }),
          guest(104, { type: 'lxc', cpu: 0, status: 'stopped' }),
          guest(105, { cpu: 123456789.123, diskread: 2 ** 31, diskwrite: 2 ** 32 + 1 }),
          guest(106, { disk: -(2 ** 63), uptime: -(2 ** 53) + 1 }),
        ],
      },
      { startedAt: 1, counts: {} },
    );
  });
  afterAll(() => cache.close());

  it.each(['vms', 'cts', 'guests'])('%s: the same text as the general path', (kind) => {
    const { fast, general } = both(ctx, kind);
    expect(fast).toBe(general);
    expect(JSON.parse(fast)).toEqual(JSON.parse(general));
  });

  it('an empty list is []', () => {
    const empty = openCache(':memory:');
    try {
      const p = empty.profile('y', 'https://y:8006');
      const { fast, general } = both({ cache: empty, profileId: p.id, now: 0 }, 'guests');
      expect(fast).toBe('[]\n');
      expect(general).toBe('[]\n');
    } finally {
      empty.close();
    }
  });
});
