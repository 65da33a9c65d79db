// POST .../template: converting a stopped guest into a template renames its disks to base
// volumes (vm-100-disk-0 -> base-100-disk-0). qemu returns the qmtemplate UPID; pve-container
// forks vztemplate but its API returns null.

import { dieError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { guestType, lockedMessage } from '../errors.js';
import { parseVolumeOption, printVolumeOption, splitVolid, volumeKeyOf } from '../formats.js';
import type { Guest, GuestKind } from '../model.js';
import { baseNameOf } from '../storage.js';
import { TaskFailure } from '../tasks.js';
import { configVolumes } from '../volumes.js';
import { loadInTask, ms, ownerOf, pathNode, pathVmid, startTask } from './context.js';
import { renamedLines } from './storageLog.js';

function templateRefusal(guest: Guest): string | undefined {
  const kind = guest.kind;
  if (guest.config.lock !== undefined) return lockedMessage(kind, guest.config.lock);
  if (guest.config.hasSnapshots()) return `unable to create template, because ${guestType(kind)} contains snapshots`;
  if (guest.config.summary.template) return "you can't convert a template to a template";
  if (guest.status === 'running') return kind === 'qemu' ? "you can't convert a VM to template if VM is running" : "you can't convert a CT to template if the CT is running";
  return undefined;
}

export function convertToTemplate(cluster: Cluster, kind: GuestKind, req: SimRequest): string | null {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const guest = cluster.requireGuest(kind, node, vmid);
  const refusal = templateRefusal(guest);
  if (refusal) throw dieError(refusal);
  const upid = startTask(cluster, ownerOf(req), node, kind === 'qemu' ? 'qmtemplate' : 'vztemplate', vmid, async (t) => {
    const g = loadInTask(cluster, kind, node, vmid);
    const again = templateRefusal(g);
    if (again) throw new TaskFailure(again);
    await t.sleep(ms(cluster, 800, 2000));
    for (const line of makeBaseVolumes(cluster, g)) t.log(line);
    g.config.mutate((c) => {
      c.template = 1;
    });
  });
  return kind === 'qemu' ? upid : null;
}

/** Renames the guest's disks to base volumes and rewrites the config to match. */
function makeBaseVolumes(cluster: Cluster, guest: Guest): string[] {
  const lines: string[] = [];
  const renames = new Map<string, string>();
  for (const v of configVolumes(guest.kind, guest.config.current)) {
    if (v.isCdrom || v.key === 'vmstate' || /cloudinit/.test(v.volid)) continue;
    const parts = splitVolid(v.volid);
    if (!parts) continue;
    const base = baseNameOf(parts[1]);
    if (base === parts[1]) continue;
    cluster.storage.rename(guest.node, v.volid, base);
    lines.push(...renamedLines(cluster, v.volid, base));
    renames.set(v.volid, `${parts[0]}:${base}`);
  }
  guest.config.mutate((conf) => {
    for (const [key, value] of Object.entries(conf)) {
      if (typeof value !== 'string') continue;
      const parsed = parseVolumeOption(guest.kind, key, value);
      const renamed = parsed ? renames.get(parsed.volume) : undefined;
      if (!parsed || !renamed) continue;
      conf[key] = printVolumeOption(guest.kind, key, { ...parsed.props, [volumeKeyOf(guest.kind)]: renamed });
    }
  });
  return lines;
}

/** free_image refuses to remove a base volume that linked clones still use. */
export function baseNameInUse(cluster: Cluster, node: string, volid: string): boolean {
  const parts = splitVolid(volid);
  if (!parts || !/(^|\/)base(vol)?-/.test(parts[1])) return false;
  return cluster.storage.hasLinkedClones(parts[0], node, parts[1]);
}
