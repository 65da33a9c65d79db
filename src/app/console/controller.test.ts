// The console controller against hand-made collaborators: a fake cache (ConsoleDataSource), a
// fake sync worker (SyncLink: `on` + `syncNow`) whose events the tests emit, and a fake task
// log reader. Timers are faked: the batch window, the first full load (setImmediate) and the
// task log's polling move only when a test advances the clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChangeEvent, GuestKey, GuestRow, NodeRow, StorageContentRow, StorageRow, TaskRow } from '../../db/model.js';
import type { ProfileRef } from '../../db/cacheApi.js';
import { createConsoleStore, type ConsoleStore } from '../../store/consoleStore.js';
import { currentRoute } from '../../store/selectors.js';
import { fixtureData, fixtureNodes, fixtureStorage, fixtureTasks, guest, manyGuests, T0, TEST_META } from '../../store/test-support/consoleFixture.js';
import type { DetailData, Route, SnapshotListRow } from '../../store/types.js';
import { figuresFrame, type FiguresFrame } from '../../sync/figures.js';
import type { SyncWorkerEventName, SyncWorkerEvents } from '../../sync/host.js';
import type { PollSummary } from '../../sync/types.js';
import { createController, type ConsoleController, type SyncLink } from './controller.js';
import type { ConsoleDataSource, TaskLogPage, TaskLogSource } from './dataSource.js';
import type { OperationClient } from '../../operations/execute.js';
import type { OperationPlan } from '../../operations/types.js';

const keyOf = (g: Pick<GuestRow, 'type' | 'vmid'>): GuestKey => `${g.type}/${g.vmid}`;
const clone = <T>(value: T): T => structuredClone(value);

// ------------------------------------------------------------------ a fake cache

interface FakeDb {
  guests: Map<GuestKey, GuestRow>;
  nodes: NodeRow[];
  storage: StorageRow[];
  tasks: TaskRow[];
  snapshots: SnapshotListRow[];
  content: StorageContentRow[];
  profile?: ProfileRef;
  lastSyncAt?: number;
}

type FakeSource = { [K in keyof ConsoleDataSource]: ConsoleDataSource[K] & ReturnType<typeof vi.fn> };

/** A data source over `db` (rows handed out as copies, like a real cache read), every method a spy. */
function fakeSource(db: FakeDb): FakeSource {
  const sorted = (): GuestRow[] => [...db.guests.values()].sort((a, b) => a.vmid - b.vmid || a.type.localeCompare(b.type));
  return {
    profile: vi.fn(() => (db.profile ? clone(db.profile) : undefined)),
    lastSyncAt: vi.fn(() => db.lastSyncAt),
    all: vi.fn(() => ({ guests: clone(sorted()), nodes: clone(db.nodes), storage: clone(db.storage), tasks: clone(db.tasks) })),
    firstGuests: vi.fn((limit: number) => clone(sorted().slice(0, limit))),
    guests: vi.fn((keys: readonly GuestKey[]) => keys.flatMap((k) => (db.guests.has(k) ? [clone(db.guests.get(k)!)] : []))),
    nodes: vi.fn(() => clone(db.nodes)),
    storage: vi.fn(() => clone(db.storage)),
    tasks: vi.fn(() => clone(db.tasks)),
    content: vi.fn((node: string, storage: string) => clone(db.content.filter((c) => c.node === node && c.storage === storage))),
    snapshots: vi.fn(() => clone(db.snapshots)),
    detail: vi.fn((key: GuestKey): DetailData => {
      const g = db.guests.get(key);
      return { key, ...(g ? { guest: clone(g) } : {}), snapshots: [], tasks: [], history: [], loadedAt: Date.now() };
    }),
  };
}

function fixtureDb(guests: GuestRow[] = fixtureData().guests): FakeDb {
  return {
    guests: new Map(guests.map((g) => [keyOf(g), g])),
    nodes: fixtureNodes(),
    storage: fixtureStorage(),
    tasks: fixtureTasks(),
    snapshots: [],
    content: [
      { node: 'pve1', storage: 'local', volid: 'local:iso/debian.iso', content: 'iso', size: 600 },
      { node: 'pve1', storage: 'nas', volid: 'nas:backup/vzdump-qemu-100.vma.zst', content: 'backup', vmid: 100 },
    ],
    profile: { id: 1, name: 'homelab', endpoint: TEST_META.endpoint, clusterName: 'lab', pveVersion: '9.1.2' },
    lastSyncAt: T0,
  };
}

// ------------------------------------------------------------------ a fake sync worker

interface FakeSync {
  link: SyncLink & { syncNow: ReturnType<typeof vi.fn> };
  emit<E extends SyncWorkerEventName>(event: E, payload: SyncWorkerEvents[E]): void;
  changes(...changes: ChangeEvent[]): void;
  /** Listeners currently subscribed, all events together. */
  listenerCount(): number;
}

