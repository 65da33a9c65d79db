import { describe, expect, it } from 'vitest';
import { planClone, type CloneFacts, type CloneRequest } from './clone.js';
import { isRefusal } from './power.js';
import type { GuestTarget, OperationPlan } from './types.js';

const template: GuestTarget = { type: 'qemu', vmid: 9000, node: 'pve1', name: 'debian-tmpl', status: 'stopped', template: true };
const vm: GuestTarget = { type: 'qemu', vmid: 100, node: 'pve1', name: 'web-01', status: 'running', template: false };
const ct: GuestTarget = { type: 'lxc', vmid: 200, node: 'pve1', name: 'dns', status: 'running', template: false };
const facts: CloneFacts = {
  usedVmids: new Set([100, 200, 9000]),
  nodes: [
    { name: 'pve1', online: true },
    { name: 'pve2', online: true },
    { name: 'pve3', online: false },
  ],
  volumes: [{ key: 'scsi0', volid: 'local-lvm:base-9000-disk-0', shared: false, linkable: true }],
  storages: [
    { id: 'local', content: ['iso', 'vztmpl', 'backup'], shared: false },
    { id: 'local-lvm', content: ['images', 'rootdir'], shared: false },
    { id: 'ceph', content: ['images', 'rootdir'], shared: true },
  ],
  snapshots: ['before'],
  pools: ['prod'],
};
const ok = { readOnly: false };
const full: CloneRequest = { newid: 123, full: true };
const planned = (p: ReturnType<typeof planClone>): OperationPlan => {
  if (isRefusal(p)) throw new Error(p.message);
  return p;
};

