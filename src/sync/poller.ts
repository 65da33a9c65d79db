// The poll loop: one collectObservation + applyObservation per interval, at a fixed rate from
// each poll's start. A tick that comes while a poll still runs is dropped (never two polls at
// once); a failed poll backs off exponentially (capped) and is recorded in the cache; a poll
// that changed nothing writes nothing, except a `touch` at most once a minute so readers can
// tell the cache is current (live figures alone are no change: the cache writes them at most
// once a minute too, and every poll posts them as a `figures` event). Everything observable
// goes out through onEvent.
import { setMaxListeners } from 'node:events';
import type { CacheReader, CacheWriter } from '../db/cacheApi.js';
import type { ChangeEvent, GuestKey } from '../db/model.js';
import { backoffDelayMs, type BackoffPolicy } from './backoff.js';
import { collectObservation, type CollectOptions, type CollectorMemory, type ConfigState, type SyncClient } from './collect.js';
import { figuresFrame, type FiguresFrame } from './figures.js';
import { startPollLog, type PollTrigger } from './pollLog.js';
import type { ConnectionStatus, PollSummary, SyncErrorInfo, SyncProgress } from './types.js';
import { describeWarning, errorInfoOf } from './warnings.js';

export type PollerCache = Pick<CacheWriter, 'configState' | 'applyObservation' | 'recordFailure' | 'touch'> &
  Partial<Pick<CacheReader, 'storageContent' | 'networks' | 'freshness'>>;

export interface PollerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: PollerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type PollerEvent =
  | { type: 'state'; status: ConnectionStatus }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'changes'; changes: ChangeEvent[]; at: number; syncRunId?: number }
  /** Every successful poll: the live figures it saw (written to the cache only now and then). */
  | { type: 'figures'; frame: FiguresFrame }
  | { type: 'poll'; summary: PollSummary }
  | { type: 'error'; error: SyncErrorInfo; consecutiveFailures: number; retryInMs?: number };

export type PollerCollectOptions = Omit<CollectOptions, 'signal' | 'onProgress' | 'now' | 'cached'>;

export interface PollerOptions {
  client: SyncClient;
  cache: PollerCache;
  profileId: number;
  /** Between poll starts (default 5000). */
  intervalMs?: number;
  /** After failures: initialMs (default: the interval) doubling up to maxMs (default 60 s). */
  backoff?: Partial<BackoffPolicy>;
  /** A poll that changed nothing touches the cache at most this often (default 60 s). */
  touchEveryMs?: number;
  collect?: PollerCollectOptions;
  /** Replaces collectObservation (tests). */
  collectFn?: typeof collectObservation;
  clock?: PollerClock;
  onEvent?: (event: PollerEvent) => void;
  /** The correlation id of the poll that starts (its log lines carry it), then undefined once
   * it has ended: the worker puts it on the other lines logged meanwhile (API requests). */
  onPollOp?: (op: string | undefined) => void;
}

export interface Poller {
  /** Starts polling: the first poll now, then every interval. */
  start(): void;
  /** No more scheduled polls (a running one finishes); syncNow still works. */
  pause(): void;
  /** Scheduled polls again, the next one right away. */
  resume(): void;
  /** A poll that starts after this call (right away, or once the running one ended). Resolves
   * with its summary, rejects with its error. Works without start() (one-shot syncs). */
  syncNow(): Promise<PollSummary>;
  /** A new interval between poll starts, from the next scheduled poll on. */
  setInterval(ms: number): void;
  /** Cancels the running poll and stops; resolves once nothing runs any more. */
  stop(): Promise<void>;
  status(): ConnectionStatus;
}

export const DEFAULT_INTERVAL_MS = 5000;
export const DEFAULT_BACKOFF_MAX_MS = 60_000;
export const DEFAULT_TOUCH_EVERY_MS = 60_000;

interface Waiter {
  resolve(summary: PollSummary): void;
  reject(error: unknown): void;
}

