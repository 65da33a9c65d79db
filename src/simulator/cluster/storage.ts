// Storages and the volumes on them. A local storage exists once per node (its volumes and
// usage are per node); a shared one exists once for the whole cluster. Usage is kept as a
// running sum so storage status is O(1) whatever the number of volumes.

import { dieError } from '../types.js';
import type { GuestKind, StorageDef, Volume } from './model.js';

interface Instance {
  volumes: Map<string, Volume>;
  used: number;
}

export interface StorageStatus {
  total: number;
  used: number;
  avail: number;
}

export class StorageRegistry {
  readonly defs = new Map<string, StorageDef>();
  readonly #instances = new Map<string, Instance>();

  constructor(private readonly nodeNames: () => readonly string[]) {}

  define(def: StorageDef): void {
    this.defs.set(def.id, def);
  }

  /** The storage as PVE looks it up: `storage 'x' does not exist` otherwise. */
  require(id: string): StorageDef {
    const def = this.defs.get(id);
    if (!def) throw dieError(`storage '${id}' does not exist`);
    return def;
  }

  isAvailableOn(id: string, node: string): boolean {
    const def = this.defs.get(id);
    if (!def) return false;
    return !def.nodes || def.nodes.includes(node);
  }

  /** storage_check_node: `storage 'x' is not available on node 'y'`. */
  requireOn(id: string, node: string): StorageDef {
    const def = this.require(id);
    if (!this.isAvailableOn(id, node)) throw dieError(`storage '${id}' is not available on node '${node}'`);
    return def;
  }

  storagesOn(node: string): StorageDef[] {
    return [...this.defs.values()].filter((d) => !d.nodes || d.nodes.includes(node));
  }

  add(node: string, volume: Volume): void {
    const inst = this.#instance(volume.storage, node);
    const old = inst.volumes.get(volume.volid);
    if (old) inst.used -= old.used;
    inst.volumes.set(volume.volid, volume);
    inst.used += volume.used;
  }

  get(node: string, volid: string): Volume | undefined {
    const storage = volid.slice(0, volid.indexOf(':'));
    if (!this.defs.has(storage)) return undefined;
    return this.#instance(storage, node).volumes.get(volid);
  }

  remove(node: string, volid: string): Volume | undefined {
    const storage = volid.slice(0, volid.indexOf(':'));
    if (!this.defs.has(storage)) return undefined;
    const inst = this.#instance(storage, node);
    const vol = inst.volumes.get(volid);
    if (vol) {
      inst.volumes.delete(volid);
      inst.used -= vol.used;
    }
    return vol;
  }

  /** Moves a volume of a local storage to another node (migration); shared ones stay. */
  move(volid: string, from: string, to: string): void {
    const storage = volid.slice(0, volid.indexOf(':'));
    const def = this.defs.get(storage);
    if (!def || def.shared) return;
    const vol = this.remove(from, volid);
    if (vol) this.add(to, vol);
  }

  /** Renames a volume in place (template conversion: vm-100-disk-0 -> base-100-disk-0). */
  rename(node: string, volid: string, newName: string): Volume | undefined {
    const vol = this.remove(node, volid);
    if (!vol) return undefined;
    const renamed: Volume = { ...vol, name: newName, volid: `${vol.storage}:${newName}` };
    this.add(node, renamed);
    return renamed;
  }

  volumes(storage: string, node: string): IterableIterator<Volume> {
    return this.#instance(storage, node).volumes.values();
  }

  /** Whether another volume was cloned from this base volume (free_image refuses then). */
  hasLinkedClones(storage: string, node: string, baseName: string): boolean {
    for (const vol of this.volumes(storage, node)) if (vol.parent === baseName) return true;
    return false;
  }

  status(storage: string, node: string): StorageStatus {
    const def = this.require(storage);
    const used = Math.min(def.capacity, def.baseUsed + this.#instance(storage, node).used);
    return { total: def.capacity, used, avail: def.capacity - used };
  }

  /** find_free_diskname: the first `disk-N` no vm-/base- volume of this guest uses. */
  freeDiskName(storage: string, node: string, vmid: number, kind: GuestKind, base = false): string {
    const def = this.require(storage);
    const taken = new Set<number>();
    const re = new RegExp(`(?:^|/)(?:vm|base|subvol|basevol)-${vmid}-disk-(\\d+)`);
    for (const vol of this.volumes(storage, node)) {
      if (vol.vmid !== vmid) continue;
      const m = re.exec(vol.name);
      if (m) taken.add(Number(m[1]));
    }
    let n = 0;
    while (taken.has(n)) n++;
    return diskName(def, vmid, n, kind, base);
  }

  #instance(storage: string, node: string): Instance {
    const def = this.defs.get(storage);
    const key = def?.shared ? storage : `${node}/${storage}`;
    let inst = this.#instances.get(key);
    if (!inst) {
      inst = { volumes: new Map(), used: 0 };
      this.#instances.set(key, inst);
    }
    return inst;
  }

  get nodes(): readonly string[] {
    return this.nodeNames();
  }
}

/** How each storage type names a guest disk. */
export function diskName(def: StorageDef, vmid: number, n: number, kind: GuestKind, base = false): string {
  const prefix = base ? 'base' : 'vm';
  switch (def.type) {
    case 'lvmthin':
      return `${prefix}-${vmid}-disk-${n}`;
    case 'zfspool':
      return kind === 'lxc' ? `${base ? 'basevol' : 'subvol'}-${vmid}-disk-${n}` : `${prefix}-${vmid}-disk-${n}`;
    default:
      return `${vmid}/${prefix}-${vmid}-disk-${n}.${kind === 'lxc' ? 'raw' : 'qcow2'}`;
  }
}

/** The volume format a storage type gives new disks. */
export function diskFormat(def: StorageDef, kind: GuestKind): string {
  if (def.type === 'lvmthin') return 'raw';
  if (def.type === 'zfspool') return kind === 'lxc' ? 'subvol' : 'raw';
  return kind === 'lxc' ? 'raw' : 'qcow2';
}

/** The name a template's disk gets (vm-100-disk-0 -> base-100-disk-0, keeping the path form). */
export function baseNameOf(name: string): string {
  return name.replace(/(^|\/)vm-(\d+)-disk-/, '$1base-$2-disk-').replace(/(^|\/)subvol-(\d+)-disk-/, '$1basevol-$2-disk-');
}

export function storageSupports(def: StorageDef, content: string): boolean {
  return def.content.includes(content);
}
