import { afterEach, describe, expect, it } from 'vitest';
import { ProxmoxClient } from './client.js';
import { ProxmoxError } from './errors.js';
import { assertTaskOk, waitForTask, type TaskReader } from './tasks.js';
import { ok, pveError, startFakePve, until, type FakePve, type RecordedRequest, type Reply } from './test-support/fakePve.js';
import type { TaskLogLine } from './types.js';

const UPID = 'UPID:pve1:0000A1B2:00C0FFEE:66000000:qmstart:100:root@pam!mpc:';
const TASK_PATH = `/nodes/pve1/tasks/${UPID}`;

let server: FakePve | undefined;
const clients: ProxmoxClient[] = [];

afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await server?.close();
  server = undefined;
});

/** A task that writes `linesPerPoll` lines each time its status is read, and ends after `polls`. */
class FakeTask {
  lines: string[] = [];
  statusReads = 0;
  constructor(
    private readonly script: string[],
    private readonly linesPerPoll: number,
    private readonly exit: string,
  ) {}

  get done(): boolean {
    return this.lines.length >= this.script.length + 1;
  }

  handle = (req: RecordedRequest): Reply => {
    if (req.path === `${TASK_PATH}/status`) {
      this.statusReads += 1;
      if (!this.done) {
        this.lines.push(...this.script.slice(this.lines.length, this.lines.length + this.linesPerPoll));
        if (this.lines.length >= this.script.length) this.lines.push(this.exit === 'OK' ? 'TASK OK' : this.exit.startsWith('WARNINGS') ? `TASK ${this.exit}` : `TASK ERROR: ${this.exit}`);
      }
      const running = this.statusReads < 2 || !this.done;
      return ok({
        upid: UPID,
        node: 'pve1',
        pid: 41394,
        pstart: 12648430,
        starttime: 1711276032,
        type: 'qmstart',
        id: '100',
        user: 'root@pam',
        tokenid: 'mpc',
        status: running ? 'running' : 'stopped',
        ...(running ? {} : { exitstatus: this.exit }),
      });
    }
    if (req.path === `${TASK_PATH}/log`) {
      const start = Number(req.query.get('start') ?? 0);
      const limit = Number(req.query.get('limit') ?? 50);
      if (this.lines.length === 0) return ok([{ n: 1, t: 'no content' }], { total: 1 });
      const slice = this.lines.slice(start, limit === 0 ? undefined : start + limit);
      return ok(
        slice.map((t, i) => ({ t, n: start + i + 1 })),
        { total: this.lines.length },
      );
    }
    return { status: 501, reason: 'not implemented' };
  };
}

async function clientFor(handle: (req: RecordedRequest) => Reply, retryLimit = 0): Promise<ProxmoxClient> {
  server = await startFakePve(handle);
  const c = new ProxmoxClient({ endpoint: server.url, auth: { tokenId: 'root@pam!mpc', tokenSecret: 'secret-secret' }, retry: { limit: retryLimit, baseDelayMs: 1 } });
  clients.push(c);
  return c;
}

