// The sync worker (a real worker thread) against the simulator, with a real cache in a temp
// dir: it fills the cache, writes nothing when nothing changed, reports changes as they
// happen, and rides out faults (latency, 500s, resets, a node down) with the cache intact.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from '../src/db/cacheApi.js';
import { openCache } from '../src/db/client.js';
import type { ChangeEvent } from '../src/db/model.js';
import type { ProxmoxClient } from '../src/proxmox/client.js';
import { guestFiguresMap, type FiguresFrame } from '../src/sync/figures.js';
import { startSyncWorker, type SyncWorkerHandle } from '../src/sync/host.js';
import { startTestSimulator, waitFor, type TestSimulator } from '../src/sync/test-support/sim.js';
import type { WorkerConnection } from '../src/sync/protocol.js';
import type { ConnectionStatus, PollSummary } from '../src/sync/types.js';

let sim: TestSimulator;
let client: ProxmoxClient;
let connection: WorkerConnection;
let dir: string;
let cachePath: string;
let handle: SyncWorkerHandle;
let reader: Cache;
let profileId: number;

const changes: ChangeEvent[] = [];
const states: ConnectionStatus[] = [];
const polls: PollSummary[] = [];

beforeAll(async () => {
  ({ sim, client, connection } = await startTestSimulator());
  dir = mkdtempSync(join(tmpdir(), 'pmc-sync-'));
  cachePath = join(dir, 'homelab.db');
  handle = startSyncWorker({
    connection,
    cachePath,
    profile: { name: 'homelab', endpoint: sim.url },
    intervalMs: 100,
    backoffMaxMs: 400,
    collect: { sweepPolls: 0 },
    paused: true,
  });
  handle.on('changes', (e) => changes.push(...e.changes));
  handle.on('state', (s) => states.push(s));
  handle.on('poll', (p) => polls.push(p));
  ({ profileId } = await handle.ready);
  reader = openCache(cachePath);
});

