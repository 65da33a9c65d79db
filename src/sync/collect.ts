// One poll: what the cluster looks like now, as a ClusterObservation for the cache.
//
//  1. GET /cluster/resources (nodes, guests, storage, pools in one answer) and GET
//     /cluster/tasks, side by side. A failure of the resources call fails the poll; anything
//     else that fails is a warning and the cache keeps what it had.
//  2. Guest configs, with bounded concurrency, only where they may have changed: every guest
//     on the first poll, new guests, guests whose config fingerprint changed (fingerprint.ts),
//     guests named by a config-changing task since the last poll (tasks.ts), guests of a node
//     that came back online, retries of earlier failures, and a slow rolling sweep. Snapshots
//     only when the config file's digest changed.
//  3. Every Nth poll (and the first): storage content, networks, pools, node details.
//
// Nothing here touches the cache: the caller passes what it knows (configState) and applies
// the result; `next` is what the following poll should start from once that succeeded.
import type { ClusterObservation, GuestKey, GuestRow, NodeRow, PoolRow, SnapshotRow } from '../db/model.js';
import type { ProxmoxClient } from '../proxmox/client.js';
import { isProxmoxError } from '../proxmox/errors.js';
import type { TaskSummary } from '../proxmox/types.js';
import { fetchGuestConfig } from './configs.js';
import { collectDetails, type CachedDetails, type Details, type PoolInfo } from './details.js';
import { mapLimit } from './limit.js';
import { configFingerprint } from './fingerprint.js';
import { mapResources } from './resources.js';
import { guestsNamedByTasks, taskDelta, type TaskDelta } from './tasks.js';
import type { PollCounts, SyncProgress, SyncWarning } from './types.js';
import { warningOf } from './warnings.js';

export type SyncClient = Pick<
  ProxmoxClient,
  'get' | 'guest' | 'clusterTasks' | 'storageContent' | 'network' | 'pools' | 'pool' | 'nodes' | 'version' | 'clusterStatus'
>;

export interface ConfigState {
  configDigest?: string;
  configFingerprint?: string;
}

/** What a poll learns for the next one, beyond what the cache stores. */
export interface CollectorMemory {
  /** upid -> exit status (undefined while running) from the last task list. */
  knownTasks?: Map<string, string | undefined>;
  /** Guests whose config must be read as soon as possible (a failed read, a task on an
   * unreachable node). */
  pendingConfigs: Set<GuestKey>;
  nodeStatus: Map<string, string>;
  sslFingerprints: Map<string, string>;
  pools: Map<string, PoolInfo>;
  clusterName?: string;
  pveVersion?: string;
  /** Where the rolling config sweep continues. */
  sweepCursor: number;
}

export interface PreviousPoll {
  /** Per guest: the digest and fingerprint of the config cached (CacheWriter.configState). */
  configState: ReadonlyMap<GuestKey, ConfigState>;
  /** Newest task start time seen (epoch seconds). */
  lastTaskStart?: number;
  /** Successful polls before this one: 0 means this is the first. */
  pollNumber: number;
  memory?: CollectorMemory;
}

export interface CollectOptions {
  /** Requests in flight at most (default 16). */
  concurrency?: number;
  /** Read storage content, networks, pools and node details every Nth poll (default 12;
   * always on the first). */
  detailsEvery?: number;
  /** Read guest configs (default true); false is a list-only sync. */
  configs?: boolean;
  /** Read the slow details at all (default true). */
  details?: boolean;
  /** Re-read every cached config at least once per this many polls, a share on each details
   * poll, to catch edits that no task and no listed field shows (default 720: an hour at 5 s;
   * 0 turns it off). */
  sweepPolls?: number;
  /** Minimum configs re-read per sweep (default DEFAULT_SWEEP_BUDGET; 0 for the share only). */
  sweepBudget?: number;
  /** On a process's first poll, read only the configs the cache lacks or whose listed fields
   * changed, instead of all of them; the rolling sweep re-verifies the rest over time. For the
   * console, which must not spend a minute and a gigabyte re-reading 100,000 unchanged configs
   * each time it opens. Default false (a one-shot sync checks everything). */
  trustCachedConfigs?: boolean;
  /** Read at most this many configs per poll: the ones a task or a changed field names first,
   * then those the cache lacks; the rest wait for the next polls. Keeps each poll short and
   * small when a large cluster is new to the cache (the console: the list is complete after the
   * first poll, configs follow). Default: no limit. */
  maxConfigsPerPoll?: number;
  /** The cache's copy of storage content and networks, kept for parts that cannot be read. */
  cached?: CachedDetails;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  now?: () => number;
}

