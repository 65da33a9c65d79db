// Operations the console does not run are told to the `declined` hook (the console records
// them in history): not confirmed at the question, or refused when planned (a lock).
import { describe, expect, it, vi } from 'vitest';
import { declinedEntries } from '../operations/record.js';
import type { OperationPlan, Refusal } from '../operations/types.js';
import { makeConsole, press } from '../store/test-support/consoleFixture.js';
import { createInputRouter } from './inputRouter.js';
import { DEFAULT_KEYMAP } from './keymap.js';

// Guests by vmid: 100 web-01 running, 101 web-02 stopped, 102 db-01 running and locked (backup).
const setup = () => {
  const c = makeConsole({ meta: { readOnly: false } });
  const operate = vi.fn<(plans: OperationPlan[]) => void>();
  const declined = vi.fn<(plans: readonly OperationPlan[], refusals: readonly Refusal[]) => void>();
  const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn(), operate, declined });
  return { c, operate, declined, router };
};

describe('operations the console does not run', () => {
  it('n at the question: the plans, not confirmed; y: nothing declined', () => {
    const h = setup();
    press(h.router, 'a', 'x', 'n');
    expect(h.declined).toHaveBeenCalledTimes(1);
    const [plans, refusals] = h.declined.mock.calls[0]!;
    expect(plans.map((p) => `${p.action} ${p.target.vmid}`)).toEqual(['stop 100']);
    expect(refusals).toEqual([]);
    press(h.router, 'a', 'x', 'y');
    expect(h.declined).toHaveBeenCalledTimes(1);
    expect(h.operate).toHaveBeenCalledTimes(1);
  });

  it('a locked guest: its refusal, once, whether or not the others are asked about', () => {
    const h = setup();
    // 102 db-01 alone: refused at once.
    press(h.router, 'j', 'j', 'a', 'x');
    expect(h.declined).toHaveBeenCalledTimes(1);
    expect(h.declined.mock.calls[0]![1].map((r) => `${r.action} ${r.target.vmid} ${r.reason}`)).toEqual(['stop 102 locked']);
    h.declined.mockClear();
    // Marked with 100 (Space marks and moves down): the question first, the refusal when it is answered.
    press(h.router, '<space>', 'k', 'k', 'k', '<space>', 'a', 'x');
    expect(h.declined).not.toHaveBeenCalled();
    press(h.router, 'y');
    expect(h.declined).toHaveBeenCalledTimes(1);
    expect(h.declined.mock.calls[0]![1].map((r) => r.target.vmid)).toEqual([102]);
    expect(h.operate.mock.calls[0]![0].map((p) => p.target.vmid)).toEqual([100]);
  });

  it('as history entries: refused with the reason, or not confirmed with the risk and calls', () => {
    const h = setup();
    press(h.router, 'a', 'x', 'n');
    const [plans] = h.declined.mock.calls[0]!;
    const entries = declinedEntries(plans, [{ action: 'stop', target: plans[0]!.target, reason: 'locked', message: 'VM 100 is locked (backup)' }], { source: 'console', user: 'root@pam' });
    expect(entries.map((e) => `${e.action} ${e.vmid} ${e.outcome} ${e.risk ?? '-'} ${e.message} ${e.calls.length}`)).toEqual(['stop 100 refused - VM 100 is locked (backup) 0', 'stop 100 refused high not confirmed 1']);
  });

  it("a dialog's planned operations cancelled at their question (y/N or the name typed)", () => {
    const h = setup();
    const target = { type: 'qemu' as const, vmid: 101, node: 'pve1', name: 'web-02', status: 'stopped', template: false };
    const plan: OperationPlan = { action: 'delete', target, risk: 'critical', calls: [{ method: 'DELETE', path: '/nodes/pve1/qemu/101' }], summary: 'delete VM 101 web-02' };
    h.c.actions.showModal({ title: 'delete VM 101 web-02?', body: [], dialog: { kind: 'run', plans: [plan], how: 'type-name', at: 0, typed: '' } });
    press(h.router, '<esc>');
    expect(h.declined).toHaveBeenCalledWith([plan], []);
    h.c.actions.showModal({ title: 'stop?', body: [], dialog: { kind: 'run', plans: [{ ...plan, action: 'stop', risk: 'high' }], how: 'yes-no', at: 0, typed: '' } });
    press(h.router, 'n');
    expect(h.declined).toHaveBeenCalledTimes(2);
    expect(h.operate).not.toHaveBeenCalled();
  });
});
