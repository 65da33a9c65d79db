// Console figures: the full-screen console (`node dist/cli.js`, built) in a real pty at 120x40,
// read through a terminal emulator (test/support/tty.ts), against the simulator.
//
// The simulator runs in a child process (this file, started with `--import tsx` and
// SIM_CHILD_FLAG), not on this thread: serving /cluster/resources for 100,000 guests blocks an
// event loop for a while, and key latencies are timed on this one. Each console gets its own
// HOME and XDG_CONFIG_HOME / XDG_CACHE_HOME / XDG_STATE_HOME, and the connection from the
// environment (PROXMOX_VE_ENDPOINT, PROXMOX_VE_API_TOKEN, PMC_FINGERPRINT).
//
// consoleBenchmarks() runs them all (each figure on its own: a failing one reports
// `{ error }`); coldStartFirstFrameMs(), keyLatency(), keyLatencyUnderIngest() and rssMb() run
// one each. `npx tsx bench/console.bench.ts` runs it alone (after `node scripts/build.mjs`).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI_PATH, spawnTty, type TtySession } from '../test/support/tty.js';

export interface ConsoleBenchOptions {
  /** The program run in the pty (default process.execPath)... */
  command?: string;
  /** ...and its arguments (default [CLI_PATH]: the console). */
  args?: string[];
  /** The first frame showing the guest table. Default: the screen shows `VMID` and a row
   * starting with a number (after spaces or a box border). */
  firstFramePredicate?: (screen: string) => boolean;
  /** How long to wait for the first frame (default 60 s; 120 s at 100,000 guests). */
  firstFrameTimeoutMs?: number;
  /** Default 120x40. */
  cols?: number;
  rows?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Fill the cache with `node dist/cli.js sync` before the console starts (default: true for
   * cold start and ingest, false for the 100,000-guest figures, whose console syncs itself).
   * Benches of other programs (the mechanics test) turn it off. */
  prefill?: boolean;
}

export interface SettleOptions {
  /** The screen must not change for this long (default 1000 ms)... */
  settleQuietMs?: number;
  /** ...giving up after this long (default 60 s). */
  settleTimeoutMs?: number;
  /** What counts as a change: the screen after this (default: clock times and `3s ago`
   * style ages masked, so that a ticking clock does not keep it unsettled). */
  settleNormalize?: (screen: string) => string;
}

export interface KeyLatencyOptions extends ConsoleBenchOptions, SettleOptions {
  guests?: number;
  /** Default 200 presses of `j`, one every 60 ms. */
  presses?: number;
  intervalMs?: number;
  key?: string;
  /** Presses from the top that do not scroll the table (default 30 at 40 rows): bytesPerKey
   * is the mean over those. */
  noScrollPresses?: number;
}

export interface IngestOptions extends KeyLatencyOptions {
  /** Guests whose status flips every tick (default 1000 every 1000 ms; the console polls
   * every 5 s). */
  changesPerTick?: number;
  tickMs?: number;
}

export interface LatencyFigures {
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  presses: number;
  /** Presses that got no output within 2 s (left out of the figures). */
  noOutput: number;
  guests: number;
  firstFrameMs: number;
  /** When the screen last changed, in ms after the first frame, before it then stayed the
   * same for settleQuietMs; null when it kept changing until settleTimeoutMs. */
  settledAfterMs: number | null;
}

export interface ColdStartFigures {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runsMs: number[];
  guests: number;
}

export interface RssFigures {
  rssMb: number;
  /** Peak resident size so far (VmHWM). */
  peakRssMb: number;
  guests: number;
  firstFrameMs: number;
  settledAfterMs: number | null;
}

type Log = (line: string) => void;
const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

const round = (n: number): number => Math.round(n * 10) / 10;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The screen shows the guest table: a `VMID` header and a row starting with a number. */
export function defaultFirstFramePredicate(screen: string): boolean {
  return /\bVMID\b/.test(screen) && screen.split('\n').some((line) => /^[\s│┃|]*\d+\s/.test(line));
}

