import { afterEach, describe, expect, it } from 'vitest';
import { LEVEL_VALUES, setCommandOp, setLogSink, type LogFields, type LogLevel, type LogSink } from '../observability/log.js';
import type { ApplyResult } from '../db/cacheApi.js';
import type { ClusterObservation } from '../db/model.js';
import { ProxmoxError } from '../proxmox/errors.js';
import { backoffDelayMs } from './backoff.js';
import { emptyPollCounts, type CollectResult, type SyncClient } from './collect.js';
import { guestFiguresMap } from './figures.js';
import { createPoller, type PollerCache, type PollerClock, type PollerEvent } from './poller.js';
import type { PollCounts, SyncWarning } from './types.js';

/** A clock whose time only moves when the test says so. */
function manualClock(start = 1_000_000) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: PollerClock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  return {
    clock,
    /** Delays of the timers pending now, relative to now. */
    pending: () => [...timers.values()].map((t) => t.at - now),
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await flush();
      }
      now = until;
      await flush();
    },
  };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const counts = (): PollCounts => ({ ...emptyPollCounts(), nodes: 1 });

function result(warnings: SyncWarning[] = []): CollectResult {
  const observation: ClusterObservation = { at: 0, nodes: [{ node: 'pve1', status: 'online' }], guests: [] };
  return { observation, counts: { ...counts(), warnings: warnings.length }, warnings, details: false, next: { configState: new Map(), memory: { pendingConfigs: new Set(), nodeStatus: new Map(), sslFingerprints: new Map(), pools: new Map(), sweepCursor: 0 } } };
}

function fakeCache(rowsWritten: () => number = () => 0) {
  const calls = { apply: 0, touch: [] as number[], failures: [] as string[] };
  const cache: PollerCache = {
    configState: () => new Map(),
    applyObservation: (): ApplyResult & { syncRunId?: number } => {
      calls.apply++;
      const rows = rowsWritten();
      return rows > 0 ? { changes: [{ kind: 'node', op: 'changed', node: 'pve1', fields: ['status'] }], historyEntries: 0, rowsWritten: rows, syncRunId: calls.apply } : { changes: [], historyEntries: 0, rowsWritten: 0 };
    },
    recordFailure: (_id, run) => {
      calls.failures.push(run.error);
    },
    touch: (_id, at) => {
      calls.touch.push(at);
    },
  };
  return { cache, calls };
}

const client = {} as SyncClient;

describe('backoffDelayMs', () => {
  it('doubles from the first delay and stops at the cap', () => {
    const policy = { initialMs: 5000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => backoffDelayMs(n, policy))).toEqual([5000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000]);
    expect(backoffDelayMs(0, policy)).toBe(0);
  });
});

