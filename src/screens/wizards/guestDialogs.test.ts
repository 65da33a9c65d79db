// The guest dialogs as data: what each offers for the guests and facts it is given, its fields
// checked as typed with the operations layer's checks, and the plans (exact calls) it builds.
import { describe, expect, it } from 'vitest';
import type { GuestTarget } from '../../operations/types.js';
import { startWizard, stepProblems, wizardFrame, wizardKey, type WizardSession } from './engine.js';
import { cloneDialog, deleteDialog, dialogPlans, editDialog, migrateDialog, snapshotDialog, tagsDialog, templateDialog, type GuestContext, type GuestDialog } from './guestDialogs.js';

const vm = (vmid: number, name: string, extra: Partial<GuestTarget> = {}): GuestTarget => ({ type: 'qemu', vmid, node: 'pve1', name, status: 'stopped', template: false, ...extra });
const ct = (vmid: number, name: string, extra: Partial<GuestTarget> = {}): GuestTarget => ({ ...vm(vmid, name, extra), type: 'lxc' });
const ctx = <F>(targets: GuestTarget[], facts: F, readOnly = false): GuestContext<F> => ({ targets, facts, readOnly });

/** Keys one after another (a string of several characters is typed). */
function keys<F>(dialog: GuestDialog<F>, c: GuestContext<F>, session: WizardSession, ...names: string[]): WizardSession {
  let s = session;
  for (const name of names) {
    const list = name.length > 1 && !/^[a-z+]+$/.test(name) ? [...name] : [name];
    for (const k of list) s = wizardKey(dialog.def, s, c, k).session;
  }
  return s;
}
const typeText = <F>(dialog: GuestDialog<F>, c: GuestContext<F>, s: WizardSession, text: string): WizardSession => [...text].reduce((acc, ch) => wizardKey(dialog.def, acc, c, ch === ' ' ? 'space' : ch).session, s);

