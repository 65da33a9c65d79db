// Migrating a guest to another node (MEDIUM risk). A stopped guest moves offline (its local
// disks copied); a running VM moves live with --online; a running container can only move
// with --restart (PVE has no live migration for containers). Refusals say what to pass.
import { apiPath } from '../proxmox/params.js';
import { commonRefusal, targetNodeProblem, type NodeFact } from './common.js';
import { guestLabel, type GuestTarget, type OperationPlan, type Refusal } from './types.js';

export interface MigrateRequest {
  targetNode: string;
  /** VMs: live migration of a running VM. */
  online?: boolean;
  /** VMs: copy local disks along (needed for a live migration with local disks). */
  withLocalDisks?: boolean;
  /** A storage on the target for the local disks (or `src:dst` pairs). */
  targetStorage?: string;
  /** Containers: shut a running container down, move it, start it again. */
  restart?: boolean;
  /** Containers, with restart: seconds the shutdown may take. */
  timeout?: number;
}

export interface MigrateFacts {
  nodes: readonly NodeFact[];
  /** The guest's volumes on storage not shared between nodes (they are copied). */
  localVolumes: readonly string[];
  /** CD-ROM images on local storage: PVE cannot migrate those. */
  localCdroms: readonly string[];
}

export function planMigrate(source: GuestTarget, request: MigrateRequest, facts: MigrateFacts, ctx: { readOnly: boolean }): OperationPlan | Refusal {
  const action = 'migrate';
  const label = guestLabel(source);
  const refuse = (message: string, reason: Refusal['reason'] = 'blocked'): Refusal => ({ action, target: source, reason, message });
  const common = commonRefusal(action, source, ctx);
  if (common) return common;
  const qemu = source.type === 'qemu';
  const to = request.targetNode;
  if (to === source.node) return refuse(`${label} is already on ${to}: nothing to move (name another node with --to)`, 'not-applicable');
  const nodeRefusal = targetNodeProblem(source, action, to, facts.nodes.filter((n) => n.name !== source.node));
  if (nodeRefusal) return nodeRefusal;
  if (facts.localCdroms.length) {
    return refuse(`${label} has a local CD-ROM image (${facts.localCdroms.join(', ')}) that PVE cannot migrate: eject it first`);
  }
  const running = source.status !== 'stopped';
  if (running && qemu && !request.online) return refuse(`${label} is ${source.status}: pass --online for a live migration, or shut it down first`);
  if (running && !qemu && !request.restart) {
    return refuse(`${label} is ${source.status} and PVE cannot live-migrate containers: pass --restart (it is shut down, moved and started again), or shut it down first`);
  }
  if (running && qemu && facts.localVolumes.length && !request.withLocalDisks) {
    return refuse(`${label} has local disks (${facts.localVolumes.join(', ')}): pass --with-local-disks to copy them during the live migration, or shut it down first`);
  }

  const live = running && qemu;
  const restart = running && !qemu;
  const params: Record<string, string | number> = { target: to };
  if (live) params.online = 1;
  if (restart) params.restart = 1;
  if (request.targetStorage !== undefined) params[qemu ? 'targetstorage' : 'target-storage'] = request.targetStorage;
  if (qemu && (request.withLocalDisks || (live && facts.localVolumes.length > 0))) params['with-local-disks'] = 1;
  if (restart && request.timeout !== undefined) params.timeout = request.timeout;

  const n = facts.localVolumes.length;
  const copies = n ? `, copying ${n} local disk${n === 1 ? '' : 's'} (${facts.localVolumes.join(', ')})${request.targetStorage !== undefined ? ` to ${request.targetStorage}` : ''}` : '';
  const how = live ? 'live, while it runs (it pauses briefly at the switch-over)' : restart ? `with a restart (shut down${request.timeout !== undefined ? ` within ${request.timeout} s` : ''}, moved, started again)` : 'offline';
  const loss = restart
    ? `its services are down while it moves; ${source.name || 'the container'} is unreachable until started on ${to}`
    : undefined;
  return {
    action,
    target: source,
    risk: 'medium',
    calls: [{ method: 'POST', path: apiPath`/nodes/${source.node}/${source.type}/${source.vmid}/migrate`, params }],
    summary: `migrate ${label} from ${source.node} to ${to} ${how}${copies}`,
    ...(loss ? { loss } : {}),
  };
}
