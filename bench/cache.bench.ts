// Cache figures (src/db): applying synthetic observations to a real file in a temp directory.
// Called from bench/run.ts; also runnable on its own: `npx tsx bench/cache.bench.ts`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Cache } from '../src/db/cacheApi.js';
import { openCache } from '../src/db/client.js';
import type { ClusterObservation } from '../src/db/model.js';
import { syntheticObservation, withoutConfigs } from '../src/db/test-support/observation.js';

export interface Timed {
  ms: number;
  rows: number;
}

export interface CacheBenchFigures {
  /** First sync of 10,000 guests with configs (~25 keys each). */
  apply10kWithConfigs: Timed;
  /** A poll at 10,000 guests where nothing changed, list-only (as the sync sends it): median. */
  noChangePoll10k: Timed;
  /** The same, re-sending every config (digests unchanged): median. */
  noChangePoll10kWithConfigs: Timed;
  /** A poll at 10,000 guests where every running guest's live figures moved, within
   * figuresEveryMs of the last write: median (nothing written). */
  figuresPoll10k: Timed;
  /** The same once figuresEveryMs has passed: every moved figure written (median). */
  figuresDuePoll10k: Timed;
  /** First sync of 100,000 guests, list-only. */
  apply100kListOnly: Timed;
  /** A poll at 100,000 guests where nothing changed: median. */
  noChangePoll100k: Timed;
  /** guests(profile, { withConfig: false }) at 100,000 guests: median. */
  readGuests100kMs: number;
  /** guestRecordsJson(profile) at 100,000 guests (the JSON text of `get guests -o json`): median. */
  readGuestsJson100kMs: number;
  /** openCache (with quick_check, as the sync opens it) on the file holding both profiles. */
  openMs: number;
  /** openCache without quick_check (as the read commands open it). */
  openReadMs: number;
  fileMb: number;
  rssMb: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function applyTimed(cache: Cache, profileId: number, obs: ClusterObservation): Timed {
  const start = performance.now();
  const result = cache.applyObservation(profileId, obs, { startedAt: Date.now(), counts: { guests: obs.guests.length } });
  return { ms: round(performance.now() - start), rows: result.rowsWritten };
}

function medianApply(cache: Cache, profileId: number, make: (i: number) => ClusterObservation, runs: number): Timed {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const obs = make(i);
    const t = applyTimed(cache, profileId, obs);
    times.push(t.ms);
    rows = t.rows;
  }
  return { ms: round(median(times)), rows };
}

export async function cacheBenchmarks(): Promise<CacheBenchFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-cache-bench-'));
  const path = join(dir, 'bench.db');
  try {
    const cache = openCache(path);
    let figures: Omit<CacheBenchFigures, 'openMs' | 'openReadMs' | 'fileMb' | 'rssMb'>;
    try {
      const small = cache.profile('bench-10k', 'https://bench-10k:8006');
      const full = syntheticObservation({ guests: 10_000, withConfigs: true });
      const apply10kWithConfigs = applyTimed(cache, small.id, full);
      const listOnly = withoutConfigs(full);
      // Each poll is a later observation (an equal or older one is discarded as stale).
      const noChangePoll10k = medianApply(cache, small.id, (i) => ({ ...listOnly, at: listOnly.at + 100 * (i + 1) }), 7);
      const noChangePoll10kWithConfigs = medianApply(cache, small.id, (i) => ({ ...full, at: full.at + 100 * (i + 8) }), 7);
      const moved = (i: number, at: number): ClusterObservation => ({
        ...listOnly,
        at,
        guests: listOnly.guests.map((g) => (g.status === 'running' ? { ...g, cpu: (i + 1) / 100, uptime: (g.uptime ?? 0) + i + 1 } : g)),
      });
      const figuresPoll10k = medianApply(cache, small.id, (i) => moved(i, listOnly.at + 1000 * (i + 1)), 7);
      const figuresDuePoll10k = medianApply(cache, small.id, (i) => moved(100 + i, listOnly.at + 60_000 * (i + 2)), 7);

      const huge = cache.profile('bench-100k', 'https://bench-100k:8006');
      const big = syntheticObservation({ guests: 100_000 });
      const apply100kListOnly = applyTimed(cache, huge.id, big);
      const noChangePoll100k = medianApply(cache, huge.id, (i) => ({ ...big, at: big.at + 100 * (i + 1) }), 3);
      const reads: number[] = [];
      const jsonReads: number[] = [];
      for (let i = 0; i < 3; i++) {
        let start = performance.now();
        cache.guests(huge.id, { withConfig: false });
        reads.push(performance.now() - start);
        start = performance.now();
        let n = 0;
        for (const _ of cache.guestRecordsJson(huge.id)) n++;
        if (n !== 100_000) throw new Error(`guestRecordsJson gave ${n} guests`);
        jsonReads.push(performance.now() - start);
      }
      figures = {
        apply10kWithConfigs,
        noChangePoll10k,
        noChangePoll10kWithConfigs,
        figuresPoll10k,
        figuresDuePoll10k,
        apply100kListOnly,
        noChangePoll100k,
        readGuests100kMs: round(median(reads)),
        readGuestsJson100kMs: round(median(jsonReads)),
      };
    } finally {
      cache.close();
    }
    const rssMb = round(process.memoryUsage().rss / 2 ** 20);
    const opens: number[] = [];
    const readOpens: number[] = [];
    for (let i = 0; i < 3; i++) {
      let start = performance.now();
      openCache(path).close();
      opens.push(performance.now() - start);
      start = performance.now();
      openCache(path, { quickCheck: false }).close();
      readOpens.push(performance.now() - start);
    }
    return { ...figures, openMs: round(median(opens)), openReadMs: round(median(readOpens)), fileMb: round(statSync(path).size / 2 ** 20), rssMb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await cacheBenchmarks(), null, 2)}\n`);
}
