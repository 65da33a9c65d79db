import { describe, expect, it } from 'vitest';
import { confirmationFor } from './confirm.js';
import { planMigrate, type MigrateFacts } from './migrate.js';
import { isRefusal } from './power.js';
import type { GuestTarget, OperationPlan } from './types.js';

const vm: GuestTarget = { type: 'qemu', vmid: 100, node: 'pve1', name: 'web-01', status: 'running', template: false };
const ct: GuestTarget = { type: 'lxc', vmid: 200, node: 'pve1', name: 'dns', status: 'running', template: false };
const facts: MigrateFacts = {
  nodes: [
    { name: 'pve1', online: true },
    { name: 'pve2', online: true },
    { name: 'pve3', online: false },
  ],
  localVolumes: [],
  localCdroms: [],
};
const ok = { readOnly: false };
const planned = (p: ReturnType<typeof planMigrate>): OperationPlan => {
  if (isRefusal(p)) throw new Error(p.message);
  return p;
};

describe('planMigrate', () => {
  it('moves a stopped guest offline: medium risk, one POST, local disks named', () => {
    const p = planned(planMigrate({ ...vm, status: 'stopped' }, { targetNode: 'pve2', online: true, targetStorage: 'local-lvm' }, { ...facts, localVolumes: ['local-lvm:vm-100-disk-0'] }, ok));
    expect(p.risk).toBe('medium');
    expect(confirmationFor(p.risk)).toBe('yes-no');
    expect(p.calls).toEqual([{ method: 'POST', path: '/nodes/pve1/qemu/100/migrate', params: { target: 'pve2', targetstorage: 'local-lvm' } }]);
    expect(p.summary).toBe('migrate VM 100 web-01 from pve1 to pve2 offline, copying 1 local disk (local-lvm:vm-100-disk-0) to local-lvm');
    expect(p.loss).toBeUndefined();
  });

  it('moves a running VM live with --online (and its local disks with --with-local-disks)', () => {
    const p = planned(planMigrate(vm, { targetNode: 'pve2', online: true, withLocalDisks: true }, { ...facts, localVolumes: ['local-lvm:vm-100-disk-0'] }, ok));
    expect(p.calls[0]!.params).toEqual({ target: 'pve2', online: 1, 'with-local-disks': 1 });
    expect(p.summary).toContain('live, while it runs');
  });

  it('moves a running container with --restart, saying its services go down', () => {
    const p = planned(planMigrate(ct, { targetNode: 'pve2', restart: true, timeout: 30, targetStorage: 'local-lvm' }, facts, ok));
    expect(p.calls).toEqual([{ method: 'POST', path: '/nodes/pve1/lxc/200/migrate', params: { target: 'pve2', restart: 1, 'target-storage': 'local-lvm', timeout: 30 } }]);
    expect(p.loss).toBe('its services are down while it moves; dns is unreachable until started on pve2');
    // A stopped container needs no restart: none is sent.
    expect(planned(planMigrate({ ...ct, status: 'stopped' }, { targetNode: 'pve2', restart: true, timeout: 30 }, facts, ok)).calls[0]!.params).toEqual({ target: 'pve2' });
  });

  it('refuses what PVE would refuse, saying what to do', () => {
    expect(planMigrate(vm, { targetNode: 'pve2' }, facts, ok)).toMatchObject({ reason: 'blocked', message: 'VM 100 web-01 is running: pass --online for a live migration, or shut it down first' });
    expect(planMigrate(ct, { targetNode: 'pve2', online: true }, facts, ok)).toMatchObject({ reason: 'blocked', message: /PVE cannot live-migrate containers: pass --restart/ });
    expect(planMigrate(vm, { targetNode: 'pve2', online: true }, { ...facts, localVolumes: ['local-lvm:vm-100-disk-0'] }, ok)).toMatchObject({ reason: 'blocked', message: /pass --with-local-disks/ });
    expect(planMigrate({ ...vm, status: 'stopped' }, { targetNode: 'pve2' }, { ...facts, localCdroms: ['local:iso/debian.iso'] }, ok)).toMatchObject({ reason: 'blocked', message: /local CD-ROM image \(local:iso\/debian.iso\).*eject it first/ });
  });

  it('refuses its own node (nothing to do), an unknown node and an offline one', () => {
    expect(planMigrate(vm, { targetNode: 'pve1', online: true }, facts, ok)).toMatchObject({ reason: 'not-applicable', message: /already on pve1/ });
    expect(planMigrate(vm, { targetNode: 'pve9', online: true }, facts, ok)).toMatchObject({ reason: 'not-found', message: "there is no node 'pve9' in the cluster: choose one of pve2" });
    expect(planMigrate(vm, { targetNode: 'pve3', online: true }, facts, ok)).toMatchObject({ reason: 'blocked', message: 'node pve3 is offline: choose one of pve2, or bring pve3 back first' });
  });

  it('refuses in read-only mode and a locked guest, naming the lock', () => {
    expect(planMigrate(vm, { targetNode: 'pve2', online: true }, facts, { readOnly: true })).toMatchObject({ reason: 'read-only' });
    expect(planMigrate({ ...vm, lock: 'snapshot' }, { targetNode: 'pve2', online: true }, facts, ok)).toMatchObject({ reason: 'locked', message: 'VM 100 web-01 is locked (snapshot): wait for the snapshot to finish' });
  });
});
