// The guest dialogs through the router and the controller, against the simulator: the facts
// read live when a dialog opens (snapshots, volumes, the next free vmid, nodes), the plan run
// in the background (low risk at once, critical after the guest's name), and a console
// shutdown that failed with the guest running followed by the offer to stop it. Real timers;
// every wait is on a predicate.
import { afterEach, describe, expect, it } from 'vitest';
import { planPower } from '../../operations/power.js';
import type { OperationPlan } from '../../operations/types.js';
import type { ProxmoxClient } from '../../proxmox/client.js';
import { loadGuestDialog, type GuestContext } from '../../screens/wizards/guestDialogs.js';
import { guest, makeConsole, press, type } from '../../store/test-support/consoleFixture.js';
import type { ConsoleState } from '../../store/types.js';
import { startTestSimulator, waitFor } from '../../sync/test-support/sim.js';
import { createInputRouter, type InputRouter } from '../inputRouter.js';
import { DEFAULT_KEYMAP } from '../keymap.js';
import { createController, type ConsoleController } from './controller.js';
import { staticSource } from './test-support/staticSource.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Harness {
  client: ProxmoxClient;
  router: InputRouter;
  controller: ConsoleController;
  state(): ConsoleState;
  loads: string[];
}

/** The homelab simulator, a console whose guest list is the cluster's, its router and controller. */
async function setup(): Promise<Harness> {
  const { sim, client } = await startTestSimulator({ scenario: 'homelab' });
  const resources = await client.clusterResources('vm');
  const guests = resources
    .map((r) => guest(r.type as 'qemu' | 'lxc', r.vmid!, r.name ?? '', r.node!, { status: r.status ?? 'unknown', template: r.template === true, ...(r.lock ? { lock: r.lock } : {}) }))
    .sort((a, b) => a.vmid - b.vmid);
  const c = makeConsole({ data: null });
  const loads: string[] = [];
  const controller = createController({
    console: c,
    // The cache as the sync left it: the cluster's guests.
    source: staticSource(guests),
    operationsClient: async () => client,
    guestDialogContext: (id, targets, readOnly) => {
      loads.push(`${id} ${targets.map((t) => t.vmid).join(',')}`);
      return loadGuestDialog(client, id, targets, readOnly);
    },
  });
  const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: () => undefined, exit: () => undefined, operate: (plans) => void controller.runOperations(plans), wizards: controller.wizards });
  cleanups.push(async () => {
    router.dispose();
    controller.dispose();
    client.close();
    await sim.close();
  });
  await waitFor(() => !c.store.getState().data.guestsPartial, 5000, 'the guests loaded');
  return { client, router, controller, state: () => c.store.getState(), loads };
}

/** Puts the cursor on a guest of the list (`/name` then Enter). */
function select(h: Harness, name: string): void {
  type(h.router, `/${name}`);
  press(h.router, '<enter>');
  const cursorRow = h.state().data.guests.find((g) => g.name === name);
  expect(cursorRow, name).toBeDefined();
}

const ready = (h: Harness) => waitFor(() => h.state().wizard?.session !== undefined && !h.state().wizard?.loading && h.state().wizard, 10_000, 'the dialog ready');
const context = (h: Harness) => h.state().wizard!.context as GuestContext;

