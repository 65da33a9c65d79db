// Storages as GET /nodes/{node}/storage, /cluster/resources and GET .../content show them.

import { bool01 } from '../../proxmox/values.js';
import type { Cluster } from './cluster.js';
import type { StorageDef, Volume } from './model.js';

type Json = Record<string, unknown>;

export function storageListEntry(cluster: Cluster, def: StorageDef, node: string): Json {
  const st = cluster.storage.status(def.id, node);
  return {
    storage: def.id,
    type: def.type,
    content: def.content.join(','),
    active: 1,
    enabled: 1,
    shared: bool01(def.shared),
    total: st.total,
    used: st.used,
    avail: st.avail,
    used_fraction: st.total > 0 ? st.used / st.total : 0,
  };
}

export function storageResourceEntry(cluster: Cluster, def: StorageDef, node: string): Json {
  const out: Json = {
    id: `storage/${node}/${def.id}`,
    type: 'storage',
    storage: def.id,
    node,
    plugintype: def.type,
    content: def.content.join(','),
    shared: bool01(def.shared),
    status: 'unknown',
  };
  if (!cluster.isNodeOffline(node)) {
    const st = cluster.storage.status(def.id, node);
    out.status = 'available';
    out.disk = st.used;
    out.maxdisk = st.total;
  }
  return out;
}

/** Images of containers list as `rootdir`, of VMs (and of unknown owners) as `images`. */
export function volumeContent(cluster: Cluster, vol: Volume): string {
  if (vol.content === 'images' || vol.content === 'rootdir') {
    return cluster.guests.get(vol.vmid ?? -1)?.kind === 'lxc' ? 'rootdir' : 'images';
  }
  return vol.content;
}

export function contentEntry(cluster: Cluster, vol: Volume): Json {
  const out: Json = { volid: vol.volid, content: volumeContent(cluster, vol), format: vol.format, size: vol.size, ctime: vol.ctime };
  if (vol.vmid !== undefined) out.vmid = vol.vmid;
  if (vol.content === 'images' || vol.content === 'rootdir') out.used = vol.used;
  if (vol.parent !== undefined) out.parent = vol.parent;
  if (vol.subtype !== undefined) out.subtype = vol.subtype;
  if (vol.notes !== undefined) out.notes = vol.notes;
  if (vol.protected) out.protected = 1;
  return out;
}
