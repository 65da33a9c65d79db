// Deleting a guest: the one CRITICAL operation so far. It refuses a running or protected
// guest, names every volume that goes with it, and asks for the guest's name.
import { apiPath } from '../proxmox/params.js';
import { commonRefusal } from './common.js';
import { guestLabel, type GuestTarget, type OperationPlan, type Refusal } from './types.js';

export interface DeleteRequest {
  /** Also remove it from backup jobs, replication and HA. */
  purge?: boolean;
  /** Also destroy volumes of this vmid that its config does not reference. */
  destroyUnreferenced?: boolean;
}

export interface DeleteFacts {
  /** The volumes the config references (disks, mount points, unused volumes; not CD-ROMs). */
  volumes: readonly string[];
  protection: boolean;
}

export function planDelete(target: GuestTarget, request: DeleteRequest, facts: DeleteFacts, ctx: { readOnly: boolean }): OperationPlan | Refusal {
  const label = guestLabel(target);
  const action = 'delete';
  const common = commonRefusal(action, target, ctx);
  if (common) return common;
  if (facts.protection) return { action, target, reason: 'blocked', message: `${label} is protected: turn protection off in its options first` };
  if (target.status !== 'stopped') return { action, target, reason: 'blocked', message: `${label} is ${target.status}: stop it first (proxmox-mpc stop ${target.type === 'qemu' ? 'vm' : 'ct'} ${target.vmid})` };
  const params: Record<string, string | number> = {};
  if (request.purge) params.purge = 1;
  if (request.destroyUnreferenced) params['destroy-unreferenced-disks'] = 1;
  const n = facts.volumes.length;
  const lost = [
    `${target.template ? 'the template' : 'the guest'} ${target.name || target.vmid} and ${n === 0 ? 'no volume' : `its ${n} volume${n === 1 ? '' : 's'} (${facts.volumes.join(', ')})`}`,
    ...(request.destroyUnreferenced ? [`every other volume of vmid ${target.vmid} on its storages`] : []),
    ...(request.purge ? ['its entries in backup jobs, replication and HA'] : []),
  ];
  return {
    action,
    target,
    risk: 'critical',
    calls: [{ method: 'DELETE', path: apiPath`/nodes/${target.node}/${target.type}/${target.vmid}`, ...(Object.keys(params).length ? { params } : {}) }],
    summary: `delete ${label} on ${target.node} for good`,
    loss: lost.join('; '),
  };
}
