// `proxmox-mpc sync`: one sync in the foreground (in-process: nothing else competes for the
// event loop, and the start-up of a worker thread would only add time), with progress on
// stderr and a one-line summary. `--watch` runs the sync worker (the same thread the console
// uses, so the command exercises that path) and prints changes as they are recorded, until
// Ctrl-C.
import { toJson } from '../output/serialize.js';
import type { Cache } from '../../db/cacheApi.js';
import type { ChangeEvent, GuestKey } from '../../db/model.js';
import { errorFromInfo, startSyncWorker, type SyncWorkerHandle } from '../../sync/host.js';
import type { PollerCollectOptions } from '../../sync/poller.js';
import { createPoller } from '../../sync/poller.js';
import type { WorkerConnection } from '../../sync/protocol.js';
import type { ConnectionStatus, PollSummary } from '../../sync/types.js';
import { safeText } from '../../util/terminalText.js';
import type { ConnectionSettings } from '../../workspace/connection.js';
import type { GlobalOptions } from '../cli.js';
import { createClient, loadConnectionSettings, toCredentials } from '../connect.js';
import { exitCodeFor } from '../reportError.js';
import { ExitCode } from '../userError.js';
import {
  changeLine,
  createProgressDisplay,
  historyLine,
  stateLine,
  summaryJson,
  summaryLine,
  warningLines,
} from './syncDisplay.js';

export interface SyncOptions extends GlobalOptions {
  watch?: boolean;
  /** Seconds between polls (--watch). */
  interval?: number;
  resetCache?: boolean;
}

export interface SyncOnceOptions {
  /** Where progress, warnings and (with summaryTo unset) the summary go. */
  stderr?: NodeJS.WritableStream;
  /** Where the summary line goes (default: stderr, as `--refresh` wants). */
  summaryTo?: NodeJS.WritableStream;
  json?: boolean;
  /** How the poll collects (default: everything, configs included). */
  collect?: PollerCollectOptions;
}

async function openCacheAt(path: string): Promise<Cache> {
  const { openCache } = await import('../../db/client.js');
  return openCache(path);
}

/** One full sync into the cache at `cachePath`, with progress and a summary; throws the
 * poll's error (a ProxmoxError maps to exit code 3 for connection and authentication). Also
 * what `get --refresh` runs. */
export async function runSyncOnce(settings: ConnectionSettings, cachePath: string, options: SyncOnceOptions = {}): Promise<PollSummary> {
  const stderr = options.stderr ?? process.stderr;
  const out = options.summaryTo ?? stderr;
  const client = createClient(settings);
  let cache: Cache | undefined;
  const progress = createProgressDisplay(stderr);
  try {
    cache = await openCacheAt(cachePath);
    const profile = cache.profile(settings.profile, settings.endpoint);
    const poller = createPoller({
      client,
      cache,
      profileId: profile.id,
      collect: { sweepPolls: 0, ...options.collect },
      onEvent: (event) => {
        if (event.type === 'progress') progress.update(event.progress);
      },
    });
    const summary = await poller.syncNow().finally(() => progress.clear());
    await poller.stop();
    for (const line of warningLines(summary.warnings)) stderr.write(`proxmox-mpc: ${line}\n`);
    out.write(options.json ? toJson(summaryJson(settings.profile, summary)) : `${summaryLine(settings.profile, summary)}\n`);
    return summary;
  } finally {
    cache?.close();
    client.close();
  }
}

function workerConnection(settings: ConnectionSettings): WorkerConnection {
  const c: WorkerConnection = { endpoint: settings.endpoint, auth: toCredentials(settings.auth), insecure: settings.insecure };
  if (settings.fingerprint !== undefined) c.fingerprint = settings.fingerprint;
  if (settings.timeoutMs !== undefined) c.timeoutMs = settings.timeoutMs;
  return c;
}

/** Failures a retry will not fix: stop watching and say so. */
const FATAL_KINDS = new Set(['auth', 'permission', 'tls', 'parameter', 'cache', 'internal']);

