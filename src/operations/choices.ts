// What a create wizard (or `proxmox-mpc create`) offers, read live from the cluster: nodes,
// the next free vmid, and for the chosen node its storages with their free space, bridges,
// ISOs, container templates; VM templates cluster-wide. Names from the API are kept as they
// are (they are values to send back); whoever shows them passes them through safeText.
import type { ProxmoxClient } from '../proxmox/client.js';
import { extractQemuDevices, isCdrom, isCloudInitDrive, parseQemuBoot, type QemuDrive } from '../proxmox/formats/index.js';
import type { CreateFacts } from './create.js';

export interface CreateChoices {
  /** The node the node-specific lists are for (the one asked for, or the first online one). */
  node: string;
  nodes: { name: string; online: boolean; cpus?: number; memFreeBytes?: number }[];
  nextVmid: number;
  usedVmids: Set<number>;
  storages: { id: string; type: string; content: string[]; availBytes?: number; totalBytes?: number; active: boolean; shared?: boolean }[];
  bridges: { name: string; comment?: string; vlanAware?: boolean }[];
  isos: { volid: string; sizeBytes?: number }[];
  ctTemplates: { volid: string; sizeBytes?: number }[];
  /** qemu guests with template=1, cluster-wide; `disk` is filled in by `templateDisk`. */
  vmTemplates: { node: string; vmid: number; name: string }[];
  pools: string[];
}

/** The cluster's choices for creating a guest on `node` (omitted: the first online node). An
 * offline or unknown node gets empty node lists; the spec checks then say why. */