function fakeSync(): FakeSync {
  const listeners = new Map<SyncWorkerEventName, Set<(payload: never) => void>>();
  const link = {
    on<E extends SyncWorkerEventName>(event: E, listener: (payload: SyncWorkerEvents[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
    syncNow: vi.fn<() => Promise<PollSummary>>(),
  };
  const emit = <E extends SyncWorkerEventName>(event: E, payload: SyncWorkerEvents[E]): void => {
    for (const l of listeners.get(event) ?? []) (l as (p: SyncWorkerEvents[E]) => void)(payload);
  };
  return {
    link,
    emit,
    changes: (...changes) => emit('changes', { changes, at: Date.now() }),
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

const guestChange = (key: GuestKey, op: 'added' | 'changed' | 'removed' = 'changed'): ChangeEvent => ({ kind: 'guest', op, key });

function pollSummary(extra: Partial<PollSummary> = {}): PollSummary {
  return {
    poll: 1,
    startedAt: T0,
    finishedAt: T0 + 42,
    durationMs: 41.6,
    counts: { nodes: 3, guests: 7, storage: 3, configsFetched: 0, configsFailed: 0, configsSkipped: 0, snapshotsFetched: 0, tasks: 4, storageContentFetched: 0 },
    warnings: [],
    changes: 3,
    rowsWritten: 3,
    historyEntries: 0,
    details: false,
    ...extra,
  } as PollSummary;
}

// ------------------------------------------------------------------ a fake task log

/** A task log reader answering from a script of pages (or errors), one per read. */
function fakeTaskLogs(script: Array<TaskLogPage | Error>): TaskLogSource & { read: ReturnType<typeof vi.fn> } {
  const queue = [...script];
  return {
    read: vi.fn(async (_upid: string, _start: number): Promise<TaskLogPage> => {
      const next = queue.shift();
      if (next === undefined) throw new Error('the test script has no more pages');
      if (next instanceof Error) throw next;
      return next;
    }),
  };
}

// ------------------------------------------------------------------ the console under test

interface Harness {
  console: ConsoleStore;
  source: FakeSource;
  db: FakeDb;
  sync: FakeSync;
  controller: ConsoleController;
  /** Store notifications (what the screen would redraw on) since the last reset. */
  notifications(): number;
  resetNotifications(): void;
  state(): ReturnType<ConsoleStore['store']['getState']>;
  guestKeys(): GuestKey[];
}

const controllers: ConsoleController[] = [];

function harness(options: { db?: FakeDb; route?: Route; withSync?: boolean; taskLogs?: TaskLogSource; batchMs?: number; logPollMs?: number; operationsClient?: () => Promise<OperationClient> } = {}): Harness {
  const db = options.db ?? fixtureDb();
  const source = fakeSource(db);
  const sync = fakeSync();
  const c = createConsoleStore({ meta: { ...TEST_META }, ...(options.route ? { route: options.route } : {}) });
  const controller = createController({
    console: c,
    source,
    ...(options.withSync === false ? {} : { sync: sync.link }),
    ...(options.taskLogs ? { taskLogs: options.taskLogs } : {}),
    ...(options.batchMs !== undefined ? { batchMs: options.batchMs } : {}),
    ...(options.logPollMs !== undefined ? { logPollMs: options.logPollMs } : {}),
    ...(options.operationsClient ? { operationsClient: options.operationsClient } : {}),
  });
  controllers.push(controller);
  let count = 0;
  c.store.subscribe(() => void count++);
  return {
    console: c,
    source,
    db,
    sync,
    controller,
    notifications: () => count,
    resetNotifications: () => void (count = 0),
    state: () => c.store.getState(),
    guestKeys: () => c.store.getState().data.guests.map(keyOf),
  };
}

/** Creates the controller and lets the first full load (setImmediate) run. */
async function loaded(options: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const h = harness(options);
  await vi.advanceTimersByTimeAsync(0);
  expect(h.state().data.guestsPartial).toBe(false);
  for (const spy of Object.values(h.source)) spy.mockClear();
  h.resetNotifications();
  return h;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'] });
  vi.setSystemTime(T0);
});

afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
  vi.useRealTimers();
});

// ================================================================== the tests

describe('the first frame', () => {
  it('loads the first 300 guests (partial), then every guest on the next turn', async () => {
    const h = harness({ db: fixtureDb(manyGuests(1000)) });
    expect(h.source.firstGuests).toHaveBeenCalledExactlyOnceWith(300);
    expect(h.source.all).not.toHaveBeenCalled();
    expect(h.state().data.guestsPartial).toBe(true);
    expect(h.state().data.guests).toHaveLength(300);
    expect(h.state().data.guests[0]?.vmid).toBe(100);

    await vi.advanceTimersByTimeAsync(0);
    expect(h.source.all).toHaveBeenCalledOnce();
    expect(h.state().data.guestsPartial).toBe(false);
    expect(h.state().data.guests).toHaveLength(1000);
    expect(h.state().data.nodes.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(h.state().data.tasks).toHaveLength(4);
    // The full load is one store update.
    expect(h.notifications()).toBe(1);
  });

  it('shows the cluster name, PVE version and last sync from the cache', () => {
    const h = harness();
    expect(h.state().meta).toMatchObject({ profile: 'homelab', clusterName: 'lab', pveVersion: '9.1.2' });
    expect(h.state().lastSyncAt).toBe(T0);
  });

  it('leaves the header alone when the profile row has neither name nor version', () => {
    const db = fixtureDb();
    db.profile = { id: 1, name: 'homelab', endpoint: TEST_META.endpoint };
    delete db.lastSyncAt;
    const h = harness({ db });
    expect(h.state().meta.clusterName).toBeUndefined();
    expect(h.state().meta.pveVersion).toBeUndefined();
    expect(h.state().lastSyncAt).toBeUndefined();
  });

  it('loads what the starting screen needs (a detail opened from the command line)', () => {
    const h = harness({ route: { screen: 'detail', key: 'qemu/100', tab: 'summary' } });
    expect(h.source.detail).toHaveBeenCalledExactlyOnceWith('qemu/100');
    expect(h.state().data.detail?.guest?.name).toBe('web-01');
  });

  it('disposed before the full load: the full load never runs', async () => {
    const h = harness();
    h.controller.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.source.all).not.toHaveBeenCalled();
    expect(h.state().data.guestsPartial).toBe(true);
  });
});

describe('guest changes from the sync', () => {
  it('gathers the events of one batch window into one store update that re-reads only those guests', async () => {
    const h = await loaded();
    h.db.guests.set('qemu/100', guest('qemu', 100, 'web-01', 'pve1', { status: 'stopped' }));
    h.db.guests.set('lxc/200', guest('lxc', 200, 'pihole-2', 'pve1'));
    h.db.guests.set('qemu/150', guest('qemu', 150, 'new-vm', 'pve2'));

    h.sync.changes(guestChange('qemu/100'));
    h.sync.changes(guestChange('lxc/200'), guestChange('qemu/150', 'added'));
    // A repeated key is read once.
    h.sync.changes(guestChange('qemu/100'));
    await vi.advanceTimersByTimeAsync(99);
    expect(h.notifications()).toBe(0);
    expect(h.source.guests).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1);
    expect(h.notifications()).toBe(1);
    expect(h.source.guests).toHaveBeenCalledOnce();
    expect([...h.source.guests.mock.calls[0]![0]].sort()).toEqual(['lxc/200', 'qemu/100', 'qemu/150']);
    expect(h.source.all).not.toHaveBeenCalled();
    expect(h.source.nodes).not.toHaveBeenCalled();
    expect(h.source.tasks).not.toHaveBeenCalled();

    const byKey = new Map(h.state().data.guests.map((g) => [keyOf(g), g]));
    expect(byKey.get('qemu/100')?.status).toBe('stopped');
    expect(byKey.get('lxc/200')?.name).toBe('pihole-2');
    expect(byKey.get('qemu/150')?.name).toBe('new-vm');
    // Still by vmid, the new guest in its place.
    expect(h.state().data.guests.map((g) => g.vmid)).toEqual([100, 101, 102, 103, 150, 200, 201, 9000]);
  });

  it('a second batch after the first is a second update', async () => {
    const h = await loaded();
    h.sync.changes(guestChange('qemu/100'));
    await vi.advanceTimersByTimeAsync(100);
    h.sync.changes(guestChange('qemu/101'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.notifications()).toBe(2);
    expect(h.source.guests.mock.calls.map((c) => [...c[0]])).toEqual([['qemu/100'], ['qemu/101']]);
  });

  it('honours batchMs', async () => {
    const h = await loaded({ batchMs: 20 });
    h.sync.changes(guestChange('qemu/100'));
    await vi.advanceTimersByTimeAsync(19);
    expect(h.source.guests).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(h.source.guests).toHaveBeenCalledOnce();
  });

  it('a removed guest leaves the table, and its mark goes with it', async () => {
    const h = await loaded();
    h.console.actions.toggleMark('qemu/101');
    h.console.actions.toggleMark('qemu/100');
    h.db.guests.delete('qemu/101');
    h.resetNotifications();

    h.sync.changes(guestChange('qemu/101', 'removed'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.guestKeys()).not.toContain('qemu/101');
    expect(h.guestKeys()).toHaveLength(6);
    expect([...h.state().marks]).toEqual(['qemu/100']);
    expect(h.notifications()).toBe(1);
    // Nothing to read for a removal.
    expect(h.source.guests.mock.calls.every((c) => c[0].length === 0)).toBe(true);
  });

  it('a changed guest the cache no longer has (deleted in between) is removed too', async () => {
    const h = await loaded();
    h.db.guests.delete('lxc/201');
    h.sync.changes(guestChange('lxc/201'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.guestKeys()).not.toContain('lxc/201');
  });

  it('removed then added again within one batch: the guest is read and stays', async () => {
    const h = await loaded();
    h.db.guests.set('qemu/101', guest('qemu', 101, 'web-02-rebuilt', 'pve1'));
    h.sync.changes(guestChange('qemu/101', 'removed'), guestChange('qemu/101', 'added'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.state().data.guests.find((g) => g.vmid === 101)?.name).toBe('web-02-rebuilt');
  });

  it('changed then removed within one batch: the guest is gone and not read', async () => {
    const h = await loaded();
    h.db.guests.delete('qemu/102');
    h.sync.changes(guestChange('qemu/102'), guestChange('qemu/102', 'removed'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.guestKeys()).not.toContain('qemu/102');
    expect(h.source.guests.mock.calls.flatMap((c) => [...c[0]])).not.toContain('qemu/102');
  });

  it('more than 2000 changed guests in one batch: one bulk read of everything instead of per-key reads', async () => {
    const h = await loaded({ db: fixtureDb(manyGuests(2500)) });
    const keys = manyGuests(2001).map(keyOf);
    for (const k of keys) h.db.guests.get(k)!.name = `renamed-${k}`;
    // Events arrive in chunks, as the worker posts them.
    for (let i = 0; i < keys.length; i += 500) h.sync.changes(...keys.slice(i, i + 500).map((k) => guestChange(k)));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.all).toHaveBeenCalledOnce();
    expect(h.source.guests).not.toHaveBeenCalled();
    expect(h.notifications()).toBe(1);
    expect(h.state().data.guests).toHaveLength(2500);
    expect(h.state().data.guests[0]?.name).toBe('renamed-qemu/100');
    expect(h.state().data.guests[2001]?.name).toBe('guest-2101');
  });

  it('exactly 2000 changed guests are still read by key', async () => {
    const h = await loaded({ db: fixtureDb(manyGuests(2500)) });
    h.sync.changes(...manyGuests(2000).map((g) => guestChange(keyOf(g))));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.all).not.toHaveBeenCalled();
    expect(h.source.guests).toHaveBeenCalledOnce();
    expect(h.source.guests.mock.calls[0]![0]).toHaveLength(2000);
  });

  it('a mass removal counts towards the bulk threshold and the bulk read drops the removed guests', async () => {
    const h = await loaded({ db: fixtureDb(manyGuests(2500)) });
    const gone = manyGuests(2100).map(keyOf);
    for (const k of gone) h.db.guests.delete(k);
    h.sync.changes(...gone.map((k) => guestChange(k, 'removed')));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.all).toHaveBeenCalledOnce();
    expect(h.state().data.guests).toHaveLength(400);
  });

  // BUG (controller.ts, applyPending's bulk branch): the bulk reload replaces the rows with
  // actions.load() but keeps state.marks as they were, so a removed guest stays marked ("1
  // marked" in the title, a batch action aimed at a guest that no longer exists). The per-key
  // path drops such marks through mergeGuests. Remove `.fails` once fixed.
  it('the bulk reload drops the marks of removed guests too', async () => {
    const h = await loaded({ db: fixtureDb(manyGuests(2500)) });
    h.console.actions.toggleMark('qemu/100');
    const gone = manyGuests(2100).map(keyOf);
    for (const k of gone) h.db.guests.delete(k);
    h.sync.changes(...gone.map((k) => guestChange(k, 'removed')));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.guestKeys()).not.toContain('qemu/100');
    expect([...h.state().marks]).toEqual([]);
  });

  it('changes of other kinds alone do not re-read guests', async () => {
    const h = await loaded();
    h.sync.changes({ kind: 'network', op: 'changed', id: 'pve1/vmbr0' }, { kind: 'pool', op: 'added', id: 'prod' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.guests).not.toHaveBeenCalled();
    expect(h.source.all).not.toHaveBeenCalled();
  });
});

describe('live figures', () => {
  const frame = (at: number, cpu: number, nodeCpu: number, used: number): FiguresFrame =>
    figuresFrame({
      at,
      guests: [guest('qemu', 100, 'web-01', 'pve1', { cpu, mem: 3 * 1024 ** 3 }), guest('lxc', 200, 'pihole', 'pve1', { cpu: cpu / 2 })],
      nodes: [{ node: 'pve1', status: 'online', cpu: nodeCpu }],
      storage: [{ node: 'pve1', storage: 'local', type: 'dir', content: [], shared: false, enabled: true, active: true, used }],
    });

  it('are applied in one update; the latest frame of a batch wins', async () => {
    const h = await loaded();
    const version = h.state().data.figuresVersion;
    h.sync.emit('figures', frame(T0, 0.5, 0.4, 1000));
    h.sync.emit('figures', frame(T0 + 1000, 0.75, 0.8, 2000));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.notifications()).toBe(1);
    expect(h.state().data.figuresVersion).toBe(version + 1);
    const byKey = new Map(h.state().data.guests.map((g) => [keyOf(g), g]));
    expect(byKey.get('qemu/100')).toMatchObject({ cpu: 0.75, mem: 3 * 1024 ** 3 });
    expect(byKey.get('lxc/200')?.cpu).toBe(0.375);
    // Not in the frame: untouched.
    expect(byKey.get('qemu/102')?.cpu).toBe(0.6);
    expect(h.state().data.nodes.find((n) => n.node === 'pve1')?.cpu).toBe(0.8);
    expect(h.state().data.storage.find((s) => s.node === 'pve1' && s.storage === 'local')?.used).toBe(2000);
    // Figures are no change: nothing re-read from the cache.
    expect(h.source.guests).not.toHaveBeenCalled();
    expect(h.source.all).not.toHaveBeenCalled();
  });

  it('arrive with guest changes in the same update, applied to the fresh rows', async () => {
    const h = await loaded();
    h.db.guests.set('qemu/100', guest('qemu', 100, 'web-01-renamed', 'pve1', { cpu: 0.01 }));
    h.sync.changes(guestChange('qemu/100'));
    h.sync.emit('figures', frame(T0, 0.9, 0.1, 1));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.notifications()).toBe(1);
    expect(h.state().data.guests.find((g) => g.vmid === 100)).toMatchObject({ name: 'web-01-renamed', cpu: 0.9 });
  });
});

describe('node, storage, task and snapshot changes', () => {
  it('a node change re-reads the nodes', async () => {
    const h = await loaded();
    h.db.nodes = h.db.nodes.map((n) => (n.node === 'pve3' ? { ...n, status: 'online' } : n));
    h.sync.changes({ kind: 'node', op: 'changed', node: 'pve3', fields: ['status'] }, { kind: 'node', op: 'changed', node: 'pve2' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.nodes).toHaveBeenCalledOnce();
    expect(h.state().data.nodes.find((n) => n.node === 'pve3')?.status).toBe('online');
    expect(h.source.storage).not.toHaveBeenCalled();
    expect(h.source.tasks).not.toHaveBeenCalled();
  });

  it('a storage change re-reads the storage (and the content screen when it is open)', async () => {
    const h = await loaded();
    h.db.storage = [...h.db.storage, { node: 'pve2', storage: 'local', type: 'dir', content: ['iso'], shared: false, enabled: true, active: true }];
    h.sync.changes({ kind: 'storage', op: 'added', id: 'pve2/local' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.storage).toHaveBeenCalledOnce();
    expect(h.state().data.storage).toHaveLength(4);
    expect(h.source.content).not.toHaveBeenCalled();

    h.console.actions.navigate({ screen: 'content', node: 'pve1', storage: 'local' });
    expect(h.source.content).toHaveBeenCalledExactlyOnceWith('pve1', 'local');
    expect(h.state().data.content.map((c) => c.volid)).toEqual(['local:iso/debian.iso']);
    h.db.content.push({ node: 'pve1', storage: 'local', volid: 'local:iso/alpine.iso', content: 'iso' });
    h.sync.changes({ kind: 'storage', op: 'changed', id: 'pve1/local' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.content).toHaveBeenCalledTimes(2);
    expect(h.state().data.content.map((c) => c.volid)).toEqual(['local:iso/debian.iso', 'local:iso/alpine.iso']);
  });

  it('a task change re-reads the tasks', async () => {
    const h = await loaded();
    const running = { upid: 'UPID:pve2:00001238:00000005:6779A400:qmstart:101:root@pam:', node: 'pve2', type: 'qmstart', id: '101', user: 'root@pam', starttime: 1 };
    h.db.tasks = [running, ...h.db.tasks];
    h.sync.changes({ kind: 'task', op: 'added', id: running.upid });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.tasks).toHaveBeenCalledOnce();
    expect(h.state().data.tasks[0]?.upid).toBe(running.upid);
  });

  it('node, storage and task changes of one batch are one update', async () => {
    const h = await loaded();
    h.sync.changes({ kind: 'node', op: 'changed', node: 'pve1' });
    h.sync.changes({ kind: 'storage', op: 'changed', id: 'pve1/local' });
    h.sync.changes({ kind: 'task', op: 'changed', id: 'x' }, guestChange('qemu/100'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.notifications()).toBe(1);
    expect(h.source.nodes).toHaveBeenCalledOnce();
    expect(h.source.storage).toHaveBeenCalledOnce();
    expect(h.source.tasks).toHaveBeenCalledOnce();
    expect(h.source.guests).toHaveBeenCalledOnce();
  });

  it('a snapshot change re-reads the snapshots only while the snapshots screen is open', async () => {
    const h = await loaded();
    h.sync.changes({ kind: 'snapshot', op: 'added', id: 'qemu/100/pre-upgrade' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.snapshots).not.toHaveBeenCalled();

    h.console.actions.switchTo({ screen: 'snapshots' });
    expect(h.source.snapshots).toHaveBeenCalledOnce();
    h.db.snapshots = [{ type: 'qemu', vmid: 100, name: 'pre-upgrade', vmstate: false, guestName: 'web-01' }];
    h.sync.changes({ kind: 'snapshot', op: 'added', id: 'qemu/100/pre-upgrade' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.snapshots).toHaveBeenCalledTimes(2);
    expect(h.state().data.snapshots.map((s) => s.name)).toEqual(['pre-upgrade']);
  });
});

describe('the guest detail', () => {
  const detailOf100: Route = { screen: 'detail', key: 'qemu/100', tab: 'summary' };

  it('is read when it opens and read again when its guest changes', async () => {
    const h = await loaded();
    h.console.actions.navigate(detailOf100);
    expect(h.source.detail).toHaveBeenCalledExactlyOnceWith('qemu/100');
    expect(h.state().data.detail?.guest?.status).toBe('running');

    h.db.guests.set('qemu/100', guest('qemu', 100, 'web-01', 'pve1', { status: 'stopped' }));
    h.sync.changes(guestChange('qemu/100'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.detail).toHaveBeenCalledTimes(2);
    expect(h.state().data.detail?.guest?.status).toBe('stopped');
  });

  it('is not read again for another guest, a node or storage change', async () => {
    const h = await loaded();
    h.console.actions.navigate(detailOf100);
    h.sync.changes(guestChange('qemu/101'), { kind: 'node', op: 'changed', node: 'pve1' }, { kind: 'storage', op: 'changed', id: 'pve1/local' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.detail).toHaveBeenCalledOnce();
  });

  it('is read again on a snapshot or task change (its Snapshots and Tasks tabs)', async () => {
    const h = await loaded();
    h.console.actions.navigate(detailOf100);
    h.sync.changes({ kind: 'snapshot', op: 'added', id: 'qemu/100/s1' });
    await vi.advanceTimersByTimeAsync(100);
    h.sync.changes({ kind: 'task', op: 'added', id: 'UPID:x' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.detail).toHaveBeenCalledTimes(3);
  });

  it('is read again by a bulk reload that includes its guest', async () => {
    const h = await loaded({ db: fixtureDb(manyGuests(2500)) });
    h.console.actions.navigate(detailOf100);
    h.sync.changes(...manyGuests(2001).map((g) => guestChange(keyOf(g))));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.all).toHaveBeenCalledOnce();
    expect(h.source.detail).toHaveBeenCalledTimes(2);
  });

  it('a tab change keeps the loaded detail; another guest is read', async () => {
    const h = await loaded();
    h.console.actions.navigate(detailOf100);
    h.console.actions.setTab('config');
    h.console.actions.nextTab(1);
    expect(h.source.detail).toHaveBeenCalledOnce();
    h.console.actions.navigate({ screen: 'detail', key: 'qemu/101', tab: 'summary' });
    expect(h.source.detail).toHaveBeenLastCalledWith('qemu/101');
    expect(h.state().data.detail?.key).toBe('qemu/101');
  });

  // BUG (controller.ts, finishFlush): the detail is re-read only when `p.guests` has its key,
  // and a `removed` event only goes into `p.removed`. An open detail of a guest deleted behind
  // the console's back keeps its stale cached row (DetailScreen falls back to detail.guest when
  // the list row is gone) instead of "qemu/100 is not in the cache (deleted?)". Remove `.fails`
  // once fixed.
  it('is read again when its guest is removed', async () => {
    const h = await loaded();
    h.console.actions.navigate(detailOf100);
    h.db.guests.delete('qemu/100');
    h.sync.changes(guestChange('qemu/100', 'removed'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.source.detail).toHaveBeenCalledTimes(2);
    expect(h.state().data.detail?.guest).toBeUndefined();
  });

  it('reloadScreen() reads the open screen again', async () => {
    const h = await loaded();
    h.console.actions.navigate(detailOf100);
    h.controller.reloadScreen();
    expect(h.source.detail).toHaveBeenCalledTimes(2);
  });
});

describe('sync status events', () => {
  it('going offline says why at once, once per reason', async () => {
    const h = await loaded();
    const offline = (lastError: string) => ({ state: 'offline' as const, paused: false, consecutiveFailures: 1, warnings: 0, droppedPolls: 0, lastError });
    h.sync.emit('state', offline('certificate fingerprint mismatch: the server presents AB:CD'));
    expect(h.state().message).toMatchObject({ text: 'offline: certificate fingerprint mismatch: the server presents AB:CD', level: 'error' });
    h.console.actions.clearMessage();
    h.sync.emit('state', offline('certificate fingerprint mismatch: the server presents AB:CD'));
    expect(h.state().message).toBeUndefined();
    h.sync.emit('state', offline('authentication failure: 401 invalid token'));
    expect(h.state().message?.text).toBe('offline: authentication failure: 401 invalid token');
  });

  it('state, progress, poll and fatal errors reach the store; a non-fatal error says nothing', async () => {
    const h = await loaded();
    h.sync.emit('state', { state: 'online', paused: false, consecutiveFailures: 0, warnings: 0, droppedPolls: 0, lastGoodSyncAt: T0 + 5000 });
    expect(h.state().connection?.state).toBe('online');
    expect(h.state().lastSyncAt).toBe(T0 + 5000);

    h.sync.emit('progress', { phase: 'configs', done: 3, total: 7 } as SyncWorkerEvents['progress']);
    expect(h.state().progress).toMatchObject({ done: 3, total: 7 });

    h.db.profile = { ...h.db.profile!, clusterName: 'lab-renamed' };
    h.sync.emit('poll', pollSummary({ finishedAt: T0 + 9000 }));
    expect(h.state().progress).toBeUndefined();
    expect(h.state().lastSyncAt).toBe(T0 + 9000);
    expect(h.state().meta.clusterName).toBe('lab-renamed');

    h.sync.emit('error', { error: { kind: 'network', message: 'ECONNREFUSED' }, consecutiveFailures: 1, retryInMs: 1000, fatal: false } as SyncWorkerEvents['error']);
    expect(h.state().message).toBeUndefined();
    h.sync.emit('error', { error: { kind: 'cache', message: 'disk full\x1b[2J' }, consecutiveFailures: 1, fatal: true });
    expect(h.state().message).toMatchObject({ text: 'sync stopped: disk full', level: 'error' });
  });
});

describe('attaching the sync later and refreshing', () => {
  it('without a sync: refresh says the console shows the cache', async () => {
    const h = await loaded({ withSync: false });
    await h.controller.refresh();
    expect(h.state().message).toMatchObject({ text: 'no connection: showing the cache', level: 'warn' });
  });

  it('attachSync after creation: its events feed the store and refresh syncs through it', async () => {
    const h = await loaded({ withSync: false });
    const late = fakeSync();
    h.controller.attachSync(late.link);
    h.db.guests.set('qemu/100', guest('qemu', 100, 'web-01', 'pve1', { status: 'stopped' }));
    late.changes(guestChange('qemu/100'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.state().data.guests.find((g) => g.vmid === 100)?.status).toBe('stopped');

    late.link.syncNow.mockResolvedValueOnce(pollSummary({ durationMs: 41.6, changes: 3 }));
    await h.controller.refresh();
    expect(late.link.syncNow).toHaveBeenCalledOnce();
    expect(h.state().message).toMatchObject({ text: 'synced in 42 ms: 3 changes', level: 'info' });
  });

  it('refresh says "syncing..." while it waits, then the count (singular for one)', async () => {
    const h = await loaded();
    let finish!: (s: PollSummary) => void;
    h.sync.link.syncNow.mockReturnValueOnce(new Promise<PollSummary>((r) => (finish = r)));
    const done = h.controller.refresh();
    expect(h.state().message?.text).toBe('syncing...');
    finish(pollSummary({ durationMs: 7, changes: 1 }));
    await done;
    expect(h.state().message?.text).toBe('synced in 7 ms: 1 change');

    h.sync.link.syncNow.mockResolvedValueOnce(pollSummary({ durationMs: 12.2, changes: 0 }));
    await h.controller.refresh();
    expect(h.state().message?.text).toBe('synced in 12 ms: 0 changes');
  });

  it('a failed refresh is an error message, sanitised', async () => {
    const h = await loaded();
    h.sync.link.syncNow.mockRejectedValueOnce(new Error('401 authentication failure\x1b]0;x\x07'));
    await h.controller.refresh();
    expect(h.state().message).toMatchObject({ text: 'sync failed: 401 authentication failure', level: 'error' });
  });

  it('a refresh that ends after dispose says nothing', async () => {
    const h = await loaded();
    let fail!: (e: Error) => void;
    h.sync.link.syncNow.mockReturnValueOnce(new Promise<PollSummary>((_r, j) => (fail = j)));
    const done = h.controller.refresh();
    h.controller.dispose();
    fail(new Error('worker stopped'));
    await done;
    expect(h.state().message?.text).toBe('syncing...');
  });
});

describe('the task log', () => {
  const UPID = 'UPID:pve3:000A1B2C:00C0FFEE:6779A500:vzdump:115:root@pam:';
  const route: Route = { screen: 'taskLog', upid: UPID, node: 'pve3' };
  const log = (h: Harness) => h.state().data.taskLog;

  it('reads the log when the screen opens, appends pages and polls while the task runs', async () => {
    const taskLogs = fakeTaskLogs([
      { lines: ['INFO: starting new backup job', 'INFO: Starting Backup of VM 115'], running: true },
      { lines: ['INFO: status: 10%'], running: true },
      { lines: [], running: true },
      { lines: ['INFO: status: 100%', 'INFO: Finished Backup of VM 115'], running: false, exitStatus: 'OK' },
    ]);
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    expect(taskLogs.read).toHaveBeenCalledExactlyOnceWith(UPID, 0);
    await vi.advanceTimersByTimeAsync(0);
    expect(log(h)).toMatchObject({ upid: UPID, node: 'pve3', running: true, follow: true, lines: ['INFO: starting new backup job', 'INFO: Starting Backup of VM 115'] });

    await vi.advanceTimersByTimeAsync(999);
    expect(taskLogs.read).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1);
    expect(taskLogs.read).toHaveBeenLastCalledWith(UPID, 2);
    expect(log(h)?.lines).toHaveLength(3);

    await vi.advanceTimersByTimeAsync(1000);
    expect(taskLogs.read).toHaveBeenLastCalledWith(UPID, 3);
    expect(log(h)?.lines).toHaveLength(3);

    await vi.advanceTimersByTimeAsync(1000);
    expect(taskLogs.read).toHaveBeenLastCalledWith(UPID, 3);
    expect(log(h)).toMatchObject({ running: false, exitStatus: 'OK' });
    expect(log(h)?.lines.at(-1)).toBe('INFO: Finished Backup of VM 115');

    // Ended: no more reads.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(taskLogs.read).toHaveBeenCalledTimes(4);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('honours logPollMs', async () => {
    const taskLogs = fakeTaskLogs([{ lines: ['a'], running: true }, { lines: ['b'], running: false }]);
    const h = await loaded({ taskLogs, logPollMs: 250 });
    h.console.actions.navigate(route);
    await vi.advanceTimersByTimeAsync(249);
    expect(taskLogs.read).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1);
    expect(taskLogs.read).toHaveBeenCalledTimes(2);
    expect(log(h)?.lines).toEqual(['a', 'b']);
  });

  it('a full page (more) is followed at once by the next, even for a finished task', async () => {
    const taskLogs = fakeTaskLogs([
      { lines: ['1', '2'], more: true, running: false, exitStatus: 'OK' },
      { lines: ['3', '4'], more: true, running: false, exitStatus: 'OK' },
      { lines: ['5'], running: false, exitStatus: 'OK' },
    ]);
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    // No poll interval (1000 ms) between the pages: 10 ms of clock is plenty.
    await vi.advanceTimersByTimeAsync(10);
    expect(taskLogs.read.mock.calls.map((c) => c[1])).toEqual([0, 2, 4]);
    expect(log(h)).toMatchObject({ lines: ['1', '2', '3', '4', '5'], running: false, exitStatus: 'OK' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(taskLogs.read).toHaveBeenCalledTimes(3);
  });

  it('stops reading when the screen changes', async () => {
    const taskLogs = fakeTaskLogs([
      { lines: ['a'], running: true },
      { lines: ['b'], running: true },
    ]);
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    await vi.advanceTimersByTimeAsync(0);
    h.console.actions.back();
    expect(currentRoute(h.state()).screen).toBe('guests');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(taskLogs.read).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a page that arrives after the screen changed is dropped', async () => {
    let answer!: (p: TaskLogPage) => void;
    const taskLogs: TaskLogSource & { read: ReturnType<typeof vi.fn> } = { read: vi.fn(() => new Promise<TaskLogPage>((r) => (answer = r))) };
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    h.console.actions.back();
    answer({ lines: ['late'], running: true });
    await vi.advanceTimersByTimeAsync(5000);
    expect(log(h)?.lines).toEqual([]);
    expect(taskLogs.read).toHaveBeenCalledOnce();
  });

  it('another task opened: the first one is no longer read, the second starts from line 0', async () => {
    const OTHER = 'UPID:pve1:00001237:00000004:6779A300:aptupdate::root@pam:';
    const taskLogs = fakeTaskLogs([
      { lines: ['a1', 'a2'], running: true },
      { lines: ['b1'], running: true },
      { lines: ['b2'], running: false, exitStatus: 'OK' },
    ]);
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    await vi.advanceTimersByTimeAsync(0);
    h.console.actions.navigate({ screen: 'taskLog', upid: OTHER, node: 'pve1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(taskLogs.read.mock.calls).toEqual([
      [UPID, 0],
      [OTHER, 0],
    ]);
    expect(log(h)).toMatchObject({ upid: OTHER, node: 'pve1', lines: ['b1'] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(taskLogs.read.mock.calls.at(-1)).toEqual([OTHER, 1]);
    expect(log(h)?.lines).toEqual(['b1', 'b2']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(taskLogs.read).toHaveBeenCalledTimes(3);
  });

  it('a failed read shows the error with the lines so far, retries later, and clears it once a read works', async () => {
    const taskLogs = fakeTaskLogs([{ lines: ['a'], running: true }, new Error('500 node pve3 unreachable\x1b[31m'), { lines: ['b'], running: true }]);
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    await vi.advanceTimersByTimeAsync(1000);
    expect(taskLogs.read).toHaveBeenCalledTimes(2);
    expect(log(h)).toMatchObject({ lines: ['a'], running: true, error: '500 node pve3 unreachable' });

    // The retry waits longer than a poll.
    await vi.advanceTimersByTimeAsync(4999);
    expect(taskLogs.read).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(taskLogs.read).toHaveBeenLastCalledWith(UPID, 1);
    expect(log(h)?.lines).toEqual(['a', 'b']);
    expect(log(h)?.error).toBeUndefined();
  });

  it('the first read failing leaves an empty log with the error', async () => {
    const taskLogs = fakeTaskLogs([new Error('permission denied')]);
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    await vi.advanceTimersByTimeAsync(0);
    expect(log(h)).toMatchObject({ lines: [], error: 'permission denied' });
  });

  it('keeps the follow flag and scroll position the screen set', async () => {
    const taskLogs = fakeTaskLogs([
      { lines: ['a'], running: true },
      { lines: ['b'], running: true },
    ]);
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    await vi.advanceTimersByTimeAsync(0);
    h.console.actions.setTaskLog({ ...log(h)!, follow: false, top: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(log(h)).toMatchObject({ lines: ['a', 'b'], follow: false, top: 1 });
  });

  it('strips escape sequences from log lines', async () => {
    const taskLogs = fakeTaskLogs([{ lines: ['ok\x1b[2J line', '\x1b]0;pwned\x07title'], running: false, exitStatus: 'OK' }]);
    const h = await loaded({ taskLogs });
    h.console.actions.navigate(route);
    await vi.advanceTimersByTimeAsync(0);
    for (const line of log(h)!.lines) expect(line).not.toMatch(/[\x1b\x07]/);
    expect(log(h)!.lines.join('\n')).not.toContain('pwned');
  });

  // BUG (controller.ts:199 `loadFor(lastRoute)` runs before `let logTimer` / `let
  // logGeneration` at controller.ts:213-214 are initialised): a store whose first route is a
  // task log makes createController throw "Cannot access 'logGeneration' before
  // initialization". runConsole cannot start there today (config startScreen excludes
  // taskLog), so it is latent. Fix: declare logTimer/logGeneration above the first loadFor
  // call (or call loadFor(lastRoute) after followTask's state). Remove `.fails` once fixed.
  it('starting on a task log screen reads its log', async () => {
    const taskLogs = fakeTaskLogs([{ lines: ['a'], running: false, exitStatus: 'OK' }]);
    const h = harness({ taskLogs, route });
    await vi.advanceTimersByTimeAsync(0);
    expect(taskLogs.read).toHaveBeenCalledExactlyOnceWith(UPID, 0);
    expect(log(h)?.lines).toEqual(['a']);
  });

  it('without a task log reader: the log says it needs a connection', async () => {
    const h = await loaded();
    h.console.actions.navigate(route);
    expect(log(h)).toMatchObject({ upid: UPID, running: false, lines: [], error: 'task logs need a connection' });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('dispose()', () => {
  it('stops every timer and listener', async () => {
    const taskLogs = fakeTaskLogs([{ lines: ['a'], running: true }]);
    const h = harness({ taskLogs });
    h.console.actions.navigate({ screen: 'taskLog', upid: 'UPID:pve1:1:1:1:vzdump:100:root@pam:', node: 'pve1' });
    await vi.advanceTimersByTimeAsync(0);
    h.sync.changes(guestChange('qemu/100'));
    // Pending: the batch timer and the log's poll.
    expect(vi.getTimerCount()).toBe(2);
    expect(h.sync.listenerCount()).toBeGreaterThan(0);

    h.controller.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(h.sync.listenerCount()).toBe(0);

    for (const spy of Object.values(h.source)) spy.mockClear();
    h.resetNotifications();
    h.sync.changes(guestChange('qemu/100'));
    h.sync.emit('figures', figuresFrame({ at: T0, guests: [], nodes: [], storage: [] }));
    h.console.actions.navigate({ screen: 'detail', key: 'qemu/100', tab: 'summary' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.source.detail).not.toHaveBeenCalled();
    expect(h.source.guests).not.toHaveBeenCalled();
    expect(taskLogs.read).toHaveBeenCalledOnce();
    // Only the navigation itself changed the store.
    expect(h.notifications()).toBe(1);
  });

  it('a log page in flight when disposed is dropped', async () => {
    let answer!: (p: TaskLogPage) => void;
    const taskLogs: TaskLogSource & { read: ReturnType<typeof vi.fn> } = { read: vi.fn(() => new Promise<TaskLogPage>((r) => (answer = r))) };
    const h = await loaded({ taskLogs });
    h.console.actions.navigate({ screen: 'taskLog', upid: 'UPID:pve1:1:1:1:vzdump:100:root@pam:', node: 'pve1' });
    h.controller.dispose();
    answer({ lines: ['late'], running: true });
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.state().data.taskLog?.lines).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('operations started from the console', () => {
  const UPID = 'UPID:pve2:0000ABCD:00000001:6B000000:qmstart:101:root@pam:';
  const plan = (vmid: number, action = 'start'): OperationPlan => ({
    action,
    target: { type: 'qemu', vmid, node: 'pve2', name: `vm-${vmid}`, status: 'stopped', template: false },
    risk: 'low',
    calls: [{ method: 'POST', path: `/nodes/pve2/qemu/${vmid}/status/${action}` }],
    summary: `${action} VM ${vmid}`,
  });
  const opClient = (exit: (path: string) => string): OperationClient & { paths: string[] } => {
    const paths: string[] = [];
    const byUpid = new Map<string, string>();
    return {
      paths,
      call: async (_method, path) => {
        paths.push(path);
        const upid = UPID.replace(':101:', `:${/\/(\d+)\//.exec(path)![1]}:`);
        byUpid.set(upid, path);
        return { data: upid };
      },
      waitForTask: async (upid) => {
        const exitstatus = exit(byUpid.get(upid)!);
        return { upid, node: 'pve2', status: { upid, node: 'pve2', status: 'stopped', exitstatus }, exitstatus, ok: exitstatus === 'OK', log: [{ n: 1, t: 'done' }] };
      },
    };
  };

  it('shows each while it runs, tells how it ended, then syncs', async () => {
    const client = opClient(() => 'OK');
    const h = await loaded({ operationsClient: async () => client });
    h.sync.link.syncNow.mockResolvedValue(pollSummary());
    const running = h.controller.runOperations([plan(101)]);
    expect(h.state().operations.map((o) => `${o.label} ${o.state}`)).toEqual(['start VM 101 vm-101 running']);
    await running;
    expect(client.paths).toEqual(['/nodes/pve2/qemu/101/status/start']);
    expect(h.state().operations.map((o) => `${o.label} ${o.state} ${o.message}`)).toEqual(['start VM 101 vm-101 done OK']);
    expect(h.state().message).toMatchObject({ text: 'start VM 101 vm-101: OK', level: 'info' });
    expect(h.sync.link.syncNow).toHaveBeenCalledTimes(1);
  });

  it('a batch reports every guest; a failure is named', async () => {
    const client = opClient((path) => (path.includes('/102/') ? 'start failed: no such disk' : 'OK'));
    const h = await loaded({ operationsClient: async () => client });
    h.sync.link.syncNow.mockResolvedValue(pollSummary());
    await h.controller.runOperations([plan(101), plan(102), plan(103)]);
    expect(h.state().operations.map((o) => o.state)).toEqual(['done', 'failed', 'done']);
    expect(h.state().message).toMatchObject({ text: 'start: 2 done, 1 failed (VM 102 vm-102: start failed: no such disk)', level: 'error' });
  });

  it('without a connection says so and runs nothing', async () => {
    const h = await loaded();
    await h.controller.runOperations([plan(101)]);
    expect(h.state().operations).toEqual([]);
    expect(h.state().message?.text).toMatch(/no connection/);
  });

  it('a lost connection fails the runs still going and says why', async () => {
    const h = await loaded({
      operationsClient: async () => ({
        call: async () => {
          throw Object.assign(new (await import('../../proxmox/errors.js')).ProxmoxError('network', 'connection refused'));
        },
        waitForTask: async () => {
          throw new Error('unreachable');
        },
      }),
    });
    await h.controller.runOperations([plan(101)]);
    expect(h.state().operations.map((o) => `${o.state} ${o.message}`)).toEqual(['failed connection refused']);
    expect(h.state().message).toMatchObject({ text: 'start failed: connection refused', level: 'error' });
  });
});
