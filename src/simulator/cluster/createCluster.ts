// createCluster: builds a Cluster from a scenario. `homelab` is the demo cluster;
// `generated` is for load. The same seed (on the same day, or with the same clock) gives
// the same cluster.

import { Cluster } from './cluster.js';
import { createRng, hash32 } from './rng.js';
import { buildGenerated } from './scenarios/generated.js';
import { buildHomelab } from './scenarios/homelab.js';
import { systemClock, type Clock } from './time.js';

export interface CreateClusterOptions {
  scenario: 'homelab' | 'generated';
  /** generated: number of guests (default 1000). */
  guests?: number;
  /** generated: number of nodes (default 4). */
  nodes?: number;
  seed?: number;
  /** Task durations are multiplied by this (1 = realistic, 0.001 for fast tests). */
  timeScale?: number;
  /** A node listed as down: offline in /nodes and /cluster/status, its guests `unknown`. */
  isNodeOffline?: (node: string) => boolean;
  clusterName?: string;
  /** Time source (default: the system clock); history is anchored to the start of its day. */
  clock?: Clock;
}

export function createCluster(options: CreateClusterOptions): Cluster {
  const seed = options.seed ?? 1;
  const clock = options.clock ?? systemClock;
  const anchor = Math.floor(clock.now() / 86_400_000) * 86_400;
  const cluster = new Cluster({
    name: options.clusterName ?? (options.scenario === 'homelab' ? 'homelab' : 'datacenter'),
    seed,
    timeScale: options.timeScale ?? 1,
    clock,
    isNodeOffline: options.isNodeOffline ?? (() => false),
    anchor,
  });
  const rng = createRng(hash32(seed, options.scenario));
  if (options.scenario === 'homelab') buildHomelab(cluster, rng);
  else buildGenerated(cluster, rng, Math.max(0, Math.floor(options.guests ?? 1000)), Math.max(1, Math.floor(options.nodes ?? 4)));
  return cluster;
}
