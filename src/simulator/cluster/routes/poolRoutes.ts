// GET /pools (list, or one pool with its members) and POST /pools.

import { dieError, type SimRouteTable } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { str } from '../actions/context.js';
import { resourceEntry } from '../guestViews.js';
import { storageResourceEntry } from '../storageViews.js';
import { requirePriv, type CanSee } from './access.js';

type Json = Record<string, unknown>;

export function poolRoutes(cluster: Cluster, canSee: CanSee): SimRouteTable {
  return {
    'GET /pools': (req) => {
      const poolid = str(req, 'poolid');
      if (poolid === undefined) {
        const out: Json[] = [];
        for (const pool of cluster.pools.values()) {
          if (!canSee(req, `/pool/${pool.poolid}`, 'Pool.Audit')) continue;
          out.push(pool.comment !== undefined ? { poolid: pool.poolid, comment: pool.comment } : { poolid: pool.poolid });
        }
        return out;
      }
      const pool = cluster.pools.get(poolid);
      if (!pool) throw dieError(`pool '${poolid}' does not exist`);
      requirePriv(canSee, req, `/pool/${poolid}`, 'Pool.Audit');
      const type = str(req, 'type');
      const members: Json[] = [];
      for (const vmid of [...pool.vmids].sort((a, b) => a - b)) {
        const guest = cluster.guests.get(vmid);
        if (!guest || (type !== undefined && type !== guest.kind)) continue;
        if (canSee(req, `/vms/${vmid}`, 'VM.Audit')) members.push(resourceEntry(cluster, guest));
      }
      if (type === undefined || type === 'storage') {
        for (const id of [...pool.storages].sort()) {
          const def = cluster.storage.defs.get(id);
          if (!def) continue;
          for (const node of cluster.nodeNames()) if (cluster.storage.isAvailableOn(id, node)) members.push(storageResourceEntry(cluster, def, node));
        }
      }
      const entry: Json = { poolid, members };
      if (pool.comment !== undefined) entry.comment = pool.comment;
      return [entry];
    },

    'POST /pools': (req) => {
      const poolid = String(req.params.poolid);
      if (cluster.pools.has(poolid)) throw dieError(`pool '${poolid}' already exists`);
      const comment = str(req, 'comment');
      cluster.pools.set(poolid, { poolid, ...(comment !== undefined ? { comment } : {}), vmids: new Set(), storages: new Set() });
      return null;
    },
  };
}
