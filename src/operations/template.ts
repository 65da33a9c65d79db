// Converting a guest to a template (HIGH risk: it cannot be undone; the guest can no longer be
// started, only cloned). PVE converts only a stopped guest without snapshots.
import { apiPath } from '../proxmox/params.js';
import { commonRefusal } from './common.js';
import { guestLabel, type GuestTarget, type OperationPlan, type Refusal } from './types.js';

export interface TemplateFacts {
  /** The guest's snapshot names, when known: PVE refuses a guest that has any. */
  snapshots?: readonly string[];
}

export function planTemplate(source: GuestTarget, ctx: { readOnly: boolean }, facts: TemplateFacts = {}): OperationPlan | Refusal {
  const action = 'template';
  const label = guestLabel(source);
  const common = commonRefusal(action, source, ctx);
  if (common) return common;
  if (source.template) return { action, target: source, reason: 'not-applicable', message: `${label} is already a template` };
  const kind = source.type === 'qemu' ? 'vm' : 'ct';
  if (source.status !== 'stopped') {
    return { action, target: source, reason: 'blocked', message: `${label} is ${source.status}: only a stopped guest becomes a template; shut it down first (proxmox-mpc shutdown ${kind} ${source.vmid})` };
  }
  const snapshots = facts.snapshots ?? [];
  if (snapshots.length) {
    return { action, target: source, reason: 'blocked', message: `${label} has snapshots (${snapshots.join(', ')}): PVE converts only a guest without any; delete them first (proxmox-mpc snapshot delete ${kind} ${source.vmid} <name>)` };
  }
  return {
    action,
    target: source,
    risk: 'high',
    calls: [{ method: 'POST', path: apiPath`/nodes/${source.node}/${source.type}/${source.vmid}/template` }],
    summary: `convert ${label} on ${source.node} to a template`,
    loss: `this cannot be undone: ${source.name || 'the guest'} can never be started again, only cloned (its disks become read-only base volumes)`,
  };
}