export async function loadCreateChoices(client: ProxmoxClient, node?: string): Promise<CreateChoices> {
  const [nodeList, nextVmid, guests, pools] = await Promise.all([client.nodes(), client.nextId(), client.clusterResources('vm'), client.pools().catch(() => [])]);
  const nodes = nodeList
    .map((n) => ({
      name: n.node,
      online: n.status === 'online',
      ...(n.maxcpu !== undefined ? { cpus: n.maxcpu } : {}),
      ...(n.maxmem !== undefined && n.mem !== undefined ? { memFreeBytes: Math.max(0, n.maxmem - n.mem) } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const chosen = node ?? nodes.find((n) => n.online)?.name ?? nodes[0]?.name ?? '';
  const online = nodes.some((n) => n.name === chosen && n.online);
  const usedVmids = new Set(guests.map((g) => g.vmid).filter((v): v is number => v !== undefined));
  const vmTemplates = guests
    .filter((g) => g.type === 'qemu' && g.template === true && g.vmid !== undefined && g.node !== undefined)
    .map((g) => ({ node: g.node!, vmid: g.vmid!, name: g.name ?? '' }))
    .sort((a, b) => a.vmid - b.vmid);
  const base = { node: chosen, nodes, nextVmid, usedVmids, vmTemplates, pools: pools.map((p) => p.poolid).sort() };
  if (!online) return { ...base, storages: [], bridges: [], isos: [], ctTemplates: [] };

  // A token may not see the network config (Sys.Audit): no bridges then, and none checked.
  const [storageList, network] = await Promise.all([client.storage(chosen), client.network(chosen).catch(() => [])]);
  const storages = storageList
    .filter((s) => s.enabled !== false)
    .map((s) => ({
      id: s.storage,
      type: s.type,
      content: s.content,
      active: s.active !== false,
      ...(s.avail !== undefined ? { availBytes: s.avail } : {}),
      ...(s.total !== undefined ? { totalBytes: s.total } : {}),
      ...(s.shared !== undefined ? { shared: s.shared } : {}),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const bridges = network
    .filter((n) => n.type === 'bridge' || n.type === 'OVSBridge')
    .map((n) => ({ name: n.iface, ...(n.comments ? { comment: n.comments.trim() } : {}), ...(n.bridge_vlan_aware ? { vlanAware: true } : {}) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const contentOf = async (content: 'iso' | 'vztmpl'): Promise<{ volid: string; sizeBytes?: number }[]> => {
    // One storage that cannot be listed (a PBS or NFS server away) leaves the others' content.
    const lists = await Promise.all(storages.filter((s) => s.active && s.content.includes(content)).map((s) => client.storageContent(chosen, s.id, { content }).catch(() => [])));
    return lists
      .flat()
      .filter((item) => item.content === undefined || item.content === content)
      .map((item) => ({ volid: item.volid, ...(item.size !== undefined ? { sizeBytes: item.size } : {}) }))
      .sort((a, b) => a.volid.localeCompare(b.volid));
  };
  const [isos, ctTemplates] = await Promise.all([contentOf('iso'), contentOf('vztmpl')]);
  return { ...base, storages, bridges, isos, ctTemplates };
}

/** The facts the spec checks compare against, from the choices. On a node that is offline or
 * unknown the node's own lists are not known: only the node is then refused. */
export function createFactsOf(choices: CreateChoices): CreateFacts {
  // No pools or no bridges may only mean they could not be read: then they are not checked.
  const common = {
    usedVmids: choices.usedVmids,
    nodes: choices.nodes.map((n) => n.name),
    offlineNodes: choices.nodes.filter((n) => !n.online).map((n) => n.name),
    ...(choices.pools.length ? { pools: choices.pools } : {}),
  };
  if (!choices.nodes.some((n) => n.name === choices.node && n.online)) return common;
  return {
    ...common,
    storages: choices.storages,
    ...(choices.bridges.length ? { bridges: choices.bridges.map((b) => b.name) } : {}),
    isos: choices.isos.map((i) => i.volid),
    ctTemplates: choices.ctTemplates.map((t) => t.volid),
  };
}

/** The storage a new disk (images) or container volume (rootdir) goes on by default: the
 * first active one that holds it, local ones first. */
export function defaultStorage(choices: Pick<CreateChoices, 'storages'>, content: 'images' | 'rootdir'): string | undefined {
  const fitting = choices.storages.filter((s) => s.active && s.content.includes(content));
  return (fitting.find((s) => s.shared !== true) ?? fitting[0])?.id;
}

/** What a clone needs to know of a VM template: its boot disk (to grow it), its OS type (the
 * default for the clone), and whether it has a cloud-init drive. */
export interface TemplateFacts {
  disk?: { key: string; sizeGiB: number };
  /** The storages its disks are on (CD-ROMs and the cloud-init drive left out). */
  storages: string[];
  ostype?: string;
  cloudInit: boolean;
  cores?: number;
  memoryMiB?: number;
}

const DISK_BUS_ORDER = ['scsi', 'virtio', 'sata', 'ide'];

export async function loadTemplateFacts(client: ProxmoxClient, node: string, vmid: number): Promise<TemplateFacts> {
  const config = await client.qemu.config(node, vmid);
  const raw = config.raw as Record<string, string | number>;
  const { disks } = extractQemuDevices(raw);
  const drives = disks.filter((d) => d.bus !== 'efidisk' && d.bus !== 'tpmstate').map((d) => ({ key: d.key, drive: d.disk as QemuDrive }));
  const order = config.boot ? parseQemuBoot(config.boot).order : [];
  // The boot order's first disk; else the first by bus (scsi, virtio, sata, ide) and index.
  const rank = (key: string): number => (order.includes(key) ? order.indexOf(key) : 1000 + DISK_BUS_ORDER.findIndex((b) => key.startsWith(b)) * 100 + Number(key.replace(/\D+/g, '')));
  const boot = drives.filter((d) => !isCdrom(d.drive) && !isCloudInitDrive(d.drive)).sort((a, b) => rank(a.key) - rank(b.key))[0];
  const size = boot?.drive.size?.bytes;
  return {
    ...(boot && size !== undefined ? { disk: { key: boot.key, sizeGiB: Number((size / 1024 ** 3).toFixed(3)) } } : {}),
    storages: [...new Set(drives.filter((d) => !isCdrom(d.drive) && !isCloudInitDrive(d.drive) && d.drive.storage !== undefined).map((d) => d.drive.storage!))].sort(),
    ...(config.ostype !== undefined ? { ostype: config.ostype } : {}),
    cloudInit: drives.some((d) => isCloudInitDrive(d.drive)),
    ...(config.cores !== undefined ? { cores: config.cores } : {}),
    ...(config.memory !== undefined ? { memoryMiB: config.memory } : {}),
  };
}
