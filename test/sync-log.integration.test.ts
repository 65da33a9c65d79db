// The sync worker's log (a real worker thread against the simulator): its lines reach the main
// thread's log file (under a temp XDG_STATE_HOME, the file the CLI writes): the worker starting
// and each poll's start and end with timings and counts, under the poll's own correlation id and
// the command's as parent, also those logged before the main thread opened its log (the console
// opens it after its first frame); the API retries and the failed poll of a connection-reset
// fault with the backoff; the API requests once the level goes to debug (`/debug on`); never
// the token.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log, setCommandOp, setLogSink } from '../src/observability/log.js';
import { createFileLogger, logPath, type FileLogger } from '../src/observability/logger.js';
import { startSyncWorker, type SyncWorkerHandle } from '../src/sync/host.js';
import { startTestSimulator, waitFor, type TestSimulator } from '../src/sync/test-support/sim.js';
import type { WorkerConnection } from '../src/sync/protocol.js';
import type { ProxmoxClient } from '../src/proxmox/client.js';

interface Line {
  level: string;
  msg: string;
  op?: string;
  parent?: string;
  thread?: string;
  [key: string]: unknown;
}

const COMMAND_OP = 'c0ffee00';
let sim: TestSimulator;
let client: ProxmoxClient;
let connection: WorkerConnection;
let dir: string;
let file: string;
let logger: FileLogger;
let handle: SyncWorkerHandle;

const lines = (): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
const worker = (): Line[] => lines().filter((l) => l.thread === 'sync');

beforeAll(async () => {
  ({ sim, client, connection } = await startTestSimulator());
  dir = mkdtempSync(join(tmpdir(), 'pmc-sync-log-'));
  file = logPath({ XDG_STATE_HOME: dir });
  logger = createFileLogger({ file, level: 'info', bindings: { command: 'console', profile: 'homelab' } });
  // As the console does: the worker first, the log a moment later (after the first frame).
  handle = startSyncWorker({
    connection,
    cachePath: join(dir, 'homelab.db'),
    profile: { name: 'homelab', endpoint: sim.url },
    intervalMs: 100,
    backoffMaxMs: 400,
    collect: { sweepPolls: 0 },
    paused: true,
  });
  await handle.ready;
});

afterAll(async () => {
  await handle?.stop();
  setLogSink(undefined);
  setCommandOp(undefined);
  logger?.close();
  client?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the sync worker logs through the main thread', () => {
  it('a sync: started and ended lines with the poll\'s id, the command as parent, timings and counts (also those from before the log was opened)', async () => {
    const summary = await handle.syncNow();
    setLogSink(logger);
    setCommandOp(COMMAND_OP);
    await waitFor(() => worker().some((l) => l.msg === 'sync ended'), 5000, 'the sync ended line');
    const w = worker();
    expect(w[0]).toMatchObject({ level: 'info', msg: 'sync worker started', profile: 'homelab', endpoint: sim.url, intervalMs: 100, op: COMMAND_OP, command: 'console' });
    const started = w.find((l) => l.msg === 'sync started')!;
    const ended = w.find((l) => l.msg === 'sync ended')!;
    expect(started).toMatchObject({ level: 'info', parent: COMMAND_OP, trigger: 'now', attempt: 1, pid: process.pid });
    expect(started.op).toMatch(/^[0-9a-f]{8}$/);
    expect(started.op).not.toBe(COMMAND_OP);
    expect(ended).toMatchObject({
      level: 'info',
      op: started.op,
      parent: COMMAND_OP,
      guests: sim.summary.qemu + sim.summary.lxc,
      nodes: summary.counts.nodes,
      requests: summary.counts.requests,
      changes: summary.changes,
      ms: summary.durationMs,
    });
    expect(ended.changes).toBeGreaterThan(0);
  });

  it('connection resets: the retries and the failed poll with its backoff, under the poll\'s id; at debug the API requests too', async () => {
    log.setLevel('debug'); // as `/debug on` does: the worker follows
    sim.faults.set({ resetRate: 1 });
    try {
      handle.resume();
      await waitFor(() => worker().some((l) => l.msg === 'sync failed'), 20_000, 'a failed poll in the log');
    } finally {
      sim.faults.set({ resetRate: 0 });
      handle.pause();
      log.setLevel('info');
    }
    const w = worker();
    const failed = w.find((l) => l.msg === 'sync failed')!;
    expect(failed).toMatchObject({ level: 'warn', parent: COMMAND_OP, kind: 'network', consecutiveFailures: 1, retryInMs: expect.any(Number) });
    expect(failed.error).toMatch(/connection reset/);
    const retries = w.filter((l) => l.msg === 'api retry' && l.op === failed.op);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatchObject({ level: 'info', method: 'GET', parent: COMMAND_OP, retry: 1, reason: 'ECONNRESET' });
    expect(w.some((l) => l.msg === 'api request' && l.level === 'debug' && l.op === failed.op)).toBe(true);
    // Recovery is logged at info again (the first poll after a failure).
    await handle.syncNow();
    await waitFor(() => worker().filter((l) => l.msg === 'sync ended').length >= 2, 5000, 'the recovery');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(sim.root.tokenSecret);
  });
});
