import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestKey } from '../db/model.js';
import type { ProxmoxClient } from '../proxmox/client.js';
import type { CallOptions } from '../proxmox/caller.js';
import { ProxmoxError } from '../proxmox/errors.js';
import type { Params } from '../proxmox/params.js';
import { collectObservation, type CollectOptions, type CollectResult, type PreviousPoll, type SyncClient } from './collect.js';
import { startTestSimulator, type TestSimulator } from './test-support/sim.js';

let sim: TestSimulator;
let client: ProxmoxClient;

beforeAll(async () => {
  ({ sim, client } = await startTestSimulator());
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});

const NO_SWEEP: CollectOptions = { sweepPolls: 0 };

function fetchedKeys(result: CollectResult): GuestKey[] {
  return result.observation.guests.filter((g) => g.config !== undefined).map((g) => `${g.type}/${g.vmid}` as GuestKey);
}

/** The state the next poll starts from, as the poller keeps it after a successful apply. */
function after(result: CollectResult, pollNumber: number): PreviousPoll {
  const next: PreviousPoll = { configState: result.next.configState, pollNumber, memory: result.next.memory };
  if (result.next.lastTaskStart !== undefined) next.lastTaskStart = result.next.lastTaskStart;
  return next;
}

async function settle(upid: string): Promise<void> {
  await client.waitForTaskOk(upid, { pollIntervalMs: 5 });
}

