// What every read command (get, describe, history) starts with: which profile, its cache file,
// a sync first when --refresh asks for one, and a word on stderr when the cache is stale or
// empty. Reading never touches the network; only --refresh does, and --offline forbids it.
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CacheReader, ProfileRef } from '../../db/cacheApi.js';
import { cachePathFor, defaultCachePath } from '../../db/paths.js';
import { endpointBase } from '../../proxmox/endpoint.js';
import { configPath, loadConfigFile } from '../../workspace/configFile.js';
import { envProfileName, isEnvProfileName, type ConnectionSettings } from '../../workspace/connection.js';
import type { GlobalOptions } from '../cli.js';
import { loadConnectionSettings } from '../settings.js';
import { formatAge, formatClock, parseDuration } from '../output/units.js';
import { ExitCode, UserError } from '../userError.js';
import { safeText } from '../../util/terminalText.js';

export interface ReadFlags {
  /** Run one sync before reading. */
  refresh?: boolean;
  /** Never touch the network (a usage error together with --refresh). */
  offline?: boolean;
}

export type ReadOptions = GlobalOptions & ReadFlags;

/** A cache older than this is reported as stale (PMC_STALE_AFTER overrides it, e.g. `30s`).
 * A running sync confirms an unchanged cache at most once a minute, so anything below two
 * minutes would call a healthy cache stale. */
export const DEFAULT_STALE_AFTER_MS = 120_000;

/** The memory map of a read command's cache connection (address space, not memory). */
export const READ_MMAP_BYTES = 2 ** 30;

export interface ReadContext {
  cache: CacheReader;
  profile: ProfileRef;
  /** The profile name as the user knows it. */
  profileName: string;
  /** The cache file (another thread may open it to share the work of a large listing). */
  cachePath?: string;
  /** Epoch ms the command runs at (one value for the whole output). */
  now: number;
  /** Epoch ms of the newest successful sync or confirmation. */
  syncedAt: number;
  /** `synced 2 min ago`, for messages. */
  syncedAgo(): string;
  close(): void;
}

export interface ReadProfile {
  name: string;
  /** Present when the connection settings resolved (needed for --refresh). */
  settings?: ConnectionSettings;
}

/** The profile a read command reads: the same resolution as `ping`; when that fails for want
 * of an endpoint or credentials (which reading does not need), the profile name alone. */
export function resolveReadProfile(opts: ReadOptions, env: NodeJS.ProcessEnv = process.env): ReadProfile {
  if (opts.offline && opts.refresh) {
    throw new UserError('--refresh syncs over the network and --offline forbids it: drop one of them', ExitCode.usage);
  }
  try {
    const settings = loadConnectionSettings(opts, env);
    return { name: settings.profile, settings };
  } catch (error) {
    if (opts.refresh || !(error instanceof UserError)) throw error;
    const name = profileNameOnly(opts, env);
    if (name !== undefined) return { name };
    if (opts.offline) {
      const cached = cachedProfiles(env);
      throw new UserError(
        `--offline needs to know which profile's cache to read: pass --profile NAME${cached.length ? ` (cached: ${cached.join(', ')})` : ' (there are no caches yet: run proxmox-mpc sync first)'}`,
        ExitCode.usage,
      );
    }
    throw error;
  }
}

function profileNameOnly(opts: ReadOptions, env: NodeJS.ProcessEnv): string | undefined {
  let config: ReturnType<typeof loadConfigFile>['config'];
  try {
    config = loadConfigFile(configPath(env)).config;
  } catch {
    return undefined;
  }
  const names = Object.keys(config.profiles);
  const explicit = opts.profile ?? env.PMC_PROFILE;
  if (explicit !== undefined) {
    // A profile the config no longer has still has its cache: read it if it is there.
    return config.profiles[explicit] || existsSync(cachePathFor(explicit, env)) ? explicit : undefined;
  }
  const endpoint = opts.endpoint ?? env.PROXMOX_VE_ENDPOINT;
  if (endpoint !== undefined) {
    try {
      const base = endpointBase(endpoint);
      return names.find((n) => endpointBase(config.profiles[n]!.endpoint) === base) ?? envProfileName(base);
    } catch {
      return undefined;
    }
  }
  return config.defaultProfile ?? (names.length === 1 ? names[0] : undefined);
}

