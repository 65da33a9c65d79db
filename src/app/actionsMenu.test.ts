import { describe, expect, it, vi } from 'vitest';
import { makeConsole, press, type } from '../store/test-support/consoleFixture.js';
import { actionsMenu, actionTargets, confirmDialog, dialogTargets, planFor, planQuestion, typeNameQuestion } from './actionsMenu.js';
import { createInputRouter } from './inputRouter.js';
import { DEFAULT_KEYMAP } from './keymap.js';
import type { OperationPlan } from '../operations/types.js';

// Guests by vmid: 100 web-01 running, 101 web-02 stopped, 102 db-01 running and locked (backup),
// 103 paused-vm, 200 pihole, 201 web-01 (ct), 9000 a template.

const items = (menu: ReturnType<typeof actionsMenu>) => menu?.dialog?.kind === 'actions' ? menu.dialog.items.map((i) => `${i.key} ${i.action}`) : [];

describe('actionsMenu', () => {
  const DIALOGS = ['n guest-snapshot', 'c guest-clone', 'm guest-migrate', 'e guest-edit', 't guest-tags', 'T guest-template', 'D guest-delete'];

  it('offers what applies to the guest now, each with its key, then the dialogs', () => {
    const s = makeConsole().store.getState();
    expect(items(actionsMenu(s, ['qemu/101']))).toEqual(['s start', ...DIALOGS]);
    expect(items(actionsMenu(s, ['qemu/100']))).toEqual(['x stop', 'd shutdown', 'b reboot', 'R reset', 'p suspend', ...DIALOGS]);
    expect(items(actionsMenu(s, ['qemu/103']))).toEqual(['x stop', 'u resume', ...DIALOGS]);
    expect(items(actionsMenu(s, ['lxc/200']))).toEqual(['x stop', 'd shutdown', 'b reboot', 'p suspend', ...DIALOGS]);
    expect(actionsMenu(s, ['qemu/100'])?.body).toContain('  n  snapshot: take, roll back or delete one...');
  });

  it('a template: no lifecycle, no snapshot, no second conversion; clone, migrate, edit, tags, delete', () => {
    const s = makeConsole().store.getState();
    expect(items(actionsMenu(s, ['qemu/9000']))).toEqual(['c guest-clone', 'm guest-migrate', 'e guest-edit', 't guest-tags', 'D guest-delete']);
  });

  it('a locked guest: the menu says the lock before anything is picked', () => {
    const s = makeConsole().store.getState();
    const menu = actionsMenu(s, ['qemu/102'])!;
    expect(menu.body.at(-1)).toBe('VM 102 db-01 is locked (backup): what is picked is refused until it ends');
    expect(menu.body[0]).toMatch(/^> x {2}stop/);
  });

  it('for several guests: what applies to any of them, and the dialogs that act on several', () => {
    const s = makeConsole().store.getState();
    expect(items(actionsMenu(s, ['qemu/100', 'qemu/101']))).toEqual(['s start', 'x stop', 'd shutdown', 'b reboot', 'R reset', 'p suspend', 'n guest-snapshot', 'm guest-migrate', 't guest-tags', 'D guest-delete']);
    expect(actionsMenu(s, ['qemu/100', 'qemu/101'])?.title).toBe('Actions: 2 guests');
  });

  it('a dialog opens for the guests it applies to; the others are refused at once, saying why', () => {
    const s = makeConsole().store.getState();
    const del = dialogTargets(s, 'guest-delete', ['qemu/100', 'qemu/101', 'qemu/102']);
    expect(del.targets.map((t) => t.vmid)).toEqual([101]);
    expect(del.refusals.map((r) => r.message)).toEqual(['VM 100 web-01 is running: stop it first (proxmox-mpc stop vm 100)', 'VM 102 db-01 is locked (backup): wait for the backup to finish']);
    expect(dialogTargets(s, 'guest-template', ['qemu/100']).refusals[0]!.message).toMatch(/^VM 100 web-01 is running: only a stopped guest becomes a template/);
    // Not a batch dialog: the first guest only.
    expect(dialogTargets(s, 'guest-clone', ['qemu/100', 'qemu/101']).targets.map((t) => t.vmid)).toEqual([100]);
    const ro = makeConsole({ meta: { readOnly: true } }).store.getState();
    expect(dialogTargets(ro, 'guest-snapshot', ['qemu/101']).refusals[0]!.reason).toBe('read-only');
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

const deletePlan = (vmid: number, name: string): OperationPlan => ({
  action: 'delete',
  target: { type: 'qemu', vmid, node: 'pve1', name, status: 'stopped', template: false },
  risk: 'critical',
  calls: [{ method: 'DELETE', path: `/nodes/pve1/qemu/${vmid}` }],
  summary: `delete VM ${vmid} ${name} on pve1 for good`,
  loss: `the guest ${name} and its 1 volume (local-lvm:vm-${vmid}-disk-0)`,
});

describe('the question planned operations need', () => {
  it('none for low risk, y/N for medium and high, the name for critical', () => {
    const s = makeConsole().store.getState();
    expect(planQuestion(planFor(s, 'start', ['qemu/101']).plans)).toBeUndefined();
    const stop = planQuestion(planFor(s, 'stop', ['qemu/100']).plans, [{ action: 'stop', target: deletePlan(102, 'db-01').target, reason: 'locked', message: 'VM 102 db-01 is locked (backup)' }])!;
    expect(stop.dialog).toMatchObject({ kind: 'run', how: 'yes-no' });
    expect(stop.body).toEqual(['HIGH: stop VM 100 web-01 on pve1 at once, like pulling the power.', 'Could be lost: anything the guest has not written to disk is lost.', 'Left out: VM 102 db-01 is locked (backup).']);
    const del = planQuestion([deletePlan(101, 'web-02')])!;
    expect(del.dialog).toMatchObject({ kind: 'run', how: 'type-name', at: 0, typed: '' });
    expect(del.body).toEqual([
      'CRITICAL: delete VM 101 web-02 on pve1 for good.',
      'Could be lost: the guest web-02 and its 1 volume (local-lvm:vm-101-disk-0).',
      '',
      "Type the guest's name (web-02) to confirm: _",
    ]);
  });

  it('a wrong name is said, and the name is asked again', () => {
    const q = typeNameQuestion([deletePlan(101, 'web-02')], 0, '', 'web-2');
    expect(q.body.at(-1)).toBe("'web-2' is not web-02: nothing was done. Type the name exactly, or Esc to cancel.");
  });
});

describe('the dialogs from the menu', () => {
  const setup = () => {
    const c = makeConsole();
    const operate = vi.fn<(plans: OperationPlan[]) => void>();
    const wizards = { open: vi.fn(), openGuest: vi.fn(), reload: vi.fn(), submit: vi.fn(), run: vi.fn<(plans: OperationPlan[]) => void>() };
    const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn(), operate, wizards });
    return { c, operate, wizards, router, modal: () => c.store.getState().modal, message: () => c.store.getState().message?.text };
  };

  it('a letter opens its dialog for the guest', () => {
    const h = setup();
    press(h.router, 'j', 'a', 'n');
    expect(h.modal()).toBeUndefined();
    expect(h.wizards.openGuest).toHaveBeenCalledWith('guest-snapshot', ['qemu/101']);
  });

  it('delete of a running guest is refused at once, saying why; nothing opens', () => {
    const h = setup();
    press(h.router, 'a', 'D');
    expect(h.wizards.openGuest).not.toHaveBeenCalled();
    expect(h.message()).toBe('VM 100 web-01 is running: stop it first (proxmox-mpc stop vm 100)');
  });

  it('a locked guest: the dialog is refused naming the lock', () => {
    const h = setup();
    press(h.router, 'j', 'j', 'a', 'm');
    expect(h.wizards.openGuest).not.toHaveBeenCalled();
    expect(h.message()).toBe('VM 102 db-01 is locked (backup): wait for the backup to finish');
  });

  it('marked guests: a batch dialog opens for those it applies to, the rest are said', () => {
    const h = setup();
    press(h.router, '<space>', '<space>', '<space>');
    press(h.router, 'a', 'D');
    expect(h.wizards.openGuest).toHaveBeenCalledWith('guest-delete', ['qemu/101']);
    expect(h.message()).toMatch(/^2 of 3 refused: VM 100 web-01 is running/);
  });

  it('the name question: a wrong name does nothing, the right one runs; Esc cancels', () => {
    const h = setup();
    const plans = [deletePlan(101, 'web-02')];
    h.c.actions.showModal(planQuestion(plans));
    type(h.router, 'web-2');
    expect(h.modal()?.body.at(-1)).toBe("Type the guest's name (web-02) to confirm: web-2_");
    press(h.router, '<enter>');
    expect(h.wizards.run).not.toHaveBeenCalled();
    expect(h.modal()?.body.at(-1)).toMatch(/^'web-2' is not web-02: nothing was done/);
    // q and y are letters of a name here, not answers.
    type(h.router, 'web-0y');
    press(h.router, '<bs>');
    type(h.router, '2');
    press(h.router, '<enter>');
    expect(h.modal()).toBeUndefined();
    expect(h.wizards.run).toHaveBeenCalledWith(plans);
    h.c.actions.showModal(planQuestion(plans));
    type(h.router, 'web-02');
    press(h.router, '<esc>');
    expect(h.modal()).toBeUndefined();
    expect(h.wizards.run).toHaveBeenCalledTimes(1);
    expect(h.message()).toBe('delete: cancelled, nothing was done');
  });

  it('several guests to delete: each name in turn, then all run', () => {
    const h = setup();
    const plans = [deletePlan(101, 'web-02'), deletePlan(104, 'old-01')];
    h.c.actions.showModal(planQuestion(plans));
    type(h.router, 'web-02');
    press(h.router, '<enter>');
    expect(h.modal()?.title).toBe('delete VM 104 old-01? (2 of 2)');
    expect(h.wizards.run).not.toHaveBeenCalled();
    type(h.router, 'old-01');
    press(h.router, '<enter>');
    expect(h.wizards.run).toHaveBeenCalledWith(plans);
  });

  it('y/N of planned operations: y runs them, n cancels', () => {
    const h = setup();
    const plans = planFor(h.c.store.getState(), 'stop', ['qemu/100']).plans;
    h.c.actions.showModal(planQuestion(plans));
    press(h.router, 'n');
    expect(h.wizards.run).not.toHaveBeenCalled();
    h.c.actions.showModal(planQuestion(plans));
    press(h.router, 'y');
    expect(h.wizards.run).toHaveBeenCalledWith(plans);
  });
});
