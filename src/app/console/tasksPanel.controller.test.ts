// The tasks panel's state as the controller keeps it: each console operation with its UPID as
// soon as PVE answers, its log tail as it comes (batched), its end (OK or PVE's error with the
// log), a while on show, then settled; and its end recorded in history.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GuestKey } from '../../db/model.js';
import type { OperationClient } from '../../operations/execute.js';
import type { OperationPlan, OperationResult } from '../../operations/types.js';
import type { WaitForTaskOptions } from '../../proxmox/tasks.js';
import { createConsoleStore } from '../../store/consoleStore.js';
import { selectPanelRuns, tasksPanelShown } from '../../store/selectors.js';
import type { DetailData } from '../../store/types.js';
import { tableRows } from '../layout.js';
import { createInputRouter } from '../inputRouter.js';
import { DEFAULT_KEYMAP } from '../keymap.js';
import { press } from '../../store/test-support/consoleFixture.js';
import { createController, type ConsoleController } from './controller.js';
import type { ConsoleDataSource } from './dataSource.js';

const T0 = Date.UTC(2025, 0, 5, 10, 0, 0);
const UPID = 'UPID:pve2:0000ABCD:00000001:6B000000:qmstart:101:root@pam:';

const plan = (vmid: number, action = 'start'): OperationPlan => ({
  action,
  target: { type: 'qemu', vmid, node: 'pve2', name: `vm-${vmid}`, status: 'stopped', template: false },
  risk: 'low',
  calls: [{ method: 'POST', path: `/nodes/pve2/qemu/${vmid}/status/${action}` }],
  summary: `${action} VM ${vmid}`,
});

function emptySource(): ConsoleDataSource & { detail: ReturnType<typeof vi.fn> } {
  return {
    profile: () => undefined,
    lastSyncAt: () => undefined,
    all: () => ({ guests: [], nodes: [], storage: [], tasks: [] }),
    firstGuests: () => [],
    guests: () => [],
    nodes: () => [],
    storage: () => [],
    tasks: () => [],
    content: () => [],
    snapshots: () => [],
    detail: vi.fn((key: GuestKey): DetailData => ({ key, snapshots: [], tasks: [], history: [], loadedAt: Date.now() })),
  };
}

/** A task PVE runs until the test ends it: log lines are pushed through onLog as it goes. */
function controllableClient() {
  let options: WaitForTaskOptions | undefined;
  let finish: ((exit: string) => void) | undefined;
  const client: OperationClient = {
    call: async () => ({ data: UPID }),
    waitForTask: (upid, o) => {
      options = o;
      return new Promise((resolve) => {
        finish = (exitstatus) =>
          resolve({ upid, node: 'pve2', status: { upid, node: 'pve2', status: 'stopped', exitstatus }, exitstatus, ok: exitstatus === 'OK', log: [{ n: 1, t: 'starting' }, { n: 2, t: `end: ${exitstatus}` }] });
      });
    },
  };
  return {
    client,
    log: (...lines: string[]) => options?.onLog?.(lines.map((t, i) => ({ n: i + 1, t }))),
    end: (exit: string) => finish?.(exit),
  };
}

const controllers: ConsoleController[] = [];

function setup(client: OperationClient, extra: { recordOperation?: (p: OperationPlan, r: OperationResult, at: number) => Promise<void> } = {}) {
  const c = createConsoleStore({ meta: { profile: 'lab', endpoint: 'https://pve:8006', readOnly: false } });
  const source = emptySource();
  const controller = createController({ console: c, source, operationsClient: async () => client, batchMs: 100, finishedShownMs: 5_000, ...extra });
  controllers.push(controller);
  let frames = 0;
  c.store.subscribe(() => void frames++);
  return { c, source, controller, state: () => c.store.getState(), frames: () => frames };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'] });
  vi.setSystemTime(T0);
});

afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
  vi.useRealTimers();
});

