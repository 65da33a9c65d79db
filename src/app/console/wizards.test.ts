// The create wizards through the router and the controller, against the simulator: choices
// read live (again for another node), a load failure said and retried, a guest created, and
// PVE's 400 mapped back to the wizard's field with nothing lost. Real timers: the simulator's
// tasks run in time; every wait is on a predicate.
import { afterEach, describe, expect, it } from 'vitest';
import { loadCreateChoices, loadTemplateFacts, type CreateChoices } from '../../operations/choices.js';
import type { ProxmoxClient } from '../../proxmox/client.js';
import { makeConsole, press, type } from '../../store/test-support/consoleFixture.js';
import type { ConsoleState } from '../../store/types.js';
import { startTestSimulator, waitFor } from '../../sync/test-support/sim.js';
import type { WizardSession } from '../../screens/wizards/engine.js';
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
  session(): WizardSession;
  loads: (string | undefined)[];
}

async function setup(options: { readOnly?: boolean; choices?: (client: ProxmoxClient, node?: string) => Promise<CreateChoices> } = {}): Promise<Harness> {
  const { sim, client } = await startTestSimulator({ scenario: 'homelab' });
  const c = makeConsole({ data: null, meta: { readOnly: options.readOnly ?? false } });
  const loads: (string | undefined)[] = [];
  const controller = createController({
    console: c,
    source: staticSource(),
    operationsClient: async () => client,
    createChoices: (node) => {
      loads.push(node);
      return (options.choices ?? loadCreateChoices)(client, node);
    },
    templateFacts: (node, vmid) => loadTemplateFacts(client, node, vmid),
  });
  const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: () => undefined, exit: () => undefined, operate: (plans) => void controller.runOperations(plans), wizards: controller.wizards });
  cleanups.push(async () => {
    router.dispose();
    controller.dispose();
    client.close();
    await sim.close();
  });
  const state = () => c.store.getState();
  return { client, router, controller, state, session: () => state().wizard!.session!, loads };
}

const ready = (h: Harness) => waitFor(() => h.state().wizard?.session !== undefined && !h.state().wizard?.loading, 10_000, 'the wizard ready');
const stepTitle = (h: Harness): string => {
  const w = h.state().wizard!;
  return w.def.steps[w.session!.step]?.title ?? 'Review';
};

