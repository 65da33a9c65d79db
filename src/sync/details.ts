// The slow part of a sync, read every Nth poll: storage content, node networks, pool comments
// and storage members, node certificates, cluster name and PVE version.
import type { NetworkRow, NodeRow, StorageContentRow, StorageRow } from '../db/model.js';
import type { ProxmoxClient } from '../proxmox/client.js';
import type { CallOptions } from '../proxmox/caller.js';
import { isProxmoxError } from '../proxmox/errors.js';
import type { NetworkInterface, StorageContentItem } from '../proxmox/types.js';
import { mapLimit } from './limit.js';
import { warningOf } from './warnings.js';
import type { SyncWarning } from './types.js';

export type DetailsClient = Pick<ProxmoxClient, 'storageContent' | 'network' | 'pools' | 'pool' | 'nodes' | 'version' | 'clusterStatus'>;

export interface PoolInfo {
  comment?: string;
  /** `storage/<node>/<id>` members (guest members come from /cluster/resources every poll). */
  storages: string[];
}

export interface Details {
  storageContent: StorageContentRow[];
  networks: NetworkRow[];
  pools?: Map<string, PoolInfo>;
  sslFingerprints?: Map<string, string>;
  clusterName?: string;
  pveVersion?: string;
  /** False when a part could not be read and there was no cached copy to keep: the section
   * must then be left out of the observation (or the cache would drop what it has). */
  storageContentComplete: boolean;
  networksComplete: boolean;
  storageContentFetched: number;
  networksFetched: number;
  warnings: SyncWarning[];
}

/** What the cache holds, for the parts that could not be read this time (so the sections the
 * observation carries stay complete: the cache replaces a section it is given). */
export interface CachedDetails {
  storageContent(node: string, storage: string): StorageContentRow[];
  networks(node: string): NetworkRow[];
}

const CONTENT_TYPES = new Set(['images', 'rootdir', 'iso', 'vztmpl', 'backup', 'snippets', 'import']);

function contentRow(node: string, storage: string, item: StorageContentItem): StorageContentRow {
  const row: StorageContentRow = { node, storage, volid: item.volid, content: item.content ?? '' };
  if (item.format !== undefined) row.format = item.format;
  if (item.size !== undefined) row.size = item.size;
  if (item.vmid !== undefined) row.vmid = item.vmid;
  if (item.ctime !== undefined) row.ctime = item.ctime;
  if (item.notes !== undefined) row.notes = item.notes;
  return row;
}

function networkRow(node: string, n: NetworkInterface): NetworkRow {
  const row: NetworkRow = { node, iface: n.iface, type: n.type, active: n.active === true };
  if (n.autostart !== undefined) row.autostart = n.autostart;
  if (n.address !== undefined) row.address = n.address;
  if (n.cidr !== undefined) row.cidr = n.cidr;
  if (n.gateway !== undefined) row.gateway = n.gateway;
  if (n.bridge_ports !== undefined) row.bridgePorts = n.bridge_ports;
  if (n.vlanId !== undefined) row.vlanId = n.vlanId;
  if (n.comments !== undefined) row.comments = n.comments;
  return row;
}

/** One read per storage: shared storages once, from the first online node that has them. */
export function contentTargets(storage: readonly StorageRow[], onlineNodes: ReadonlySet<string>): { node: string; storage: string; readable: boolean }[] {
  const targets: { node: string; storage: string; readable: boolean }[] = [];
  const sharedDone = new Set<string>();
  const sorted = [...storage].sort((a, b) => a.node.localeCompare(b.node) || a.storage.localeCompare(b.storage));
  for (const s of sorted) {
    if (!s.content.some((c) => CONTENT_TYPES.has(c))) continue;
    const readable = s.active && onlineNodes.has(s.node);
    if (s.shared) {
      if (sharedDone.has(s.storage)) continue;
      if (!readable && sorted.some((o) => o.storage === s.storage && o.active && onlineNodes.has(o.node))) continue;
      sharedDone.add(s.storage);
    }
    targets.push({ node: s.node, storage: s.storage, readable });
  }
  return targets;
}

