// DELETE /nodes/{node}/qemu/{vmid} and /lxc/{vmid}: qemu-server destroy_vm and
// pve-container destroy_vm, including their early checks and the `destroyed` lock.

import { dieError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { guestType, lockedMessage, onlyRoot } from '../errors.js';
import type { GuestKind } from '../model.js';
import { TaskFailure } from '../tasks.js';
import { ownedVolumes } from '../volumes.js';
import { checkLockInTask, flag, isRoot, loadInTask, ms, ownerOf, pathNode, pathVmid, startTask } from './context.js';
import { lxcStopScript } from './power.js';
import { removedLines } from './storageLog.js';
import { baseNameInUse } from './templates.js';

export function destroyGuest(cluster: Cluster, kind: GuestKind, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const skiplock = flag(req, 'skiplock');
  if (skiplock && !isRoot(req)) throw onlyRoot('skiplock');
  const guest = cluster.requireGuest(kind, node, vmid);
  const type = guestType(kind);
  const purge = flag(req, 'purge');
  const force = kind === 'lxc' && flag(req, 'force');

  if (guest.config.get('protection') === 1) throw dieError(`can't remove ${type} ${vmid} - protection mode enabled`);
  if (kind === 'lxc' && guest.config.lock !== undefined) throw dieError(lockedMessage(kind, guest.config.lock));
  if (guest.ha && !purge) throw dieError(`unable to remove ${type} ${vmid} - used in HA resources and purge parameter not set.`);
  if (guest.status === 'running' && !force) {
    throw dieError(kind === 'qemu' ? `VM ${vmid} is running - destroy failed` : `unable to destroy CT ${vmid} - container is running`);
  }

  return startTask(cluster, ownerOf(req), node, kind === 'qemu' ? 'qmdestroy' : 'vzdestroy', vmid, async (t) => {
    const g = loadInTask(cluster, kind, node, vmid);
    if (!skiplock) checkLockInTask(g);
    if (g.status === 'running') {
      if (!force) throw new TaskFailure(kind === 'qemu' ? `VM ${vmid} is running - destroy failed` : `unable to destroy CT ${vmid} - container is running`);
      await lxcStopScript(cluster, node, vmid, true, false)(t);
    }
    const volumes = ownedVolumes(kind, vmid, g.config.current);
    for (const snap of g.config.snapshots.values()) for (const v of ownedVolumes(kind, vmid, snap.conf)) if (!volumes.includes(v)) volumes.push(v);
    for (const volid of volumes) {
      if (baseNameInUse(cluster, node, volid)) throw new TaskFailure(`base volume '${volid.slice(volid.indexOf(':') + 1)}' is still in use by linked clones`);
    }
    g.config.setLock('destroyed');
    await t.sleep(ms(cluster, 500, 1000));
    for (const volid of volumes) {
      await t.sleep(ms(cluster, 200, 700));
      cluster.storage.remove(g.node, volid);
      for (const line of removedLines(cluster, volid)) t.log(line);
    }
    if (purge) {
      t.log(`purging ${type} ${vmid} from related configurations..`);
      if (g.ha) t.log(`NOTE: removed ${type} ${vmid} from HA resource configuration.`);
    }
    cluster.removeGuest(vmid);
  });
}
