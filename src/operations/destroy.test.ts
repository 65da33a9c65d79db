import { describe, expect, it } from 'vitest';
import { confirmationText, isConfirmed } from './confirm.js';
import { planDelete } from './destroy.js';
import { isRefusal } from './power.js';
import type { GuestTarget, OperationPlan } from './types.js';

const stopped: GuestTarget = { type: 'qemu', vmid: 114, node: 'pve2', name: 'test-vm', status: 'stopped', template: false };
const facts = { volumes: ['local-lvm:vm-114-disk-0', 'local-lvm:vm-114-disk-1'], protection: false };
const ok = { readOnly: false };
const planned = (p: ReturnType<typeof planDelete>): OperationPlan => {
  if (isRefusal(p)) throw new Error(p.message);
  return p;
};

describe('planDelete', () => {
  it('is critical, one DELETE, and names every volume that goes', () => {
    const p = planned(planDelete(stopped, { purge: true, destroyUnreferenced: true }, facts, ok));
    expect(p.risk).toBe('critical');
    expect(p.calls).toEqual([{ method: 'DELETE', path: '/nodes/pve2/qemu/114', params: { purge: 1, 'destroy-unreferenced-disks': 1 } }]);
    expect(p.loss).toBe(
      'the guest test-vm and its 2 volumes (local-lvm:vm-114-disk-0, local-lvm:vm-114-disk-1); every other volume of vmid 114 on its storages; its entries in backup jobs, replication and HA',
    );
    expect(planned(planDelete(stopped, {}, facts, ok)).calls[0]!.params).toBeUndefined();
  });

  it('asks for the guest’s name, and only the exact name confirms', () => {
    const p = planned(planDelete(stopped, {}, facts, ok));
    expect(confirmationText(p).lines.at(-1)).toBe("Type the guest's name (test-vm) to confirm:");
    expect(isConfirmed(p, 'y')).toBe(false);
    expect(isConfirmed(p, 'test-vm')).toBe(true);
  });

  it('refuses a running or protected guest (blocked, not skipped), a locked one, and in read-only mode', () => {
    expect(planDelete({ ...stopped, status: 'running' }, {}, facts, ok)).toMatchObject({ reason: 'blocked', message: /stop it first \(proxmox-mpc stop vm 114\)/ });
    expect(planDelete(stopped, {}, { ...facts, protection: true }, ok)).toMatchObject({ reason: 'blocked', message: /protected/ });
    expect(planDelete({ ...stopped, lock: 'backup' }, {}, facts, ok)).toMatchObject({ reason: 'locked' });
    expect(planDelete(stopped, {}, facts, { readOnly: true })).toMatchObject({ reason: 'read-only' });
  });
});