describe('collectObservation', () => {
  let first: CollectResult;

  it('first poll: every config, snapshots, tasks and the slow details', async () => {
    const phases: string[] = [];
    first = await collectObservation(client, { configState: new Map(), pollNumber: 0 }, { ...NO_SWEEP, onProgress: (p) => phases.push(p.phase) });
    const obs = first.observation;
    expect(obs.nodes.map((n) => n.node).sort()).toEqual(['pve1', 'pve2', 'pve3']);
    expect(obs.guests.length).toBe(sim.summary.qemu + sim.summary.lxc);
    expect(first.counts.configsFetched).toBe(obs.guests.length);
    expect(fetchedKeys(first)).toHaveLength(obs.guests.length);
    for (const g of obs.guests) {
      expect(g.configDigest).toMatch(/^[0-9a-f]{40}$/);
      expect(g.configFingerprint).toBeTruthy();
      expect(g.config).not.toHaveProperty('digest');
    }
    expect(obs.storage?.length).toBeGreaterThan(0);
    expect(obs.storageContent?.length).toBeGreaterThan(0);
    expect(obs.networks?.some((n) => n.iface === 'vmbr0')).toBe(true);
    expect(obs.pools?.find((p) => p.poolid === 'prod')?.members).toContain('qemu/100');
    expect(obs.nodes.every((n) => n.sslFingerprint !== undefined)).toBe(true);
    expect(obs.clusterName).toBeTruthy();
    expect(obs.pveVersion).toMatch(/^\d+\.\d+/);
    expect(obs.tasks?.length).toBeGreaterThan(0);
    expect(first.warnings).toEqual([]);
    expect(first.details).toBe(true);
    expect(phases).toEqual(expect.arrayContaining(['resources', 'configs', 'details']));
    // Snapshots: every fetched guest has its list (empty when the config has no `parent`).
    expect(obs.snapshots?.size).toBe(obs.guests.length);
  });

  it('a poll with nothing changed fetches no config and no details', async () => {
    const second = await collectObservation(client, after(first, 1), NO_SWEEP);
    expect(second.counts.configsFetched).toBe(0);
    expect(fetchedKeys(second)).toEqual([]);
    expect(second.details).toBe(false);
    expect(second.observation.storageContent).toBeUndefined();
    expect(second.observation.networks).toBeUndefined();
    expect(second.observation.snapshots).toBeUndefined();
    expect(second.observation.tasks?.filter((t) => t.status !== undefined && !first.observation.tasks?.some((f) => f.upid === t.upid))).toEqual([]);
    // Pools and nodes stay complete from memory.
    expect(second.observation.pools).toEqual(first.observation.pools);
    expect(second.observation.nodes.every((n) => n.sslFingerprint !== undefined)).toBe(true);
    expect(second.counts.requests).toBe(2);
    first = second;
  });

  it('a PUT that changes a listed field (memory) re-fetches exactly that guest', async () => {
    await client.qemu.updateConfig('pve2', 114, { memory: 3072 });
    const result = await collectObservation(client, after(first, 2), NO_SWEEP);
    expect(fetchedKeys(result)).toEqual(['qemu/114']);
    expect(String(result.observation.guests.find((g) => g.vmid === 114)?.config?.memory)).toBe('3072');
    first = result;
  });

  it("a first poll that trusts the cache reads only the configs it lacks, changed ones and those tasks name", async () => {
    await client.qemu.updateConfig('pve2', 114, { memory: 2048 });
    const state = new Map(first.next.configState);
    state.delete('lxc/201');
    const trusting = await collectObservation(client, { configState: state, pollNumber: 0 }, { ...NO_SWEEP, trustCachedConfigs: true });
    const named = new Set(trusting.observation.tasks?.map((t) => t.id));
    const fetched = fetchedKeys(trusting);
    expect(fetched).toContain('qemu/114');
    expect(fetched).toContain('lxc/201');
    // Everything else it read, a task named (the cluster's task list is new to a first poll).
    for (const key of fetched) if (key !== 'qemu/114' && key !== 'lxc/201') expect(named.has(key.split('/')[1]!)).toBe(true);
    expect(fetched.length).toBeLessThan(trusting.observation.guests.length);
    // Without the option a first poll reads every config.
    const full = await collectObservation(client, { configState: state, pollNumber: 0 }, NO_SWEEP);
    expect(fetchedKeys(full)).toHaveLength(full.observation.guests.length);
    first = full;
  });

  it('maxConfigsPerPoll reads changed known guests first, then those the cache lacks, the rest on later polls', async () => {
    await client.qemu.updateConfig('pve2', 114, { memory: 1024 });
    const state = new Map(first.next.configState);
    for (const key of ['lxc/201', 'lxc/202', 'lxc/203']) state.delete(key as GuestKey);
    const one = await collectObservation(client, { ...after(first, 5), configState: state }, { ...NO_SWEEP, maxConfigsPerPoll: 2 });
    const fetched = fetchedKeys(one);
    expect(fetched).toHaveLength(2);
    expect(fetched).toContain('qemu/114');
    // The next polls take the rest.
    const two = await collectObservation(client, after(one, 6), { ...NO_SWEEP, maxConfigsPerPoll: 2 });
    const three = await collectObservation(client, after(two, 7), { ...NO_SWEEP, maxConfigsPerPoll: 2 });
    const all = new Set([...fetched, ...fetchedKeys(two), ...fetchedKeys(three)]);
    for (const key of ['qemu/114', 'lxc/201', 'lxc/202', 'lxc/203']) expect(all.has(key as GuestKey)).toBe(true);
    expect(fetchedKeys(three).length).toBeLessThanOrEqual(2);
    first = three;
  });

  it('a config change made by a task (qmconfig) re-fetches exactly that guest', async () => {
    const upid = await client.qemu.updateConfigAsync('pve2', 114, { description: 'changed by a task' });
    expect(upid).toBeTruthy();
    await settle(upid!);
    const result = await collectObservation(client, after(first, 3), NO_SWEEP);
    expect(fetchedKeys(result)).toEqual(['qemu/114']);
    expect(result.observation.guests.find((g) => g.vmid === 114)?.config?.description).toBe('changed by a task');
    expect(result.observation.tasks?.map((t) => t.type)).toContain('qmconfig');
    first = result;
  });

  it('a snapshot task re-reads that guest with its snapshots', async () => {
    await settle(await client.lxc.createSnapshot('pve1', 212, 'before-upgrade', { description: 'test' }));
    const result = await collectObservation(client, after(first, 4), NO_SWEEP);
    expect(fetchedKeys(result)).toEqual(['lxc/212']);
    expect(result.observation.snapshots?.get('lxc/212')?.map((s) => s.name)).toEqual(['before-upgrade']);
    first = result;
  });

  it('the rolling sweep re-reads a share of the cached configs on details polls only', async () => {
    const guests = first.observation.guests.length;
    const between = await collectObservation(client, after(first, 5), { sweepPolls: 120, sweepBudget: 0 });
    expect(between.counts.configsFetched).toBe(0);
    const result = await collectObservation(client, after(first, 24), { sweepPolls: 120, sweepBudget: 0 });
    expect(result.counts.configsFetched).toBe(Math.ceil((guests * 12) / 120));
    // With a budget, a small cluster is re-read whole on one sweep.
    const budgeted = await collectObservation(client, after(first, 36), { sweepPolls: 120 });
    expect(budgeted.counts.configsFetched).toBe(guests);
    // Same digests: the snapshots are not read again.
    expect(result.counts.snapshotsFetched).toBe(0);
    expect(result.observation.snapshots).toBeUndefined();
  });

  it('an offline node: its guests keep their cached config, the poll warns, and they are re-read when it is back', async () => {
    sim.faults.set({ offlineNodes: ['pve3'] });
    try {
      const down = await collectObservation(client, after(first, 6), NO_SWEEP);
      expect(down.observation.nodes.find((n) => n.node === 'pve3')?.status).not.toBe('online');
      expect(down.warnings).toContainEqual(expect.objectContaining({ scope: 'nodes', target: 'pve3', kind: 'node-unreachable' }));
      const onPve3 = down.observation.guests.filter((g) => g.node === 'pve3');
      expect(onPve3.every((g) => g.status === 'unknown' && g.config === undefined)).toBe(true);
      expect(down.counts.configsFetched).toBe(0);
      first = down;
    } finally {
      sim.faults.set({ offlineNodes: [] });
    }
    const back = await collectObservation(client, after(first, 7), NO_SWEEP);
    expect(back.warnings).toEqual([]);
    expect(fetchedKeys(back).sort()).toEqual(
      back.observation.guests
        .filter((g) => g.node === 'pve3')
        .map((g) => `${g.type}/${g.vmid}`)
        .sort(),
    );
    first = back;
  });

  it('the details, read while a node is down, keep its part from the cache', async () => {
    sim.faults.set({ offlineNodes: ['pve3'] });
    try {
      const kept = [{ node: 'pve3', iface: 'vmbr0', type: 'bridge', active: true }];
      const result = await collectObservation(client, after(first, 12), {
        ...NO_SWEEP,
        cached: { storageContent: () => [], networks: (node) => (node === 'pve3' ? kept : []) },
      });
      expect(result.details).toBe(true);
      expect(result.observation.networks?.filter((n) => n.node === 'pve3')).toEqual(kept);
      expect(result.observation.networks?.some((n) => n.node === 'pve1')).toBe(true);
      // Without a cached copy, an incomplete section is left out (the cache keeps it whole).
      const without = await collectObservation(client, after(first, 12), NO_SWEEP);
      expect(without.observation.networks).toBeUndefined();
    } finally {
      sim.faults.set({ offlineNodes: [] });
    }
  });

  it("one guest's failing config is a warning, not a failed poll; it is retried next time", async () => {
    const failing: SyncClient = Object.assign(Object.create(client) as ProxmoxClient, {
      get: async (path: string, params?: Params, options?: CallOptions) => {
        if (path === '/nodes/pve2/qemu/101/config') throw new ProxmoxError('not-found', 'Configuration file does not exist', { status: 500 });
        return client.get(path, params, options);
      },
    });
    await client.qemu.updateConfig('pve2', 101, { memory: 4160 });
    await client.qemu.updateConfig('pve1', 100, { memory: 4160 });
    const result = await collectObservation(failing, after(first, 8), NO_SWEEP);
    expect(result.counts.configsFailed).toBe(1);
    expect(result.warnings).toContainEqual(expect.objectContaining({ scope: 'config', target: 'qemu/101', kind: 'not-found' }));
    expect(fetchedKeys(result)).toEqual(['qemu/100']);
    expect(result.next.memory.pendingConfigs.has('qemu/101')).toBe(true);
    const retry = await collectObservation(client, after(result, 9), NO_SWEEP);
    expect(fetchedKeys(retry)).toEqual(['qemu/101']);
    first = retry;
  });

  it('a failing /cluster/resources fails the poll', async () => {
    const broken: SyncClient = Object.assign(Object.create(client) as ProxmoxClient, {
      get: async () => {
        throw new ProxmoxError('network', 'connection refused');
      },
    });
    await expect(collectObservation(broken, after(first, 10), NO_SWEEP)).rejects.toMatchObject({ kind: 'network' });
  });

  it('list-only: no configs at all', async () => {
    const result = await collectObservation(client, { configState: new Map(), pollNumber: 0 }, { configs: false, details: false });
    expect(result.counts.configsFetched).toBe(0);
    expect(result.observation.guests.length).toBeGreaterThan(0);
    expect(result.observation.storageContent).toBeUndefined();
  });
});