describe('snapshot', () => {
  const web = vm(100, 'web-01', { status: 'running' });
  const existing = [
    { name: 'before-upgrade', snaptime: 1_700_000_000 },
    { name: 'clean', snaptime: 1_710_000_000, vmstate: true },
  ];

  it('takes one: the name checked as typed (PVE rules, taken names), the RAM state for a running VM', () => {
    const c = ctx([web], [existing]);
    let s = startWizard(snapshotDialog.def, c);
    expect(wizardFrame(snapshotDialog.def, s, c).fields.map((f) => f.id)).toEqual(['action', 'name', 'description', 'vmstate']);
    s = keys(snapshotDialog, c, s, 'tab');
    s = typeText(snapshotDialog, c, s, '1x');
    expect(stepProblems(snapshotDialog.def, s, c).name).toMatch(/^'1x' is not a snapshot name/);
    s = keys(snapshotDialog, c, s, 'ctrl+u');
    s = typeText(snapshotDialog, c, s, 'clean');
    expect(stepProblems(snapshotDialog.def, s, c).name).toBe("VM 100 web-01 already has a snapshot 'clean': choose another name");
    s = keys(snapshotDialog, c, s, 'ctrl+u');
    s = typeText(snapshotDialog, c, s, 'pre-change');
    s = keys(snapshotDialog, c, s, 'tab');
    s = typeText(snapshotDialog, c, s, 'before the upgrade');
    s = keys(snapshotDialog, c, s, 'tab', 'space', 'enter');
    expect(s.step).toBe(1);
    const { plans } = dialogPlans(snapshotDialog, s.values, c);
    expect(plans[0]).toMatchObject({ risk: 'low', calls: [{ method: 'POST', path: '/nodes/pve1/qemu/100/snapshot', params: { snapname: 'pre-change', description: 'before the upgrade', vmstate: 1 } }] });
    const review = wizardFrame(snapshotDialog.def, s, c).review!;
    expect(review.lines[0]).toBe("LOW: take snapshot 'pre-change' of VM 100 web-01 with its RAM.");
    expect(review.command).toBe("proxmox-mpc snapshot create vm 100 pre-change --description 'before the upgrade' --vmstate");
  });

  it('rolls back to one chosen from the guest\'s snapshots (newest first), saying what is lost', () => {
    const c = ctx([web], [existing]);
    let s = startWizard(snapshotDialog.def, c);
    s = keys(snapshotDialog, c, s, 'right');
    expect(s.values.action).toBe('rollback');
    const frame = wizardFrame(snapshotDialog.def, s, c);
    expect(frame.fields.map((f) => f.id)).toEqual(['action', 'snapshot', 'start']);
    expect(s.values.snapshot).toBe('clean');
    s = keys(snapshotDialog, c, s, 'enter');
    const plan = dialogPlans(snapshotDialog, s.values, c).plans[0]!;
    expect(plan).toMatchObject({ risk: 'high', calls: [{ method: 'POST', path: '/nodes/pve1/qemu/100/snapshot/clean/rollback' }] });
    expect(wizardFrame(snapshotDialog.def, s, c).review!.lines[1]).toBe('  Could be lost: everything that changed in web-01 since the snapshot is discarded.');
  });

  it('several guests: only take, for each; no RAM state for containers', () => {
    const c = ctx([web, ct(200, 'pihole', { status: 'running' })], [[], [{ name: 'nightly' }]]);
    const s = startWizard(snapshotDialog.def, { ...c });
    const action = snapshotDialog.def.steps[0]!.fields[0]!;
    expect(action.kind === 'choice' && action.options(s.values, c).map((o) => o.value)).toEqual(['create']);
    const typed = typeText(snapshotDialog, c, keys(snapshotDialog, c, s, 'tab'), 'nightly');
    // The container has one by that name already.
    expect(stepProblems(snapshotDialog.def, typed, c).name).toBe("CT 200 pihole already has a snapshot 'nightly': choose another name");
    const ok = typeText(snapshotDialog, c, keys(snapshotDialog, c, s, 'tab'), 'weekly');
    const { plans } = dialogPlans(snapshotDialog, { ...ok.values, vmstate: true }, c);
    expect(plans.map((p) => p.calls[0]!.params)).toEqual([{ snapname: 'weekly', vmstate: 1 }, { snapname: 'weekly' }]);
  });
});

describe('delete', () => {
  const facts = [{ volumes: ['local-lvm:vm-114-disk-0', 'nas:114/vm-114-disk-1.qcow2'], protection: false }];

  it('purge by default; the plan is critical and names every volume that goes', () => {
    const c = ctx([vm(114, 'test-vm')], facts);
    let s = startWizard(deleteDialog.def, c);
    s = keys(deleteDialog, c, s, 'tab', 'space', 'enter');
    const { plans } = dialogPlans(deleteDialog, s.values, c);
    expect(plans[0]).toMatchObject({ risk: 'critical', calls: [{ method: 'DELETE', path: '/nodes/pve1/qemu/114', params: { purge: 1, 'destroy-unreferenced-disks': 1 } }] });
    const review = wizardFrame(deleteDialog.def, s, c).review!;
    expect(review.lines[1]).toBe('  Could be lost: the guest test-vm and its 2 volumes (local-lvm:vm-114-disk-0, nas:114/vm-114-disk-1.qcow2); every other volume of vmid 114 on its storages; its entries in backup jobs, replication and HA.');
    expect(review.command).toBe('proxmox-mpc delete vm 114 --purge --destroy-unreferenced-disks');
  });

  it('a protected guest (read live) is refused in the review, and nothing can be submitted', () => {
    const c = ctx([vm(114, 'test-vm')], [{ volumes: [], protection: true }]);
    const s = startWizard(deleteDialog.def, c);
    const { plans, refusals } = dialogPlans(deleteDialog, s.values, c);
    expect(plans).toEqual([]);
    expect(refusals[0]!.message).toBe('VM 114 test-vm is protected: turn protection off in its options first');
  });
});