/** The profiles with a cache file (their file names: the stem of a name). */
function cachedProfiles(env: NodeJS.ProcessEnv): string[] {
  try {
    return readdirSync(dirname(defaultCachePath('x', env)))
      .filter((f) => f.endsWith('.db'))
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

export function staleAfterMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PMC_STALE_AFTER;
  if (raw === undefined || raw === '') return DEFAULT_STALE_AFTER_MS;
  const ms = parseDuration(raw);
  if (ms === undefined) throw new UserError(`PMC_STALE_AFTER='${raw}' is not a duration: use e.g. 30s, 5m or 1h`, ExitCode.usage);
  return ms;
}

/** `the cache of profile homelab is empty: run proxmox-mpc sync first` (exit 4: there is
 * nothing to read, which a script must not mistake for an empty cluster). */
export function emptyCacheError(profileName: string, lastError?: string): UserError {
  const failed = lastError ? ` (the last sync attempt failed: ${safeText(lastError)})` : '';
  return new UserError(`the cache of profile ${profileName} is empty${failed}: run proxmox-mpc sync${profileArg(profileName)} first`, ExitCode.notFound);
}

function profileArg(name: string): string {
  return isEnvProfileName(name) ? '' : ` --profile ${/^[\w.@-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`}`;
}

/** The stale-cache line, or undefined when the cache is fresh enough. */
export function stalenessMessage(profileName: string, syncedAt: number, now: number, staleAfter: number, offline: boolean, lastError?: string): string | undefined {
  const age = now - syncedAt;
  if (age <= staleAfter) return undefined;
  const failed = lastError ? `; the last sync attempt failed: ${safeText(lastError)}` : '';
  const hint = offline ? '' : `; run with --refresh or proxmox-mpc sync${profileArg(profileName)}`;
  return `the cache of profile ${profileName} is ${formatAge(age)} old (last sync ${formatClock(syncedAt)})${failed}${hint}`;
}

export interface OpenReadOptions {
  env?: NodeJS.ProcessEnv;
  stderr?: NodeJS.WritableStream;
  now?: () => number;
  /** Read this cache for the profile named (the console's own, the demo's): no profile lookup,
   * no --refresh. */
  cachePath?: string;
}

/** Resolves the profile, syncs first with --refresh, opens the cache and warns when it is stale.
 * Throws (exit 4) when there is no cache or nothing was ever synced into it. */
export async function openReadContext(opts: ReadOptions, options: OpenReadOptions = {}): Promise<ReadContext> {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const clock = options.now ?? Date.now;
  const staleAfter = staleAfterMs(env);
  const target: ReadProfile = options.cachePath !== undefined && opts.profile !== undefined ? { name: opts.profile } : resolveReadProfile(opts, env);
  const path = options.cachePath ?? cachePathFor(target.name, env);

  if (opts.refresh && options.cachePath === undefined) {
    const { refreshCache } = await import('./refresh.js');
    await refreshCache(target.settings!, path, stderr);
  }
  if (!existsSync(path)) throw emptyCacheError(target.name);

  const { openCache } = await import('../../db/client.js');
  // No quick_check here: it reads the whole file (~100 ms at 100,000 guests) on every command.
  // A damaged page is still caught when a query reads it (a CacheError naming --reset-cache);
  // the sync, which writes, checks the file when it opens it. Reads go through a memory map
  // (the cache file never shrinks: nothing runs VACUUM).
  const cache = openCache(path, { quickCheck: false, mmapBytes: READ_MMAP_BYTES });
  try {
    const profile = cache.findProfile(target.name);
    if (!profile) throw emptyCacheError(target.name);
    const fresh = cache.freshness(profile.id);
    const syncedAt = Math.max(fresh.lastSyncAt ?? 0, fresh.verifiedAt ?? 0);
    if (syncedAt === 0) throw emptyCacheError(target.name, fresh.lastError);
    const now = clock();
    const stale = stalenessMessage(target.name, syncedAt, now, staleAfter, opts.offline === true, fresh.lastError);
    if (stale) stderr.write(`proxmox-mpc: warning: ${stale}\n`);
    return {
      cache,
      profile,
      profileName: target.name,
      cachePath: path,
      now,
      syncedAt,
      syncedAgo: () => `synced ${formatAge(now - syncedAt)} ago`,
      close: () => cache.close(),
    };
  } catch (error) {
    cache.close();
    throw error;
  }
}
