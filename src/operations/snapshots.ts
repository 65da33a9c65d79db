// Snapshots as operations: take one (low risk), roll back to one (high: what happened since is
// lost), delete one (high: the restore point is gone). Names are checked as PVE checks them.
import { apiPath } from '../proxmox/params.js';
import { commonRefusal } from './common.js';
import { guestLabel, type GuestTarget, type OperationPlan, type Refusal } from './types.js';

export type SnapshotAction = 'create' | 'rollback' | 'delete';
export const SNAPSHOT_ACTIONS: readonly SnapshotAction[] = ['create', 'rollback', 'delete'];

export interface SnapshotRequest {
  name: string;
  description?: string;
  /** qemu: save the RAM too (the VM resumes where it was on rollback). */
  vmstate?: boolean;
  /** rollback: start the guest afterwards. */
  start?: boolean;
}

/** What the guest's snapshots are, as PVE lists them now. */
export interface ExistingSnapshot {
  name: string;
  snaptime?: number;
  vmstate?: boolean;
}

const NAME = /^[a-z][a-z0-9_-]{1,39}$/i;
const RESERVED = new Set(['current', 'pending']);

/** Why a snapshot name is not one PVE takes (undefined: it is fine). */
export function snapshotNameProblem(name: string): string | undefined {
  if (RESERVED.has(name.toLowerCase())) return `'${name}' is reserved by PVE: choose another name`;
  if (!NAME.test(name)) return `'${name}' is not a snapshot name: 2 to 40 letters, digits, - and _, starting with a letter (e.g. before-upgrade)`;
  return undefined;
}

function when(snaptime: number | undefined): string {
  return snaptime === undefined ? '' : ` (taken ${new Date(snaptime * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})`;
}

function missing(label: string, name: string, existing: readonly ExistingSnapshot[]): string {
  return `${label} has no snapshot '${name}' (${existing.length ? `it has ${existing.map((s) => s.name).join(', ')}` : 'it has none'})`;
}

export function planSnapshot(action: SnapshotAction, target: GuestTarget, request: SnapshotRequest, existing: readonly ExistingSnapshot[], ctx: { readOnly: boolean }): OperationPlan | Refusal {
  const label = guestLabel(target);
  const common = commonRefusal(`snapshot ${action}`, target, ctx);
  if (common) return common;
  if (target.template) return { action: `snapshot ${action}`, target, reason: 'not-applicable', message: `${label} is a template: templates have no snapshots` };
  const problem = snapshotNameProblem(request.name);
  if (problem !== undefined) return { action: `snapshot ${action}`, target, reason: 'not-applicable', message: problem };
  const found = existing.find((s) => s.name === request.name);
  const base = apiPath`/nodes/${target.node}/${target.type}/${target.vmid}/snapshot`;
  switch (action) {
    case 'create': {
      if (found) return { action: 'snapshot create', target, reason: 'not-applicable', message: `${label} already has a snapshot '${request.name}': choose another name` };
      if (request.vmstate && target.type !== 'qemu') return { action: 'snapshot create', target, reason: 'not-applicable', message: 'containers have no RAM state to save: drop --vmstate' };
      const params: Record<string, string | number> = { snapname: request.name };
      if (request.description) params.description = request.description;
      if (request.vmstate) params.vmstate = 1;
      return {
        action: 'snapshot create',
        target,
        risk: 'low',
        calls: [{ method: 'POST', path: base, params }],
        summary: `take snapshot '${request.name}' of ${label}${request.vmstate ? ' with its RAM' : ''}`,
      };
    }
    case 'rollback': {
      if (!found) return { action: 'snapshot rollback', target, reason: 'not-found', message: missing(label, request.name, existing) };
      return {
        action: 'snapshot rollback',
        target,
        risk: 'high',
        calls: [{ method: 'POST', path: `${base}/${encodeURIComponent(request.name)}/rollback`, ...(request.start ? { params: { start: 1 } } : {}) }],
        summary: `roll ${label} back to snapshot '${request.name}'${when(found.snaptime)}${request.start ? ', then start it' : ''}`,
        loss: `everything that changed in ${target.name || 'the guest'} since the snapshot is discarded`,
      };
    }
    case 'delete': {
      if (!found) return { action: 'snapshot delete', target, reason: 'not-found', message: missing(label, request.name, existing) };
      return {
        action: 'snapshot delete',
        target,
        risk: 'high',
        calls: [{ method: 'DELETE', path: `${base}/${encodeURIComponent(request.name)}` }],
        summary: `delete snapshot '${request.name}'${when(found.snaptime)} of ${label}`,
        loss: `the restore point '${request.name}'; ${label} cannot go back to it any more`,
      };
    }
  }
}