describe('migrate', () => {
  const nodes = [
    { name: 'pve1', online: true },
    { name: 'pve2', online: true },
    { name: 'pve3', online: false },
  ];

  it('offers the online nodes but the guest\'s own; a stopped VM moves offline with its local disks', () => {
    const c = ctx([vm(114, 'test-vm', { node: 'pve2' })], [{ nodes, localVolumes: ['local-lvm:vm-114-disk-0'], localCdroms: [] }]);
    const s = startWizard(migrateDialog.def, c);
    const frame = wizardFrame(migrateDialog.def, s, c);
    expect(frame.fields.map((f) => `${f.id}=${f.text}`)).toEqual(['targetNode=pve1', 'withLocalDisks=[x] yes']);
    expect(frame.fields[0]!.options!.items.map((o) => o.label)).toEqual(['pve1']);
    const { plans } = dialogPlans(migrateDialog, s.values, c);
    expect(plans[0]).toMatchObject({ risk: 'medium', calls: [{ method: 'POST', path: '/nodes/pve2/qemu/114/migrate', params: { target: 'pve1', 'with-local-disks': 1 } }] });
    expect(wizardFrame(migrateDialog.def, keys(migrateDialog, c, s, 'enter'), c).review!.command).toBe('proxmox-mpc migrate vm 114 --to pve1 --with-local-disks');
  });

  it('a running VM: live by default; switched off, the refusal is said on the field and Enter stays', () => {
    const c = ctx([vm(100, 'web-01', { status: 'running' })], [{ nodes, localVolumes: [], localCdroms: [] }]);
    let s = startWizard(migrateDialog.def, c);
    expect(dialogPlans(migrateDialog, s.values, c).plans[0]!.calls[0]!.params).toEqual({ target: 'pve2', online: 1 });
    s = keys(migrateDialog, c, s, 'tab', 'space', 'enter');
    expect(s.step).toBe(0);
    expect(stepProblems(migrateDialog.def, s, c)).toEqual({ online: 'VM 100 web-01 is running: pass --online for a live migration, or shut it down first' });
  });

  it('several guests: the node one of them is on already leaves that one out', () => {
    const c = ctx([vm(100, 'web-01'), vm(101, 'web-02', { node: 'pve2' })], [
      { nodes, localVolumes: [], localCdroms: [] },
      { nodes, localVolumes: [], localCdroms: [] },
    ]);
    const s = keys(migrateDialog, c, startWizard(migrateDialog.def, c), 'right');
    expect(s.values.targetNode).toBe('pve2');
    const { plans, refusals } = dialogPlans(migrateDialog, s.values, c);
    expect(plans.map((p) => p.target.vmid)).toEqual([100]);
    expect(refusals[0]!.message).toMatch(/^VM 101 web-02 is already on pve2/);
  });
});