describe('the create wizards in the console', () => {
  it('c opens the create-VM wizard: loading first, then the live choices with the next free vmid', async () => {
    const h = await setup();
    press(h.router, 'c');
    expect(h.state().wizard).toMatchObject({ loading: true, status: { level: 'info' } });
    expect(h.state().wizard!.status!.text).toContain('loading');
    await ready(h);
    const choices = h.state().wizard!.context as CreateChoices;
    expect(choices.nodes.map((n) => n.name)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(h.session().values.node).toBe('pve1');
    press(h.router, '<enter>');
    expect(h.session().values.vmid).toBe(String(choices.nextVmid));
    expect(choices.usedVmids.has(choices.nextVmid)).toBe(false);
  });

  it('choosing another node reads that node\'s storages and bridges again', async () => {
    const h = await setup();
    press(h.router, 'c');
    await ready(h);
    press(h.router, '<right>');
    expect(h.session().values.node).toBe('pve2');
    expect(h.state().wizard!.loading).toBe(true);
    // Enter waits for the node's choices rather than going on with the old ones.
    press(h.router, '<enter>');
    expect(stepTitle(h)).toBe('Node');
    await ready(h);
    expect(h.loads).toEqual([undefined, 'pve2']);
    expect((h.state().wizard!.context as CreateChoices).node).toBe('pve2');
  });

  it('a failure to read the choices is said with what to do; Enter tries again', async () => {
    let fail = true;
    const h = await setup({ choices: (client, node) => (fail ? Promise.reject(new Error('connection refused')) : loadCreateChoices(client, node)) });
    press(h.router, 'c');
    await waitFor(() => h.state().wizard?.status?.level === 'error', 5_000, 'the failure');
    expect(h.state().wizard!.status!.text).toBe('could not read the choices from the cluster: connection refused. Enter tries again, Esc closes');
    fail = false;
    press(h.router, '<enter>');
    await ready(h);
    press(h.router, '<esc>');
    expect(h.state().wizard).toBeUndefined();
    expect(h.state().message?.text).toBe('Create VM: cancelled');
  });

  it('creates a container from the wizard: it exists on the cluster, running', async () => {
    const h = await setup();
    press(h.router, 'C');
    await ready(h);
    press(h.router, '<enter>');
    type(h.router, 'ct-wiz');
    press(h.router, '<enter>');
    expect(stepTitle(h)).toBe('Template');
    expect(h.session().values.template).toMatch(/:vztmpl\//);
    press(h.router, '<enter>');
    type(h.router, 'secret1');
    press(h.router, '<enter>', '<enter>', '<enter>', '<enter>', '<enter>');
    expect(stepTitle(h)).toBe('Review');
    const vmid = Number(h.session().values.vmid);
    press(h.router, '<enter>');
    expect(h.state().wizard).toBeUndefined();
    await waitFor(() => h.state().operations.find((o) => o.state !== 'running'), 20_000, 'the create ended');
    expect(h.state().operations[0]).toMatchObject({ label: `create CT ${vmid} ct-wiz`, state: 'done' });
    const ct = (await h.client.clusterResources('vm')).find((g) => g.vmid === vmid);
    expect(ct).toMatchObject({ type: 'lxc', name: 'ct-wiz', status: 'running' });
  });

  // (The disk keeps the template's size: the simulator has no resize endpoint yet.)
  it("clones a template with cloud-init: the template's disk size proposed, a static address, then running", async () => {
    const h = await setup();
    press(h.router, 'c');
    await ready(h);
    press(h.router, '<enter>');
    type(h.router, 'from-tpl');
    press(h.router, '<enter>', '<right>');
    expect(h.session().values['source.kind']).toBe('clone');
    await ready(h);
    const choices = h.state().wizard!.context as CreateChoices & { template?: { ref: string; facts: { disk?: { sizeGiB: number }; cloudInit: boolean } } };
    expect(choices.template?.ref).toBe(h.session().values['source.template']);
    const disk = choices.template!.facts.disk!;
    press(h.router, '<enter>', '<enter>', '<enter>');
    expect(stepTitle(h)).toBe('Disk');
    expect(h.session().values['disk.sizeGiB']).toBe(String(disk.sizeGiB));
    press(h.router, '<enter>', '<enter>');
    // The homelab's template is a cloud image: it has a cloud-init drive.
    expect(choices.template!.facts.cloudInit).toBe(true);
    expect(stepTitle(h)).toBe('Cloud-init');
    type(h.router, 'admin');
    press(h.router, '<tab>', '<tab>', '<right>', '<tab>');
    type(h.router, '192.168.50.20/24');
    press(h.router, '<tab>');
    type(h.router, '192.168.50.1');
    press(h.router, '<enter>');
    press(h.router, '<enter>');
    expect(stepTitle(h)).toBe('Review');
    const vmid = Number(h.session().values.vmid);
    press(h.router, '<enter>');
    await waitFor(() => h.state().operations.find((o) => o.state !== 'running'), 20_000, 'the clone ended');
    expect(h.state().operations[0], h.state().operations[0]?.message).toMatchObject({ label: `create VM ${vmid} from-tpl`, state: 'done' });
    const vm = (await h.client.clusterResources('vm')).find((g) => g.vmid === vmid);
    expect(vm).toMatchObject({ type: 'qemu', name: 'from-tpl', status: 'running' });
    const config = (await h.client.qemu.config(vm!.node!, vmid)).raw as Record<string, unknown>;
    expect(config).toMatchObject({ ciuser: 'admin', ipconfig0: 'gw=192.168.50.1,ip=192.168.50.20/24' });
  });

  it('PVE\'s 400 reopens the wizard on the field it names, with its message and every value kept', async () => {
    // Choices a poll behind: 'local' said to hold disk images, which PVE refuses.
    const h = await setup({
      choices: async (client, node) => {
        const c = await loadCreateChoices(client, node);
        return { ...c, storages: c.storages.map((s) => (s.id === 'local' ? { ...s, content: [...s.content, 'images'] } : s)) };
      },
    });
    press(h.router, 'c');
    await ready(h);
    press(h.router, '<enter>');
    type(h.router, 'bad-store');
    press(h.router, '<enter>', '<enter>', '<enter>', '<enter>');
    expect(stepTitle(h)).toBe('Disk');
    // Type to filter the storage list down to 'local'.
    type(h.router, 'local');
    press(h.router, '<right>');
    while (h.session().values['disk.storage'] !== 'local') press(h.router, '<right>');
    press(h.router, '<tab>', '<c-u>');
    type(h.router, '4');
    press(h.router, '<enter>', '<enter>', '<enter>');
    expect(stepTitle(h)).toBe('Review');
    press(h.router, '<enter>');
    expect(h.state().wizard).toBeUndefined();
    await waitFor(() => h.state().wizard, 10_000, 'the wizard reopened');
    const w = h.state().wizard!;
    expect(stepTitle(h)).toBe('Disk');
    expect(w.session!.values).toMatchObject({ name: 'bad-store', 'disk.storage': 'local', 'disk.sizeGiB': '4' });
    expect(w.session!.external).toEqual({ 'disk.storage': "storage 'local' does not support vm images" });
    expect(w.status).toMatchObject({ level: 'error' });
    expect(h.state().message).toMatchObject({ level: 'error' });
    expect((await h.client.clusterResources('vm')).some((g) => g.name === 'bad-store')).toBe(false);
  });

  it('another refusal before anything was created reopens the wizard on its review with PVE\'s words', async () => {
    const h = await setup();
    press(h.router, 'C');
    await ready(h);
    press(h.router, '<enter>');
    type(h.router, 'taken');
    press(h.router, '<enter>', '<enter>');
    type(h.router, 'secret1');
    press(h.router, '<enter>', '<enter>', '<enter>', '<enter>', '<enter>');
    expect(stepTitle(h)).toBe('Review');
    const vmid = Number(h.session().values.vmid);
    // Someone takes the vmid behind the wizard's back.
    await h.client.post('/nodes/pve2/qemu', { vmid, name: 'first' });
    press(h.router, '<enter>');
    await waitFor(() => h.state().wizard, 10_000, 'the wizard reopened');
    expect(stepTitle(h)).toBe('Review');
    expect(h.session().values).toMatchObject({ hostname: 'taken', password: 'secret1' });
    expect(h.state().wizard!.status!.text).toMatch(/^PVE refused it: .*already exists.*\. Esc goes back to change it \(nothing was created\)$/);
    // Back to the vmid, another one, and it goes through.
    press(h.router, '<esc>', '<esc>', '<esc>', '<esc>', '<esc>', '<esc>', '<esc>');
    expect(stepTitle(h)).toBe('Hostname and VMID');
    press(h.router, '<tab>', '<c-u>');
    type(h.router, String(vmid + 1000));
    for (let i = 0; i < 7; i++) press(h.router, '<enter>');
    expect(stepTitle(h)).toBe('Review');
    press(h.router, '<enter>');
    await waitFor(() => h.state().operations.find((o) => o.label.includes(String(vmid + 1000)) && o.state !== 'running'), 20_000, 'the second create');
    expect((await h.client.clusterResources('vm')).find((g) => g.vmid === vmid + 1000)).toMatchObject({ name: 'taken', type: 'lxc' });
  });

  it('read-only mode refuses the key and the command, and opens nothing', async () => {
    const h = await setup({ readOnly: true });
    press(h.router, 'c');
    expect(h.state().wizard).toBeUndefined();
    expect(h.state().message?.text).toContain('read-only mode: nothing is created');
    press(h.router, ':');
    type(h.router, 'create ct');
    press(h.router, '<enter>');
    expect(h.state().wizard).toBeUndefined();
    expect(h.loads).toEqual([]);
  });

  it(':create vm opens the VM wizard; :create alone says what to write', async () => {
    const h = await setup();
    press(h.router, ':');
    type(h.router, 'create');
    press(h.router, '<enter>');
    expect(h.state().message).toMatchObject({ text: 'create what? :create vm or :create ct', level: 'error' });
    press(h.router, ':');
    type(h.router, 'create vm');
    press(h.router, '<enter>');
    expect(h.state().wizard?.def.id).toBe('create-vm');
    await ready(h);
  });
});