async function watch(settings: ConnectionSettings, cachePath: string, opts: SyncOptions): Promise<void> {
  const stdout = process.stdout;
  const stderr = process.stderr;
  const progress = createProgressDisplay(stderr);
  const handle: SyncWorkerHandle = startSyncWorker({
    connection: workerConnection(settings),
    cachePath,
    profile: { name: settings.profile, endpoint: settings.endpoint },
    ...(opts.interval !== undefined ? { intervalMs: Math.round(opts.interval * 1000) } : {}),
  });
  let reader: Cache | undefined;
  let profileId: number | undefined;
  let firstDone = false;
  let previous: ConnectionStatus | undefined;
  let finished!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finished = resolve));
  const note = (text: string): void => {
    progress.clear();
    stderr.write(`proxmox-mpc: ${text}\n`);
  };

  const printChanges = (changes: ChangeEvent[], syncRunId: number | undefined): void => {
    if (!reader || profileId === undefined) return;
    const id = profileId;
    const names = new Map<GuestKey, string | undefined>();
    const nameOf = (key: GuestKey): string | undefined => {
      if (!names.has(key)) names.set(key, reader?.guest(id, key)?.name);
      return names.get(key);
    };
    const lines: string[] = [];
    if (syncRunId !== undefined) {
      const entries = reader.history(id, { sinceRunId: syncRunId - 1 }).filter((e) => e.syncRunId === syncRunId).reverse();
      for (const e of entries) lines.push(historyLine(e, e.event === 'deleted' ? e.old : nameOf(`${e.type}/${e.vmid}`)));
    }
    let nodes: Map<string, string> | undefined;
    const nodeStatus = (node: string): string | undefined => {
      nodes ??= new Map(reader?.nodes(id).map((n) => [n.node, n.status]));
      return nodes.get(node);
    };
    for (const change of changes) {
      const line = changeLine(change, { guestName: (key) => nameOf(key as GuestKey), nodeStatus });
      if (line !== undefined) lines.push(line);
    }
    if (lines.length > 0) {
      progress.clear();
      stdout.write(`${lines.join('\n')}\n`);
    }
  };

  handle.on('progress', (p) => {
    if (!firstDone) progress.update(p);
  });
  handle.on('poll', (summary) => {
    progress.clear();
    if (!firstDone) {
      firstDone = true;
      for (const line of warningLines(summary.warnings)) stderr.write(`proxmox-mpc: ${line}\n`);
      stderr.write(`${summaryLine(settings.profile, summary)}; watching for changes every ${(opts.interval ?? 5).toString()} s (Ctrl-C to stop)\n`);
    }
  });
  handle.on('changes', ({ changes, syncRunId }) => {
    // The first sync's change events are the whole cluster (the summary says enough), but its
    // history is what changed while nothing was watching: print that.
    printChanges(firstDone ? changes : [], syncRunId);
  });
  handle.on('state', (status) => {
    const line = stateLine(status, previous);
    previous = status;
    if (line !== undefined) note(line);
  });
  handle.on('error', ({ error, fatal, retryInMs, consecutiveFailures }) => {
    const retry = retryInMs !== undefined ? `; retrying in ${Math.max(1, Math.round(retryInMs / 1000))} s` : '';
    if (fatal || (!firstDone && FATAL_KINDS.has(error.kind))) {
      note(safeText(error.message));
      finished(exitCodeFor(errorFromInfo(error)));
      return;
    }
    if (consecutiveFailures === 1 || retryInMs === undefined || consecutiveFailures % 5 === 0) note(`offline: ${safeText(error.message)}${retry}`);
  });
  handle.on('exit', () => finished(ExitCode.failure));

  const onSignal = (): void => finished(ExitCode.ok);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    try {
      ({ profileId } = await handle.ready);
      reader = await openCacheAt(cachePath);
    } catch {
      // The error event has said why; `done` resolves with the exit code.
    }
    const code = await done;
    progress.clear();
    process.exitCode = code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await handle.stop();
    reader?.close();
  }
}

export async function runSync(opts: SyncOptions): Promise<void> {
  const settings = loadConnectionSettings(opts);
  const { cachePathFor, resetCache } = await import('../../db/client.js');
  const cachePath = cachePathFor(settings.profile);
  if (opts.resetCache) {
    const moved = resetCache(cachePath);
    if (moved !== undefined) process.stderr.write(`proxmox-mpc: moved the old cache aside to ${moved}\n`);
  }
  if (opts.watch) {
    await watch(settings, cachePath, opts);
    return;
  }
  await runSyncOnce(settings, cachePath, { summaryTo: process.stdout, json: opts.output === 'json' });
}
