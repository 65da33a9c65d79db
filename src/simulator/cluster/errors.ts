// PVE's wording for the refusals the simulator reproduces (qemu-server, pve-container,
// pve-guest-common AbstractConfig, pve-cluster, pve-access-control).

import { dieError, paramError, SimHttpError } from '../types.js';
import type { GuestKind } from './model.js';

export const guestType = (kind: GuestKind): 'VM' | 'CT' => (kind === 'qemu' ? 'VM' : 'CT');

/** load_config on a vmid whose file is not on that node. */
export function configMissingMessage(kind: GuestKind, node: string, vmid: number): string {
  return `Configuration file 'nodes/${node}/${kind === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf' does not exist`;
}

export function configMissing(kind: GuestKind, node: string, vmid: number): SimHttpError {
  return dieError(configMissingMessage(kind, node, vmid));
}

/** AbstractConfig check_lock. */
export function lockedMessage(kind: GuestKind, lock: string): string {
  return `${guestType(kind)} is locked (${lock})`;
}

/** PVE::Cluster::check_vmid_unused. */
export function vmidUsedMessage(kind: GuestKind, vmid: number, node: string): string {
  return `${guestType(kind)} ${vmid} already exists on node '${node}'`;
}

/** PVE::Cluster::check_node_exists. */
export function noSuchNode(node: string): SimHttpError {
  return dieError(`no such cluster node '${node}'`);
}

/** pve-cluster remote_node_ip, for a `{node}` in the path that is no cluster member. */
export function hostnameLookupFailed(node: string): SimHttpError {
  return dieError(`hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
}

/** RPCEnvironment raise_perm_exc. */
export function permissionDenied(what: string): SimHttpError {
  return new SimHttpError(403, `Permission check failed (${what})`);
}

export function onlyRoot(param: string): SimHttpError {
  return paramError({ [param]: 'Only root may use this option.' });
}
