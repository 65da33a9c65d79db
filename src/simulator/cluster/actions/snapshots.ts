// Snapshots (pve-guest-common AbstractConfig snapshot_create / snapshot_rollback /
// snapshot_delete): a tree of config sections with `parent` links, the `snapshot`,
// `rollback` and `snapshot-delete` locks while the worker runs, and the RAM state volume
// of a qemu snapshot taken with vmstate.

import { dieError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import type { Guest, GuestConf, GuestKind } from '../model.js';
import { renderBytes } from '../sizes.js';
import { TaskFailure } from '../tasks.js';
import { allocateVolume, configVolumes } from '../volumes.js';
import { checkLockInTask, flag, loadInTask, ms, ownerOf, pathNode, pathVmid, startTask, str } from './context.js';
import { qemuStartScript, lxcStartScript } from './power.js';
import { snapshotLines } from './storageLog.js';

type Json = Record<string, unknown>;

export function listSnapshots(cluster: Cluster, kind: GuestKind, req: SimRequest): Json[] {
  const guest = cluster.requireGuest(kind, pathNode(req), pathVmid(req));
  const out: Json[] = [];
  for (const snap of guest.config.snapshots.values()) {
    const c = snap.conf;
    const item: Json = { name: snap.name, snaptime: typeof c.snaptime === 'number' ? c.snaptime : 0, description: typeof c.description === 'string' ? c.description : '' };
    if (kind === 'qemu') item.vmstate = c.vmstate !== undefined ? 1 : 0;
    if (typeof c.parent === 'string') item.parent = c.parent;
    out.push(item);
  }
  const current: Json = { name: 'current', digest: guest.config.digest(), running: guest.status === 'running' ? 1 : 0, description: 'You are here!' };
  const parent = guest.config.get('parent');
  if (typeof parent === 'string') current.parent = parent;
  out.push(current);
  return out;
}

/** The volumes a snapshot is taken of: disks and mount points, not CD-ROMs or cloud-init. */
function snapshotVolumes(guest: Guest): string[] {
  return configVolumes(guest.kind, guest.config.current)
    .filter((v) => !v.isCdrom && !v.key.startsWith('unused') && v.key !== 'vmstate')
    .map((v) => v.volid);
}

export function createSnapshot(cluster: Cluster, kind: GuestKind, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const snapname = str(req, 'snapname') ?? '';
  if (snapname === 'current') throw dieError("unable to use snapshot name 'current' (reserved name)");
  if (snapname.toLowerCase() === 'pending') throw dieError("unable to use snapshot name 'pending' (reserved name)");
  cluster.requireGuest(kind, node, vmid);
  const wantState = kind === 'qemu' && flag(req, 'vmstate');
  const description = str(req, 'description') ?? '';
  return startTask(cluster, ownerOf(req), node, kind === 'qemu' ? 'qmsnapshot' : 'vzsnapshot', vmid, async (t) => {
    const guest = loadInTask(cluster, kind, node, vmid);
    checkLockInTask(guest);
    if (guest.config.summary.template) throw new TaskFailure(`you can't take a snapshot if it's a template`);
    if (guest.config.snapshots.has(snapname)) throw new TaskFailure(`snapshot name '${snapname}' already used`);
    guest.config.setLock('snapshot');
    try {
      const withState = wantState && guest.status === 'running';
      let vmstate: string | undefined;
      if (withState) {
        const size = guest.config.summary.maxmem * 2 + 512 * 1024 * 1024;
        t.log("saving VM state and RAM using storage 'local-lvm'");
        await t.sleep(ms(cluster, 1500, 3000));
        const vol = allocateVolume(cluster, { node, storage: 'local-lvm', vmid, kind, size, ctime: t.now(), name: `vm-${vmid}-state-${snapname}` });
        vmstate = vol.volid;
        t.log(`  Logical volume "${vol.name}" created.`);
        t.log(`completed saving the VM state in 3s, saved ${renderBytes(Math.round(guest.config.summary.maxmem * 0.55))}`);
      }
      for (const volid of snapshotVolumes(guest)) {
        await t.sleep(ms(cluster, 300, 900));
        for (const line of snapshotLines(cluster, volid, snapname, 'created')) t.log(line);
      }
      const conf: GuestConf = {};
      for (const [key, value] of Object.entries(guest.config.current)) if (key !== 'lock' && key !== 'parent') conf[key] = value;
      const parent = guest.config.get('parent');
      if (typeof parent === 'string') conf.parent = parent;
      conf.snaptime = t.now();
      if (description !== '') conf.description = description;
      else delete conf.description;
      if (vmstate) {
        conf.vmstate = vmstate;
        conf.runningmachine = 'pc-i440fx-10.1+pve0';
      }
      guest.config.snapshots.set(snapname, { name: snapname, conf });
      guest.config.mutate((c) => {
        c.parent = snapname;
        delete c.lock;
      });
    } catch (e) {
      if (guest.config.lock === 'snapshot') guest.config.setLock(undefined);
      throw e;
    }
  });
}

export function rollbackSnapshot(cluster: Cluster, kind: GuestKind, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const snapname = str(req, 'snapname') ?? '';
  const start = flag(req, 'start');
  return startTask(cluster, ownerOf(req), node, kind === 'qemu' ? 'qmrollback' : 'vzrollback', vmid, async (t) => {
    const guest = loadInTask(cluster, kind, node, vmid);
    const snap = guest.config.snapshots.get(snapname);
    if (!snap) throw new TaskFailure(`snapshot '${snapname}' does not exist`);
    checkLockInTask(guest);
    if (guest.status === 'running') {
      await t.sleep(ms(cluster, 500, 1500));
      cluster.markStopped(guest);
    }
    guest.config.setLock('rollback');
    try {
      for (const volid of snapshotVolumes(guest)) {
        await t.sleep(ms(cluster, 400, 1200));
        const name = volid.slice(volid.indexOf(':') + 1);
        if (cluster.storage.defs.get(volid.slice(0, volid.indexOf(':')))?.type === 'lvmthin') {
          t.log(`  Logical volume "${name}" successfully removed.`);
          t.log(`  Logical volume "${name}" created.`);
        }
      }
      const restored: GuestConf = {};
      for (const [key, value] of Object.entries(snap.conf)) {
        if (key === 'snaptime' || key === 'description' || key === 'parent' || key === 'vmstate' || key === 'runningmachine' || key === 'runningcpu') continue;
        restored[key] = value;
      }
      const description = guest.config.get('description');
      if (typeof description === 'string') restored.description = description;
      restored.parent = snapname;
      guest.config.replace(restored);
    } catch (e) {
      if (guest.config.lock === 'rollback') guest.config.setLock(undefined);
      throw e;
    }
    if (snap.conf.vmstate !== undefined && kind === 'qemu') {
      cluster.markStarted(guest);
    } else if (start) {
      await (kind === 'qemu' ? qemuStartScript(cluster, node, vmid, false) : lxcStartScript(cluster, node, vmid, false))(t);
    }
  });
}

export function deleteSnapshot(cluster: Cluster, kind: GuestKind, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const snapname = str(req, 'snapname') ?? '';
  return startTask(cluster, ownerOf(req), node, kind === 'qemu' ? 'qmdelsnapshot' : 'vzdelsnapshot', vmid, async (t) => {
    const guest = loadInTask(cluster, kind, node, vmid);
    const snap = guest.config.snapshots.get(snapname);
    if (!snap) throw new TaskFailure(`snapshot '${snapname}' does not exist`);
    checkLockInTask(guest);
    guest.config.setLock('snapshot-delete');
    try {
      for (const v of configVolumes(kind, snap.conf)) {
        if (v.isCdrom || v.key.startsWith('unused') || v.key === 'vmstate') continue;
        await t.sleep(ms(cluster, 300, 900));
        for (const line of snapshotLines(cluster, v.volid, snapname, 'successfully removed')) t.log(line);
      }
      if (typeof snap.conf.vmstate === 'string') {
        cluster.storage.remove(guest.node, snap.conf.vmstate);
        t.log(`  Logical volume "${snap.conf.vmstate.slice(snap.conf.vmstate.indexOf(':') + 1)}" successfully removed.`);
      }
      const parent = typeof snap.conf.parent === 'string' ? snap.conf.parent : undefined;
      for (const other of guest.config.snapshots.values()) {
        if (other.conf.parent !== snapname) continue;
        if (parent === undefined) delete other.conf.parent;
        else other.conf.parent = parent;
      }
      guest.config.snapshots.delete(snapname);
      guest.config.mutate((c) => {
        if (c.parent === snapname) {
          if (parent === undefined) delete c.parent;
          else c.parent = parent;
        }
        delete c.lock;
      });
    } catch (e) {
      if (guest.config.lock === 'snapshot-delete') guest.config.setLock(undefined);
      throw e;
    }
  });
}
