// The Cache (cacheApi.ts) over one open better-sqlite3 connection: the reader, the observation
// applier, and the writer's small operations. openCache (client.ts) opens, checks and migrates
// the file first; createCache only wires an already usable connection.
import type Database from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { type Applier, createApplier } from './apply.js';
import type { Cache, ProfileRef } from './cacheApi.js';
import type { GuestKey, GuestType } from './model.js';
import { createReader, profileRef } from './reader.js';
import * as schema from './schema.js';
import { withCacheErrors } from './sqliteErrors.js';

export interface CacheOptions {
  /** The clock for sync-run and profile timestamps (default Date.now). */
  now?: () => number;
  /** Live figures alone are written at most this often (observation time; default 60 s). */
  figuresEveryMs?: number;
}

export function createCache(sqlite: Database.Database, path: string, options: CacheOptions = {}): Cache {
  const now = options.now ?? Date.now;
  const db = drizzle(sqlite, { schema });
  const reader = createReader(sqlite, db);
  // Prepared on the first apply: a read command never writes, and needs none of its statements.
  let applier: Applier | undefined;
  const apply = (): Applier =>
    (applier ??= createApplier(sqlite, { now, ...(options.figuresEveryMs !== undefined ? { figuresEveryMs: options.figuresEveryMs } : {}) }));
  const selectConfigState = sqlite.prepare('SELECT type, vmid, config_digest, config_fingerprint FROM guests WHERE profile_id = ?');
  const { profiles, syncRuns } = schema;

  const profile = sqlite.transaction((name: string, endpoint: string): ProfileRef => {
    const found = db.select().from(profiles).where(eq(profiles.name, name)).get();
    if (found !== undefined) {
      if (found.endpoint === endpoint) return profileRef(found);
      // The same profile now reaches its cluster at another address: keep its cache.
      db.update(profiles).set({ endpoint }).where(eq(profiles.id, found.id)).run();
      return profileRef({ ...found, endpoint });
    }
    const created = db.insert(profiles).values({ name, endpoint, createdAt: now() }).returning().get();
    return profileRef(created);
  });

  const cache: Cache = {
    ...reader,
    path,

    profile: (name, endpoint) => profile.immediate(name, endpoint),

    configState(profileId) {
      const out = new Map<GuestKey, { configDigest?: string; configFingerprint?: string }>();
      const rows = selectConfigState.all(profileId) as {
        type: GuestType;
        vmid: number;
        config_digest: string | null;
        config_fingerprint: string | null;
      }[];
      for (const r of rows) {
        const state: { configDigest?: string; configFingerprint?: string } = {};
        if (r.config_digest !== null) state.configDigest = r.config_digest;
        if (r.config_fingerprint !== null) state.configFingerprint = r.config_fingerprint;
        out.set(`${r.type}/${r.vmid}`, state);
      }
      return out;
    },

    applyObservation: (profileId, observation, run) => apply().apply(profileId, observation, run),

    recordFailure(profileId, run) {
      db.insert(syncRuns)
        .values({
          profileId,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          outcome: run.outcome,
          counts: JSON.stringify(run.counts),
          error: run.error,
        })
        .run();
    },

    touch(profileId, at) {
      // Never moves backwards (a slow poll finishing late must not make the cache look older).
      db.update(profiles)
        .set({ verifiedAt: sql`max(coalesce(${profiles.verifiedAt}, 0), ${at})` })
        .where(eq(profiles.id, profileId))
        .run();
    },

    close() {
      if (sqlite.open) sqlite.close();
    },
  };
  return withCacheErrors(cache, path);
}