export interface CollectResult {
  observation: ClusterObservation;
  counts: PollCounts;
  warnings: SyncWarning[];
  /** Storage content, networks, pools and node details were read this time. */
  details: boolean;
  next: { configState: ReadonlyMap<GuestKey, ConfigState>; lastTaskStart?: number; memory: CollectorMemory };
}

interface FetchPlan {
  guest: GuestRow;
  fingerprint: string;
  key: GuestKey;
  forceSnapshots: boolean;
}

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_DETAILS_EVERY = 12;
/** Counts of a poll before it has done anything (the two list requests always happen). */
export function emptyPollCounts(): PollCounts {
  return {
    nodes: 0,
    guests: 0,
    storage: 0,
    configsFetched: 0,
    configsFailed: 0,
    configsSkipped: 0,
    snapshotsFetched: 0,
    tasks: 0,
    storageContentFetched: 0,
    networksFetched: 0,
    warnings: 0,
    requests: 2,
    durationMs: 0,
    resourcesMs: 0,
    configsMs: 0,
    detailsMs: 0,
    writeMs: 0,
  };
}

export const DEFAULT_SWEEP_POLLS = 720;
/** At least this many cached configs are re-read per sweep (budget per details poll), so a
 * small cluster notices edits that leave no task (a synchronous PUT of `description`,
 * `onboot`...) within a minute or two, not only once per full sweep period. */
export const DEFAULT_SWEEP_BUDGET = 200;

function emptyMemory(): CollectorMemory {
  return { pendingConfigs: new Set(), nodeStatus: new Map(), sslFingerprints: new Map(), pools: new Map(), sweepCursor: 0 };
}

