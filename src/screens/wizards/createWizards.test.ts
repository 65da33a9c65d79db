import { describe, expect, it } from 'vitest';
import type { CreateChoices } from '../../operations/choices.js';
import { startWizard, wizardFrame, wizardKey, type WizardDef, type WizardSession } from './engine.js';
import { createCtWizard, ctSpecOf } from './createCt.js';
import { createVmWizard, vmSpecOf } from './createVm.js';
import { CREATE_WIZARDS, frameOf, loadCreateContext, storedDef } from './index.js';
import type { Choices } from './createFields.js';

const GiB = 1024 ** 3;
const choices: CreateChoices = {
  node: 'pve1',
  nodes: [
    { name: 'pve1', online: true, cpus: 8, memFreeBytes: 12 * GiB },
    { name: 'pve2', online: false },
  ],
  nextVmid: 105,
  usedVmids: new Set([100, 101, 9000]),
  storages: [
    { id: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup'], availBytes: 40 * GiB, totalBytes: 100 * GiB, active: true },
    { id: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], availBytes: 90 * GiB, totalBytes: 200 * GiB, active: true },
  ],
  bridges: [{ name: 'vmbr0', comment: 'LAN\x1b[2J' }, { name: 'vmbr1', vlanAware: true }],
  isos: [{ volid: 'local:iso/debian-12.iso', sizeBytes: 0.6 * GiB }],
  ctTemplates: [{ volid: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', sizeBytes: 0.12 * GiB }],
  vmTemplates: [{ node: 'pve1', vmid: 9000, name: 'debian-cloud' }],
  pools: [],
};

function drive<C>(def: WizardDef<C>, ctx: C, keys: string[], session = startWizard(def, ctx)): WizardSession {
  for (const k of keys) session = wizardKey(def, session, ctx, k).session;
  return session;
}
const typed = (text: string): string[] => [...text].map((c) => (c === ' ' ? 'space' : c));
const stepOf = <C>(def: WizardDef<C>, s: WizardSession): string => def.steps[s.step]?.title ?? 'Review';

describe('the create-VM wizard', () => {
  it('offers nodes with their facts, storages with free space, bridges with their (cleaned) comments', () => {
    const s = startWizard(createVmWizard, choices);
    const node = wizardFrame(createVmWizard, s, choices).fields[0]!;
    expect(node.options!.items).toEqual([
      { label: 'pve1', detail: '8 CPUs, 12 GiB memory free', selected: true },
      { label: 'pve2', detail: 'offline', selected: false },
    ]);
    const disk = drive(createVmWizard, choices, ['enter', ...typed('web-01'), 'enter', 'enter', 'enter', 'enter']);
    expect(stepOf(createVmWizard, disk)).toBe('Disk');
    const storage = wizardFrame(createVmWizard, disk, choices).fields[0]!;
    expect(storage.options!.items).toEqual([{ label: 'local-lvm', detail: 'lvmthin, 90 GiB free of 200 GiB', selected: true }]);
    const net = drive(createVmWizard, choices, ['enter'], disk);
    const bridge = wizardFrame(createVmWizard, net, choices).fields[0]!;
    expect(bridge.options!.items[0]).toEqual({ label: 'vmbr0', detail: 'LAN', selected: true });
    expect(bridge.options!.items[1]!.detail).toBe('VLAN aware');
  });

  it('an offline node is refused on its step with the online ones named', () => {
    const s = drive(createVmWizard, choices, ['right', 'enter']);
    expect(stepOf(createVmWizard, s)).toBe('Node');
    expect(wizardFrame(createVmWizard, s, choices).fields[0]!.problem).toBe('node pve2 is offline: choose one of pve1');
  });

  it('an ISO install: the spec, the review and the equivalent command', () => {
    const s = drive(createVmWizard, choices, ['enter', ...typed('web-01'), 'enter', 'enter', 'enter', 'enter', 'enter', 'enter', 'tab', ...typed('web prod'), 'enter']);
    expect(stepOf(createVmWizard, s)).toBe('Review');
    expect(vmSpecOf(s.values, choices)).toEqual({
      node: 'pve1',
      vmid: 105,
      name: 'web-01',
      source: { kind: 'iso', iso: 'local:iso/debian-12.iso' },
      ostype: 'l26',
      cores: 2,
      memoryMiB: 2048,
      disk: { storage: 'local-lvm', sizeGiB: 32 },
      nic: { bridge: 'vmbr0' },
      start: true,
      tags: ['web', 'prod'],
    });
    const review = wizardFrame(createVmWizard, s, choices).review!;
    expect(review.lines).toContain('Disk:    32 GiB on local-lvm (90 GiB free)');
    expect(review.command).toBe(
      'proxmox-mpc create vm --name web-01 --node pve1 --vmid 105 --iso local:iso/debian-12.iso --ostype l26 --cores 2 --memory 2048 --disk local-lvm:32 --net vmbr0 --tags web,prod --start',
    );
    const plan = CREATE_WIZARDS['create-vm'].plan(s.values, choices, false);
    expect('calls' in plan && plan.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /nodes/pve1/qemu', 'POST /nodes/pve1/qemu/105/status/start']);
    expect(CREATE_WIZARDS['create-vm'].plan(s.values, choices, true)).toMatchObject({ reason: 'read-only' });
  });

  // The chosen template's facts, as the controller reads them when a template is chosen.
  const facts = { disk: { key: 'scsi0', sizeGiB: 3.5 }, ostype: 'win11', cloudInit: true, storages: ['local-lvm'] };
  const withTemplate: Choices = { ...choices, template: { ref: 'pve1/9000', facts } };

  it('a clone shows the cloud-init step; static IP asks for the address and a gateway inside it', () => {
    // Source: clone (the second option); full copy stays on; the OS type and disk are the template's.
    let s = drive(createVmWizard, withTemplate, ['enter', ...typed('ci-01'), 'enter', 'right', 'enter']);
    expect(s.values.ostype).toBe('win11');
    s = drive(createVmWizard, withTemplate, ['enter', 'enter'], s);
    expect(stepOf(createVmWizard, s)).toBe('Disk');
    expect(s.values['disk.sizeGiB']).toBe('3.5');
    s = drive(createVmWizard, withTemplate, ['tab', 'ctrl+u', '1', '0', 'enter', 'enter'], s);
    expect(stepOf(createVmWizard, s)).toBe('Cloud-init');
    expect(wizardFrame(createVmWizard, s, withTemplate).fields.map((f) => f.label)).toEqual(['User', 'SSH public key', 'IP']);
    s = drive(createVmWizard, withTemplate, ['tab', ...typed('ssh-ed25519 nope'), 'tab', 'right', 'tab', ...typed('10.0.0.5/24'), 'tab', ...typed('10.1.0.1')], s);
    const frame = wizardFrame(createVmWizard, s, withTemplate);
    expect(frame.fields.map((f) => f.label)).toEqual(['User', 'SSH public key', 'IP', 'Address/prefix', 'Gateway']);
    expect(frame.fields[1]!.problem).toContain('not valid base64');
    expect(frame.fields[4]!.problem).toBe("gateway 10.1.0.1 is outside 10.0.0.0/24: give a gateway inside the guest's network, e.g. 10.0.0.1");
    s = drive(createVmWizard, withTemplate, ['ctrl+u', ...typed('10.0.0.1'), 'shift+tab', 'shift+tab', 'shift+tab', 'ctrl+u', 'enter', 'enter'], s);
    expect(stepOf(createVmWizard, s)).toBe('Review');
    const spec = vmSpecOf(s.values, withTemplate);
    expect(spec.source).toEqual({ kind: 'clone', template: { node: 'pve1', vmid: 9000, name: 'debian-cloud', disk: { key: 'scsi0', sizeGiB: 3.5 } }, full: true });
    expect(spec.disk).toEqual({ storage: 'local-lvm', sizeGiB: 10 });
    expect(spec.cloudInit).toEqual({ ip: { cidr: '10.0.0.5/24', gateway: '10.0.0.1' } });
    expect(wizardFrame(createVmWizard, s, withTemplate).review!.command).toContain('--clone debian-cloud --full');
    const plan = CREATE_WIZARDS['create-vm'].plan(s.values, withTemplate, false);
    expect('calls' in plan && plan.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /nodes/pve1/qemu/9000/clone',
      'PUT /nodes/pve1/qemu/105/config',
      'PUT /nodes/pve1/qemu/105/resize',
      'POST /nodes/pve1/qemu/105/status/start',
    ]);
  });

  it('a linked clone keeps the template\'s disk on its storage: no disk step', () => {
    const s = drive(createVmWizard, withTemplate, ['enter', ...typed('ln-01'), 'enter', 'right', 'tab', 'tab', 'space', 'enter', 'enter', 'enter']);
    expect(stepOf(createVmWizard, s)).toBe('Network');
    expect(vmSpecOf(s.values, withTemplate).disk).toBeUndefined();
  });

  it('a template without a cloud-init drive: no cloud-init step', () => {
    const plain: Choices = { ...choices, template: { ref: 'pve1/9000', facts: { ...facts, cloudInit: false } } };
    const s = drive(createVmWizard, plain, ['enter', ...typed('pl-01'), 'enter', 'right', 'enter', 'enter', 'enter', 'enter', 'enter']);
    expect(stepOf(createVmWizard, s)).toBe('Start and tags');
    expect(vmSpecOf(s.values, plain).cloudInit).toBeUndefined();
  });

  it('Enter on an empty name says a name is needed, with an example', () => {
    const s = drive(createVmWizard, choices, ['enter', 'enter']);
    expect(stepOf(createVmWizard, s)).toBe('Name and VMID');
    expect(wizardFrame(createVmWizard, s, choices).fields[0]!.problem).toBe('a name is needed: letters, digits and -, e.g. web-01');
  });

  it('sizes with units, and words that are not sizes, as typed', () => {
    let s = drive(createVmWizard, choices, ['enter', ...typed('w'), 'enter', 'enter', 'enter', 'tab', 'ctrl+u', ...typed('2 GiB')]);
    expect(wizardFrame(createVmWizard, s, choices).fields[1]!.problem).toBeUndefined();
    expect(vmSpecOf(s.values, choices).memoryMiB).toBe(2048);
    s = drive(createVmWizard, choices, ['ctrl+u', ...typed('lots')], s);
    expect(wizardFrame(createVmWizard, s, choices).fields[1]!.problem).toBe("'lots' is not a size: MiB, or with a unit: 2048, 2G, 512M");
  });
});

describe('the create-container wizard', () => {
  it('wants a password or a key, and goes to a review with the command (no password in it)', () => {
    let s = drive(createCtWizard, choices, ['enter', ...typed('ct-01'), 'enter', 'enter']);
    expect(stepOf(createCtWizard, s)).toBe('Root password or SSH key');
    s = drive(createCtWizard, choices, ['enter'], s);
    expect(wizardFrame(createCtWizard, s, choices).fields[0]!.problem).toBe('give a root password or an SSH key: without either there is no way in');
    s = drive(createCtWizard, choices, typed('hunter22'), s);
    expect(wizardFrame(createCtWizard, s, choices).fields[0]!.text).toBe('********');
    s = drive(createCtWizard, choices, ['enter', 'enter', 'enter', 'tab', ...typed('10'), 'tab', 'right', 'tab', ...typed('192.168.1.50/24'), 'enter', 'space', 'enter'], s);
    expect(stepOf(createCtWizard, s)).toBe('Review');
    const spec = ctSpecOf(s.values, choices);
    expect(spec).toMatchObject({ hostname: 'ct-01', template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', password: 'hunter22', rootfs: { storage: 'local-lvm', sizeGiB: 8 }, swapMiB: 512, unprivileged: false, nesting: true });
    expect(spec.nic).toEqual({ bridge: 'vmbr0', vlan: 10, ip: { cidr: '192.168.1.50/24' } });
    const review = wizardFrame(createCtWizard, s, choices).review!;
    expect(review.command).toContain('--password-env PMC_CT_PASSWORD');
    expect(review.command).not.toContain('hunter22');
    expect(review.lines.join('\n')).not.toContain('hunter22');
  });
});

describe('loadCreateContext', () => {
  it('reads a node\'s choices once, and a clone\'s template facts when a template is chosen', async () => {
    const reads: string[] = [];
    const io = {
      choices: async (node?: string) => {
        reads.push(`choices ${node ?? '(first online)'}`);
        return { ...choices, node: node ?? 'pve1' };
      },
      templateFacts: async (node: string, vmid: number) => {
        reads.push(`template ${node}/${vmid}`);
        return { cloudInit: true, storages: [] };
      },
    };
    const first = await loadCreateContext(undefined, undefined, io);
    const same = await loadCreateContext({ node: 'pve1' }, first, io);
    expect(same).toBe(first);
    const clone = await loadCreateContext({ node: 'pve1', 'source.kind': 'clone', 'source.template': 'pve1/9000' }, first, io);
    expect(clone.template).toEqual({ ref: 'pve1/9000', facts: { cloudInit: true, storages: [] } });
    expect(await loadCreateContext({ node: 'pve1', 'source.kind': 'clone', 'source.template': 'pve1/9000' }, clone, io)).toBe(clone);
    await loadCreateContext({ node: 'pve2' }, clone, io);
    expect(reads).toEqual(['choices (first online)', 'template pve1/9000', 'choices pve2']);
  });
});

describe('frameOf', () => {
  it('draws a wizard still loading, or one whose choices failed, with what keys do', () => {
    const def = storedDef(createVmWizard);
    expect(frameOf({ def, loading: true, status: { text: 'loading...', level: 'info' } })).toEqual({ title: 'Create VM', stepLabel: 'loading', fields: [], status: { text: 'loading...', level: 'info' }, footer: 'Esc closes' });
    expect(frameOf({ def, status: { text: 'could not', level: 'error' } }).footer).toBe('Enter tries again, Esc closes');
  });
});