describe('clone', () => {
  const cloneFacts = {
    usedVmids: new Set([100, 114, 9000]),
    nodes: [
      { name: 'pve1', online: true },
      { name: 'pve2', online: true },
    ],
    volumes: [{ key: 'scsi0', volid: 'local-lvm:base-9000-disk-0', shared: false, linkable: true }],
    storages: [
      { id: 'local-lvm', content: ['images', 'rootdir'], shared: false },
      { id: 'nas', content: ['images'], shared: true },
      { id: 'local', content: ['iso'], shared: false },
    ],
    snapshots: [],
    pools: [],
  };
  const template = vm(9000, 'ubuntu-cloud', { template: true });

  it('proposes the next free vmid and a name; a linked clone of a template by default', () => {
    const c = ctx([template], { clone: cloneFacts, nextid: 120 });
    const s = startWizard(cloneDialog.def, c);
    expect(s.values).toMatchObject({ name: 'ubuntu-cloud-clone', newid: '120', full: false, targetNode: 'pve1' });
    const plan = dialogPlans(cloneDialog, s.values, c).plans[0]!;
    expect(plan.calls).toEqual([{ method: 'POST', path: '/nodes/pve1/qemu/9000/clone', params: { newid: 120, name: 'ubuntu-cloud-clone', full: 0 } }]);
    expect(wizardFrame(cloneDialog.def, keys(cloneDialog, c, s, 'enter'), c).review!.command).toBe('proxmox-mpc clone vm 9000 --newid 120 --name ubuntu-cloud-clone --linked');
  });

  it('checks the vmid and the name as typed; a full copy chooses a storage that holds disks', () => {
    const c = ctx([template], { clone: cloneFacts, nextid: 120 });
    let s = startWizard(cloneDialog.def, c);
    s = typeText(cloneDialog, c, keys(cloneDialog, c, s, 'ctrl+u'), 'web 03');
    expect(stepProblems(cloneDialog.def, s, c).name).toMatch(/^name 'web 03' is not a valid DNS name/);
    s = keys(cloneDialog, c, s, 'backspace', 'backspace', 'backspace', '-', '0', '3', 'tab', 'ctrl+u');
    s = typeText(cloneDialog, c, s, '114');
    expect(stepProblems(cloneDialog.def, s, c)).toEqual({ newid: 'vmid 114 is already in use: choose another (or leave it out for the next free one)' });
    s = keys(cloneDialog, c, s, 'backspace', '5', 'tab', 'space');
    expect(s.values.full).toBe(true);
    const storage = wizardFrame(cloneDialog.def, keys(cloneDialog, c, s, 'tab', 'tab'), c).fields.find((f) => f.id === 'storage')!;
    expect(storage.options!.items.map((o) => o.label)).toEqual(['as the source', 'local-lvm', 'nas']);
    s = keys(cloneDialog, c, s, 'tab', 'tab', 'right', 'right');
    expect(dialogPlans(cloneDialog, s.values, c).plans[0]!.calls[0]!.params).toEqual({ newid: 115, name: 'web-03', full: 1, storage: 'nas' });
  });

  it('a running container is copied from one of its snapshots: PVE copies a running one no other way', () => {
    const pihole = ct(200, 'pihole', { status: 'running' });
    const c = ctx([pihole], { clone: { ...cloneFacts, volumes: [{ key: 'rootfs', volid: 'local-lvm:vm-200-disk-0', shared: false, linkable: true }], snapshots: ['nightly'] }, nextid: 120 });
    let s = startWizard(cloneDialog.def, c);
    expect(wizardFrame(cloneDialog.def, s, c).fields.map((f) => f.id)).toEqual(['name', 'newid', 'targetNode', 'storage', 'snapname', 'start']);
    expect(stepProblems(cloneDialog.def, s, c).snapname).toMatch(/is running: PVE makes a full clone of a running container only from a snapshot/);
    s = keys(cloneDialog, c, s, 'tab', 'tab', 'tab', 'tab', 'right');
    expect(dialogPlans(cloneDialog, s.values, c).plans[0]!.calls[0]!.params).toEqual({ newid: 120, hostname: 'pihole-clone', full: 1, snapname: 'nightly' });
    expect(wizardFrame(cloneDialog.def, keys(cloneDialog, c, s, 'enter'), c).review!.command).toBe('proxmox-mpc clone ct 200 --newid 120 --name pihole-clone --full --snapname nightly');
  });

  it('to another node with local disks: the refusal is said on the node field', () => {
    const c = ctx([vm(100, 'web-01', { status: 'running' })], { clone: { ...cloneFacts, volumes: [{ key: 'scsi0', volid: 'local-lvm:vm-100-disk-0', shared: false, linkable: true }] }, nextid: 120 });
    const s = keys(cloneDialog, c, startWizard(cloneDialog.def, c), 'tab', 'tab', 'right', 'enter');
    expect(Object.keys(stepProblems(cloneDialog.def, s, c))).toEqual(['targetNode']);
    expect(stepProblems(cloneDialog.def, s, c).targetNode).toMatch(/has disks on local storage \(local-lvm:vm-100-disk-0\): clone it on pve1, then migrate the clone to pve2/);
  });
});