/** Clock times (12:34, 12:34:56) and ages (`3s ago`, `1.2 s ago`) masked. */
export function defaultSettleNormalize(screen: string): string {
  return screen.replace(/\b\d{1,2}:\d{2}(:\d{2})?\b/g, '#:#').replace(/\b\d+(\.\d+)?\s?(ms|s|m|h|d) ago\b/g, '# ago');
}

// ---------------------------------------------------------------------------------------------
// The simulator, in a child process.

const SIM_CHILD_FLAG = '--console-bench-simulator';

type ToChild = { op: 'ingest'; changesPerTick: number; tickMs: number } | { op: 'stopIngest' } | { op: 'close' };
type FromChild =
  | { op: 'ready'; url: string; fingerprint: string; token: string; guests: number }
  | { op: 'ingestStopped'; ticks: number; changes: number }
  | { op: 'error'; message: string };

export interface BenchSimulator {
  url: string;
  fingerprint: string;
  /** `root@pam!mpc=<secret>`, as PROXMOX_VE_API_TOKEN. */
  token: string;
  guests: number;
  /** Starts flipping the status of `changesPerTick` guests (running <-> stopped) every `tickMs`. */
  startIngest(changesPerTick: number, tickMs: number): void;
  /** Stops it; how many ticks ran and statuses changed. */
  stopIngest(): Promise<{ ticks: number; changes: number }>;
  close(): Promise<void>;
}

/** Starts `startSimulator({ scenario: 'generated', guests, timeScale: 0.01 })` in a child
 * process (node --import tsx this-file). */
