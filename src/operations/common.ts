// What every plan checks first (read-only mode, a lock), and the field checks more than one
// operation needs (a new vmid, a guest's name), in PVE's own terms.
import { guestLabel, type GuestTarget, type Refusal } from './types.js';

/** Read-only mode or a lock: the refusal every operation gives first (undefined: neither). */
export function commonRefusal(action: string, target: GuestTarget, ctx: { readOnly: boolean }): Refusal | undefined {
  if (ctx.readOnly) return { action, target, reason: 'read-only', message: `read-only mode: ${action} is refused (drop --read-only or console.readOnly to act)` };
  if (target.lock) return { action, target, reason: 'locked', message: `${guestLabel(target)} is locked (${target.lock}): wait for the ${target.lock} to finish` };
  return undefined;
}

/** PVE's vmid range (pve-vmid). */
export const VMID_MIN = 100;
export const VMID_MAX = 999_999_999;

/** Why `vmid` cannot be a new guest's id (undefined: it can). */
export function newVmidProblem(vmid: number, used: ReadonlySet<number>): string | undefined {
  if (!Number.isInteger(vmid) || vmid < VMID_MIN || vmid > VMID_MAX) return `vmid ${vmid} is out of range: use a whole number from ${VMID_MIN} to ${VMID_MAX}`;
  if (used.has(vmid)) return `vmid ${vmid} is already in use: choose another (or leave it out for the next free one)`;
  return undefined;
}

const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const DNS_NAME = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);

/** Why `name` is not a DNS name, as PVE wants a VM's name and a container's hostname. */
export function dnsNameProblem(name: string, field = 'name'): string | undefined {
  if (name.length > 253 || !DNS_NAME.test(name)) return `${field} '${name}' is not a valid DNS name: letters, digits and -, dot-separated, not starting or ending with - (e.g. web-01)`;
  return undefined;
}

/** A cluster node as the plans need it. */
export interface NodeFact {
  name: string;
  online: boolean;
}

/** Why `name` cannot be the node an operation goes to (undefined: it can). */
export function targetNodeProblem(target: GuestTarget, action: string, name: string, nodes: readonly NodeFact[]): Refusal | undefined {
  const node = nodes.find((n) => n.name === name);
  const online = nodes.filter((n) => n.online).map((n) => n.name);
  const choose = online.length ? `choose one of ${online.join(', ')}` : 'no node is online';
  if (!node) return { action, target, reason: 'not-found', message: `there is no node '${name}' in the cluster: ${choose}` };
  if (!node.online) return { action, target, reason: 'blocked', message: `node ${name} is offline: ${choose}, or bring ${name} back first` };
  return undefined;
}
