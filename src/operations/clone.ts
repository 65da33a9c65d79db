// Cloning a guest (LOW risk: it creates). Full copies or linked clones of a template, on the
// source's node or another one, from the current state or a snapshot; the new guest can be
// started once the copy is done. What PVE would refuse is refused here first, saying why.
import { apiPath } from '../proxmox/params.js';
import { commonRefusal, dnsNameProblem, newVmidProblem, targetNodeProblem, type NodeFact } from './common.js';
import { guestLabel, type ApiCall, type GuestTarget, type OperationPlan, type Refusal } from './types.js';

export interface CloneRequest {
  /** The new guest's vmid (the CLI and dialogs propose GET /cluster/nextid). */
  newid: number;
  /** VM name; a container's hostname. */
  name?: string;
  /** A full copy of every disk; false: a linked clone (templates only). */
  full: boolean;
  /** The node the clone ends up on (the source's when absent). */
  targetNode?: string;
  /** Full clones: the storage for the new disks (else each stays on its source's). */
  storage?: string;
  pool?: string;
  description?: string;
  /** Clone the guest as it was in this snapshot. */
  snapname?: string;
  /** Start the new guest once it is made. */
  start?: boolean;
}

/** One of the source's disks (CD-ROMs left out; a cloud-init drive included). */
export interface CloneVolume {
  /** `scsi0`, `rootfs`, `mp0`... */
  key: string;
  volid: string;
  /** Its storage is shared between nodes. */
  shared: boolean;
  /** Its storage can make a linked clone of it (thin LVM, ZFS, Ceph, qcow2 on file storage). */
  linkable: boolean;
}

export interface StorageFact {
  id: string;
  /** images, rootdir, iso... */
  content: readonly string[];
  shared: boolean;
}

/** What must be known to refuse early. */
export interface CloneFacts {
  /** Every vmid in the cluster now. */
  usedVmids: ReadonlySet<number>;
  nodes: readonly NodeFact[];
  /** The source's disks (as of `snapname` when cloning a snapshot). */
  volumes: readonly CloneVolume[];
  /** The storages of the source's node; --storage is checked against them when given. */
  storages?: readonly StorageFact[];
  /** The source's snapshot names; --snapname is checked against them when given. */
  snapshots?: readonly string[];
  /** The cluster's pools; --pool is checked against them when given. */
  pools?: readonly string[];
}