describe('guest dialogs in the console', { timeout: 30_000 }, () => {
  it('snapshot: opens with the guest read live, takes one at once (low risk)', async () => {
    const h = await setup();
    select(h, 'test-vm');
    press(h.router, 'a', 'n');
    expect(h.state().wizard).toMatchObject({ loading: true, keys: ['qemu/114'] });
    await ready(h);
    expect(h.loads).toEqual(['guest-snapshot 114']);
    expect(context(h).targets[0]).toMatchObject({ vmid: 114, node: 'pve2', status: 'stopped' });
    expect(context(h).facts).toEqual([[]]);
    press(h.router, '<tab>');
    type(h.router, 'from-console');
    press(h.router, '<enter>');
    expect(h.state().wizard!.session!.step).toBe(1);
    press(h.router, '<enter>');
    // Low risk: no question; it runs in the background.
    expect(h.state().wizard).toBeUndefined();
    expect(h.state().modal).toBeUndefined();
    await waitFor(async () => (await h.client.guest('qemu').snapshots('pve2', 114)).some((s) => s.name === 'from-console'), 10_000, 'the snapshot taken');
    await waitFor(() => /snapshot create VM 114 test-vm: OK/.test(h.state().message?.text ?? ''), 10_000, 'the end told');
  });

  it('delete: the volumes read live are named; a wrong name deletes nothing, the right one does', async () => {
    const h = await setup();
    select(h, 'test-vm');
    press(h.router, 'a', 'D');
    await ready(h);
    const volumes = (context(h).facts as { volumes: string[] }[])[0]!.volumes;
    expect(volumes.length).toBeGreaterThan(0);
    press(h.router, '<enter>', '<enter>');
    const question = h.state().modal!;
    expect(question.dialog).toMatchObject({ kind: 'run', how: 'type-name' });
    expect(question.body.join('\n')).toContain(volumes.join(', '));
    type(h.router, 'test-wm');
    press(h.router, '<enter>');
    expect(h.state().modal?.body.at(-1)).toMatch(/^'test-wm' is not test-vm: nothing was done/);
    expect((await h.client.clusterResources('vm')).some((g) => g.vmid === 114)).toBe(true);
    type(h.router, 'test-vm');
    press(h.router, '<enter>');
    expect(h.state().modal).toBeUndefined();
    await waitFor(async () => !(await h.client.clusterResources('vm')).some((g) => g.vmid === 114), 10_000, 'the guest gone');
  });

  it('clone: the next free vmid from the cluster is proposed', async () => {
    const h = await setup();
    select(h, 'web-01');
    press(h.router, 'a', 'c');
    await ready(h);
    expect(h.state().wizard!.session!.values).toMatchObject({ newid: String(await h.client.nextId()), name: 'web-01-clone', targetNode: 'pve1' });
  });

  it('migrate: the other online nodes; a stopped guest moves offline after y', async () => {
    const h = await setup();
    select(h, 'test-vm');
    press(h.router, 'a', 'm');
    await ready(h);
    expect(h.state().wizard!.session!.values.targetNode).toBe('pve1');
    press(h.router, '<enter>', '<enter>');
    expect(h.state().modal?.dialog).toMatchObject({ kind: 'run', how: 'yes-no' });
    press(h.router, 'y');
    await waitFor(async () => (await h.client.clusterResources('vm')).find((g) => g.vmid === 114)?.node === 'pve1', 15_000, 'the guest on pve1');
  });

  it("PVE's 400 reopens the dialog on the field it names, nothing typed lost", async () => {
    const h = await setup();
    select(h, 'test-vm');
    press(h.router, 'a', 'e');
    await ready(h);
    expect(h.state().wizard!.session!.values).toMatchObject({ cores: expect.stringMatching(/^\d+$/), onboot: expect.any(Boolean) });
    // Longer than PVE takes (8192): the dialog does not check it, PVE does.
    const long = 'x'.repeat(8200);
    press(h.router, '<tab>', '<tab>', '<tab>', '<c-u>');
    type(h.router, long);
    press(h.router, '<enter>', '<enter>');
    expect(h.state().modal?.dialog).toMatchObject({ kind: 'run', how: 'yes-no' });
    press(h.router, 'y');
    const w = await waitFor(() => h.state().wizard?.status?.level === 'error' && h.state().wizard, 10_000, 'the dialog reopened');
    expect(w.status!.text).toBe('PVE refused it: fix the field marked, then Enter');
    expect(w.session!.external).toEqual({ description: expect.stringMatching(/8192 characters/) });
    expect(w.session!.values.description).toBe(long);
    expect(w.def.steps[w.session!.step]!.fields[w.session!.focus]!.id).toBe('description');
  });

  it('a console shutdown that fails with the guest running offers to stop it; y stops it', async () => {
    const h = await setup();
    const monitoring = h.state().data.guests.find((g) => g.vmid === 117)!;
    const shutdown = planPower('shutdown', { ...monitoring, template: false }, { readOnly: false }, { timeoutSeconds: 1 }) as OperationPlan;
    await h.controller.runOperations([shutdown]);
    const offer = h.state().modal!;
    expect(offer.title).toBe('VM 117 monitoring did not shut down: stop it now?');
    expect(offer.body[0]).toMatch(/^The shutdown of VM 117 monitoring failed: .*timeout/);
    expect(offer.body).toContain('HIGH: stop VM 117 monitoring on pve1 at once, like pulling the power.');
    press(h.router, 'y');
    await waitFor(async () => (await h.client.clusterResources('vm')).find((g) => g.vmid === 117)?.status === 'stopped', 15_000, 'the guest stopped');
  });
});
