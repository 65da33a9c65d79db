// startSimulator: the cluster model behind the HTTP layer, on 127.0.0.1.
import { createCluster, createClusterRoutes, type Cluster } from './cluster/index.js';
import { createFaultController } from './faults.js';
import { hasPrivilege } from './permissions.js';
import { createApiServer } from './server.js';
import type { SimulatorHandle, SimulatorOptions } from './types.js';

export type { SimulatorHandle, SimulatorOptions, SimFaults } from './types.js';

/** A realistic pause before answering a failed login, as pveproxy makes (about 3 s), scaled
 * like task durations so that fast test runs stay fast. */
const UNAUTHORIZED_DELAY_MS = 3000;

export async function startSimulator(
  options: SimulatorOptions = {},
): Promise<
  SimulatorHandle & {
    summary: SimulatorSummary;
    /** The model behind the API, for benches and tests that change guests directly rather than
     * through the HTTP API (e.g. many status changes between two polls). */
    cluster: Cluster;
  }
> {
  const timeScale = options.timeScale ?? 1;
  const faults = createFaultController(options.faults);
  const cluster = createCluster({
    scenario: options.scenario ?? 'homelab',
    ...(options.guests !== undefined ? { guests: options.guests } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    timeScale,
    isNodeOffline: (node) => faults.isNodeOffline(node),
  });
  try {
    const server = await createApiServer({
      routes: createClusterRoutes(cluster, { canSee: (req, path, priv) => hasPrivilege(req.principal, path, priv) }),
      faults,
      accounts: {
        ...(options.rootPassword !== undefined ? { rootPassword: options.rootPassword } : {}),
        ...(options.tokenSecret !== undefined ? { tokenSecret: options.tokenSecret } : {}),
      },
      port: options.port ?? 0,
      unauthorizedDelayMs: Math.round(UNAUTHORIZED_DELAY_MS * Math.min(timeScale, 1)),
      clusterName: () => cluster.name,
      now: () => cluster.clock.now(),
    });
    return {
      ...server,
      summary: summarize(cluster),
      cluster,
      close: async () => {
        cluster.dispose();
        await server.close();
      },
    };
  } catch (error) {
    cluster.dispose();
    throw error;
  }
}

export interface SimulatorSummary {
  clusterName: string;
  nodes: string[];
  qemu: number;
  lxc: number;
}

function summarize(cluster: ReturnType<typeof createCluster>): SimulatorSummary {
  let qemu = 0;
  let lxc = 0;
  for (const g of cluster.guests.values()) {
    if (g.kind === 'qemu') qemu++;
    else lxc++;
  }
  return { clusterName: cluster.name, nodes: cluster.nodeNames(), qemu, lxc };
}
