// `get vms -o json` from a cache of 100,000 guests, for the whole process: the built CLI
// (dist/cli.js: run `node scripts/build.mjs` first) spawned again and again against a cache
// filled directly through the Cache writer, in a temp home with a profile in its config file.
// Called from bench/run.ts; also runnable on its own: `npx tsx bench/get.bench.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openCache } from '../src/db/client.js';
import { defaultCachePath } from '../src/db/paths.js';
import { syntheticObservation } from '../src/db/test-support/observation.js';

const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const PROFILE = 'bench';
const ENDPOINT = 'https://bench.invalid:8006';

export interface GetBenchOptions {
  /** Guests in the cache (default 100,000). */
  guests?: number;
  /** Store a config for every guest, as a full sync does (default true: the larger file). */
  withConfigs?: boolean;
  /** Process runs to take the median of (default 9, after one warm-up run). */
  runs?: number;
  /** The command's arguments after `get` (default `vms -o json`). */
  args?: string[];
}

export interface GetBenchFigures {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
  guests: number;
  stdoutMb: number;
  cacheFileMb: number;
}

const round = (n: number): number => Math.round(n * 10) / 10;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A temp home whose config file has the profile and whose cache holds `guests` guests. */
function prepareHome(guests: number, withConfigs: boolean): { home: string; env: NodeJS.ProcessEnv; cachePath: string } {
  const home = mkdtempSync(join(tmpdir(), 'pmc-get-bench-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PROXMOX_VE_') && !k.startsWith('PMC_')) env[k] = v;
  Object.assign(env, { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), NO_COLOR: '1', PMC_STALE_AFTER: '1000d' });
  const configFile = join(home, '.config', 'proxmox-mpc', 'config.yml');
  mkdirSync(dirname(configFile), { recursive: true, mode: 0o700 });
  writeFileSync(
    configFile,
    `defaultProfile: ${PROFILE}\nprofiles:\n  ${PROFILE}:\n    endpoint: ${ENDPOINT}\n    tokenId: root@pam!bench\n    tokenSecret: 00000000-0000-0000-0000-000000000000\n`,
    { mode: 0o600 },
  );
  const cachePath = defaultCachePath(PROFILE, env);
  const cache = openCache(cachePath);
  try {
    const profile = cache.profile(PROFILE, ENDPOINT);
    cache.applyObservation(profile.id, syntheticObservation({ guests, withConfigs, at: Date.now() }), { startedAt: Date.now(), counts: {} });
  } finally {
    cache.close();
  }
  return { home, env, cachePath };
}

/** Spawns `proxmox-mpc get ...` `runs` times (after a warm-up) and times each whole process. */
export async function getBenchmarks(options: GetBenchOptions = {}): Promise<GetBenchFigures> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs first`);
  const guests = options.guests ?? 100_000;
  const runs = options.runs ?? 9;
  const args = ['get', ...(options.args ?? ['vms', '-o', 'json']), '--offline', '--profile', PROFILE];
  const { home, env, cachePath } = prepareHome(guests, options.withConfigs !== false);
  try {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i <= runs; i++) {
      const start = performance.now();
      const r = spawnSync(process.execPath, [CLI, ...args], { env, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = performance.now() - start;
      if (r.status !== 0) throw new Error(`proxmox-mpc ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
      bytes = r.stdout.length;
      if (i > 0) times.push(ms); // the first run warms the page cache
    }
    return {
      medianMs: round(median(times)),
      minMs: round(Math.min(...times)),
      maxMs: round(Math.max(...times)),
      runs,
      guests,
      stdoutMb: round(bytes / 2 ** 20),
      cacheFileMb: round(statSync(cachePath).size / 2 ** 20),
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The figure of issue 3 section 5: `get vms -o json` from a cache of 100,000 guests, whole
 * process, median ms (goal <= 400). */
export async function getVmsJson100kMs(runs = 9): Promise<number> {
  return (await getBenchmarks({ guests: 100_000, runs })).medianMs;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await getBenchmarks(), null, 2)}\n`);
}
