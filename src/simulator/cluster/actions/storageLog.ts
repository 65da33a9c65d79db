// The lines storage plugins print while they work on volumes (LVM-thin speaks lvm2, file
// storages qemu-img), so task logs read like the real ones.

import type { Cluster } from '../cluster.js';
import { splitVolid } from '../formats.js';

function lvName(volid: string): string | undefined {
  const parts = splitVolid(volid);
  return parts ? parts[1] : undefined;
}

function typeOf(cluster: Cluster, volid: string): string | undefined {
  const parts = splitVolid(volid);
  return parts ? cluster.storage.defs.get(parts[0])?.type : undefined;
}

export function createdLines(cluster: Cluster, volid: string, size: number): string[] {
  const type = typeOf(cluster, volid);
  const name = lvName(volid) ?? volid;
  if (type === 'lvmthin') return [`  Logical volume "${name}" created.`];
  if (type === 'nfs' || type === 'dir') {
    const def = cluster.storage.defs.get(splitVolid(volid)![0])!;
    const fmt = name.endsWith('.qcow2') ? 'qcow2' : 'raw';
    return [
      fmt === 'qcow2'
        ? `Formatting '${def.path ?? ''}/images/${name}', fmt=qcow2 cluster_size=65536 extended_l2=off preallocation=metadata compression_type=zlib size=${size} lazy_refcounts=off refcount_bits=16`
        : `Formatting '${def.path ?? ''}/images/${name}', fmt=raw size=${size} preallocation=off`,
    ];
  }
  return [];
}

export function removedLines(cluster: Cluster, volid: string): string[] {
  return typeOf(cluster, volid) === 'lvmthin' ? [`  Logical volume "${lvName(volid)}" successfully removed.`] : [];
}

export function renamedLines(cluster: Cluster, volid: string, newName: string): string[] {
  const parts = splitVolid(volid);
  if (!parts) return [];
  const def = cluster.storage.defs.get(parts[0]);
  if (def?.type !== 'lvmthin') return [];
  return [`  Renamed "${parts[1]}" to "${newName}" in volume group "${def.vgname ?? 'pve'}"`, `  Logical volume ${def.vgname ?? 'pve'}/${newName} changed.`, '  WARNING: Combining activation change with other commands is not advised.'];
}

export function snapshotLines(cluster: Cluster, volid: string, snap: string, action: 'created' | 'successfully removed'): string[] {
  return typeOf(cluster, volid) === 'lvmthin' ? [`  Logical volume "snap_${lvName(volid)}_${snap}" ${action}.`] : [];
}
