// The simulated cluster: state, tasks and the route handlers the HTTP layer serves.

export { createCluster, type CreateClusterOptions } from './createCluster.js';
export { Cluster } from './cluster.js';
export { createClusterRoutes, type ClusterRoutesOptions, type CanSee } from './routes/index.js';
export { HOMELAB_FACTS } from './scenarios/homelab.js';
export type { Clock } from './time.js';