afterAll(async () => {
  await handle?.stop();
  reader?.close();
  client?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const guestCount = () => sim.summary.qemu + sim.summary.lxc;

function integrityOk(): boolean {
  const db = new Database(cachePath, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) === 'ok';
  } finally {
    db.close();
  }
}

describe('sync worker', () => {
  it('the first sync fills the cache', async () => {
    const summary = await handle.syncNow();
    expect(summary.counts.guests).toBe(guestCount());
    expect(summary.counts.configsFetched).toBe(guestCount());
    expect(summary.rowsWritten).toBeGreaterThan(guestCount());
    const guests = reader.guests(profileId);
    expect(guests).toHaveLength(guestCount());
    expect(guests.every((g) => g.config !== undefined && g.configDigest !== undefined)).toBe(true);
    expect(reader.nodes(profileId).map((n) => n.node).sort()).toEqual(['pve1', 'pve2', 'pve3']);
    expect(reader.storageContent(profileId).length).toBeGreaterThan(0);
    expect(reader.networks(profileId).length).toBeGreaterThan(0);
    expect(reader.pools(profileId).map((p) => p.poolid)).toContain('prod');
    expect(reader.freshness(profileId).lastSyncAt).toBeGreaterThan(0);
    expect(handle.status()?.state).toBe('online');
  });

  it('a second sync with nothing changed fetches no config and writes nothing', async () => {
    changes.length = 0;
    const figures: FiguresFrame[] = [];
    const off = handle.on('figures', (frame) => figures.push(frame));
    const runsBefore = reader.syncRuns(profileId, 100).length;
    const summary = await handle.syncNow();
    off();
    expect(summary.counts.configsFetched).toBe(0);
    expect(summary.historyEntries).toBe(0);
    // Live figures (cpu, uptime...) moved with the clock: no change, nothing written...
    expect(summary.rowsWritten).toBe(0);
    expect(summary.changes).toBe(0);
    expect(summary.syncRunId).toBeUndefined();
    expect(changes).toEqual([]);
    expect(reader.syncRuns(profileId, 100)).toHaveLength(runsBefore);
    // ...but they still reach the main thread, every guest of them.
    expect(figures).toHaveLength(1);
    expect(guestFiguresMap(figures[0]!).size).toBe(guestCount());
    expect(figures[0]!.nodes.map((n) => n[0]).sort()).toEqual(['pve1', 'pve2', 'pve3']);
  });

  it('starting a VM shows up as a change event and a history entry', async () => {
    changes.length = 0;
    handle.resume();
    await client.waitForTaskOk(await client.qemu.start('pve2', 114), { pollIntervalMs: 5 });
    await waitFor(() => changes.some((c) => c.kind === 'guest' && c.key === 'qemu/114' && c.fields?.includes('status')), 10_000, 'the status change of qemu/114');
    const entry = reader.history(profileId, { key: 'qemu/114' }).find((h) => h.event === 'status');
    expect(entry).toMatchObject({ type: 'qemu', vmid: 114, field: 'status', old: 'stopped', new: 'running' });
    expect(reader.guest(profileId, 'qemu/114')?.status).toBe('running');
  });

  it('a node going offline: degraded, cached configs kept; back online by itself', async () => {
    const before = reader.guest(profileId, 'qemu/103');
    expect(before?.node).toBe('pve3');
    sim.faults.set({ offlineNodes: ['pve3'] });
    try {
      await waitFor(() => handle.status()?.state === 'degraded', 10_000, 'state degraded');
      expect(handle.status()?.lastError).toMatch(/pve3/);
      await waitFor(() => reader.guest(profileId, 'qemu/103')?.status === 'unknown', 10_000, 'qemu/103 unknown');
      const during = reader.guest(profileId, 'qemu/103');
      expect(during?.config).toEqual(before?.config);
      expect(during?.configDigest).toBe(before?.configDigest);
    } finally {
      sim.faults.set({ offlineNodes: [] });
    }
    await waitFor(() => handle.status()?.state === 'online', 10_000, 'state online again');
    await waitFor(() => reader.guest(profileId, 'qemu/103')?.status === 'running', 10_000, 'qemu/103 running again');
  });

  it('with every request failing: offline, the cache untouched; recovers when the fault clears', async () => {
    const guestsBefore = reader.guests(profileId).length;
    const failuresBefore = reader.syncRuns(profileId, 50).filter((r) => r.outcome === 'failed').length;
    sim.faults.set({ errorRate: 1 });
    try {
      await waitFor(() => handle.status()?.state === 'offline', 15_000, 'state offline');
      const status = handle.status()!;
      expect(status.consecutiveFailures).toBeGreaterThan(0);
      expect(status.lastGoodSyncAt).toBeGreaterThan(0);
      expect(reader.guests(profileId)).toHaveLength(guestsBefore);
      expect(reader.freshness(profileId).lastError).toBeTruthy();
      expect(reader.syncRuns(profileId, 50).filter((r) => r.outcome === 'failed').length).toBeGreaterThan(failuresBefore);
      expect(integrityOk()).toBe(true);
    } finally {
      sim.faults.set({ errorRate: 0 });
    }
    await waitFor(() => handle.status()?.state === 'online', 15_000, 'state online again');
    expect(reader.freshness(profileId).lastError).toBeUndefined();
    expect(reader.guests(profileId)).toHaveLength(guestsBefore);
  });

  it('with latency, 30% errors and resets: keeps syncing, the cache stays whole, and settles when they stop', async () => {
    const guestsBefore = reader.guests(profileId).length;
    const pollsBefore = polls.length;
    sim.faults.set({ latencyMs: 20, errorRate: 0.3, resetRate: 0.1 });
    try {
      // Some polls get through (GETs are retried), some fail; either way the cache stays whole.
      await waitFor(() => polls.length >= pollsBefore + 3 || undefined, 20_000, 'three polls under faults');
      expect(reader.guests(profileId)).toHaveLength(guestsBefore);
      expect(reader.guests(profileId).every((g) => g.config !== undefined)).toBe(true);
      expect(integrityOk()).toBe(true);
    } finally {
      sim.faults.set({ latencyMs: 0, errorRate: 0, resetRate: 0 });
    }
    const settled = polls.length;
    await waitFor(() => polls.length > settled + 1 && handle.status()?.state === 'online', 15_000, 'a clean poll after the faults');
    expect(polls.at(-1)?.warnings).toEqual([]);
    expect(states.some((s) => s.state === 'offline' || s.state === 'degraded')).toBe(true);
  });

  it('stop closes the worker', async () => {
    handle.pause();
    await waitFor(() => handle.status()?.paused === true, 5000, 'paused');
    await handle.stop();
    await expect(handle.syncNow()).rejects.toThrow(/stopped/);
  });
});

describe('sync worker with bad credentials', () => {
  it('reports an auth error without the secret, and keeps the cache usable', async () => {
    const secret = 'wrong-secret-0000-1111';
    const bad = startSyncWorker({
      connection: { ...connection, auth: { tokenId: sim.root.tokenId, tokenSecret: secret } },
      cachePath: join(dir, 'bad.db'),
      profile: { name: 'bad', endpoint: sim.url },
      paused: true,
    });
    try {
      await bad.ready;
      const failure = await bad.syncNow().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toMatchObject({ kind: 'auth' });
      expect(String((failure as Error).message)).not.toContain(secret);
      expect(bad.status()?.state).toBe('offline');
    } finally {
      await bad.stop();
    }
  });
});
