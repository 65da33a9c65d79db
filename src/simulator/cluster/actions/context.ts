// What every action needs: typed access to the coerced request parameters, the task owner,
// and task-side helpers that reload the guest the way a forked worker does.

import type { SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { configMissingMessage, lockedMessage } from '../errors.js';
import type { Guest, GuestKind } from '../model.js';
import { TaskFailure, type TaskOwner, type TaskScript } from '../tasks.js';

export function str(req: SimRequest, key: string): string | undefined {
  const v = req.params[key];
  return v === undefined ? undefined : String(v);
}

export function int(req: SimRequest, key: string): number | undefined {
  const v = req.params[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A boolean parameter (coerced to 0/1 by the HTTP layer). */
export function flag(req: SimRequest, key: string): boolean {
  const v = req.params[key];
  return v === 1 || v === '1';
}

export function isSet(req: SimRequest, key: string): boolean {
  return req.params[key] !== undefined;
}

export function pathNode(req: SimRequest): string {
  return String(req.params.node);
}

export function pathVmid(req: SimRequest): number {
  return Number(req.params.vmid);
}

export function ownerOf(req: SimRequest): TaskOwner {
  const owner: TaskOwner = { userid: req.principal.userid };
  if (req.principal.tokenid !== undefined) owner.tokenid = req.principal.tokenid;
  return owner;
}

export const ROOT_OWNER: TaskOwner = { userid: 'root@pam' };

/** `$authuser eq 'root@pam'`: a token of root is not root for these checks. */
export function isRoot(req: SimRequest): boolean {
  return req.authid === 'root@pam';
}

export function startTask(cluster: Cluster, owner: TaskOwner, node: string, type: string, id: string | number, script: TaskScript): string {
  const state = cluster.node(node);
  if (!state) throw new Error(`task on unknown node ${node}`);
  return cluster.tasks.start({ node: state, type, id, owner, script }).upid;
}

/** load_config inside a worker: the task fails when the guest is gone. */
export function loadInTask(cluster: Cluster, kind: GuestKind, node: string, vmid: number): Guest {
  const guest = cluster.guestOn(kind, node, vmid);
  if (!guest) throw new TaskFailure(configMissingMessage(kind, node, vmid));
  return guest;
}

/** check_lock inside a worker. */
export function checkLockInTask(guest: Guest, allowed: readonly string[] = []): void {
  const lock = guest.config.lock;
  if (lock !== undefined && !allowed.includes(lock)) throw new TaskFailure(lockedMessage(guest.kind, lock));
}

/** A realistic duration in ms, from the cluster's runtime generator. */
export function ms(cluster: Cluster, min: number, max: number): number {
  return cluster.rng.int(min, max);
}