describe('createPoller', () => {
  it('polls at a fixed rate and drops a tick that would overlap the running poll', async () => {
    const t = manualClock();
    const { cache } = fakeCache();
    let calls = 0;
    let release!: () => void;
    const poller = createPoller({
      client,
      cache,
      profileId: 1,
      intervalMs: 5000,
      clock: t.clock,
      collectFn: async () => {
        calls++;
        if (calls === 2) await new Promise<void>((resolve) => (release = resolve));
        return result();
      },
    });
    poller.start();
    await flush();
    expect(calls).toBe(1);
    await t.advance(5000); // second poll starts and hangs
    expect(calls).toBe(2);
    await t.advance(5000); // would overlap: dropped
    await t.advance(5000); // dropped again
    expect(calls).toBe(2);
    expect(poller.status().droppedPolls).toBe(2);
    release();
    await flush();
    await t.advance(5000);
    expect(calls).toBe(3);
    await poller.stop();
  });

  it('backs off exponentially up to the cap while polls fail, records each failure, and recovers', async () => {
    const t = manualClock();
    const { cache, calls } = fakeCache();
    let failing = true;
    const events: PollerEvent[] = [];
    const poller = createPoller({
      client,
      cache,
      profileId: 1,
      intervalMs: 5000,
      backoff: { maxMs: 60_000 },
      clock: t.clock,
      onEvent: (e) => events.push(e),
      collectFn: async () => {
        if (failing) throw new ProxmoxError('network', 'connection refused (ECONNREFUSED)');
        return result();
      },
    });
    poller.start();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(Math.min(...t.pending()));
      await t.advance(Math.min(...t.pending()));
    }
    expect(delays).toEqual([5000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(poller.status()).toMatchObject({ state: 'offline', consecutiveFailures: 7, lastError: 'connection refused (ECONNREFUSED)' });
    expect(calls.failures).toHaveLength(7);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.at(-1)).toMatchObject({ error: { kind: 'network' }, consecutiveFailures: 7, retryInMs: 60_000 });

    failing = false;
    await t.advance(60_000);
    expect(poller.status()).toMatchObject({ state: 'online', consecutiveFailures: 0 });
    expect(poller.status().lastError).toBeUndefined();
    expect(t.pending()).toEqual([5000]); // back to the normal interval
    await poller.stop();
  });

  it('reports connecting -> online -> degraded -> offline -> online, with the last good sync time', async () => {
    const t = manualClock();
    const { cache } = fakeCache();
    const outcomes: Array<'ok' | 'warn' | 'fail'> = ['ok', 'warn', 'fail', 'ok'];
    const states: string[] = [];
    const poller = createPoller({
      client,
      cache,
      profileId: 1,
      intervalMs: 1000,
      clock: t.clock,
      onEvent: (e) => {
        if (e.type === 'state') states.push(e.status.state);
      },
      collectFn: async () => {
        const o = outcomes.shift();
        if (o === 'fail') throw new ProxmoxError('timeout', 'the server did not answer in time');
        return result(o === 'warn' ? [{ scope: 'nodes', target: 'pve3', kind: 'node-unreachable', message: 'node pve3 is offline' }] : []);
      },
    });
    expect(poller.status().state).toBe('connecting');
    poller.start();
    await flush();
    const firstGood = poller.status().lastGoodSyncAt;
    expect(firstGood).toBe(1_000_000);
    await t.advance(1000);
    expect(poller.status()).toMatchObject({ state: 'degraded', warnings: 1, lastError: 'node pve3 is offline' });
    await t.advance(1000);
    expect(poller.status()).toMatchObject({ state: 'offline', lastGoodSyncAt: 1_001_000 });
    await t.advance(1000);
    expect(states).toEqual(['online', 'degraded', 'offline', 'online']);
    await poller.stop();
  });

  it('touches the cache at most once a minute when nothing changed, and right after a recovery', async () => {
    const t = manualClock();
    let rows = 5;
    const { cache, calls } = fakeCache(() => rows);
    const poller = createPoller({ client, cache, profileId: 1, intervalMs: 5000, clock: t.clock, collectFn: async () => result() });
    poller.start();
    await flush();
    expect(calls.touch).toEqual([]); // rows were written: that is the verification
    rows = 0;
    for (let i = 0; i < 24; i++) await t.advance(5000); // two minutes of empty polls
    expect(calls.touch).toEqual([1_060_000, 1_120_000]);
    await poller.stop();
  });

  it('pause stops scheduled polls; resume polls right away; syncNow works while paused', async () => {
    const t = manualClock();
    const { cache } = fakeCache();
    let calls = 0;
    const poller = createPoller({
      client,
      cache,
      profileId: 1,
      intervalMs: 5000,
      clock: t.clock,
      collectFn: async () => {
        calls++;
        return result();
      },
    });
    poller.start();
    await flush();
    poller.pause();
    expect(poller.status().paused).toBe(true);
    await t.advance(60_000);
    expect(calls).toBe(1);
    const summary = await poller.syncNow();
    expect(summary.poll).toBe(2);
    expect(calls).toBe(2);
    poller.resume();
    await t.advance(0);
    expect(calls).toBe(3);
    await poller.stop();
    await t.advance(60_000);
    expect(calls).toBe(3);
  });

  it('syncNow during a running poll runs one more poll after it', async () => {
    const t = manualClock();
    const { cache } = fakeCache();
    let calls = 0;
    let release!: () => void;
    const poller = createPoller({
      client,
      cache,
      profileId: 1,
      clock: t.clock,
      collectFn: async () => {
        calls++;
        if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
        return result();
      },
    });
    const first = poller.syncNow();
    await flush();
    const second = poller.syncNow();
    expect(calls).toBe(1);
    release();
    expect((await first).poll).toBe(1);
    expect((await second).poll).toBe(2);
    expect(calls).toBe(2);
    await poller.stop();
  });

  it('stop cancels the running poll and rejects its waiters', async () => {
    const t = manualClock();
    const { cache, calls } = fakeCache();
    const poller = createPoller({
      client,
      cache,
      profileId: 1,
      clock: t.clock,
      collectFn: (_c, _p, options) =>
        new Promise<CollectResult>((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => reject(new ProxmoxError('cancelled', 'cancelled')));
        }),
    });
    const pending = poller.syncNow();
    await flush();
    await poller.stop();
    await expect(pending).rejects.toMatchObject({ kind: 'cancelled' });
    expect(calls.failures).toEqual([]); // a stop is not a failed sync
    await expect(poller.syncNow()).rejects.toThrow(/stopped/);
  });
  it('posts the live figures of every successful poll, also when the cache wrote nothing', async () => {
    const t = manualClock();
    const { cache } = fakeCache(() => 0);
    const events: PollerEvent[] = [];
    let n = 0;
    const poller = createPoller({
      client,
      cache,
      profileId: 1,
      clock: t.clock,
      onEvent: (e) => events.push(e),
      collectFn: async () => {
        n++;
        const r = result();
        r.observation.at = n;
        r.observation.guests = [{ type: 'lxc', vmid: 7, node: 'pve1', name: 'c', status: 'running', template: false, tags: [], cpu: n / 10, uptime: n }];
        return r;
      },
    });
    await poller.syncNow();
    await poller.syncNow();
    const frames = events.flatMap((e) => (e.type === 'figures' ? [e.frame] : []));
    expect(frames.map((f) => f.at)).toEqual([1, 2]);
    expect(guestFiguresMap(frames[1]!)).toEqual(new Map([['lxc/7', { cpu: 0.2, uptime: 2 }]]));
    expect(frames[1]!.nodes).toEqual([['pve1', null, null, null, null]]);
    // the figures event comes before the poll's summary
    const types = events.map((e) => e.type).filter((e) => e === 'figures' || e === 'poll');
    expect(types).toEqual(['figures', 'poll', 'figures', 'poll']);
    await poller.stop();
  });
});