describe('the tasks panel state', () => {
  it('a run shows its UPID at once, its log as it comes (batched), its end, then leaves the panel', async () => {
    const task = controllableClient();
    const h = setup(task.client);
    const done = h.controller.runOperations([plan(101)]);
    expect(tasksPanelShown(h.state())).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(selectPanelRuns(h.state())[0]).toMatchObject({ label: 'start VM 101 vm-101', state: 'running', upid: UPID, startedAt: T0 });

    // Three log callbacks in one batch window: one store change, with the newest lines.
    const before = h.frames();
    task.log('starting VM 101');
    task.log('\u001b[31mred\u001b[0m line');
    task.log('booting');
    expect(selectPanelRuns(h.state())[0]!.logTail).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100);
    expect(h.frames() - before).toBe(1);
    expect(selectPanelRuns(h.state())[0]!.logTail).toEqual(['starting VM 101', 'red line', 'booting']);

    await vi.advanceTimersByTimeAsync(2_000);
    task.end('OK');
    await done;
    expect(selectPanelRuns(h.state())[0]).toMatchObject({ state: 'done', exitStatus: 'OK', message: 'OK', endedAt: T0 + 2_100, logTail: ['starting', 'end: OK'] });
    expect(h.state().operations.filter((o) => o.state === 'running')).toHaveLength(0);

    // On show a while, then settled: the panel goes (the run stays in the store's list).
    await vi.advanceTimersByTimeAsync(4_999);
    expect(tasksPanelShown(h.state())).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(tasksPanelShown(h.state())).toBe(false);
    expect(h.state().operations).toHaveLength(1);
    expect(h.state().operations[0]!.settled).toBe(true);
  });

  it("a failure shows PVE's error text and its log, and stays three times longer", async () => {
    const task = controllableClient();
    const h = setup(task.client);
    const done = h.controller.runOperations([plan(101)]);
    await vi.advanceTimersByTimeAsync(0);
    task.end('start failed: QEMU exited with code 1');
    await done;
    expect(selectPanelRuns(h.state())[0]).toMatchObject({ state: 'failed', message: 'start failed: QEMU exited with code 1', logTail: ['starting', 'end: start failed: QEMU exited with code 1'] });
    await vi.advanceTimersByTimeAsync(14_999);
    expect(tasksPanelShown(h.state())).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(tasksPanelShown(h.state())).toBe(false);
  });

  it('the panel takes rows from the list: the cursor stays on screen when it opens', async () => {
    const task = controllableClient();
    const h = setup(task.client);
    // A page of the guest list with the panel: the cursor's page shrinks by the panel's rows.
    const page = (): number => tableRows(h.state().size, tasksPanelShown(h.state()));
    const without = page();
    const done = h.controller.runOperations([plan(101)]);
    expect(page()).toBeLessThan(without);
    await vi.advanceTimersByTimeAsync(0);
    task.end('OK');
    await done;
  });

  it('each end is recorded with its plan and start; an open detail of the guest is reloaded', async () => {
    const task = controllableClient();
    const recorded: Array<{ action: string; outcome: string; startedAt: number }> = [];
    const h = setup(task.client, {
      recordOperation: async (p, r, at) => {
        recorded.push({ action: p.action, outcome: r.outcome, startedAt: at });
      },
    });
    h.c.actions.navigate({ screen: 'detail', key: 'qemu/101', tab: 'history' });
    await vi.advanceTimersByTimeAsync(0);
    h.source.detail.mockClear();
    const done = h.controller.runOperations([plan(101)]);
    await vi.advanceTimersByTimeAsync(500);
    task.end('OK');
    await done;
    await vi.advanceTimersByTimeAsync(0);
    expect(recorded).toEqual([{ action: 'start', outcome: 'done', startedAt: T0 }]);
    expect(h.source.detail).toHaveBeenCalledWith('qemu/101');
  });

  it('a lost connection ends the runs as failed, and records them so', async () => {
    const { ProxmoxError } = await import('../../proxmox/errors.js');
    const recorded: string[] = [];
    const h = setup(
      {
        call: async () => {
          throw new ProxmoxError('network', 'connection refused');
        },
        waitForTask: async () => {
          throw new Error('unreachable');
        },
      },
      { recordOperation: async (p, r) => void recorded.push(`${p.action} ${p.target.vmid} ${r.outcome} ${r.message}`) },
    );
    await h.controller.runOperations([plan(101)]);
    expect(selectPanelRuns(h.state())[0]).toMatchObject({ state: 'failed', message: 'connection refused' });
    await vi.advanceTimersByTimeAsync(0);
    expect(recorded).toEqual(['start 101 failed connection refused']);
  });

  it('dispose stops the timers: no change reaches the store afterwards', async () => {
    const task = controllableClient();
    const h = setup(task.client);
    const done = h.controller.runOperations([plan(101)]);
    await vi.advanceTimersByTimeAsync(0);
    task.log('a line');
    h.controller.dispose();
    controllers.length = 0;
    const before = h.frames();
    task.end('OK');
    await done;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.frames()).toBe(before);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('T hides the panel while a run goes on; a new operation shows it again; T brings back the settled runs', async () => {
    const task = controllableClient();
    const h = setup(task.client);
    const router = createInputRouter({ console: h.c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn() });
    try {
      const first = h.controller.runOperations([plan(101)]);
      await vi.advanceTimersByTimeAsync(0);
      expect(tasksPanelShown(h.state())).toBe(true);
      press(router, 'T');
      expect(tasksPanelShown(h.state())).toBe(false);
      task.end('OK');
      await first;
      expect(tasksPanelShown(h.state())).toBe(false);

      const second = controllableClient();
      h.controller.dispose();
      const h2 = setup(second.client);
      h2.c.actions.setTasksPanel('hidden');
      const run = h2.controller.runOperations([plan(102)]);
      expect(tasksPanelShown(h2.state())).toBe(true);
      await vi.advanceTimersByTimeAsync(0);
      second.end('OK');
      await run;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(tasksPanelShown(h2.state())).toBe(false);
      // Settled, yet T shows it (and T again hides it).
      const router2 = createInputRouter({ console: h2.c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn() });
      press(router2, 'T');
      expect(tasksPanelShown(h2.state())).toBe(true);
      expect(selectPanelRuns(h2.state()).map((r) => `${r.label} ${r.state}`)).toEqual(['start VM 102 vm-102 done']);
      press(router2, 'T');
      expect(tasksPanelShown(h2.state())).toBe(false);
      router2.dispose();
    } finally {
      router.dispose();
    }
  });
});