export async function startBenchSimulator(guests: number): Promise<BenchSimulator> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [SIM_CHILD_FLAG, String(guests)], {
    execArgv: ['--import', tsx],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const next = (op: FromChild['op']) =>
    new Promise<FromChild>((resolveMsg, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.op !== op && m.op !== 'error') return;
        cleanup();
        if (m.op === 'error') reject(new Error(`simulator: ${m.message}`));
        else resolveMsg(m);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`simulator process exited (${code}) before '${op}'`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const send = (m: ToChild) => {
    if (child.connected) child.send(m);
  };
  let ready: FromChild;
  try {
    ready = await next('ready');
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  if (ready.op !== 'ready') throw new Error('simulator did not start');
  return {
    url: ready.url,
    fingerprint: ready.fingerprint,
    token: ready.token,
    guests: ready.guests,
    startIngest: (changesPerTick, tickMs) => send({ op: 'ingest', changesPerTick, tickMs }),
    stopIngest: async () => {
      const reply = next('ingestStopped');
      send({ op: 'stopIngest' });
      const m = await reply;
      return m.op === 'ingestStopped' ? { ticks: m.ticks, changes: m.changes } : { ticks: 0, changes: 0 };
    },
    close: async () => {
      send({ op: 'close' });
      const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!gone) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function runSimulatorChild(guests: number): Promise<void> {
  const reply = (m: FromChild) => process.send?.(m);
  try {
    const { startSimulator } = await import('../src/simulator/index.js');
    const sim = await startSimulator({ scenario: 'generated', guests, timeScale: 0.01 });
    const cluster = sim.cluster;
    const candidates = [...cluster.guests.values()].filter((g) => !g.config.summary.template);
    let timer: NodeJS.Timeout | undefined;
    let ticks = 0;
    let changes = 0;
    let cursor = 0;
    const tick = (count: number) => {
      ticks++;
      for (let i = 0; i < count && candidates.length > 0; i++) {
        // A stride through the list, so that each tick flips a spread of guests on every node.
        cursor = (cursor + 7919) % candidates.length;
        const guest = candidates[cursor]!;
        if (guest.status === 'running') cluster.markStopped(guest);
        else cluster.markStarted(guest);
        changes++;
      }
    };
    process.on('message', (m: ToChild) => {
      if (m.op === 'ingest') {
        clearInterval(timer);
        ticks = 0;
        changes = 0;
        timer = setInterval(() => tick(m.changesPerTick), m.tickMs);
      } else if (m.op === 'stopIngest') {
        clearInterval(timer);
        timer = undefined;
        reply({ op: 'ingestStopped', ticks, changes });
      } else if (m.op === 'close') {
        clearInterval(timer);
        void sim.close().finally(() => process.disconnect());
      }
    });
    process.on('disconnect', () => {
      clearInterval(timer);
      void sim.close().finally(() => process.exit(0));
    });
    reply({ op: 'ready', url: sim.url, fingerprint: sim.fingerprint, token: `${sim.root.tokenId}=${sim.root.tokenSecret}`, guests: cluster.guests.size });
  } catch (e) {
    reply({ op: 'error', message: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// A console's home: isolated directories and the connection in its environment.

export interface ConsoleHome {
  dir: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function consoleHome(sim: Pick<BenchSimulator, 'url' | 'token' | 'fingerprint'>): ConsoleHome {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-console-bench-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PROXMOX_VE_') && !k.startsWith('PMC_')) env[k] = v;
  const xdg = { XDG_CONFIG_HOME: join(dir, '.config'), XDG_CACHE_HOME: join(dir, '.cache'), XDG_STATE_HOME: join(dir, '.local', 'state') };
  for (const d of Object.values(xdg)) mkdirSync(d, { recursive: true });
  Object.assign(env, { HOME: dir, ...xdg, PROXMOX_VE_ENDPOINT: sim.url, PROXMOX_VE_API_TOKEN: sim.token, PMC_FINGERPRINT: sim.fingerprint });
  // Colours as a user sees them: neither NO_COLOR nor FORCE_COLOR from the caller.
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return { dir, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `node dist/cli.js sync` once, filling the home's cache. */
export async function prefillCache(home: ConsoleHome, log: Log): Promise<number> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run node scripts/build.mjs first`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI_PATH, 'sync'], { env: home.env, cwd: home.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const code = await new Promise<number | null>((r, reject) => {
    child.on('error', reject);
    child.on('close', (c) => r(c));
  });
  if (code !== 0) throw new Error(`proxmox-mpc sync exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  const ms = performance.now() - t0;
  log(`bench: console: cache filled by sync in ${Math.round(ms)} ms`);
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Console sessions.

interface OpenConsole {
  session: TtySession;
  firstFrameMs: number;
}

function spawnConsole(home: ConsoleHome, options: ConsoleBenchOptions): TtySession {
  return spawnTty(options.args ?? [CLI_PATH], {
    cols: options.cols ?? 120,
    rows: options.rows ?? 40,
    env: home.env,
    cwd: home.dir,
    ...(options.command ? { command: options.command } : {}),
  });
}

/** Spawns the console and waits for its first frame. */
async function openConsole(home: ConsoleHome, options: ConsoleBenchOptions, defaultTimeoutMs: number): Promise<OpenConsole> {
  if (!options.args && !existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run node scripts/build.mjs first`);
  const t0 = performance.now();
  const session = spawnConsole(home, options);
  try {
    await session.waitFor(options.firstFramePredicate ?? defaultFirstFramePredicate, {
      timeoutMs: options.firstFrameTimeoutMs ?? defaultTimeoutMs,
      message: 'first frame',
    });
  } catch (e) {
    await session.dispose();
    throw e;
  }
  return { session, firstFrameMs: performance.now() - t0 };
}

/** Resolves when the (normalised) screen has not changed for settleQuietMs, with when it last
 * changed (ms after the call); null when it kept changing until settleTimeoutMs. */
export async function waitForQuietScreen(session: TtySession, options: SettleOptions = {}): Promise<number | null> {
  const quietMs = options.settleQuietMs ?? 1000;
  const timeoutMs = options.settleTimeoutMs ?? 60_000;
  const normalize = options.settleNormalize ?? defaultSettleNormalize;
  const t0 = performance.now();
  await session.settled();
  let last = normalize(session.text());
  let lastChange = performance.now();
  let checking = false;
  const off = session.onOutput(() => {
    if (checking) return;
    checking = true;
    void session.settled().then(() => {
      checking = false;
      const now = normalize(session.text());
      if (now !== last) {
        last = now;
        lastChange = performance.now();
      }
    });
  });
  try {
    // Quiet time can only be measured by the clock: look every 50 ms.
    for (;;) {
      const now = performance.now();
      if (!checking && now - lastChange >= quietMs) return lastChange - t0;
      if (now - t0 >= timeoutMs) return null;
      await sleep(50);
    }
  } finally {
    off();
  }
}

function readRss(pid: number): { rssMb: number; peakRssMb: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (e) {
    throw new Error(`cannot read /proc/${pid}/status (Linux only): ${e instanceof Error ? e.message : String(e)}`);
  }
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(m[1]);
  };
  return { rssMb: round(kb('VmRSS') / 1024), peakRssMb: round(kb('VmHWM') / 1024) };
}

/** Presses `key` `presses` times, one every `intervalMs`; for each, the time from the write to
 * the first output chunk, and the bytes written until the next press. */
export async function timeKeyPresses(
  session: TtySession,
  { presses = 200, intervalMs = 60, key = 'j' }: { presses?: number; intervalMs?: number; key?: string } = {},
): Promise<{ latenciesMs: (number | null)[]; bytes: number[] }> {
  const latenciesMs: (number | null)[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < presses; i++) {
    await session.settled();
    const before = session.bytesWritten();
    let off: () => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    const firstOutput = new Promise<number | null>((r) => {
      off = session.onOutput((_chunk, at) => r(at));
      timer = setTimeout(() => r(null), 2000);
    });
    const t0 = performance.now();
    session.write(key);
    const at = await firstOutput;
    off();
    clearTimeout(timer);
    latenciesMs.push(at === null ? null : at - t0);
    const wait = t0 + intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    bytes.push(session.bytesWritten() - before);
  }
  return { latenciesMs, bytes };
}

function latencyFigures(latencies: (number | null)[]): Pick<LatencyFigures, 'medianMs' | 'p95Ms' | 'maxMs' | 'presses' | 'noOutput'> {
  const got = latencies.filter((l): l is number => l !== null);
  return {
    medianMs: round(median(got)),
    p95Ms: round(percentile(got, 95)),
    maxMs: round(Math.max(...got)),
    presses: latencies.length,
    noOutput: latencies.length - got.length,
  };
}

/** A simulator of `guests` guests and a fresh home (cache filled when `prefill`), for `fn`. */
async function withTarget<T>(
  guests: number,
  prefill: boolean,
  log: Log,
  fn: (sim: BenchSimulator, home: ConsoleHome) => Promise<T>,
  shared?: { sim: BenchSimulator; home?: ConsoleHome },
): Promise<T> {
  const sim = shared?.sim ?? (await startBenchSimulator(guests));
  const home = shared?.home ?? consoleHome(sim);
  try {
    if (!shared?.home && prefill) await prefillCache(home, log);
    return await fn(sim, home);
  } finally {
    if (!shared?.home) home.remove();
    if (!shared) await sim.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The figures.

/** Spawn to the first frame showing the guest table, from a cache of `guests` (10,000) filled
 * by one `sync`; `runs` (5) runs. */
export async function coldStartFirstFrameMs(
  options: ConsoleBenchOptions & { guests?: number; runs?: number } = {},
  shared?: { sim: BenchSimulator; home?: ConsoleHome },
): Promise<ColdStartFigures> {
  const log = options.log ?? stderrLog;
  const guests = options.guests ?? 10_000;
  const runs = options.runs ?? 5;
  log(`bench: console: cold start to first frame, ${guests} guests in the cache, ${runs} runs...`);
  return withTarget(
    guests,
    options.prefill ?? true,
    log,
    async (_sim, home) => {
      const runsMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const { session, firstFrameMs } = await openConsole(home, options, 60_000);
        await session.dispose();
        runsMs.push(round(firstFrameMs));
        log(`bench: console:   run ${i + 1}: ${Math.round(firstFrameMs)} ms`);
      }
      return { medianMs: round(median(runsMs)), minMs: Math.min(...runsMs), maxMs: Math.max(...runsMs), runsMs, guests };
    },
    shared,
  );
}

interface SettledConsole extends OpenConsole {
  settledAfterMs: number | null;
}

/** Spawns the console, waits for its first frame, then for the screen to settle. */
async function settledConsole(home: ConsoleHome, guests: number, options: ConsoleBenchOptions & SettleOptions, log: Log): Promise<SettledConsole> {
  const { session, firstFrameMs } = await openConsole(home, options, guests >= 50_000 ? 120_000 : 60_000);
  try {
    log(`bench: console:   first frame after ${Math.round(firstFrameMs)} ms; waiting for the screen to settle...`);
    const settledAfterMs = await waitForQuietScreen(session, options);
    log(`bench: console:   ${settledAfterMs === null ? 'the screen never settled' : `settled ${Math.round(settledAfterMs)} ms after the first frame`}`);
    return { session, firstFrameMs, settledAfterMs };
  } catch (e) {
    await session.dispose();
    throw e;
  }
}

function settleFigures(c: SettledConsole): { firstFrameMs: number; settledAfterMs: number | null } {
  return { firstFrameMs: round(c.firstFrameMs), settledAfterMs: c.settledAfterMs === null ? null : round(c.settledAfterMs) };
}

async function measureKeys(c: SettledConsole, guests: number, options: KeyLatencyOptions, log: Log): Promise<LatencyFigures & { bytesPerKey: number }> {
  const presses = options.presses ?? 200;
  const intervalMs = options.intervalMs ?? 60;
  log(`bench: console:   ${presses} presses, one every ${intervalMs} ms...`);
  const { latenciesMs, bytes } = await timeKeyPresses(c.session, { presses, intervalMs, key: options.key ?? 'j' });
  const safe = bytes.slice(0, Math.min(options.noScrollPresses ?? 30, bytes.length));
  return {
    ...latencyFigures(latenciesMs),
    bytesPerKey: Math.round(safe.reduce((a, b) => a + b, 0) / Math.max(1, safe.length)),
    guests,
    ...settleFigures(c),
  };
}

function measureRss(c: SettledConsole, guests: number, log: Log): RssFigures {
  const rss = readRss(c.session.pid);
  log(`bench: console:   resident ${rss.rssMb} MB (peak ${rss.peakRssMb} MB)`);
  return { ...rss, guests, ...settleFigures(c) };
}

/** At `guests` (100,000), after the first frame and the first sync settled: `j` pressed 200
 * times, one every 60 ms; write to first output byte (median, p95, max), and bytesPerKey: the
 * mean bytes written per press over the first 30 presses (which do not scroll). */
export async function keyLatency(options: KeyLatencyOptions = {}, shared?: { sim: BenchSimulator; home?: ConsoleHome }): Promise<LatencyFigures & { bytesPerKey: number }> {
  const log = options.log ?? stderrLog;
  const guests = options.guests ?? 100_000;
  log(`bench: console: key latency at ${guests} guests...`);
  return withTarget(
    guests,
    options.prefill ?? false,
    log,
    async (_sim, home) => {
      const c = await settledConsole(home, guests, options, log);
      try {
        return await measureKeys(c, guests, options, log);
      } finally {
        await c.session.dispose();
      }
    },
    shared,
  );
}

/** As keyLatency at `guests` (10,000, cache filled by `sync`), while the simulator flips the
 * status of `changesPerTick` (1000) guests every `tickMs` (1000 ms). */
export async function keyLatencyUnderIngest(
  options: IngestOptions = {},
  shared?: { sim: BenchSimulator; home?: ConsoleHome },
): Promise<LatencyFigures & { bytesPerKey: number; ingest: { ticks: number; changes: number; changesPerTick: number; tickMs: number } }> {
  const log = options.log ?? stderrLog;
  const guests = options.guests ?? 10_000;
  const changesPerTick = options.changesPerTick ?? 1000;
  const tickMs = options.tickMs ?? 1000;
  log(`bench: console: key latency at ${guests} guests under ingest (${changesPerTick} status changes every ${tickMs} ms)...`);
  return withTarget(
    guests,
    options.prefill ?? true,
    log,
    async (sim, home) => {
      const c = await settledConsole(home, guests, options, log);
      try {
        sim.startIngest(changesPerTick, tickMs);
        let keys: LatencyFigures & { bytesPerKey: number };
        let ingest: { ticks: number; changes: number };
        try {
          keys = await measureKeys(c, guests, options, log);
        } finally {
          ingest = await sim.stopIngest();
        }
        return { ...keys, ingest: { ...ingest, changesPerTick, tickMs } };
      } finally {
        await c.session.dispose();
      }
    },
    shared,
  );
}

/** The console process's resident memory (VmRSS of the pty's child; the sync worker is a
 * thread of it) at `guests` (100,000) after the first sync settled. */
export async function rssMb(options: ConsoleBenchOptions & SettleOptions & { guests?: number } = {}, shared?: { sim: BenchSimulator; home?: ConsoleHome }): Promise<RssFigures> {
  const log = options.log ?? stderrLog;
  const guests = options.guests ?? 100_000;
  log(`bench: console: resident memory at ${guests} guests...`);
  return withTarget(
    guests,
    options.prefill ?? false,
    log,
    async (_sim, home) => {
      const c = await settledConsole(home, guests, options, log);
      try {
        return measureRss(c, guests, log);
      } finally {
        await c.session.dispose();
      }
    },
    shared,
  );
}

async function figure<T>(name: string, log: Log, fn: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await fn();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log(`bench: console: ${name} failed: ${message.split('\n')[0]}`);
    return { error: message };
  }
}

/** All console figures; each on its own (a failing one is `{ error }`). One simulator per
 * size: 10,000 guests (cold start, then ingest, on the cache one `sync` filled) and 100,000
 * (resident memory, then key latency, in one console started on an empty cache). */
export async function consoleBenchmarks(options: ConsoleBenchOptions = {}): Promise<Record<string, unknown>> {
  const log = options.log ?? stderrLog;
  const opts = { ...options, log };
  const out: Record<string, unknown> = {};
  const t0 = performance.now();

  let tenK: BenchSimulator | undefined;
  try {
    tenK = await startBenchSimulator(10_000);
  } catch (e) {
    const error = { error: e instanceof Error ? e.message : String(e) };
    out.coldStartFirstFrameMs = error;
    out.keyLatencyUnderIngest = error;
  }
  if (tenK) {
    const sim = tenK;
    const home = consoleHome(sim);
    try {
      const filled = await figure('sync', log, () => prefillCache(home, log));
      const shared = typeof filled === 'number' ? { sim, home } : { sim };
      out.coldStartFirstFrameMs = await figure('coldStartFirstFrameMs', log, () => coldStartFirstFrameMs(opts, shared));
      out.keyLatencyUnderIngest = await figure('keyLatencyUnderIngest', log, () => keyLatencyUnderIngest(opts, shared));
    } finally {
      home.remove();
      await sim.close();
    }
  }

  let hundredK: BenchSimulator | undefined;
  try {
    log('bench: console: simulator with 100,000 guests...');
    hundredK = await startBenchSimulator(100_000);
  } catch (e) {
    const error = { error: e instanceof Error ? e.message : String(e) };
    out.keyLatency = error;
    out.rssMb = error;
  }
  if (hundredK) {
    // One console for both figures (starting and settling at 100,000 guests is the slow part):
    // its memory once the first sync settled, then the key presses.
    const sim = hundredK;
    const home = consoleHome(sim);
    try {
      log('bench: console: resident memory and key latency at 100000 guests (a fresh cache: the console syncs)...');
      const c = await figure('console at 100000 guests', log, () => settledConsole(home, 100_000, opts, log));
      if ('error' in c) {
        out.keyLatency = c;
        out.rssMb = c;
      } else {
        try {
          out.rssMb = await figure('rssMb', log, async () => measureRss(c, 100_000, log));
          out.keyLatency = await figure('keyLatency', log, () => measureKeys(c, 100_000, opts, log));
        } finally {
          await c.session.dispose();
        }
      }
    } finally {
      home.remove();
      await sim.close();
    }
  }
  log(`bench: console: done in ${Math.round((performance.now() - t0) / 1000)} s`);
  return out;
}

if (process.argv[2] === SIM_CHILD_FLAG) {
  await runSimulatorChild(Number(process.argv[3] ?? 1000));
} else if (/console\.bench\.ts$/.test(process.argv[1] ?? '')) {
  process.stdout.write(`${JSON.stringify(await consoleBenchmarks(), null, 2)}\n`);
}
