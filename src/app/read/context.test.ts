import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../../db/client.js';
import { defaultCachePath } from '../../db/paths.js';
import type { GlobalOptions } from '../cli.js';
import { UserError } from '../userError.js';
import { DEFAULT_STALE_AFTER_MS, openReadContext, resolveReadProfile, staleAfterMs, stalenessMessage, type ReadOptions } from './context.js';
import { firstObservation, sink } from './test-support/fixture.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});

const base: GlobalOptions = { output: 'text' };
const opts = (extra: Partial<ReadOptions> = {}): ReadOptions => ({ ...base, ...extra });

function home(config?: string): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-read-'));
  const env: NodeJS.ProcessEnv = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') };
  if (config !== undefined) {
    mkdirSync(join(dir, 'config', 'proxmox-mpc'), { recursive: true });
    writeFileSync(join(dir, 'config', 'proxmox-mpc', 'config.yml'), config, { mode: 0o600 });
  }
  return env;
}

const HOMELAB = `defaultProfile: homelab
profiles:
  homelab:
    endpoint: https://pve.example:8006
    tokenId: root@pam!mpc
    tokenSecret: 00000000-0000-0000-0000-000000000000
`;

function fill(env: NodeJS.ProcessEnv, name: string): void {
  const cache = openCache(defaultCachePath(name, env));
  const p = cache.profile(name, 'https://pve.example:8006');
  cache.applyObservation(p.id, firstObservation(), { startedAt: Date.now(), counts: {} });
  cache.close();
}

function expectUserError(fn: () => unknown, code: number, pattern: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(code);
    expect((error as UserError).message).toMatch(pattern);
  }
}

describe('stalenessMessage', () => {
  const synced = Date.UTC(2025, 0, 5, 10, 2, 11);
  it('says nothing while the cache is fresh', () => {
    expect(stalenessMessage('homelab', synced, synced + DEFAULT_STALE_AFTER_MS, DEFAULT_STALE_AFTER_MS, false)).toBeUndefined();
  });
  it('says how old the cache is, when it was synced and what to do', () => {
    expect(stalenessMessage('homelab', synced, synced + 3 * 60_000 + 5000, DEFAULT_STALE_AFTER_MS, false)).toBe(
      'the cache of profile homelab is 3 min old (last sync 10:02:11); run with --refresh or proxmox-mpc sync --profile homelab',
    );
  });
  it('leaves out the advice when offline, and adds the last sync error (sanitised)', () => {
    expect(stalenessMessage('env', synced, synced + 3 * 3600_000, 60_000, true, 'connect ECONNREFUSED\u001b[2J')).toBe(
      'the cache of profile env is 3 h old (last sync 10:02:11); the last sync attempt failed: connect ECONNREFUSED',
    );
  });
  it('PMC_STALE_AFTER sets the threshold', () => {
    expect(staleAfterMs({})).toBe(120_000);
    expect(staleAfterMs({ PMC_STALE_AFTER: '30s' })).toBe(30_000);
    expectUserError(() => staleAfterMs({ PMC_STALE_AFTER: 'soon' }), 2, /PMC_STALE_AFTER='soon' is not a duration/);
  });
});

describe('resolveReadProfile', () => {
  it('uses the same resolution as ping', () => {
    const r = resolveReadProfile(opts(), home(HOMELAB));
    expect(r.name).toBe('homelab');
    expect(r.settings?.endpoint).toBe('https://pve.example:8006');
  });
  it('--offline and --refresh together are a usage error', () => {
    expectUserError(() => resolveReadProfile(opts({ offline: true, refresh: true }), home(HOMELAB)), 2, /--refresh syncs over the network and --offline forbids it/);
  });
  it('needs no credentials to read', () => {
    const env = { ...home(), PROXMOX_VE_ENDPOINT: 'https://pve.example:8006' };
    expect(resolveReadProfile(opts(), env)).toEqual({ name: 'env-pve.example-8006' });
  });
  it('--refresh needs the full connection settings', () => {
    const env = { ...home(), PROXMOX_VE_ENDPOINT: 'https://pve.example:8006' };
    expectUserError(() => resolveReadProfile(opts({ refresh: true }), env), 2, /no credentials/);
  });
  it('with --offline, a profile that has a cache but no endpoint configured is fine', () => {
    const env = home();
    fill(env, 'homelab');
    expect(resolveReadProfile(opts({ offline: true, profile: 'homelab' }), env)).toEqual({ name: 'homelab' });
    expect(resolveReadProfile(opts({ offline: true }), { ...env, PMC_PROFILE: 'homelab' })).toEqual({ name: 'homelab' });
  });
  it('with --offline and no profile known, says which caches there are', () => {
    const env = home();
    fill(env, 'homelab');
    expectUserError(() => resolveReadProfile(opts({ offline: true }), env), 2, /--offline needs to know which profile's cache to read: pass --profile NAME \(cached: homelab\)/);
  });
  it('an unknown profile without a cache keeps the usual error', () => {
    expectUserError(() => resolveReadProfile(opts({ profile: 'nope' }), home(HOMELAB)), 2, /no profile named 'nope'/);
  });
});

describe('openReadContext', () => {
  it('an empty cache (no file, or never synced) exits 4 and creates nothing', async () => {
    const env = home(HOMELAB);
    await expect(openReadContext(opts(), { env, stderr: sink() })).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && e.exitCode === 4 && e.message === 'the cache of profile homelab is empty: run proxmox-mpc sync --profile homelab first',
    );
    const cache = openCache(defaultCachePath('homelab', env));
    const p = cache.profile('homelab', 'https://pve.example:8006');
    cache.close();
    await expect(openReadContext(opts(), { env, stderr: sink() })).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.exitCode === 4);
    const again = openCache(defaultCachePath('homelab', env));
    again.recordFailure(p.id, { startedAt: Date.now(), finishedAt: Date.now(), outcome: 'failed', error: 'connect ECONNREFUSED 10.0.0.1:8006', counts: {} });
    again.close();
    await expect(openReadContext(opts(), { env, stderr: sink() })).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof UserError &&
        e.exitCode === 4 &&
        e.message === 'the cache of profile homelab is empty (the last sync attempt failed: connect ECONNREFUSED 10.0.0.1:8006): run proxmox-mpc sync --profile homelab first',
    );
  });

  it('opens a synced cache quietly while it is fresh, and warns on stderr once it is stale', async () => {
    const env = home(HOMELAB);
    fill(env, 'homelab');
    const quiet = sink();
    const fresh = await openReadContext(opts(), { env, stderr: quiet });
    expect(fresh.profileName).toBe('homelab');
    expect(fresh.cache.guests(fresh.profile.id).length).toBeGreaterThan(0);
    fresh.close();
    expect(quiet.text()).toBe('');

    const loud = sink();
    const stale = await openReadContext(opts(), { env, stderr: loud, now: () => Date.now() + 5 * 60_000 });
    stale.close();
    expect(loud.text()).toMatch(/^proxmox-mpc: warning: the cache of profile homelab is 5 min old \(last sync \d\d:\d\d:\d\d\); run with --refresh or proxmox-mpc sync --profile homelab\n$/);
    expect(stale.syncedAgo()).toMatch(/^synced 5 min ago$/);
  });
});