describe('waitForTask', () => {
  it('streams every log line exactly once, in order, then resolves with the outcome', async () => {
    const script = Array.from({ length: 9 }, (_, i) => `step ${i + 1}`);
    const task = new FakeTask(script, 2, 'OK');
    const c = await clientFor(task.handle);
    const batches: TaskLogLine[][] = [];
    const result = await c.waitForTask(UPID, { pollIntervalMs: 1, logPageSize: 3, onLog: (lines) => batches.push(lines) });
    const delivered = batches.flat();
    expect(delivered.map((l) => l.t)).toEqual([...script, 'TASK OK']);
    expect(delivered.map((l) => l.n)).toEqual(delivered.map((_, i) => i + 1));
    expect(batches.every((b) => b.length > 0)).toBe(true);
    expect(result).toMatchObject({ upid: UPID, node: 'pve1', exitstatus: 'OK', ok: true });
    expect(result.status).toMatchObject({ status: 'stopped', type: 'qmstart', id: '100', tokenid: 'mpc' });
    expect(result.log).toEqual(delivered);
    // log reads asked only for lines not seen yet
    const starts = server!.requests.filter((r) => r.path.endsWith('/log')).map((r) => Number(r.query.get('start')));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it("does not deliver PVE's 'no content' placeholder of an empty log", async () => {
    let reads = 0;
    const c = await clientFor((req) => {
      if (req.path.endsWith('/status')) {
        reads += 1;
        return ok({ upid: UPID, node: 'pve1', status: reads < 3 ? 'running' : 'stopped', exitstatus: reads < 3 ? undefined : 'OK' });
      }
      return reads < 2 ? ok([{ n: 1, t: 'no content' }], { total: 1 }) : ok([{ n: 1, t: 'TASK OK' }], { total: 1 });
    });
    const lines: string[] = [];
    await c.waitForTask(UPID, { pollIntervalMs: 1, onLog: (l) => lines.push(...l.map((x) => x.t)) });
    expect(lines).toEqual(['TASK OK']);
  });

  it('a failed task resolves with ok=false; assertTaskOk throws kind task with the exit text', async () => {
    const task = new FakeTask(['starting'], 5, "start failed: QEMU exited with code 1");
    const c = await clientFor(task.handle);
    const result = await c.waitForTask(UPID, { pollIntervalMs: 1 });
    expect(result.ok).toBe(false);
    expect(result.exitstatus).toBe('start failed: QEMU exited with code 1');
    expect(result.log.at(-1)!.t).toBe('TASK ERROR: start failed: QEMU exited with code 1');
    let thrown: unknown;
    try {
      assertTaskOk(result);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ProxmoxError);
    const e = thrown as ProxmoxError;
    expect(e.kind).toBe('task');
    expect(e.message).toBe('task qmstart 100 on pve1 failed: start failed: QEMU exited with code 1; see the task log for details');
    expect(e.details).toMatchObject({ upid: UPID, node: 'pve1', exitstatus: 'start failed: QEMU exited with code 1' });
    await expect(c.waitForTaskOk(UPID, { pollIntervalMs: 1 })).rejects.toMatchObject({ kind: 'task' });
  });

  it('warnings count as success', async () => {
    const task = new FakeTask(['a'], 5, 'WARNINGS: 2');
    const c = await clientFor(task.handle);
    await expect(c.waitForTaskOk(UPID, { pollIntervalMs: 1 })).resolves.toMatchObject({ ok: true, exitstatus: 'WARNINGS: 2' });
  });

  it('abort stops following without stopping the task', async () => {
    let statusReads = 0;
    const c = await clientFor((req) => {
      if (req.path.endsWith('/status')) statusReads += 1;
      return req.path.endsWith('/status') ? ok({ upid: UPID, node: 'pve1', status: 'running' }) : ok([{ n: 1, t: 'working' }], { total: 1 });
    });
    const controller = new AbortController();
    const pending = c.waitForTask(UPID, { pollIntervalMs: 5, signal: controller.signal });
    await until(() => statusReads >= 2);
    controller.abort();
    const e = (await pending.catch((x: unknown) => x)) as ProxmoxError;
    expect(e).toBeInstanceOf(ProxmoxError);
    expect(e.kind).toBe('cancelled');
    expect(e.message).toBe('stopped following task qmstart 100 on pve1; the task keeps running on the node (stop it with stopTask if needed)');
    expect(server!.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('stopTask sends DELETE for the task on its node', async () => {
    const c = await clientFor(() => ok(null));
    await c.stopTask(UPID);
    expect(server!.requests[0]).toMatchObject({ method: 'DELETE', path: TASK_PATH });
  });

  it('tolerates a few transient failures while polling, then gives up', async () => {
    let n = 0;
    const c = await clientFor((req) => {
      if (req.path.endsWith('/status')) {
        n += 1;
        if (n === 2) return pveError(503, 'busy');
        return ok({ upid: UPID, node: 'pve1', status: n < 4 ? 'running' : 'stopped', exitstatus: 'OK' });
      }
      return ok([{ n: 1, t: 'TASK OK' }], { total: 1 });
    });
    await expect(c.waitForTask(UPID, { pollIntervalMs: 1 })).resolves.toMatchObject({ ok: true });
    server!.handler = () => pveError(503, 'busy');
    await expect(c.waitForTask(UPID, { pollIntervalMs: 1, maxConsecutiveErrors: 2 })).rejects.toMatchObject({ kind: 'server' });
  });

  it('only `stopped` ends the wait: a missing or unknown status is a protocol problem, tolerated like a transient one', async () => {
    const answers: Record<string, unknown>[] = [
      { upid: UPID, node: 'pve1', status: 'running' },
      { upid: UPID, node: 'pve1' }, // no status at all
      { upid: UPID, node: 'pve1', status: 'paused' },
      { upid: UPID, node: 'pve1', status: 'stopped', exitstatus: 'OK' },
    ];
    let reads = 0;
    const c = await clientFor((req) => {
      if (req.path.endsWith('/status')) return ok(answers[Math.min(reads++, answers.length - 1)]);
      return ok([{ n: 1, t: 'TASK OK' }], { total: 1 });
    });
    await expect(c.waitForTask(UPID, { pollIntervalMs: 1 })).resolves.toMatchObject({ ok: true, exitstatus: 'OK' });
    expect(reads).toBe(4);

    server!.handler = (req) => (req.path.endsWith('/status') ? ok({ upid: UPID, node: 'pve1', status: 'unknown' }) : ok([], { total: 0 }));
    const e = (await c.waitForTask(UPID, { pollIntervalMs: 1, maxConsecutiveErrors: 2 }).catch((x: unknown) => x)) as ProxmoxError;
    expect(e).toBeInstanceOf(ProxmoxError);
    expect(e.kind).toBe('protocol');
    expect(e.message).toBe("task qmstart 100 on pve1 has status 'unknown', expected running or stopped; is the server a PVE node?");
    expect(server!.requests.filter((r) => r.path.endsWith('/status'))).toHaveLength(4 + 3);
  });

  it('a permission error while polling is not retried', async () => {
    const c = await clientFor(() => pveError(403, 'Permission check failed (/nodes/pve1, Sys.Audit)'));
    await expect(c.waitForTask(UPID, { pollIntervalMs: 1 })).rejects.toMatchObject({ kind: 'permission' });
    expect(server!.requests).toHaveLength(1);
  });

  it('refuses a string that is not a UPID', async () => {
    const reader: TaskReader = {
      taskStatus: () => Promise.reject(new Error('not called')),
      taskLog: () => Promise.reject(new Error('not called')),
    };
    await expect(waitForTask(reader, 'UPID:broken')).rejects.toMatchObject({ kind: 'parameter' });
  });
});

describe('task endpoints', () => {
  it('taskLog passes start/limit and returns total', async () => {
    const c = await clientFor(() => ok([{ n: 3, t: 'c' }], { total: 7 }));
    await expect(c.taskLog(UPID, { start: 2, limit: 1 })).resolves.toEqual({ lines: [{ n: 3, t: 'c' }], total: 7 });
    expect(server!.requests[0]!.query.toString()).toBe('start=2&limit=1');
  });

  it('tasks() sends the filters (booleans as 1/0) and keeps total', async () => {
    const c = await clientFor(() => ok([{ upid: UPID, status: 'OK', endtime: 1711276040 }], { total: 1 }));
    const list = await c.tasks('pve1', { vmid: 100, errors: true, source: 'all', limit: 10, typefilter: 'qmstart' });
    expect(server!.requests[0]!.query.toString()).toBe('limit=10&vmid=100&typefilter=qmstart&errors=1&source=all');
    expect(list.total).toBe(1);
    expect(list.tasks[0]).toMatchObject({ upid: UPID, node: 'pve1', type: 'qmstart', id: '100', user: 'root@pam', tokenid: 'mpc', status: 'OK' });
  });
});
