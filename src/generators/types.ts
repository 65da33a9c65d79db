// The generators' contract: pure functions from what the cache knows about a cluster to the
// files of a workspace. No I/O here: the workspace writes (atomically, with backups), the
// validators check, the runners run.
import type { GuestRow, NodeRow, PoolRow, StorageRow } from '../db/model.js';

/** A cluster as the generators see it: the cache's rows, guests with their configs. */
export interface IacInput {
  /** The profile the cache belongs to (names the workspace's provider endpoint default). */
  profile: string;
  endpoint?: string;
  clusterName?: string;
  nodes: readonly NodeRow[];
  /** Every guest; those without a fetched config are generated with a comment saying so. */
  guests: readonly GuestRow[];
  storage: readonly StorageRow[];
  pools: readonly PoolRow[];
}

export type AnsibleNamespace = 'community.general' | 'community.proxmox';

/** What `.proxmox-mpc/config.yml` says under `generate:` (every field has a default). */
export interface GeneratorOptions {
  /** Version constraint of bpg/proxmox in versions.tf, pinned to a minor: `~> 0.111.0`. */
  providerVersion: string;
  ansibleNamespace: AnsibleNamespace;
  /** Generate templates too (as resources with `template = true`). */
  includeTemplates: boolean;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = {
  providerVersion: '~> 0.111.0',
  ansibleNamespace: 'community.general',
  includeTemplates: true,
};

/** One file of the workspace: a path relative to the workspace root (POSIX separators, e.g.
 * `terraform/vm-101-web-01.tf`) and its whole text. Generators return them sorted by path. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** A generator: deterministic (byte-identical output for the same input), no I/O. */
export type Generator = (input: IacInput, options: GeneratorOptions) => GeneratedFile[];
