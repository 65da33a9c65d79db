// The input router on the drift screen: its keys go to driftKey (src/screens/driftModel.ts) and
// their effects are carried out here: Enter opens a guest's detail or says a file's path, r
// checks again through the run host, Esc clears the filter then goes back, the rest is the keymap's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DriftReport } from './iac/drift.js';
import { currentRoute } from '../store/selectors.js';
import { makeConsole, press, type } from '../store/test-support/consoleFixture.js';
import { INITIAL_DRIFT_VIEW } from '../screens/driftModel.js';
import { createInputRouter, type InputRouter } from './inputRouter.js';
import type { RunHost } from './console/runController.js';
import { DEFAULT_KEYMAP } from './keymap.js';

const VM = 'proxmox_virtual_environment_vm';
const REPORT: DriftReport = {
  drift: true,
  notInCode: [{ type: VM, vmid: 101, node: 'pve2', address: `${VM}.vm_101_web_02` }],
  noGuest: [{ address: `${VM}.vm_999_gone`, file: 'terraform/vm-999-gone.tf', line: 3, vmid: 999 }],
  changed: [{ address: `${VM}.vm_777_x`, file: 'terraform/vm-777-x.tf', vmid: 777, attributes: [{ name: 'memory.dedicated', code: 2048, live: 4096 }] }],
  unreadable: [],
  matching: 5,
};

const routers: InputRouter[] = [];
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
});

function setup() {
  const c = makeConsole();
  const iac = vi.fn();
  const runs = { iac } as unknown as RunHost;
  const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, runs, refresh: vi.fn(), exit: vi.fn() });
  routers.push(router);
  c.actions.setDrift({ ...INITIAL_DRIFT_VIEW, root: '/ws', name: 'ws', report: REPORT, names: { 101: 'web-02' } });
  c.actions.navigate({ screen: 'drift' });
  return { c, router, iac, state: () => c.store.getState() };
}

describe('input router: the drift screen', () => {
  it('Enter on a guest in the cache opens its detail; Esc comes back to the drift screen', () => {
    const h = setup();
    press(h.router, '<enter>');
    expect(currentRoute(h.state())).toEqual({ screen: 'detail', key: 'qemu/101', tab: 'summary' });
    press(h.router, '<esc>');
    expect(currentRoute(h.state()).screen).toBe('drift');
  });

  it("Enter on a file's row says its path; on a guest not in the cache, says so and stays", () => {
    const h = setup();
    press(h.router, 'j', '<enter>');
    expect(h.state().message?.text).toBe('/ws/terraform/vm-999-gone.tf:3: no guest has vm_id 999');
    press(h.router, 'j', '<enter>');
    expect(h.state().message).toMatchObject({ text: 'qemu/777 is not in the cache (:sync, then r)', level: 'warn' });
    expect(currentRoute(h.state()).screen).toBe('drift');
  });

  it('r checks again (not the sync of the other screens); not while a check runs', () => {
    const h = setup();
    press(h.router, 'r');
    expect(h.iac).toHaveBeenCalledWith('drift');
    h.c.actions.patchDrift({ running: true });
    press(h.router, 'r');
    expect(h.iac).toHaveBeenCalledTimes(1);
  });

  it('/ filters as typed; Esc clears the filter, then leaves; other keys are the keymap (:, 2)', () => {
    const h = setup();
    press(h.router, '/');
    type(h.router, 'gone');
    press(h.router, '<enter>');
    expect(h.state().drift).toMatchObject({ filter: 'gone', typing: undefined });
    press(h.router, '<esc>');
    expect(h.state().drift?.filter).toBe('');
    expect(currentRoute(h.state()).screen).toBe('drift');
    press(h.router, ':');
    expect(h.state().mode).toBe('palette');
    press(h.router, '<esc>', '<esc>');
    expect(currentRoute(h.state()).screen).toBe('guests');
  });
});
