// `proxmox-mpc clone`, `migrate` and `template`: what the plans need is read live (nodes and
// storages from /cluster/resources, the guests' disks from their configs, snapshots, the next
// free vmid), then the shared operation run does the rest (refusals, --dry-run, y/N, tasks).
import { guestKeyOf } from '../../db/model.js';
import { planClone, type CloneFacts, type CloneRequest, type CloneVolume } from '../../operations/clone.js';
import { dnsNameProblem, type NodeFact } from '../../operations/common.js';
import { planMigrate, type MigrateFacts, type MigrateRequest } from '../../operations/migrate.js';
import { isRefusal } from '../../operations/power.js';
import { planTemplate } from '../../operations/template.js';
import type { GuestTarget } from '../../operations/types.js';
import type { ProxmoxClient } from '../../proxmox/client.js';
import type { ClusterResource } from '../../proxmox/types.js';
import { createClient, loadConnectionSettings } from '../connect.js';
import { parseGuestConfig, type DiskInfo } from '../read/guestConfig.js';
import { ExitCode, UserError } from '../userError.js';
import { isReadOnly, liveTargets, resolveTargets, runPlanned, type OperationCommandOptions } from './operationRun.js';

export interface CloneCommandOptions extends OperationCommandOptions {
  name?: string;
  newid?: number;
  full?: boolean;
  linked?: boolean;
  targetNode?: string;
  storage?: string;
  pool?: string;
  description?: string;
  snapname?: string;
  start?: boolean;
}

export interface MigrateCommandOptions extends OperationCommandOptions {
  to: string;
  online?: boolean;
  withLocalDisks?: boolean;
  targetStorage?: string;
  restart?: boolean;
}

/** Storage types that make linked clones of any volume; file storages only of qcow2 ones. */
const THIN_STORAGE = new Set(['lvmthin', 'zfspool', 'zfs', 'rbd', 'btrfs']);
const FILE_STORAGE = new Set(['dir', 'nfs', 'cifs', 'glusterfs']);

/** What /cluster/resources tells about nodes, vmids, storages and pools. */
interface Cluster {
  nodes: NodeFact[];
  usedVmids: Set<number>;
  /** `node/storage` -> the storage as that node has it. */
  storages: Map<string, ClusterResource>;
}

async function readCluster(client: ProxmoxClient): Promise<Cluster> {
  const resources = await client.clusterResources();
  const storages = new Map<string, ClusterResource>();
  for (const r of resources) if (r.type === 'storage' && r.node !== undefined && r.storage !== undefined) storages.set(`${r.node}/${r.storage}`, r);
  return {
    nodes: resources.filter((r) => r.type === 'node' && r.node !== undefined).map((r) => ({ name: r.node!, online: r.status === 'online' })),
    usedVmids: new Set(resources.flatMap((r) => (r.vmid !== undefined && (r.type === 'qemu' || r.type === 'lxc') ? [r.vmid] : []))),
    storages,
  };
}

/** The guest's disks as its config (or one of its snapshots) has them. */
async function disksOf(client: ProxmoxClient, t: GuestTarget, snapshot?: string): Promise<DiskInfo[]> {
  const c = await client.guest(t.type).config(t.node, t.vmid, snapshot !== undefined ? { snapshot } : {});
  const row = { type: t.type, vmid: t.vmid, node: t.node, name: t.name, status: t.status, template: t.template, tags: [], config: c.raw as Record<string, string | number> };
  return parseGuestConfig(row).disks.filter((d) => d.volume !== 'none' && d.volume !== 'cdrom');
}

async function snapshotNames(client: ProxmoxClient, t: GuestTarget): Promise<string[]> {
  return (await client.guest(t.type).snapshots(t.node, t.vmid)).map((s) => s.name).filter((n) => n !== 'current');
}

function storageOf(cluster: Cluster, node: string, d: DiskInfo): ClusterResource | undefined {
  return d.storage === null ? undefined : cluster.storages.get(`${node}/${d.storage}`);
}

