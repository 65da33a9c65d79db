// /nodes, /nodes/{node}/status|version|network|storage|storage/{storage}/content.

import type { SimRouteTable } from '../../types.js';
import { PVE_VERSION, type Cluster } from '../cluster.js';
import { flag, int, pathNode, str } from '../actions/context.js';
import { nodeListEntry, nodeStatus } from '../nodeViews.js';
import { contentEntry, storageListEntry, volumeContent } from '../storageViews.js';
import type { StorageDef } from '../model.js';
import type { CanSee } from './access.js';
import { requirePriv } from './access.js';

const BRIDGE_TYPES = new Set(['bridge', 'OVSBridge']);

export function nodeRoutes(cluster: Cluster, canSee: CanSee): SimRouteTable {
  const formatsOf = (def: StorageDef): { default: string; supported: string[] } | undefined => {
    if (!def.content.includes('images') && !def.content.includes('rootdir')) return undefined;
    if (def.type === 'lvmthin') return { default: 'raw', supported: ['raw'] };
    if (def.type === 'zfspool') return { default: 'raw', supported: ['raw', 'subvol'] };
    return { default: 'qcow2', supported: ['qcow2', 'raw', 'subvol', 'vmdk'] };
  };

  return {
    'GET /nodes': (req) => [...cluster.nodes.values()].map((node) => nodeListEntry(cluster, node, canSee(req, `/nodes/${node.name}`, 'Sys.Audit'))),

    'GET /nodes/{node}/status': (req) => {
      const node = cluster.node(pathNode(req))!;
      requirePriv(canSee, req, `/nodes/${node.name}`, 'Sys.Audit');
      return nodeStatus(cluster, node);
    },

    'GET /nodes/{node}/version': () => ({ ...PVE_VERSION }),

    'GET /nodes/{node}/network': (req) => {
      const node = cluster.node(pathNode(req))!;
      const type = str(req, 'type');
      const ifaces = node.interfaces.filter((i) => {
        if (type === undefined || type === 'include_sdn') return true;
        if (type === 'any_bridge' || type === 'any_local_bridge') return BRIDGE_TYPES.has(i.type);
        return i.type === type;
      });
      return ifaces.map((i) => structuredClone(i));
    },

    'GET /nodes/{node}/storage': (req) => {
      const node = pathNode(req);
      const wanted = str(req, 'content')?.split(/[,;\s]+/).filter(Boolean);
      const only = str(req, 'storage');
      const target = str(req, 'target');
      const withFormats = flag(req, 'format');
      const out: Record<string, unknown>[] = [];
      for (const def of cluster.storage.storagesOn(node)) {
        if (only !== undefined && def.id !== only) continue;
        if (wanted && !wanted.some((c) => def.content.includes(c))) continue;
        if (target !== undefined && target !== node && (!def.shared || !cluster.storage.isAvailableOn(def.id, target))) continue;
        if (!canSee(req, `/storage/${def.id}`, 'Datastore.Audit') && !canSee(req, `/storage/${def.id}`, 'Datastore.AllocateSpace')) continue;
        const entry = storageListEntry(cluster, def, node);
        if (withFormats) {
          const formats = formatsOf(def);
          if (formats) entry.formats = formats;
          entry.select_existing = 0;
        }
        out.push(entry);
      }
      return out;
    },

    'GET /nodes/{node}/storage/{storage}/content': (req) => {
      const node = pathNode(req);
      const storage = String(req.params.storage);
      const def = cluster.storage.requireOn(storage, node);
      if (!canSee(req, `/storage/${storage}`, 'Datastore.Audit') && !canSee(req, `/storage/${storage}`, 'Datastore.AllocateSpace')) {
        requirePriv(canSee, req, `/storage/${storage}`, 'Datastore.Audit');
      }
      const content = str(req, 'content');
      if (content !== undefined && !def.content.includes(content)) return [];
      const vmid = int(req, 'vmid');
      const out: Record<string, unknown>[] = [];
      for (const vol of cluster.storage.volumes(storage, node)) {
        if (vol.name.startsWith('snap_')) continue;
        if (vmid !== undefined && vol.vmid !== vmid) continue;
        if (content !== undefined && volumeContent(cluster, vol) !== content) continue;
        out.push(contentEntry(cluster, vol));
      }
      out.sort((a, b) => String(a.volid).toLowerCase().localeCompare(String(b.volid).toLowerCase()));
      return out;
    },
  };
}
