import { describe, expect, it, vi } from 'vitest';
import { ProxmoxError } from '../proxmox/errors.js';
import type { TaskResult } from '../proxmox/tasks.js';
import { describeCall, executePlan, runBounded, type OperationClient } from './execute.js';
import type { OperationPlan } from './types.js';

const UPID = 'UPID:pve1:0000ABCD:00000001:6B000000:qmstart:100:root@pam:';

const plan: OperationPlan = {
  action: 'start',
  target: { type: 'qemu', vmid: 100, node: 'pve1', name: 'web-01', status: 'stopped', template: false },
  risk: 'low',
  calls: [{ method: 'POST', path: '/nodes/pve1/qemu/100/status/start' }],
  summary: 'start VM 100 web-01 on pve1',
};

function task(exitstatus: string, lines: string[] = ['starting', 'done']): TaskResult {
  return {
    upid: UPID,
    node: 'pve1',
    status: { upid: UPID, node: 'pve1', status: 'stopped', exitstatus },
    exitstatus,
    ok: exitstatus === 'OK' || exitstatus.startsWith('WARNINGS'),
    log: lines.map((t, i) => ({ n: i + 1, t })),
  };
}

function client(over: Partial<OperationClient> = {}): OperationClient & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    call: vi.fn(async (method, path, params) => {
      calls.push({ method, path, params });
      return { data: UPID };
    }),
    waitForTask: vi.fn(async () => task('OK')),
    ...over,
  };
}

describe('executePlan', () => {
  it('sends the planned call, follows its task and reports OK with the log tail', async () => {
    const c = client();
    const r = await executePlan(c, plan);
    expect(c.calls).toEqual([{ method: 'POST', path: '/nodes/pve1/qemu/100/status/start', params: undefined }]);
    expect(r).toMatchObject({ outcome: 'done', message: 'OK', upid: UPID, exitStatus: 'OK', logTail: ['starting', 'done'] });
  });

  it("reports a failed task with PVE's text, sanitised", async () => {
    const c = client({ waitForTask: async () => task('start failed: \u001b[31mQEMU exited with code 1\u001b[0m') });
    const r = await executePlan(c, plan);
    expect(r.outcome).toBe('failed');
    expect(r.message).toBe('start failed: QEMU exited with code 1');
  });

  it('an API error is this guest’s failure, not the run’s', async () => {
    const c = client({
      call: async () => {
        throw new ProxmoxError('node-unreachable', 'pve1 is unreachable (595)', { status: 595 });
      },
    });
    const r = await executePlan(c, plan);
    expect(r).toMatchObject({ outcome: 'failed', message: 'pve1 is unreachable (595)' });
  });

  it('a lost connection ends the run', async () => {
    const c = client({
      call: async () => {
        throw new ProxmoxError('network', 'connection refused');
      },
    });
    await expect(executePlan(c, plan)).rejects.toThrow('connection refused');
  });

  it('--no-wait returns the task without following it', async () => {
    const c = client();
    const r = await executePlan(c, plan, { wait: false });
    expect(c.waitForTask).not.toHaveBeenCalled();
    expect(r).toMatchObject({ outcome: 'done', upid: UPID });
    expect(r.message).toMatch(/not followed/);
  });

  it('a timeout while following says the task goes on', async () => {
    const c = client({
      waitForTask: async () => {
        throw new ProxmoxError('cancelled', 'cancelled');
      },
    });
    const r = await executePlan(c, plan, { timeoutMs: 2000 });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/still running after 2 s .*goes on on the server/);
  });

  const steps: OperationPlan = {
    ...plan,
    action: 'create',
    calls: [
      { method: 'POST', path: '/nodes/pve1/qemu/9000/clone', params: { newid: 130 } },
      { method: 'PUT', path: '/nodes/pve1/qemu/130/config', params: { cores: 2 } },
      { method: 'POST', path: '/nodes/pve1/qemu/130/status/start' },
    ],
    steps: ['clone', 'config update', 'start'],
    ifFailedAtFirst: 'nothing was created',
    ifFailedAfterFirst: 'VM 130 exists, stopped',
  };

  /** PVE's PUT .../config answers null (applied at once); the rest start tasks. */
  const putAnswersNull = async (method: string): Promise<{ data: unknown }> => ({ data: method === 'PUT' ? null : UPID });

  it('a plan of several calls that fails half-way says which calls completed and what stands', async () => {
    const c = client({
      call: vi.fn(async (method: string) => {
        if (method === 'PUT') throw new ProxmoxError('server', 'balloon value too large (must be smaller than assigned memory)', { status: 500 });
        return { data: UPID };
      }),
    });
    const r = await executePlan(c, steps);
    expect(r).toMatchObject({ outcome: 'failed', completedCalls: 1 });
    expect(r.message).toBe('clone done, but the config update failed: balloon value too large (must be smaller than assigned memory); VM 130 exists, stopped');
  });

  it('a failed first task says nothing was created; a failed last task names the ones done', async () => {
    const first = await executePlan(client({ waitForTask: async () => task('clone failed: no space left') }), steps);
    expect(first).toMatchObject({ outcome: 'failed', completedCalls: 0, message: 'clone failed: clone failed: no space left; nothing was created' });
    let n = 0;
    const last = await executePlan(client({ call: putAnswersNull, waitForTask: async () => task(++n === 2 ? 'start failed: QEMU exited' : 'OK') }), steps);
    expect(last).toMatchObject({ outcome: 'failed', completedCalls: 2, message: 'clone, config update done, but the start failed: start failed: QEMU exited; VM 130 exists, stopped' });
  });

  it('--no-wait still follows the tasks a later call needs, only not the last one', async () => {
    const c = client({ call: vi.fn(putAnswersNull) });
    const r = await executePlan(c, steps, { wait: false });
    expect(c.call).toHaveBeenCalledTimes(3);
    expect(c.waitForTask).toHaveBeenCalledTimes(1); // the clone's; the config PUT answers no task
    expect(r).toMatchObject({ outcome: 'done', upid: UPID });
    expect(r.message).toMatch(/not followed/);
  });
});

describe('runBounded', () => {
  it('keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await runBounded([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});

describe('describeCall', () => {
  it('prints the request as the API sees it', () => {
    expect(describeCall({ method: 'POST', path: '/nodes/pve1/qemu/100/status/shutdown', params: { timeout: 30, forceStop: 1 } })).toBe(
      'POST /api2/json/nodes/pve1/qemu/100/status/shutdown timeout=30&forceStop=1',
    );
  });
});
