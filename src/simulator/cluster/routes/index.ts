// The cluster's route table: a handler for every served endpoint except POST /access/ticket
// (authentication belongs to the HTTP layer). A `{node}` that is no cluster member fails
// the way pve-cluster's remote_node_ip does.

import type { SimRouteTable } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { hostnameLookupFailed } from '../errors.js';
import { allowAll, type CanSee } from './access.js';
import { clusterRoutes } from './clusterRoutes.js';
import { guestRoutes } from './guestRoutes.js';
import { nodeRoutes } from './nodeRoutes.js';
import { poolRoutes } from './poolRoutes.js';
import { taskRoutes } from './taskRoutes.js';

export interface ClusterRoutesOptions {
  /** Leaves out of list endpoints what the caller may not see (default: everything visible). */
  canSee?: CanSee;
  /** GET /nodes/{node}/lxc with `vmid` as a string, as before PVE 8.2. */
  legacyLxcVmid?: boolean;
}

export function createClusterRoutes(cluster: Cluster, options: ClusterRoutesOptions = {}): SimRouteTable {
  const canSee = options.canSee ?? allowAll;
  const table: SimRouteTable = {
    ...clusterRoutes(cluster, canSee),
    ...nodeRoutes(cluster, canSee),
    ...guestRoutes(cluster, 'qemu', canSee),
    ...guestRoutes(cluster, 'lxc', canSee, options.legacyLxcVmid ?? false),
    ...taskRoutes(cluster, canSee),
    ...poolRoutes(cluster, canSee),
  };
  for (const [key, handler] of Object.entries(table)) {
    if (!key.includes('{node}')) continue;
    table[key] = (req) => {
      const node = String(req.params.node);
      // `localhost` names the node answering the call, as in pvesh.
      if (node === 'localhost') return handler({ ...req, params: { ...req.params, node: cluster.localNode } });
      if (!cluster.nodes.has(node)) throw hostnameLookupFailed(node);
      return handler(req);
    };
  }
  return table;
}

export type { CanSee };