export function createPoller(options: PollerOptions): Poller {
  const clock = options.clock ?? systemClock;
  let intervalMs = Math.max(1, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  const backoff: BackoffPolicy = {
    initialMs: options.backoff?.initialMs ?? intervalMs,
    maxMs: options.backoff?.maxMs ?? Math.max(DEFAULT_BACKOFF_MAX_MS, intervalMs),
  };
  const touchEveryMs = options.touchEveryMs ?? DEFAULT_TOUCH_EVERY_MS;
  const collect = options.collectFn ?? collectObservation;
  const { cache, profileId } = options;
  const cached = cache.storageContent && cache.networks ? { storageContent: cache.storageContent, networks: cache.networks } : undefined;

  let started = false;
  let paused = false;
  let stopped = false;
  let timer: unknown;
  let running: Promise<void> | undefined;
  let abort: AbortController | undefined;
  let waiters: Waiter[] = [];

  let successes = 0;
  let failures = 0;
  let attempts = 0;
  let configState: ReadonlyMap<GuestKey, ConfigState> | undefined;
  let memory: CollectorMemory | undefined;
  let lastTaskStart: number | undefined;
  let lastVerifiedAt: number | undefined;
  let lastFailed = false;

  const status: ConnectionStatus = { state: 'connecting', paused: false, consecutiveFailures: 0, warnings: 0, droppedPolls: 0 };
  const fresh = cache.freshness?.(profileId);
  const knownGood = Math.max(fresh?.lastSyncAt ?? 0, fresh?.verifiedAt ?? 0);
  if (knownGood > 0) {
    status.lastGoodSyncAt = knownGood;
    lastVerifiedAt = knownGood;
  }

  const emit = (event: PollerEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure must not stop the sync.
    }
  };
  const snapshot = (): ConnectionStatus => ({ ...status });
  const emitState = (): void => emit({ type: 'state', status: snapshot() });

  function schedule(delayMs: number): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (!started || paused || stopped) {
      delete status.nextPollAt;
      return;
    }
    timer = clock.setTimeout(tick, delayMs);
    status.nextPollAt = clock.now() + delayMs;
  }

  function tick(): void {
    timer = undefined;
    if (stopped || paused) return;
    if (running) {
      // The previous poll is still running: this one would overlap it. Skip to the next slot.
      status.droppedPolls++;
      schedule(intervalMs);
      return;
    }
    void runPoll('scheduled');
  }

  function runPoll(trigger: PollTrigger): Promise<void> {
    const mine = waiters;
    waiters = [];
    const poll = pollOnce(mine.length > 0 ? 'now' : trigger).then((outcome) => {
      running = undefined;
      abort = undefined;
      // Waiters hear of the outcome once the poller is idle again (so they can act on it).
      for (const w of mine) {
        if ('summary' in outcome) w.resolve(outcome.summary);
        else w.reject(outcome.error);
      }
      if (waiters.length > 0) {
        if (stopped) rejectAll(waiters.splice(0), new Error('the sync was stopped'));
        else void runPoll('now');
      }
    });
    running = poll;
    return poll;
  }

  async function pollOnce(trigger: PollTrigger): Promise<{ summary: PollSummary } | { error: unknown }> {
    const startedAt = clock.now();
    attempts++;
    const logged = startPollLog(attempts, trigger, attempts === 1 || trigger === 'now' || lastFailed);
    options.onPollOp?.(logged.op);
    try {
      return await pollBody(startedAt, logged);
    } finally {
      options.onPollOp?.(undefined);
    }
  }

  async function pollBody(startedAt: number, logged: ReturnType<typeof startPollLog>): Promise<{ summary: PollSummary } | { error: unknown }> {
    status.lastAttemptAt = startedAt;
    // Fixed rate: the next slot counts from this start (a failure reschedules below).
    schedule(intervalMs);
    const controller = new AbortController();
    // Every request in flight listens on it (up to `concurrency` at once, plus the details).
    setMaxListeners(0, controller.signal);
    abort = controller;
    try {
      configState ??= cache.configState(profileId);
      const result = await collect(
        options.client,
        { configState, pollNumber: successes, ...(lastTaskStart !== undefined ? { lastTaskStart } : {}), ...(memory ? { memory } : {}) },
        {
          ...options.collect,
          signal: controller.signal,
          now: () => clock.now(),
          onProgress: (progress) => emit({ type: 'progress', progress }),
          ...(cached
            ? {
                cached: {
                  storageContent: (node: string, storage: string) => cached.storageContent(profileId, { node, storage }),
                  networks: (node: string) => cached.networks(profileId, node),
                },
              }
            : {}),
        },
      );
      if (stopped) throw new Error('the sync was stopped');
      emit({ type: 'progress', progress: { phase: 'writing' } });
      const writeStart = clock.now();
      const applied = cache.applyObservation(profileId, result.observation, { startedAt, counts: result.counts });
      const finishedAt = clock.now();
      result.counts.writeMs = finishedAt - writeStart;

      successes++;
      failures = 0;
      // Stale: another process applied a newer observation first and ours was discarded. The
      // cache holds that one's configs, so read them again; and no touch (ours proves nothing).
      configState = applied.stale ? undefined : result.next.configState;
      memory = result.next.memory;
      lastTaskStart = result.next.lastTaskStart;
      if (applied.stale) {
        // nothing written, nothing touched
      } else if (applied.rowsWritten > 0) lastVerifiedAt = finishedAt;
      else if (lastFailed || lastVerifiedAt === undefined || finishedAt - lastVerifiedAt >= touchEveryMs) {
        cache.touch(profileId, finishedAt);
        lastVerifiedAt = finishedAt;
      }
      lastFailed = false;

      const summary: PollSummary = {
        poll: successes,
        startedAt,
        finishedAt,
        durationMs: finishedAt - startedAt,
        counts: { ...result.counts, durationMs: finishedAt - startedAt },
        warnings: result.warnings,
        changes: applied.changes.length,
        rowsWritten: applied.rowsWritten,
        historyEntries: applied.historyEntries,
        details: result.details,
      };
      if (applied.syncRunId !== undefined) summary.syncRunId = applied.syncRunId;
      logged.ended(summary, status.warnings);

      status.state = result.warnings.length > 0 ? 'degraded' : 'online';
      status.lastGoodSyncAt = finishedAt;
      status.consecutiveFailures = 0;
      status.warnings = result.warnings.length;
      if (result.warnings[0]) status.lastError = describeWarning(result.warnings[0]);
      else delete status.lastError;

      if (applied.changes.length > 0) {
        emit({ type: 'changes', changes: applied.changes, at: result.observation.at, ...(applied.syncRunId !== undefined ? { syncRunId: applied.syncRunId } : {}) });
      }
      if (options.onEvent) emit({ type: 'figures', frame: figuresFrame(result.observation) });
      emit({ type: 'poll', summary });
      emitState();
      return { summary };
    } catch (error) {
      if (stopped) {
        logged.cancelled(clock.now() - startedAt);
        return { error };
      }
      failures++;
      lastFailed = true;
      const finishedAt = clock.now();
      const info = errorInfoOf(error);
      try {
        cache.recordFailure(profileId, { startedAt, finishedAt, outcome: 'failed', error: info.message, counts: { durationMs: finishedAt - startedAt } });
      } catch {
        // The cache itself may be what failed; the error event still goes out.
      }
      const retryInMs = backoffDelayMs(failures, backoff);
      logged.failed(info, { ms: finishedAt - startedAt, consecutiveFailures: failures, ...(started && !paused ? { retryInMs } : {}) });
      schedule(retryInMs);
      status.state = 'offline';
      status.consecutiveFailures = failures;
      status.lastError = info.message;
      status.warnings = 0;
      emit({ type: 'error', error: info, consecutiveFailures: failures, ...(started && !paused ? { retryInMs } : {}) });
      emitState();
      return { error };
    }
  }

  function rejectAll(list: Waiter[], error: unknown): void {
    for (const w of list) w.reject(error);
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      if (!paused && !running) void runPoll('scheduled');
      else schedule(0);
    },
    pause() {
      if (paused || stopped) return;
      paused = true;
      status.paused = true;
      schedule(0); // clears the timer
      emitState();
    },
    resume() {
      if (!paused || stopped) return;
      paused = false;
      status.paused = false;
      if (!running) schedule(0);
      else schedule(intervalMs);
      emitState();
    },
    setInterval(ms) {
      intervalMs = Math.max(1, ms);
      if (started && !paused && !stopped && !running) schedule(intervalMs);
    },
    syncNow() {
      if (stopped) return Promise.reject(new Error('the sync was stopped'));
      return new Promise<PollSummary>((resolve, reject) => {
        waiters.push({ resolve, reject });
        if (!running) void runPoll('now');
      });
    },
    async stop() {
      if (stopped) {
        await running;
        return;
      }
      stopped = true;
      schedule(0);
      abort?.abort();
      await running?.catch(() => undefined);
      rejectAll(waiters.splice(0), new Error('the sync was stopped'));
    },
    status: snapshot,
  };
}
