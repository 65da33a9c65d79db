// Sync figures against the simulator on the same machine, the way the console runs it: the
// simulator on this thread, the sync in its worker thread with a real SQLite cache in a temp
// dir. Called from bench/run.ts; returns plain figures (JSON-able).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ProxmoxClient } from '../src/proxmox/client.js';
import { startSimulator } from '../src/simulator/index.js';
import { startSyncWorker, type StartSyncWorkerOptions, type SyncWorkerHandle } from '../src/sync/host.js';
import type { PollSummary } from '../src/sync/types.js';

export interface SyncBenchFigures {
  /** First sync of 10,000 guests, configs (and snapshots, storage content, networks, pools) included. Goal <= 5000 ms. */
  firstSync10k: PollFigures & { wallMs: number; cacheFileMb: number };
  /** Polls with nothing changed at 10,000 guests (median of 5). Goal <= 150 ms and 0 rows written. */
  noChangePoll10k: { medianMs: number; maxMs: number; rowsWritten: number[]; changes: number[]; configsFetched: number[]; historyEntries: number; polls: PollFigures[] };
  /** List-only sync of 100,000 guests (no configs, no details). Goal <= 5000 ms. */
  listOnly100k: PollFigures & { wallMs: number };
  /** The next list-only poll at 100,000 with nothing changed. */
  listOnlyNoChange100k: PollFigures;
  /** GET /cluster/resources at 10,000 guests from the client (request, transfer, JSON.parse),
   * median of 7 after a warm-up: without compression (the default) and with gzip. */
  resourcesGet10k: { plainMs: number; gzipMs: number; plainMb: number };
  /** Heap of the worker thread (its V8 isolate), sampled at progress steps and after polls:
   * at most in use, and at most reserved. */
  workerPeakHeapMb100k: number;
  workerPeakHeapTotalMb100k: number;
  workerPeakHeapMb10k: number;
  /** Peak resident size of this whole process during the 100k run (the worker, but also the
   * simulator serving 100,000 guests on the main thread: an upper bound). */
  processPeakRssMb100k: number;
}

interface PollFigures {
  ms: number;
  guests: number;
  configsFetched: number;
  requests: number;
  rowsWritten: number;
  changes: number;
  phasesMs: { resources: number; configs: number; details: number; write: number };
}

const round = (n: number): number => Math.round(n * 10) / 10;
const mb = (bytes: number): number => round(bytes / 1024 / 1024);

function figures(s: PollSummary): PollFigures {
  return {
    ms: round(s.durationMs),
    guests: s.counts.guests,
    configsFetched: s.counts.configsFetched,
    requests: s.counts.requests,
    rowsWritten: s.rowsWritten,
    changes: s.changes,
    phasesMs: { resources: round(s.counts.resourcesMs), configs: round(s.counts.configsMs), details: round(s.counts.detailsMs), write: round(s.counts.writeMs) },
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function getTimes(client: ProxmoxClient, runs: number): Promise<{ ms: number; bytes: number }> {
  await client.get('/cluster/resources');
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const data = await client.get('/cluster/resources');
    times.push(performance.now() - start);
    if (i === 0) bytes = JSON.stringify(data).length;
  }
  return { ms: round(median(times)), bytes };
}

async function withSyncWorker<T>(
  guests: number,
  collect: StartSyncWorkerOptions['collect'],
  fn: (h: SyncWorkerHandle, cachePath: string, sim: Awaited<ReturnType<typeof startSimulator>>) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator({ scenario: 'generated', guests, timeScale: 0.01 });
  const dir = mkdtempSync(join(tmpdir(), 'pmc-bench-sync-'));
  const cachePath = join(dir, 'bench.db');
  const handle = startSyncWorker({
    connection: { endpoint: sim.url, auth: { tokenId: sim.root.tokenId, tokenSecret: sim.root.tokenSecret }, fingerprint: sim.fingerprint },
    cachePath,
    profile: { name: 'bench', endpoint: sim.url },
    paused: true,
    ...(collect ? { collect } : {}),
  });
  try {
    await handle.ready;
    return await fn(handle, cachePath, sim);
  } finally {
    await handle.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function syncBenchmarks(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<SyncBenchFigures> {
  log('bench: sync 10,000 guests (first sync with configs, then polls with nothing changed)...');
  const tenK = await withSyncWorker(10_000, undefined, async (h, cachePath, sim) => {
    const connect = (compression: boolean) =>
      new ProxmoxClient({ endpoint: sim.url, auth: { tokenId: sim.root.tokenId, tokenSecret: sim.root.tokenSecret }, fingerprint: sim.fingerprint, compression });
    const plainClient = connect(false);
    const gzipClient = connect(true);
    let plain: { ms: number; bytes: number };
    let gzip: { ms: number; bytes: number };
    try {
      plain = await getTimes(plainClient, 7);
      gzip = await getTimes(gzipClient, 7);
    } finally {
      plainClient.close();
      gzipClient.close();
    }
    const t0 = performance.now();
    const first = await h.syncNow();
    const wallMs = performance.now() - t0;
    const cacheFileMb = mb(statSync(cachePath).size);
    const polls: PollSummary[] = [];
    for (let i = 0; i < 5; i++) polls.push(await h.syncNow());
    const stats = await h.stats();
    return { first, wallMs, cacheFileMb, polls, peak: stats.peakHeapUsedBytes, plain, gzip };
  });

  log('bench: sync 100,000 guests, list only...');
  const hundredK = await withSyncWorker(100_000, { configs: false, details: false }, async (h) => {
    const t0 = performance.now();
    const first = await h.syncNow();
    const wallMs = performance.now() - t0;
    const again = await h.syncNow();
    const stats = await h.stats();
    return { first, wallMs, again, peak: stats.peakHeapUsedBytes, peakTotal: stats.peakHeapTotalBytes, peakRss: stats.peakRssBytes };
  });

  return {
    firstSync10k: { ...figures(tenK.first), wallMs: round(tenK.wallMs), cacheFileMb: tenK.cacheFileMb },
    noChangePoll10k: {
      medianMs: round(median(tenK.polls.map((p) => p.durationMs))),
      maxMs: round(Math.max(...tenK.polls.map((p) => p.durationMs))),
      rowsWritten: tenK.polls.map((p) => p.rowsWritten),
      changes: tenK.polls.map((p) => p.changes),
      configsFetched: tenK.polls.map((p) => p.counts.configsFetched),
      historyEntries: tenK.polls.reduce((n, p) => n + p.historyEntries, 0),
      polls: tenK.polls.map(figures),
    },
    listOnly100k: { ...figures(hundredK.first), wallMs: round(hundredK.wallMs) },
    listOnlyNoChange100k: figures(hundredK.again),
    resourcesGet10k: { plainMs: tenK.plain.ms, gzipMs: tenK.gzip.ms, plainMb: mb(tenK.plain.bytes) },
    workerPeakHeapMb10k: mb(tenK.peak),
    workerPeakHeapMb100k: mb(hundredK.peak),
    workerPeakHeapTotalMb100k: mb(hundredK.peakTotal),
    processPeakRssMb100k: mb(hundredK.peakRss),
  };
}

// `tsx bench/sync.bench.ts` runs it alone.
if (/sync\.bench\.ts$/.test(process.argv[1] ?? '')) {
  process.stdout.write(`${JSON.stringify(await syncBenchmarks(), null, 2)}\n`);
}