/** A client for the facts, closed afterwards. */
async function withClient<T>(opts: OperationCommandOptions, fn: (client: ProxmoxClient) => Promise<T>): Promise<T> {
  const client = createClient(loadConnectionSettings(opts));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

export async function runClone(kind: string, ref: string, opts: CloneCommandOptions): Promise<void> {
  if (opts.full && opts.linked) throw new UserError('--full and --linked exclude each other: choose one', ExitCode.usage);
  if (opts.name !== undefined) {
    const problem = dnsNameProblem(opts.name, '--name');
    if (problem) throw new UserError(problem, ExitCode.usage);
  }
  const { targets, cachePath } = await resolveTargets('clone', kind, [ref], opts);
  const [source] = await liveTargets(targets, opts);
  const { facts, newid } = await withClient(opts, async (client) => {
    const cluster = await readCluster(client);
    const volumes: CloneVolume[] = (await disksOf(client, source!, opts.snapname))
      .filter((d) => d.role !== 'cdrom' && d.storage !== null)
      .map((d) => {
        const storage = storageOf(cluster, source!.node, d);
        const type = storage?.plugintype;
        const linkable = d.role === 'cloudinit' || type === undefined || THIN_STORAGE.has(type) || (FILE_STORAGE.has(type) && /\.qcow2$/.test(d.volume));
        return { key: d.key, volid: d.volume, shared: storage?.shared === true, linkable };
      });
    const facts: CloneFacts = {
      usedVmids: cluster.usedVmids,
      nodes: cluster.nodes,
      volumes,
      storages: [...cluster.storages.values()].filter((s) => s.node === source!.node).map((s) => ({ id: s.storage!, content: s.content ?? [], shared: s.shared === true })),
      snapshots: await snapshotNames(client, source!),
      pools: (await client.pools()).map((p) => p.poolid),
    };
    return { facts, newid: opts.newid ?? (await client.nextId()) };
  });
  const full = opts.linked ? false : opts.full ? true : !(source!.template && facts.volumes.every((v) => v.linkable));
  const request: CloneRequest = {
    newid,
    full,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.targetNode !== undefined ? { targetNode: opts.targetNode } : {}),
    ...(opts.storage !== undefined ? { storage: opts.storage } : {}),
    ...(opts.pool !== undefined ? { pool: opts.pool } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.snapname !== undefined ? { snapname: opts.snapname } : {}),
    ...(opts.start ? { start: true } : {}),
  };
  const plan = planClone(source!, request, facts, { readOnly: isReadOnly(opts) });
  if (opts.newid === undefined && opts.output !== 'json' && !isRefusal(plan)) process.stderr.write(`clone: the new guest gets vmid ${newid} (the next free one)\n`);
  await runPlanned('clone', [source!], () => plan, cachePath, opts);
}

export async function runMigrate(kind: string, refs: string[], opts: MigrateCommandOptions): Promise<void> {
  const { targets, cachePath } = await resolveTargets('migrate', kind, refs, opts);
  const live = await liveTargets(targets, opts);
  const facts = await withClient(opts, async (client) => {
    const cluster = await readCluster(client);
    const out = new Map<string, MigrateFacts>();
    for (const t of live) {
      const disks = await disksOf(client, t);
      const local = disks.filter((d) => d.storage !== null && storageOf(cluster, t.node, d)?.shared !== true);
      out.set(guestKeyOf(t), {
        nodes: cluster.nodes,
        localVolumes: local.filter((d) => d.role !== 'cdrom').map((d) => d.volume),
        localCdroms: local.filter((d) => d.role === 'cdrom').map((d) => d.volume),
      });
    }
    return out;
  });
  const request: MigrateRequest = {
    targetNode: opts.to,
    ...(opts.online ? { online: true } : {}),
    ...(opts.withLocalDisks ? { withLocalDisks: true } : {}),
    ...(opts.targetStorage !== undefined ? { targetStorage: opts.targetStorage } : {}),
    ...(opts.restart ? { restart: true } : {}),
    ...(opts.restart && opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
  };
  const readOnly = isReadOnly(opts);
  await runPlanned('migrate', live, (t) => planMigrate(t, request, facts.get(guestKeyOf(t))!, { readOnly }), cachePath, opts);
}

export async function runTemplate(kind: string, refs: string[], opts: OperationCommandOptions): Promise<void> {
  const { targets, cachePath } = await resolveTargets('template', kind, refs, opts);
  const live = await liveTargets(targets, opts);
  const snapshots = await withClient(opts, async (client) => {
    const out = new Map<string, string[]>();
    for (const t of live) out.set(guestKeyOf(t), await snapshotNames(client, t));
    return out;
  });
  const readOnly = isReadOnly(opts);
  await runPlanned('template', live, (t) => planTemplate(t, { readOnly }, { snapshots: snapshots.get(guestKeyOf(t)) ?? [] }), cachePath, opts);
}