export async function collectObservation(client: SyncClient, previous: PreviousPoll, options: CollectOptions = {}): Promise<CollectResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const first = previous.pollNumber === 0;
  const memory = previous.memory ?? emptyMemory();
  const call = options.signal ? { signal: options.signal } : {};
  const warnings: SyncWarning[] = [];
  const counts = emptyPollCounts();
  let phaseStart = now();
  const endPhase = (key: 'resourcesMs' | 'configsMs' | 'detailsMs'): void => {
    const t = now();
    counts[key] = Math.max(0, t - phaseStart);
    phaseStart = t;
  };
  const progress = (p: SyncProgress): void => options.onProgress?.(p);

  // 1. Resources (must succeed) and tasks (may fail), side by side.
  progress({ phase: 'resources' });
  const tasksPromise: Promise<TaskSummary[] | { error: unknown }> = client.clusterTasks(call).catch((error: unknown) => ({ error }));
  let raw: unknown;
  try {
    raw = await client.get('/cluster/resources', undefined, call);
  } catch (error) {
    await tasksPromise; // never leave a request behind a failed poll
    throw error;
  }
  const resources = mapResources(raw);
  const tasksAnswer = await tasksPromise;
  if (resources.skipped > 0) {
    warnings.push({ scope: 'resources', kind: 'protocol', message: `${resources.skipped} entries of /cluster/resources could not be read` });
  }

  let delta: TaskDelta | undefined;
  if (Array.isArray(tasksAnswer)) {
    delta = taskDelta(tasksAnswer, memory.knownTasks);
  } else {
    if (isProxmoxError(tasksAnswer.error, 'cancelled')) throw tasksAnswer.error;
    warnings.push(warningOf('tasks', undefined, tasksAnswer.error));
  }

  const nodeStatus = new Map(resources.nodes.map((n) => [n.node, n.status]));
  const online = (node: string): boolean => nodeStatus.get(node) === 'online';
  for (const n of resources.nodes) {
    if (n.status !== 'online') warnings.push({ scope: 'nodes', target: n.node, kind: 'node-unreachable', message: `node ${n.node} is ${n.status}` });
  }
  const cameBack = new Set(resources.nodes.filter((n) => n.status === 'online' && memory.nodeStatus.has(n.node) && memory.nodeStatus.get(n.node) !== 'online').map((n) => n.node));

  const present = new Map<GuestKey, GuestRow>();
  for (const g of resources.guests) present.set(`${g.type}/${g.vmid}`, g);
  const taskKeys = delta ? guestsNamedByTasks(delta.changed, (key) => present.has(key)) : new Set<GuestKey>();
  const snapshotTaskKeys = delta
    ? guestsNamedByTasks(
        delta.changed.filter((t) => /snapshot|rollback/.test(t.type)),
        (key) => present.has(key),
      )
    : new Set<GuestKey>();

  endPhase('resourcesMs');

  // 2. Which configs to read.
  const plans: FetchPlan[] = [];
  const nextPending = new Set<GuestKey>();
  const wantConfigs = options.configs !== false;
  const detailsEvery = Math.max(1, options.detailsEvery ?? DEFAULT_DETAILS_EVERY);
  const detailsDue = options.details !== false && (first || previous.pollNumber % detailsEvery === 0);
  const sweepPolls = options.sweepPolls ?? DEFAULT_SWEEP_POLLS;
  let sweepCursor = memory.sweepCursor;
  if (wantConfigs) {
    const chosen = new Set<GuestKey>();
    const reachable = (g: GuestRow): boolean => online(g.node) && g.status !== 'unknown';
    for (const [key, guest] of present) {
      const cached = previous.configState.get(key);
      const fingerprint = configFingerprint(guest);
      const reason =
        (first && options.trustCachedConfigs !== true) ||
        cached?.configDigest === undefined ||
        cached.configFingerprint !== fingerprint ||
        memory.pendingConfigs.has(key) ||
        taskKeys.has(key) ||
        cameBack.has(guest.node);
      if (!reason) continue;
      if (!reachable(guest)) {
        // The node is unreachable (595): the cached config stays; read it when the node is back.
        counts.configsSkipped++;
        if (first || memory.pendingConfigs.has(key) || taskKeys.has(key)) nextPending.add(key);
        continue;
      }
      chosen.add(key);
      plans.push({ guest, fingerprint, key, forceSnapshots: snapshotTaskKeys.has(key) });
    }
    // The sweep rides along with the details (every Nth poll), so that the polls in between
    // stay as light as they can be: each cached config is re-read at least once per
    // `sweepPolls` polls, and at least `sweepBudget` of them on each sweep.
    const sweepDue = !first && sweepPolls > 0 && present.size > 0 && (detailsDue || options.details === false);
    if (sweepDue) {
      // Sorted: the cursor must not depend on the order /cluster/resources happens to list.
      const keys = [...present.keys()].sort();
      const share = Math.ceil((keys.length * (options.details === false ? 1 : detailsEvery)) / sweepPolls);
      const quota = Math.max(share, Math.min(keys.length, options.sweepBudget ?? DEFAULT_SWEEP_BUDGET));
      let added = 0;
      for (let i = 0; i < keys.length && added < quota; i++) {
        const key = keys[(sweepCursor + i) % keys.length]!;
        const guest = present.get(key)!;
        if (chosen.has(key) || !reachable(guest)) continue;
        chosen.add(key);
        plans.push({ guest, fingerprint: configFingerprint(guest), key, forceSnapshots: false });
        added++;
      }
      sweepCursor = (sweepCursor + quota) % keys.length;
    }
    const limit = options.maxConfigsPerPoll;
    if (limit !== undefined && plans.length > limit) {
      // Known guests that changed first (cheap to miss otherwise), guests new to the cache last.
      const known = (p: FetchPlan): number => (previous.configState.get(p.key)?.configDigest === undefined ? 1 : 0);
      plans.sort((a, b) => known(a) - known(b));
      for (const dropped of plans.splice(limit)) {
        // A guest the cache has no config for is chosen again anyway; the others are remembered.
        if (previous.configState.get(dropped.key)?.configDigest !== undefined) nextPending.add(dropped.key);
      }
    }
  }

  const snapshots = new Map<GuestKey, SnapshotRow[]>();
  // The next poll's config state: the previous one as it is when no guest left and no config
  // is read (most polls: no copy of 10,000 entries), else a copy without the guests gone.
  let kept = 0;
  for (const key of previous.configState.keys()) if (present.has(key)) kept++;
  let configState: ReadonlyMap<GuestKey, ConfigState> = previous.configState;
  let nextState: Map<GuestKey, ConfigState> | undefined;
  if (plans.length > 0 || kept < previous.configState.size) {
    nextState = new Map<GuestKey, ConfigState>();
    for (const [key, state] of previous.configState) if (present.has(key)) nextState.set(key, state);
    configState = nextState;
  }
  if (plans.length > 0) {
    let done = 0;
    progress({ phase: 'configs', done, total: plans.length });
    await mapLimit(plans, concurrency, async (plan) => {
      const row = plan.guest;
      const cached = previous.configState.get(plan.key);
      try {
        const fetched = await fetchGuestConfig(client, row, {
          ...call,
          ...(cached?.configDigest !== undefined ? { previousDigest: cached.configDigest } : {}),
          forceSnapshots: plan.forceSnapshots,
        });
        counts.requests += fetched.requests;
        counts.configsFetched++;
        row.config = fetched.config;
        row.configFingerprint = plan.fingerprint;
        const state: ConfigState = { configFingerprint: plan.fingerprint };
        if (fetched.snapshotsError !== undefined) {
          // Config read, snapshots not: leave the new digest out (here and in the cache), so
          // that the snapshots are read again next time, even after a restart.
          warnings.push(warningOf('snapshots', plan.key, fetched.snapshotsError));
          nextPending.add(plan.key);
        } else if (fetched.digest !== undefined) {
          row.configDigest = fetched.digest;
          state.configDigest = fetched.digest;
        }
        if (fetched.snapshots) {
          snapshots.set(plan.key, fetched.snapshots);
          if (fetched.requests > 1) counts.snapshotsFetched++;
        }
        nextState!.set(plan.key, state);
      } catch (error) {
        if (isProxmoxError(error, 'cancelled') || options.signal?.aborted) throw error;
        // One guest's config (its node went down mid-poll, the guest was just deleted) does
        // not fail the poll: the cache keeps the config it has, and the next poll tries again.
        counts.requests++;
        counts.configsFailed++;
        warnings.push(warningOf('config', plan.key, error));
        nextPending.add(plan.key);
      }
      done++;
      progress({ phase: 'configs', done, total: plans.length });
    });
  }

  endPhase('configsMs');

  // 3. The slow details.
  let details: Details | undefined;
  if (detailsDue) {
    progress({ phase: 'details' });
    details = await collectDetails(client, {
      storage: resources.storage,
      nodes: resources.nodes,
      poolIds: resources.poolIds,
      concurrency,
      ...(options.cached ? { cached: options.cached } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      count: () => counts.requests++,
    });
    warnings.push(...details.warnings);
    counts.storageContentFetched = details.storageContentFetched;
    counts.networksFetched = details.networksFetched;
  }
  endPhase('detailsMs');

  const nextMemory: CollectorMemory = {
    pendingConfigs: nextPending,
    nodeStatus,
    sslFingerprints: details?.sslFingerprints ?? memory.sslFingerprints,
    pools: details?.pools ?? memory.pools,
    sweepCursor,
  };
  const knownTasks = delta?.known ?? memory.knownTasks;
  if (knownTasks) nextMemory.knownTasks = knownTasks;
  const clusterName = details?.clusterName ?? memory.clusterName;
  const pveVersion = details?.pveVersion ?? memory.pveVersion;
  if (clusterName !== undefined) nextMemory.clusterName = clusterName;
  if (pveVersion !== undefined) nextMemory.pveVersion = pveVersion;

  const nodes: NodeRow[] = resources.nodes.map((n) => {
    const fp = nextMemory.sslFingerprints.get(n.node);
    return fp !== undefined ? { ...n, sslFingerprint: fp } : n;
  });
  const guests: GuestRow[] = resources.guests;
  const observation: ClusterObservation = {
    at: startedAt,
    nodes,
    guests,
    storage: resources.storage,
    pools: poolRows(resources.poolIds, guests, nextMemory.pools, details?.pools !== undefined),
  };
  if (clusterName !== undefined) observation.clusterName = clusterName;
  if (pveVersion !== undefined) observation.pveVersion = pveVersion;
  if (snapshots.size > 0) observation.snapshots = snapshots;
  if (delta) observation.tasks = delta.changed;
  if (resources.skipped > 0) observation.incomplete = true;
  if (details?.storageContentComplete) observation.storageContent = details.storageContent;
  if (details?.networksComplete) observation.networks = details.networks;

  counts.nodes = nodes.length;
  counts.guests = guests.length;
  counts.storage = resources.storage.length;
  counts.tasks = delta?.changed.length ?? 0;
  counts.warnings = warnings.length;
  counts.durationMs = Math.max(0, now() - startedAt);

  const lastTaskStart = delta?.lastStart ?? previous.lastTaskStart;
  return {
    observation,
    counts,
    warnings,
    details: details !== undefined,
    next: { configState, ...(lastTaskStart !== undefined ? { lastTaskStart } : {}), memory: nextMemory },
  };
}

/** Pools with their members: guests from this poll's resources, storages and comments from the
 * last details read. `authoritative`: the pool list itself was read this time. */
function poolRows(ids: readonly string[], guests: readonly GuestRow[], info: ReadonlyMap<string, PoolInfo>, authoritative: boolean): PoolRow[] {
  const all = new Set(ids);
  if (authoritative) for (const id of info.keys()) all.add(id);
  const members = new Map<string, string[]>();
  for (const g of guests) {
    if (g.pool === undefined) continue;
    all.add(g.pool);
    let list = members.get(g.pool);
    if (!list) members.set(g.pool, (list = []));
    list.push(`${g.type}/${g.vmid}`);
  }
  return [...all].sort().map((poolid) => {
    const pool = info.get(poolid);
    const row: PoolRow = { poolid, members: [...(members.get(poolid) ?? []).sort(), ...(pool?.storages ?? [])] };
    if (pool?.comment !== undefined) row.comment = pool.comment;
    return row;
  });
}