export function planClone(source: GuestTarget, request: CloneRequest, facts: CloneFacts, ctx: { readOnly: boolean }): OperationPlan | Refusal {
  const action = 'clone';
  const label = guestLabel(source);
  const refuse = (message: string, reason: Refusal['reason'] = 'blocked'): Refusal => ({ action, target: source, reason, message });
  const common = commonRefusal(action, source, ctx);
  if (common) return common;
  const qemu = source.type === 'qemu';

  const vmidProblem = newVmidProblem(request.newid, facts.usedVmids);
  if (vmidProblem) return refuse(vmidProblem);
  if (request.name !== undefined) {
    const problem = dnsNameProblem(request.name, qemu ? 'name' : 'hostname');
    if (problem) return refuse(problem);
  }
  // PVE takes the source's own node as "no target".
  const targetNode = request.targetNode !== undefined && request.targetNode !== source.node ? request.targetNode : undefined;
  if (targetNode !== undefined) {
    const nodeRefusal = targetNodeProblem(source, action, targetNode, facts.nodes);
    if (nodeRefusal) return nodeRefusal;
  }
  if (request.snapname !== undefined && facts.snapshots && !facts.snapshots.includes(request.snapname)) {
    return refuse(`${label} has no snapshot '${request.snapname}' (${facts.snapshots.length ? `it has ${facts.snapshots.join(', ')}` : 'it has none'})`, 'not-found');
  }
  if (request.pool !== undefined && facts.pools && !facts.pools.includes(request.pool)) {
    return refuse(`there is no pool '${request.pool}'${facts.pools.length ? `: choose one of ${facts.pools.join(', ')}` : ' (the cluster has none)'}`, 'not-found');
  }

  if (!request.full) {
    if (!source.template) return refuse(`${label} is not a template: PVE makes linked clones only of templates; use --full, or convert it to a template first`);
    if (request.storage !== undefined) return refuse('a linked clone stays on the storage of the template: drop --storage, or use --full');
    const unlinkable = facts.volumes.filter((v) => !v.linkable);
    if (unlinkable.length) return refuse(`the storage of ${unlinkable.map((v) => `${v.key} (${v.volid})`).join(', ')} cannot make linked clones: use --full`);
  }
  let storage: StorageFact | undefined;
  if (request.storage !== undefined && facts.storages) {
    storage = facts.storages.find((s) => s.id === request.storage);
    const content = qemu ? 'images' : 'rootdir';
    const fitting = facts.storages.filter((s) => s.content.includes(content)).map((s) => s.id);
    const choose = fitting.length ? `choose one of ${fitting.join(', ')}` : `no storage there holds ${qemu ? 'disk images' : 'container volumes'}`;
    if (!storage) return refuse(`there is no storage '${request.storage}' on ${source.node}: ${choose}`, 'not-found');
    if (!storage.content.includes(content)) return refuse(`storage '${request.storage}' does not hold ${qemu ? 'disk images' : 'container volumes'}: ${choose}`);
  }
  if (targetNode !== undefined) {
    if (storage && !storage.shared) return refuse(`storage '${storage.id}' is local to ${source.node}: a clone to ${targetNode} needs a shared storage (or clone here and migrate it)`);
    const local = request.full && storage?.shared ? [] : facts.volumes.filter((v) => !v.shared);
    if (local.length) return refuse(`${label} has disks on local storage (${local.map((v) => v.volid).join(', ')}): clone it on ${source.node}, then migrate the clone to ${targetNode}`);
  }
  if (!qemu && request.full && source.status === 'running' && request.snapname === undefined) {
    return refuse(`${label} is running: PVE makes a full clone of a running container only from a snapshot; pass --snapname, or shut it down first`);
  }

  const params: Record<string, string | number> = { newid: request.newid };
  if (request.name !== undefined) params[qemu ? 'name' : 'hostname'] = request.name;
  if (request.description) params.description = request.description;
  params.full = request.full ? 1 : 0;
  if (targetNode !== undefined) params.target = targetNode;
  if (request.storage !== undefined) params.storage = request.storage;
  if (request.pool !== undefined) params.pool = request.pool;
  if (request.snapname !== undefined) params.snapname = request.snapname;
  const calls: ApiCall[] = [{ method: 'POST', path: apiPath`/nodes/${source.node}/${source.type}/${source.vmid}/clone`, params }];
  const endsOn = targetNode ?? source.node;
  const newLabel = cloneLabel(source, request);
  if (request.start) calls.push({ method: 'POST', path: apiPath`/nodes/${endsOn}/${source.type}/${request.newid}/status/start` });

  const n = facts.volumes.length;
  const disks = `${n} disk${n === 1 ? '' : 's'}`;
  const how = request.full ? `a full copy of its ${disks}${request.storage !== undefined ? ` on ${request.storage}` : ''}` : `linked to the template's ${disks}`;
  return {
    action,
    target: source,
    risk: 'low',
    calls,
    ...(request.start ? { steps: ['clone', 'start'], ifFailedAtFirst: 'nothing was created', ifFailedAfterFirst: `${newLabel} exists on ${endsOn}, stopped` } : {}),
    summary: `clone ${label}${request.snapname !== undefined ? ` as of snapshot '${request.snapname}'` : ''} to ${newLabel} on ${endsOn} (${how})${request.start ? ', then start it' : ''}`,
  };
}

/** `VM 123 web-03`: the guest a clone makes. */
export function cloneLabel(source: GuestTarget, request: Pick<CloneRequest, 'newid' | 'name'>): string {
  return guestLabel({ type: source.type, vmid: request.newid, name: request.name ?? '' });
}
