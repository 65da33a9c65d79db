import { describe, expect, it, vi } from 'vitest';
import { makeConsole, press } from '../store/test-support/consoleFixture.js';
import { actionsMenu, actionTargets, confirmDialog, planFor } from './actionsMenu.js';
import { createInputRouter } from './inputRouter.js';
import { DEFAULT_KEYMAP } from './keymap.js';
import type { OperationPlan } from '../operations/types.js';

// Guests by vmid: 100 web-01 running, 101 web-02 stopped, 102 db-01 running and locked (backup),
// 103 paused-vm, 200 pihole, 201 web-01 (ct), 9000 a template.

const items = (menu: ReturnType<typeof actionsMenu>) => menu?.dialog?.kind === 'actions' ? menu.dialog.items.map((i) => `${i.key} ${i.action}`) : [];

describe('actionsMenu', () => {
  it('offers what applies to the guest now, each with its key', () => {
    const s = makeConsole().store.getState();
    expect(items(actionsMenu(s, ['qemu/101']))).toEqual(['s start']);
    expect(items(actionsMenu(s, ['qemu/100']))).toEqual(['x stop', 'd shutdown', 'b reboot', 'R reset', 'p suspend']);
    expect(items(actionsMenu(s, ['qemu/103']))).toEqual(['x stop', 'u resume']);
    expect(items(actionsMenu(s, ['lxc/200']))).toEqual(['x stop', 'd shutdown', 'b reboot', 'p suspend']);
    expect(actionsMenu(s, ['qemu/9000'])?.body[0]).toMatch(/Nothing applies now/);
  });

  it('for several guests: what applies to any of them', () => {
    const s = makeConsole().store.getState();
    expect(items(actionsMenu(s, ['qemu/100', 'qemu/101']))).toEqual(['s start', 'x stop', 'd shutdown', 'b reboot', 'R reset', 'p suspend']);
    expect(actionsMenu(s, ['qemu/100', 'qemu/101'])?.title).toBe('Actions: 2 guests');
  });

  it('targets: the marked guests, else the cursor row, else the open detail', () => {
    const c = makeConsole();
    expect(actionTargets(c.store.getState())).toEqual(['qemu/100']);
    c.actions.toggleMark('qemu/101');
    c.actions.toggleMark('lxc/200');
    expect(actionTargets(c.store.getState())).toEqual(['qemu/101', 'lxc/200']);
    c.actions.navigate({ screen: 'detail', key: 'qemu/103', tab: 'summary' });
    expect(actionTargets(c.store.getState())).toEqual(['qemu/103']);
    c.actions.switchTo({ screen: 'nodes' });
    expect(actionTargets(c.store.getState())).toEqual([]);
  });

  it('plans each guest; a locked one and read-only mode are refused', () => {
    const s = makeConsole().store.getState();
    const { plans, refusals } = planFor(s, 'stop', ['qemu/100', 'qemu/102']);
    expect(plans.map((p) => p.target.vmid)).toEqual([100]);
    expect(refusals.map((r) => r.message)).toEqual(['VM 102 db-01 is locked (backup): wait for the backup to finish']);
    const ro = makeConsole({ meta: { readOnly: true } }).store.getState();
    expect(planFor(ro, 'start', ['qemu/101']).refusals[0]!.reason).toBe('read-only');
  });

  it('asks y/N for what is risky, saying what could be lost; not for low risk', () => {
    const s = makeConsole().store.getState();
    expect(confirmDialog(s, 'start', planFor(s, 'start', ['qemu/101']).plans)).toBeUndefined();
    const stop = confirmDialog(s, 'stop', planFor(s, 'stop', ['qemu/100']).plans)!;
    expect(stop.title).toBe('stop VM 100 web-01?');
    expect(stop.body).toEqual(['HIGH: stop VM 100 web-01 on pve1 at once, like pulling the power.', 'Could be lost: anything the guest has not written to disk is lost.']);
    const both = confirmDialog(s, 'reboot', planFor(s, 'reboot', ['qemu/100', 'lxc/200']).plans)!;
    expect(both.body[0]).toBe('MEDIUM: reboot 2 guests: VM 100 web-01, CT 200 pihole.');
  });
});

describe('the actions in the console (a)', () => {
  const setup = (readOnly = false) => {
    const c = makeConsole({ meta: { readOnly } });
    const operate = vi.fn<(plans: OperationPlan[]) => void>();
    const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn(), operate });
    return { c, operate, router, modal: () => c.store.getState().modal };
  };

  it('a low-risk action runs at once from its key', () => {
    const h = setup();
    press(h.router, 'j', 'a');
    expect(h.modal()?.title).toBe('Actions: VM 101 web-02');
    press(h.router, 's');
    expect(h.modal()).toBeUndefined();
    expect(h.operate).toHaveBeenCalledTimes(1);
    expect(h.operate.mock.calls[0]![0].map((p) => `${p.action} ${p.target.vmid}`)).toEqual(['start 101']);
  });

  it('a risky one asks first: y runs it, n cancels', () => {
    const h = setup();
    press(h.router, 'a', 'x');
    expect(h.modal()?.dialog?.kind).toBe('confirm');
    expect(h.operate).not.toHaveBeenCalled();
    press(h.router, 'n');
    expect(h.modal()).toBeUndefined();
    expect(h.c.store.getState().message?.text).toBe('stop: cancelled');
    press(h.router, 'a', 'x', 'y');
    expect(h.operate).toHaveBeenCalledTimes(1);
    expect(h.operate.mock.calls[0]![0][0]!.action).toBe('stop');
  });

  it('Enter on the confirmation is no: the safe answer', () => {
    const h = setup();
    press(h.router, 'a', 'x', '<enter>');
    expect(h.operate).not.toHaveBeenCalled();
  });

  it('j/k move in the menu and Enter picks', () => {
    const h = setup();
    press(h.router, 'a', 'j', 'j');
    expect(h.modal()?.body[2]).toMatch(/^> b {2}reboot/);
    press(h.router, '<enter>', 'y');
    expect(h.operate.mock.calls[0]![0][0]!.action).toBe('reboot');
  });

  it('the marked guests are acted on together; the locked one is reported', () => {
    const h = setup();
    press(h.router, '<space>', 'j', '<space>', '<space>');
    press(h.router, 'a', 'x', 'y');
    expect(h.operate.mock.calls[0]![0].map((p) => p.target.vmid)).toEqual([100, 103]);
    expect(h.c.store.getState().message?.text).toMatch(/1 of 3 refused: VM 102 db-01 is locked \(backup\)/);
  });

  it('read-only mode offers no actions', () => {
    const h = setup(true);
    press(h.router, 'a');
    expect(h.modal()).toBeUndefined();
    expect(h.c.store.getState().message?.text).toMatch(/read-only/);
  });
});
