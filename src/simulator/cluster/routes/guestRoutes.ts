// /nodes/{node}/qemu/... and /nodes/{node}/lxc/...: one table per guest kind.

import { dieError, paramError, type SimRequest, type SimRouteTable } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { flag, pathNode, pathVmid, str } from '../actions/context.js';
import { cloneGuest } from '../actions/clone.js';
import { updateConfig } from '../actions/configUpdate.js';
import { createGuest } from '../actions/create.js';
import { destroyGuest } from '../actions/destroy.js';
import { migrateGuest } from '../actions/migrate.js';
import { powerAction, type PowerAction } from '../actions/power.js';
import { createSnapshot, deleteSnapshot, listSnapshots, rollbackSnapshot } from '../actions/snapshots.js';
import { resizeDisk } from '../actions/resize.js';
import { convertToTemplate } from '../actions/templates.js';
import { lxcListItem, lxcStatusCurrent, qemuListItem, qemuStatusCurrent } from '../guestViews.js';
import type { GuestKind } from '../model.js';
import type { CanSee } from './access.js';

type Json = Record<string, unknown>;

function configView(cluster: Cluster, kind: GuestKind, req: SimRequest): Json {
  const snapshot = str(req, 'snapshot');
  if (snapshot !== undefined && flag(req, 'current')) {
    const msg = "cannot use 'snapshot' parameter with 'current'";
    throw paramError({ snapshot: msg, current: msg });
  }
  const guest = cluster.requireGuest(kind, pathNode(req), pathVmid(req));
  let conf: Json;
  if (snapshot !== undefined) {
    const snap = guest.config.snapshots.get(snapshot);
    if (!snap) throw dieError(`snapshot '${snapshot}' does not exist`);
    conf = { ...snap.conf };
  } else {
    conf = { ...guest.config.current };
  }
  if (kind === 'qemu' && conf.cipassword !== undefined) conf.cipassword = '**********';
  conf.digest = guest.config.digest();
  return conf;
}

export function guestRoutes(cluster: Cluster, kind: GuestKind, canSee: CanSee, legacyVmid = false): SimRouteTable {
  const base = `/nodes/{node}/${kind}`;
  const power = (action: PowerAction) => (req: SimRequest) => powerAction(cluster, kind, action, req);
  const actions: PowerAction[] = kind === 'qemu' ? ['start', 'stop', 'shutdown', 'reboot', 'reset', 'suspend', 'resume'] : ['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'];

  const table: SimRouteTable = {
    [`GET ${base}`]: (req) => {
      const node = pathNode(req);
      const full = flag(req, 'full');
      const out: Json[] = [];
      for (const guest of cluster.guestsOn(node)) {
        if (guest.kind !== kind || !canSee(req, `/vms/${guest.vmid}`, 'VM.Audit')) continue;
        const item = kind === 'qemu' ? qemuListItem(cluster, guest, full) : lxcListItem(cluster, guest);
        if (legacyVmid) item.vmid = String(guest.vmid);
        out.push(item);
      }
      return out;
    },
    [`POST ${base}`]: (req) => createGuest(cluster, kind, req),
    [`GET ${base}/{vmid}/config`]: (req) => configView(cluster, kind, req),
    [`PUT ${base}/{vmid}/config`]: (req) => updateConfig(cluster, kind, req, false),
    [`GET ${base}/{vmid}/status/current`]: (req) => {
      const guest = cluster.requireGuest(kind, pathNode(req), pathVmid(req));
      return kind === 'qemu' ? qemuStatusCurrent(cluster, guest) : lxcStatusCurrent(cluster, guest);
    },
    [`POST ${base}/{vmid}/clone`]: (req) => cloneGuest(cluster, kind, req),
    [`POST ${base}/{vmid}/migrate`]: (req) => migrateGuest(cluster, kind, req),
    [`POST ${base}/{vmid}/template`]: (req) => convertToTemplate(cluster, kind, req),
    [`PUT ${base}/{vmid}/resize`]: (req) => resizeDisk(cluster, kind, req),
    [`DELETE ${base}/{vmid}`]: (req) => destroyGuest(cluster, kind, req),
    [`GET ${base}/{vmid}/snapshot`]: (req) => listSnapshots(cluster, kind, req),
    [`POST ${base}/{vmid}/snapshot`]: (req) => createSnapshot(cluster, kind, req),
    [`POST ${base}/{vmid}/snapshot/{snapname}/rollback`]: (req) => rollbackSnapshot(cluster, kind, req),
    [`DELETE ${base}/{vmid}/snapshot/{snapname}`]: (req) => deleteSnapshot(cluster, kind, req),
  };
  if (kind === 'qemu') table[`POST ${base}/{vmid}/config`] = (req) => updateConfig(cluster, kind, req, true);
  for (const action of actions) table[`POST ${base}/{vmid}/status/${action}`] = power(action);
  return table;
}
