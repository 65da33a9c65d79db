import { describe, expect, it } from 'vitest';
import { isRefusal } from './power.js';
import { planSnapshot, snapshotNameProblem } from './snapshots.js';
import type { GuestTarget, OperationPlan } from './types.js';

const vm: GuestTarget = { type: 'qemu', vmid: 100, node: 'pve1', name: 'web-01', status: 'running', template: false };
const ct: GuestTarget = { type: 'lxc', vmid: 200, node: 'pve2', name: 'pihole', status: 'running', template: false };
const existing = [{ name: 'before-upgrade', snaptime: 1_767_225_600 }];
const ok = { readOnly: false };
const planned = (p: ReturnType<typeof planSnapshot>): OperationPlan => {
  if (isRefusal(p)) throw new Error(p.message);
  return p;
};

describe('snapshot names', () => {
  it('are what PVE takes', () => {
    expect(snapshotNameProblem('before-upgrade')).toBeUndefined();
    expect(snapshotNameProblem('s1')).toBeUndefined();
    expect(snapshotNameProblem('1bad')).toMatch(/starting with a letter/);
    expect(snapshotNameProblem('a')).toMatch(/2 to 40/);
    expect(snapshotNameProblem('x'.repeat(41))).toMatch(/2 to 40/);
    expect(snapshotNameProblem('has space')).toMatch(/not a snapshot name/);
    expect(snapshotNameProblem('current')).toMatch(/reserved/);
    expect(snapshotNameProblem('Pending')).toMatch(/reserved/);
  });
});

describe('planSnapshot', () => {
  it('create: low risk, one POST with the name, the note and the RAM when asked', () => {
    const p = planned(planSnapshot('create', vm, { name: 'pre', description: 'before apt', vmstate: true }, existing, ok));
    expect(p.risk).toBe('low');
    expect(p.calls).toEqual([{ method: 'POST', path: '/nodes/pve1/qemu/100/snapshot', params: { snapname: 'pre', description: 'before apt', vmstate: 1 } }]);
    expect(p.summary).toBe("take snapshot 'pre' of VM 100 web-01 with its RAM");
  });

  it('create refuses a name in use, and RAM for a container', () => {
    expect(planSnapshot('create', vm, { name: 'before-upgrade' }, existing, ok)).toMatchObject({ reason: 'not-applicable', message: /already has a snapshot 'before-upgrade'/ });
    expect(planSnapshot('create', ct, { name: 'x1', vmstate: true }, [], ok)).toMatchObject({ reason: 'not-applicable', message: /no RAM state/ });
  });

  it('rollback: high risk, says what is lost, can start after', () => {
    const p = planned(planSnapshot('rollback', vm, { name: 'before-upgrade', start: true }, existing, ok));
    expect(p.risk).toBe('high');
    expect(p.calls).toEqual([{ method: 'POST', path: '/nodes/pve1/qemu/100/snapshot/before-upgrade/rollback', params: { start: 1 } }]);
    expect(p.summary).toBe("roll VM 100 web-01 back to snapshot 'before-upgrade' (taken 2026-01-01 00:00:00 UTC), then start it");
    expect(p.loss).toMatch(/changed in web-01 since the snapshot is discarded/);
  });

  it('delete: high risk, one DELETE', () => {
    const p = planned(planSnapshot('delete', ct, { name: 'before-upgrade' }, existing, ok));
    expect(p.calls).toEqual([{ method: 'DELETE', path: '/nodes/pve2/lxc/200/snapshot/before-upgrade' }]);
    expect(p.loss).toMatch(/restore point 'before-upgrade'/);
  });

  it('a snapshot that is not there is not found, naming the ones that are', () => {
    expect(planSnapshot('rollback', vm, { name: 'nope' }, existing, ok)).toMatchObject({ reason: 'not-found', message: "VM 100 web-01 has no snapshot 'nope' (it has before-upgrade)" });
    expect(planSnapshot('delete', vm, { name: 'nope' }, [], ok)).toMatchObject({ reason: 'not-found' });
  });

  it('read-only, templates and locks are refused first', () => {
    expect(planSnapshot('create', vm, { name: 'x1' }, [], { readOnly: true })).toMatchObject({ reason: 'read-only' });
    expect(planSnapshot('create', { ...vm, template: true }, { name: 'x1' }, [], ok)).toMatchObject({ reason: 'not-applicable', message: /template/ });
    expect(planSnapshot('rollback', { ...vm, lock: 'snapshot' }, { name: 'before-upgrade' }, existing, ok)).toMatchObject({ reason: 'locked', message: /locked \(snapshot\)/ });
  });
});