describe('the log lines of each poll', () => {
  function captureLog(level: LogLevel = 'info') {
    const lines: Array<{ level: LogLevel; msg: string } & LogFields> = [];
    const sink: LogSink = {
      write: (l, msg, fields) => lines.push({ ...fields, level: l, msg }),
      isEnabled: (l) => LEVEL_VALUES[l] >= LEVEL_VALUES[level],
      setLevel: () => undefined,
      level: () => level,
    };
    setLogSink(sink);
    setCommandOp('c0ffee00');
    return lines;
  }
  afterEach(() => {
    setLogSink(undefined);
    setCommandOp(undefined);
  });

  it('start and end with the poll\'s own id, the command as parent, its time and counts; a failure with its error and the retry; routine polls at debug', async () => {
    const lines = captureLog('info');
    const t = manualClock();
    const { cache } = fakeCache(() => 0);
    let n = 0;
    const ops: Array<string | undefined> = [];
    const poller = createPoller({
      client,
      cache,
      profileId: 1,
      intervalMs: 5000,
      clock: t.clock,
      onPollOp: (op) => ops.push(op),
      collectFn: async () => {
        n++;
        if (n === 3) throw new ProxmoxError('network', 'cannot reach 127.0.0.1:8006 (connection reset by the server)');
        return { ...result(), counts: { ...counts(), guests: 7, requests: 12, warnings: 0 } };
      },
    });
    poller.start();
    await flush();
    await t.advance(5000); // a routine poll: debug only, nothing at info
    await t.advance(5000); // fails
    await t.advance(5000); // recovers: notable again
    await poller.stop();

    const info = lines.map((l) => `${l.level} ${l.msg}`);
    expect(info).toEqual(['info sync started', 'info sync ended', 'warn sync failed', 'info sync started', 'info sync ended']);
    const [started, ended, failed] = lines;
    expect(started).toMatchObject({ op: expect.stringMatching(/^[0-9a-f]{8}$/), parent: 'c0ffee00', attempt: 1, trigger: 'scheduled' });
    expect(ended).toMatchObject({ op: started!.op, parent: 'c0ffee00', guests: 7, nodes: 1, requests: 12, changes: 0, warnings: 0, ms: expect.any(Number) });
    expect(failed).toMatchObject({ kind: 'network', error: expect.stringContaining('connection reset'), consecutiveFailures: 1, retryInMs: 5000 });
    expect(failed!.op).not.toBe(started!.op);
    expect(lines[3]).toMatchObject({ attempt: 4 });
    // onPollOp: each poll's id while it runs, then undefined.
    expect(ops).toEqual([started!.op, undefined, expect.any(String), undefined, failed!.op, undefined, lines[3]!.op, undefined]);
  });

  it('a poll asked for (syncNow) logs at info even when nothing changed; at debug the routine ones show too', async () => {
    const lines = captureLog('debug');
    const t = manualClock();
    const { cache } = fakeCache(() => 0);
    const poller = createPoller({ client, cache, profileId: 1, intervalMs: 5000, clock: t.clock, collectFn: async () => result() });
    poller.start();
    await flush();
    await t.advance(5000);
    await poller.syncNow();
    await poller.stop();
    expect(lines.map((l) => `${l.level} ${l.msg} ${String(l.trigger ?? '')}`)).toEqual([
      'info sync started scheduled',
      'info sync ended ',
      'debug sync started scheduled',
      'debug sync ended ',
      'info sync started now',
      'info sync ended ',
    ]);
  });
});
