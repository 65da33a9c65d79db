// `get vms|cts|guests -o json` of a large cache, as a user runs it (the built CLI: run
// `node scripts/build.mjs` first): printed by SQLite on two threads (dist/get-worker.js), the
// same bytes as the one-thread path, every guest once, in order.
import { beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../src/db/client.js';
import { defaultCachePath } from '../src/db/paths.js';
import { syntheticObservation } from '../src/db/test-support/observation.js';
import { isolatedEnv, runCli } from './support/cli.js';

const GUESTS = 25_000;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  env = isolatedEnv({ PMC_STALE_AFTER: '1000d' });
  const cache = openCache(defaultCachePath('big', env));
  try {
    const p = cache.profile('big', 'https://big.example:8006');
    const obs = syntheticObservation({ guests: GUESTS, withConfigs: true, at: Date.now() });
    obs.guests[3]!.name = 'quote " and \u2028 and \u009b';
    obs.guests[GUESTS - 3]!.mem = 1.5; // printed from its row
    cache.applyObservation(p.id, obs, { startedAt: Date.now(), counts: {} });
  } finally {
    cache.close();
  }
}, 60_000);

describe('get -o json of 25,000 guests', () => {
  it.each(['vms', 'cts', 'guests'])('%s: valid, complete, ordered, and the same bytes as one thread', async (kind) => {
    const args = ['get', kind, '-o', 'json', '--offline', '--profile', 'big'];
    const [two, one] = await Promise.all([runCli(args, env), runCli([...args, '--limit', '1000000'], env)]);
    expect(two.code).toBe(0);
    expect(two.stderr).toBe('');
    expect(two.stdout).toBe(one.stdout);
    const records = JSON.parse(two.stdout) as Array<{ type: string; vmid: number }>;
    const expected = kind === 'guests' ? GUESTS : kind === 'cts' ? GUESTS / 5 : (GUESTS * 4) / 5;
    expect(records).toHaveLength(expected);
    expect(records.map((r) => r.vmid)).toEqual([...records.map((r) => r.vmid)].sort((a, b) => a - b));
    expect(two.stdout).not.toMatch(/[\u007f-\u009f\u2028\u2029]/);
  }, 60_000);
});
