// /version, /cluster/*, /access/domains.

import { paramError, type SimRouteTable } from '../../types.js';
import { PVE_VERSION, type Cluster } from '../cluster.js';
import { resourceEntry } from '../guestViews.js';
import { clusterStatus, nodeResourceEntry } from '../nodeViews.js';
import { storageResourceEntry } from '../storageViews.js';
import { owner } from '../taskViews.js';
import type { TaskRecord } from '../tasks.js';
import { int, str } from '../actions/context.js';
import type { CanSee } from './access.js';

type Json = Record<string, unknown>;

export function clusterRoutes(cluster: Cluster, canSee: CanSee): SimRouteTable {
  return {
    'GET /version': () => ({ ...PVE_VERSION }),

    'GET /access/domains': () => [
      { realm: 'pam', type: 'pam', comment: 'Linux PAM standard authentication' },
      { realm: 'pve', type: 'pve', comment: 'Proxmox VE authentication server' },
    ],

    'GET /cluster/status': () => clusterStatus(cluster),

    'GET /cluster/nextid': (req) => {
      const wanted = int(req, 'vmid');
      if (wanted !== undefined) {
        if (cluster.guests.has(wanted)) throw paramError({ vmid: `VM ${wanted} already exists` });
        return String(wanted);
      }
      return String(cluster.nextFreeVmid());
    },

    'GET /cluster/resources': (req) => {
      const type = str(req, 'type');
      const out: Json[] = [];
      if (type === undefined) {
        for (const pool of cluster.pools.values()) {
          if (canSee(req, `/pool/${pool.poolid}`, 'Pool.Audit')) out.push({ id: `pool/${pool.poolid}`, pool: pool.poolid, type: 'pool' });
        }
      }
      if (type === undefined || type === 'vm') {
        for (const guest of cluster.guests.values()) {
          if (canSee(req, `/vms/${guest.vmid}`, 'VM.Audit')) out.push(resourceEntry(cluster, guest));
        }
      }
      if (type === undefined || type === 'node') {
        for (const node of cluster.nodes.values()) out.push(nodeResourceEntry(cluster, node, canSee(req, `/nodes/${node.name}`, 'Sys.Audit')));
      }
      if (type === undefined || type === 'storage') {
        for (const def of cluster.storage.defs.values()) {
          if (!canSee(req, `/storage/${def.id}`, 'Datastore.Audit')) continue;
          for (const node of cluster.nodeNames()) if (cluster.storage.isAvailableOn(def.id, node)) out.push(storageResourceEntry(cluster, def, node));
        }
      }
      if (type === undefined || type === 'sdn') {
        for (const node of cluster.nodeNames()) {
          if (!cluster.isNodeOffline(node)) out.push({ id: `sdn/${node}/localnetwork`, sdn: 'localnetwork', node, type: 'sdn', status: 'ok' });
        }
      }
      return out;
    },

    'GET /cluster/tasks': (req) => {
      const all = canSee(req, '/', 'Sys.Audit');
      const recent: TaskRecord[] = [];
      for (const node of cluster.nodeNames()) {
        let n = 0;
        for (const task of cluster.tasks.newestFirst(node)) {
          if (n >= 50) break;
          if (!all && owner(task) !== req.authid) continue;
          recent.push(task);
          n++;
        }
      }
      recent.sort((a, b) => b.starttime - a.starttime);
      return recent.map((task) => {
        const item: Json = { upid: task.upid, node: task.node, pid: task.pid, pstart: task.pstart, starttime: task.starttime, type: task.type, id: task.id, user: task.user };
        if (task.tokenid !== undefined) item.tokenid = task.tokenid;
        if (task.exitstatus !== undefined) {
          item.status = task.exitstatus;
          item.endtime = task.endtime;
        }
        return item;
      });
    },
  };
}
