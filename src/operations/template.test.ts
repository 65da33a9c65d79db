import { describe, expect, it } from 'vitest';
import { confirmationText } from './confirm.js';
import { isRefusal } from './power.js';
import { planTemplate } from './template.js';
import type { GuestTarget, OperationPlan } from './types.js';

const stopped: GuestTarget = { type: 'qemu', vmid: 100, node: 'pve1', name: 'web-01', status: 'stopped', template: false };
const ok = { readOnly: false };
const planned = (p: ReturnType<typeof planTemplate>): OperationPlan => {
  if (isRefusal(p)) throw new Error(p.message);
  return p;
};

describe('planTemplate', () => {
  it('is high risk, one POST, and says it cannot be undone', () => {
    const p = planned(planTemplate(stopped, ok));
    expect(p.risk).toBe('high');
    expect(p.calls).toEqual([{ method: 'POST', path: '/nodes/pve1/qemu/100/template' }]);
    expect(confirmationText(p).lines).toEqual([
      'HIGH: convert VM 100 web-01 on pve1 to a template.',
      'Could be lost: this cannot be undone: web-01 can never be started again, only cloned (its disks become read-only base volumes).',
      'Proceed? [y/N]',
    ]);
    expect(planned(planTemplate({ ...stopped, type: 'lxc', vmid: 200 }, ok)).calls[0]!.path).toBe('/nodes/pve1/lxc/200/template');
  });

  it('refuses a running guest and one with snapshots (blocked), skips a template', () => {
    expect(planTemplate({ ...stopped, status: 'running' }, ok)).toMatchObject({ reason: 'blocked', message: /is running: only a stopped guest becomes a template; shut it down first \(proxmox-mpc shutdown vm 100\)/ });
    expect(planTemplate(stopped, ok, { snapshots: ['a', 'b'] })).toMatchObject({ reason: 'blocked', message: /has snapshots \(a, b\)/ });
    expect(planTemplate({ ...stopped, template: true }, ok)).toMatchObject({ reason: 'not-applicable', message: 'VM 100 web-01 is already a template' });
  });

  it('refuses in read-only mode and a locked guest, naming the lock', () => {
    expect(planTemplate(stopped, { readOnly: true })).toMatchObject({ reason: 'read-only', message: 'read-only mode: template is refused (drop --read-only or console.readOnly to act)' });
    expect(planTemplate({ ...stopped, lock: 'backup' }, ok)).toMatchObject({ reason: 'locked', message: /locked \(backup\)/ });
  });
});