describe('planClone', () => {
  it('is low risk, one POST with PVE parameter names, and a start of the new guest when asked', () => {
    const p = planned(planClone(vm, { ...full, name: 'web-02', description: 'copy', storage: 'ceph', pool: 'prod', start: true }, facts, ok));
    expect(p.risk).toBe('low');
    expect(p.calls).toEqual([
      { method: 'POST', path: '/nodes/pve1/qemu/100/clone', params: { newid: 123, name: 'web-02', description: 'copy', full: 1, storage: 'ceph', pool: 'prod' } },
      { method: 'POST', path: '/nodes/pve1/qemu/123/status/start' },
    ]);
    expect(p.summary).toBe('clone VM 100 web-01 to VM 123 web-02 on pve1 (a full copy of its 1 disk on ceph), then start it');
    // A start that fails leaves the clone: the failure says so.
    expect(p).toMatchObject({ steps: ['clone', 'start'], ifFailedAtFirst: 'nothing was created', ifFailedAfterFirst: 'VM 123 web-02 exists on pve1, stopped' });
    expect(planned(planClone(vm, full, facts, ok))).not.toHaveProperty('steps');
  });

  it('makes a linked clone of a template, and sends a container name as hostname', () => {
    const p = planned(planClone(template, { newid: 124, full: false }, facts, ok));
    expect(p.calls).toEqual([{ method: 'POST', path: '/nodes/pve1/qemu/9000/clone', params: { newid: 124, full: 0 } }]);
    expect(p.summary).toContain("linked to the template's 1 disk");
    const c = planned(planClone({ ...ct, status: 'stopped' }, { newid: 201, full: true, name: 'dns2' }, { ...facts, volumes: [] }, ok));
    expect(c.calls[0]!.params).toEqual({ newid: 201, hostname: 'dns2', full: 1 });
  });

  it('clones to another node only from shared storage, and starts the clone there', () => {
    const shared: CloneFacts = { ...facts, volumes: [{ key: 'scsi0', volid: 'ceph:vm-100-disk-0', shared: true, linkable: true }] };
    const p = planned(planClone(vm, { ...full, targetNode: 'pve2', start: true }, shared, ok));
    expect(p.calls[0]!.params).toMatchObject({ target: 'pve2' });
    expect(p.calls[1]!.path).toBe('/nodes/pve2/qemu/123/status/start');
    // A full copy onto a shared storage may go anywhere.
    expect(isRefusal(planClone(vm, { ...full, targetNode: 'pve2', storage: 'ceph' }, facts, ok))).toBe(false);
    expect(planClone(vm, { ...full, targetNode: 'pve2' }, facts, ok)).toMatchObject({ reason: 'blocked', message: /local storage \(local-lvm:base-9000-disk-0\): clone it on pve1, then migrate the clone to pve2/ });
    expect(planClone(vm, { ...full, targetNode: 'pve2', storage: 'local-lvm' }, shared, ok)).toMatchObject({ reason: 'blocked', message: /storage 'local-lvm' is local to pve1/ });
    // Its own node is no target (as PVE takes it).
    expect(planned(planClone(vm, { ...full, targetNode: 'pve1' }, facts, ok)).calls[0]!.params).not.toHaveProperty('target');
  });

  it('refuses a linked clone of a guest that is not a template, saying it is PVE’s rule', () => {
    expect(planClone(vm, { newid: 123, full: false }, facts, ok)).toMatchObject({ reason: 'blocked', message: 'VM 100 web-01 is not a template: PVE makes linked clones only of templates; use --full, or convert it to a template first' });
    expect(planClone(template, { newid: 123, full: false, storage: 'ceph' }, facts, ok)).toMatchObject({ reason: 'blocked', message: /drop --storage, or use --full/ });
    const thick: CloneFacts = { ...facts, volumes: [{ key: 'scsi0', volid: 'lvm:base-9000-disk-0', shared: false, linkable: false }] };
    expect(planClone(template, { newid: 123, full: false }, thick, ok)).toMatchObject({ reason: 'blocked', message: /scsi0 \(lvm:base-9000-disk-0\) cannot make linked clones: use --full/ });
  });

  it('refuses a vmid in use or out of range, a bad name, unknown or offline nodes, storages, snapshots and pools', () => {
    expect(planClone(vm, { newid: 200, full: true }, facts, ok)).toMatchObject({ reason: 'blocked', message: /vmid 200 is already in use/ });
    expect(planClone(vm, { newid: 99, full: true }, facts, ok)).toMatchObject({ reason: 'blocked', message: /out of range: use a whole number from 100 to 999999999/ });
    expect(planClone(vm, { ...full, name: 'web_02' }, facts, ok)).toMatchObject({ reason: 'blocked', message: /name 'web_02' is not a valid DNS name/ });
    expect(planClone(ct, { ...full, name: '-x', snapname: 'before' }, facts, ok)).toMatchObject({ message: /hostname '-x'/ });
    expect(planClone(vm, { ...full, targetNode: 'pve9' }, facts, ok)).toMatchObject({ reason: 'not-found', message: "there is no node 'pve9' in the cluster: choose one of pve1, pve2" });
    expect(planClone(vm, { ...full, targetNode: 'pve3' }, facts, ok)).toMatchObject({ reason: 'blocked', message: /node pve3 is offline/ });
    expect(planClone(vm, { ...full, storage: 'nfs' }, facts, ok)).toMatchObject({ reason: 'not-found', message: "there is no storage 'nfs' on pve1: choose one of local-lvm, ceph" });
    expect(planClone(vm, { ...full, storage: 'local' }, facts, ok)).toMatchObject({ reason: 'blocked', message: /'local' does not hold disk images/ });
    expect(planClone(vm, { ...full, snapname: 'nope' }, facts, ok)).toMatchObject({ reason: 'not-found', message: "VM 100 web-01 has no snapshot 'nope' (it has before)" });
    expect(planClone(vm, { ...full, pool: 'dev' }, facts, ok)).toMatchObject({ reason: 'not-found', message: "there is no pool 'dev': choose one of prod" });
  });

  it('refuses a full clone of a running container without a snapshot (PVE cannot copy it live)', () => {
    expect(planClone(ct, full, facts, ok)).toMatchObject({ reason: 'blocked', message: /pass --snapname, or shut it down first/ });
    expect(isRefusal(planClone(ct, { ...full, snapname: 'before' }, facts, ok))).toBe(false);
  });

  it('refuses in read-only mode and a locked source, naming the lock', () => {
    expect(planClone(vm, full, facts, { readOnly: true })).toMatchObject({ reason: 'read-only', message: 'read-only mode: clone is refused (drop --read-only or console.readOnly to act)' });
    expect(planClone({ ...vm, lock: 'backup' }, full, facts, ok)).toMatchObject({ reason: 'locked', message: 'VM 100 web-01 is locked (backup): wait for the backup to finish' });
  });
});