export async function collectDetails(
  client: DetailsClient,
  input: { storage: readonly StorageRow[]; nodes: readonly NodeRow[]; poolIds: readonly string[]; concurrency: number; cached?: CachedDetails; signal?: AbortSignal; count: () => void },
): Promise<Details> {
  const call: CallOptions = input.signal ? { signal: input.signal } : {};
  const warnings: SyncWarning[] = [];
  const online = new Set(input.nodes.filter((n) => n.status === 'online').map((n) => n.node));
  const out: Details = {
    storageContent: [],
    networks: [],
    storageContentComplete: true,
    networksComplete: true,
    storageContentFetched: 0,
    networksFetched: 0,
    warnings,
  };

  const contentJob = mapLimit(contentTargets(input.storage, online), input.concurrency, async (t) => {
    if (t.readable) {
      try {
        input.count();
        const items = await client.storageContent(t.node, t.storage, call);
        out.storageContentFetched++;
        return items.map((item) => contentRow(t.node, t.storage, item));
      } catch (error) {
        if (isProxmoxError(error, 'cancelled')) throw error;
        warnings.push(warningOf('storage-content', `${t.node}/${t.storage}`, error));
      }
    }
    if (input.cached) return input.cached.storageContent(t.node, t.storage);
    out.storageContentComplete = false;
    return [];
  });

  const networkJob = mapLimit(
    input.nodes.map((n) => n.node),
    input.concurrency,
    async (node) => {
      if (online.has(node)) {
        try {
          input.count();
          const list = await client.network(node, undefined, call);
          out.networksFetched++;
          return list.map((n) => networkRow(node, n));
        } catch (error) {
          if (isProxmoxError(error, 'cancelled')) throw error;
          warnings.push(warningOf('network', node, error));
        }
      }
      if (input.cached) return input.cached.networks(node);
      out.networksComplete = false;
      return [];
    },
  );

  const poolJob = (async () => {
    try {
      input.count();
      const list = await client.pools(call);
      const ids = new Set([...input.poolIds, ...list.map((p) => p.poolid)]);
      const comments = new Map(list.map((p) => [p.poolid, p.comment]));
      const infos = await mapLimit([...ids].sort(), input.concurrency, async (poolid) => {
        input.count();
        const pool = await client.pool(poolid, call);
        const info: PoolInfo = { storages: (pool.members ?? []).filter((m) => m.type === 'storage').map((m) => m.id).sort() };
        const comment = pool.comment ?? comments.get(poolid);
        if (comment !== undefined) info.comment = comment;
        return [poolid, info] as const;
      });
      out.pools = new Map(infos);
    } catch (error) {
      if (isProxmoxError(error, 'cancelled')) throw error;
      warnings.push(warningOf('pools', undefined, error));
    }
  })();

  const nodeJob = (async () => {
    try {
      input.count();
      const nodes = await client.nodes(call);
      out.sslFingerprints = new Map(nodes.filter((n) => n.ssl_fingerprint !== undefined).map((n) => [n.node, n.ssl_fingerprint!]));
    } catch (error) {
      if (isProxmoxError(error, 'cancelled')) throw error;
      warnings.push(warningOf('nodes', undefined, error));
    }
  })();

  const clusterJob = (async () => {
    try {
      input.count();
      const version = await client.version(call);
      out.pveVersion = version.version;
    } catch (error) {
      if (isProxmoxError(error, 'cancelled')) throw error;
      warnings.push(warningOf('cluster', 'version', error));
    }
    try {
      input.count();
      const status = await client.clusterStatus(call);
      const cluster = status.find((e) => e.type === 'cluster');
      if (cluster) out.clusterName = cluster.name;
    } catch (error) {
      // A user without Sys.Audit on / cannot read the cluster status: not worth a warning.
      if (isProxmoxError(error, 'cancelled')) throw error;
      if (!isProxmoxError(error, 'permission')) warnings.push(warningOf('cluster', 'status', error));
    }
  })();

  const [content, networks] = await Promise.all([contentJob, networkJob, poolJob, nodeJob, clusterJob]);
  out.storageContent = content.flat();
  out.networks = networks.flat();
  return out;
}
