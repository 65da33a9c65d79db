// The sync worker (worker_threads): owns its own API client and its own cache connection, runs
// the poller and posts compact messages to the main thread (protocol.ts). Started by host.ts;
// bundled as dist/sync-worker.js.
import { getHeapStatistics } from 'node:v8';
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { Cache } from '../db/cacheApi.js';
import { log, setCommandOp, setLogSink } from '../observability/log.js';
import { ProxmoxClient, type ProxmoxClientOptions } from '../proxmox/client.js';
import { figuresTransferList } from './figures.js';
import { createPoller, DEFAULT_INTERVAL_MS, type Poller, type PollerEvent } from './poller.js';
import { isHostMessage, type HostMessage, type SyncStartOptions, type WorkerLogSettings, type WorkerMessage, type WorkerStats } from './protocol.js';
import type { SyncPhase } from './types.js';
import { errorInfoOf } from './warnings.js';
import { createPostingSink, type WorkerLogSink } from './workerLog.js';

/** Progress is posted on each phase change and otherwise at most this often. */
const PROGRESS_EVERY_MS = 100;

async function openCacheFor(options: SyncStartOptions): Promise<Cache> {
  const { openCache } = await import('../db/client.js');
  return openCache(options.cachePath);
}

function clientOptions(options: SyncStartOptions): ProxmoxClientOptions {
  const c = options.connection;
  const out: ProxmoxClientOptions = { endpoint: c.endpoint, auth: c.auth };
  if (c.insecure !== undefined) out.insecure = c.insecure;
  if (c.fingerprint !== undefined) out.fingerprint = c.fingerprint;
  if (c.ca !== undefined) out.ca = c.ca;
  if (c.timeoutMs !== undefined) out.timeouts = { responseMs: c.timeoutMs };
  if (c.compression !== undefined) out.compression = c.compression;
  // A GET the client retries (a reset, a 5xx, a timeout): the poll goes on, the log says so.
  out.onRetry = ({ method, path, retryNumber, delayMs, reason }) => log.info('api retry', { method, path, retry: retryNumber, delayMs, reason });
  return out;
}

function run(port: MessagePort): void {
  let poller: Poller | undefined;
  let cache: Cache | undefined;
  let client: ProxmoxClient | undefined;
  let stopping: Promise<void> | undefined;
  let lastPhase: SyncPhase | undefined;
  let lastProgressAt = 0;
  let peakHeap = 0;
  let peakHeapTotal = 0;
  let polls = 0;
  let failedPolls = 0;

  const post = (message: WorkerMessage): void => port.postMessage(message);

  // Lines are held back until the main thread says it logs (start options or logSettings).
  const logSink: WorkerLogSink = createPostingSink(post);
  setLogSink(logSink);
  const applyLog = (settings: WorkerLogSettings | undefined): void => {
    if (!settings) return;
    logSink.configure(settings);
    setCommandOp(settings.parent);
  };

  const sample = (): WorkerStats => {
    const heap = getHeapStatistics();
    peakHeap = Math.max(peakHeap, heap.used_heap_size);
    peakHeapTotal = Math.max(peakHeapTotal, heap.total_heap_size);
    return {
      heapUsedBytes: heap.used_heap_size,
      peakHeapUsedBytes: peakHeap,
      heapTotalBytes: heap.total_heap_size,
      peakHeapTotalBytes: peakHeapTotal,
      externalBytes: heap.external_memory,
      rssBytes: process.memoryUsage.rss(),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  };

  const forward = (event: PollerEvent): void => {
    if (event.type === 'poll') polls++;
    if (event.type === 'error') failedPolls++;
    if (event.type === 'poll' || event.type === 'figures') sample();
    if (event.type === 'progress') {
      const { progress } = event;
      const now = Date.now();
      const final = progress.total !== undefined && progress.done === progress.total;
      if (progress.phase === lastPhase && !final && now - lastProgressAt < PROGRESS_EVERY_MS) return;
      lastPhase = progress.phase;
      lastProgressAt = now;
      sample();
    }
    if (event.type === 'error') post({ ...event, fatal: false });
    else if (event.type === 'figures') port.postMessage(event, figuresTransferList(event.frame));
    else post(event);
  };

  const release = (): void => {
    try {
      cache?.close();
    } catch {
      // closing is best effort
    }
    client?.close();
    cache = undefined;
    client = undefined;
  };

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await poller?.stop();
      release();
      if (poller) log.info('sync worker stopped', { polls, failedPolls: failedPolls || undefined });
      setLogSink(undefined);
      post({ type: 'stopped' });
      port.close();
    })();
    return stopping;
  };

  const start = async (options: SyncStartOptions): Promise<void> => {
    if (poller || stopping) return;
    applyLog(options.log);
    try {
      client = new ProxmoxClient(clientOptions(options));
      cache = await openCacheFor(options);
      if (stopping) {
        // Stopped while the cache was opening: close what was opened, start nothing.
        release();
        return;
      }
      const profile = cache.profile(options.profile.name, options.profile.endpoint);
      poller = createPoller({
        client,
        cache,
        profileId: profile.id,
        ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
        ...(options.backoffMaxMs !== undefined ? { backoff: { maxMs: options.backoffMaxMs } } : {}),
        ...(options.collect ? { collect: options.collect } : {}),
        onEvent: forward,
        onPollOp: (op) => logSink.setSyncOp(op),
      });
      log.info('sync worker started', {
        // (the profile is a binding of the main thread's lines already)
        endpoint: options.profile.endpoint,
        intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
        paused: options.paused === true || undefined,
      });
      post({ type: 'ready', profileId: profile.id });
      post({ type: 'state', status: poller.status() });
      if (options.paused) poller.pause();
      poller.start();
    } catch (error) {
      const info = errorInfoOf(error);
      log.error('sync worker failed', { kind: info.kind, error: info.message });
      post({ type: 'error', error: info, consecutiveFailures: 0, fatal: true });
      await stop();
    }
  };

  const handle = (message: HostMessage): void => {
    switch (message.type) {
      case 'start':
        void start(message.options);
        break;
      case 'pause':
        poller?.pause();
        break;
      case 'resume':
        poller?.resume();
        break;
      case 'setInterval':
        poller?.setInterval(message.intervalMs);
        break;
      case 'syncNow': {
        const { id } = message;
        if (!poller) {
          post({ type: 'syncNowResult', id, error: { kind: 'internal', message: 'the sync worker has not started' } });
          break;
        }
        poller.syncNow().then(
          (summary) => post({ type: 'syncNowResult', id, summary }),
          (error: unknown) => post({ type: 'syncNowResult', id, error: errorInfoOf(error) }),
        );
        break;
      }
      case 'stats':
        post({ type: 'statsResult', id: message.id, stats: sample() });
        break;
      case 'logSettings':
        applyLog(message.log);
        break;
      case 'stop':
        void stop();
        break;
    }
  };

  port.on('message', (message: unknown) => {
    if (isHostMessage(message)) handle(message);
  });
}

if (parentPort) run(parentPort);