describe('edit and tags', () => {
  const live = { current: { cores: 2, memory: 2048, onboot: 0, description: 'web', tags: 'prod' }, tags: ['prod'], digest: 'abc' };

  it('edit: the current values first; only what changed is sent, with the digest', () => {
    const c = ctx([vm(100, 'web-01')], [live]);
    let s = startWizard(editDialog.def, c);
    expect(s.values).toEqual({ cores: '2', memory: '2048', onboot: false, description: 'web' });
    // Nothing changed: Enter does not go on.
    expect(keys(editDialog, c, s, 'enter').step).toBe(0);
    expect(stepProblems(editDialog.def, s, c).cores).toBe('VM 100 web-01: nothing to change (it already is so)');
    s = keys(editDialog, c, s, 'tab', 'ctrl+u');
    s = typeText(editDialog, c, s, '8M');
    expect(stepProblems(editDialog.def, s, c).memory).toBe('8 MiB is too little: at least 16 MiB');
    s = keys(editDialog, c, s, 'ctrl+u');
    s = typeText(editDialog, c, s, '4G');
    s = keys(editDialog, c, s, 'tab', 'space', 'enter');
    const plan = dialogPlans(editDialog, s.values, c).plans[0]!;
    expect(plan.calls[0]).toEqual({ method: 'PUT', path: '/nodes/pve1/qemu/100/config', params: { memory: 4096, onboot: 1, digest: 'abc' } });
    expect(wizardFrame(editDialog.def, s, c).review!.command).toBe('proxmox-mpc set vm 100 --memory 4G --onboot yes');
  });

  it('tags: each checked as typed; several guests each get their own list', () => {
    const c = ctx([vm(100, 'web-01'), ct(200, 'pihole')], [live, { current: { tags: '' }, tags: [] }]);
    let s = startWizard(tagsDialog.def, c);
    s = typeText(tagsDialog, c, s, 'web -bad');
    expect(stepProblems(tagsDialog.def, s, c).add).toMatch(/^'-bad' is not a tag/);
    s = keys(tagsDialog, c, s, 'backspace', 'backspace', 'backspace', 'backspace');
    s = typeText(tagsDialog, c, s, 'edge');
    s = keys(tagsDialog, c, s, 'tab');
    s = typeText(tagsDialog, c, s, 'prod');
    const { plans } = dialogPlans(tagsDialog, s.values, c);
    expect(plans.map((p) => p.calls[0]!.params)).toEqual([{ tags: 'web;edge', digest: 'abc' }, { tags: 'web;edge' }]);
  });
});

describe('template', () => {
  it('no fields: the review says it cannot be undone; snapshots (read live) refuse it', () => {
    const c = ctx([vm(114, 'test-vm')], [[]]);
    const s = startWizard(templateDialog.def, c);
    const review = wizardFrame(templateDialog.def, s, c).review!;
    expect(review.lines).toEqual([
      'HIGH: convert VM 114 test-vm on pve1 to a template.',
      '  Could be lost: this cannot be undone: test-vm can never be started again, only cloned (its disks become read-only base volumes).',
    ]);
    const withSnapshots = ctx([vm(114, 'test-vm')], [['clean']]);
    expect(dialogPlans(templateDialog, s.values, withSnapshots).refusals[0]!.message).toMatch(/^VM 114 test-vm has snapshots \(clean\)/);
    expect(templateDialog.precheck(vm(100, 'web-01', { status: 'running' }), false)!.message).toMatch(/is running: only a stopped guest becomes a template/);
  });
});
