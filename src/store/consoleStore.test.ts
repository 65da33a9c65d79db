import { describe, expect, it } from 'vitest';
import type { GuestRow } from '../db/model.js';
import { tableRows } from '../app/layout.js';
import { figuresFrame } from '../sync/figures.js';
import { createConsoleStore } from './consoleStore.js';
import { currentRoute, selectListRows } from './selectors.js';
import { fixtureData, fixtureNodes, fixtureStorage, GiB, guest, makeConsole, manyGuests, TEST_META } from './test-support/consoleFixture.js';

const vmids = (rows: readonly GuestRow[]): number[] => rows.map((g) => g.vmid);

describe('createConsoleStore: initial state', () => {
  it('starts on the guests screen (or the given route) with empty data and default views', () => {
    const c = createConsoleStore({ meta: TEST_META });
    const s = c.store.getState();
    expect(s.stack).toEqual([{ screen: 'guests' }]);
    expect(s.mode).toBe('normal');
    expect(s.data.guests).toEqual([]);
    expect(s.views.guests).toEqual({ cursor: 0, top: 0, filter: '', sort: { column: 'vmid', descending: false } });
    expect(s.views.tasks.sort).toEqual({ column: 'started', descending: true });
    expect(s.size).toEqual({ columns: 120, rows: 40 });
    const other = createConsoleStore({ meta: TEST_META, route: { screen: 'overview' }, size: { columns: 80, rows: 24 }, settings: { icons: false } });
    expect(other.store.getState().stack).toEqual([{ screen: 'overview' }]);
    expect(other.store.getState().settings).toMatchObject({ icons: false, theme: 'dark', color: true });
  });
});

describe('load', () => {
  it('sorts the guests by vmid (then type) and bumps guestsVersion', () => {
    const c = createConsoleStore({ meta: TEST_META });
    const data = fixtureData();
    data.guests.push(guest('lxc', 100, 'ct-100', 'pve1'));
    c.actions.load(data);
    const s = c.store.getState();
    expect(vmids(s.data.guests)).toEqual([100, 100, 101, 102, 103, 200, 201, 9000]);
    expect(s.data.guests.slice(0, 2).map((g) => g.type)).toEqual(['lxc', 'qemu']);
    expect(s.data.guestsVersion).toBe(1);
    expect(s.data.nodes).toHaveLength(3);
    expect(s.data.storage).toHaveLength(3);
    expect(s.data.tasks).toHaveLength(4);
  });

  it('does not reorder the caller’s array', () => {
    const c = createConsoleStore({ meta: TEST_META });
    const data = fixtureData();
    const before = vmids(data.guests);
    c.actions.load(data);
    expect(vmids(data.guests)).toEqual(before);
  });
});

describe('mergeGuests', () => {
  it('replaces changed rows in place and keeps the others (same objects)', () => {
    const c = makeConsole();
    const before = c.store.getState().data;
    const changed = guest('qemu', 102, 'db-01-renamed', 'pve2');
    c.actions.mergeGuests([changed], []);
    const after = c.store.getState().data;
    expect(after.guests).not.toBe(before.guests);
    expect(vmids(after.guests)).toEqual(vmids(before.guests));
    const i = after.guests.findIndex((g) => g.vmid === 102);
    expect(after.guests[i]).toBe(changed);
    after.guests.forEach((g, k) => {
      if (k !== i) expect(g).toBe(before.guests[k]);
    });
    expect(after.guestsVersion).toBe(before.guestsVersion + 1);
  });

  it('adds new guests in vmid order', () => {
    const c = makeConsole();
    c.actions.mergeGuests([guest('lxc', 150, 'new-ct', 'pve1'), guest('qemu', 99, 'first', 'pve1')], []);
    expect(vmids(c.store.getState().data.guests)).toEqual([99, 100, 101, 102, 103, 150, 200, 201, 9000]);
  });

  it('adding a container with the vmid of a VM keeps both', () => {
    const c = makeConsole();
    c.actions.mergeGuests([guest('lxc', 100, 'ct-100', 'pve1')], []);
    const g = c.store.getState().data.guests.filter((x) => x.vmid === 100);
    expect(g.map((x) => x.type)).toEqual(['lxc', 'qemu']);
  });

  it('removes guests and drops the marks of removed guests only', () => {
    const c = makeConsole();
    c.actions.toggleMark('qemu/101');
    c.actions.toggleMark('lxc/200');
    c.actions.mergeGuests([], ['qemu/101', 'qemu/4242']);
    const s = c.store.getState();
    expect(vmids(s.data.guests)).toEqual([100, 102, 103, 200, 201, 9000]);
    expect([...s.marks]).toEqual(['lxc/200']);
  });

  it('keeps the marks set when no marked guest was removed', () => {
    const c = makeConsole();
    c.actions.toggleMark('lxc/200');
    const marks = c.store.getState().marks;
    c.actions.mergeGuests([], ['qemu/101']);
    expect(c.store.getState().marks).toBe(marks);
  });

  it('does nothing for an empty change', () => {
    const c = makeConsole();
    const data = c.store.getState().data;
    c.actions.mergeGuests([], []);
    expect(c.store.getState().data).toBe(data);
  });

  it('clamps the cursor when the last rows are removed', () => {
    const c = makeConsole();
    c.actions.moveTo('guests', 6);
    expect(c.store.getState().views.guests.cursor).toBe(6);
    c.actions.mergeGuests([], ['qemu/9000', 'lxc/201']);
    expect(c.store.getState().views.guests.cursor).toBe(4);
  });
});

describe('applyFigures', () => {
  it('writes the figures into the rows in place and bumps figuresVersion, not guestsVersion', () => {
    const c = makeConsole();
    const before = c.store.getState().data;
    const web = before.guests.find((g) => g.vmid === 100)!;
    const frame = figuresFrame({
      at: 1,
      guests: [
        { ...web, cpu: 0.75, mem: 3 * GiB, uptime: 7200 },
        // not reported: cleared from the row
        { ...guest('lxc', 200, 'pihole', 'pve1'), cpu: undefined, mem: 111 },
        // not in the store: ignored
        guest('qemu', 4242, 'ghost', 'pve1', { cpu: 0.9 }),
      ],
      nodes: [{ node: 'pve1', status: 'online', cpu: 0.5, mem: 40 * GiB }],
      storage: [{ ...fixtureStorage()[0]!, used: 30 * GiB, avail: undefined }],
    });
    c.actions.applyFigures(frame);
    const after = c.store.getState().data;
    expect(after.guests).toBe(before.guests);
    expect(after.guestsVersion).toBe(before.guestsVersion);
    expect(after.figuresVersion).toBe(before.figuresVersion + 1);
    const row = after.guests.find((g) => g.vmid === 100)!;
    expect(row).toBe(web);
    expect(row).toMatchObject({ cpu: 0.75, mem: 3 * GiB, uptime: 7200 });
    const pihole = after.guests.find((g) => g.vmid === 200)!;
    expect(pihole.cpu).toBeUndefined();
    expect('cpu' in pihole).toBe(false);
    expect(pihole.mem).toBe(111);
    expect(after.guests.some((g) => g.vmid === 4242)).toBe(false);
    // Nodes and storage: new rows with the reported figures; unreported ones kept.
    const pve1 = after.nodes.find((n) => n.node === 'pve1')!;
    expect(pve1).toMatchObject({ cpu: 0.5, mem: 40 * GiB, maxmem: 64 * GiB, disk: 14 * GiB });
    expect(after.nodes.find((n) => n.node === 'pve2')).toBe(before.nodes.find((n) => n.node === 'pve2'));
    const local = after.storage.find((s) => s.storage === 'local')!;
    expect(local).toMatchObject({ used: 30 * GiB, avail: 72 * GiB, total: 94 * GiB });
  });

  it('tells a VM and a container with the same vmid apart', () => {
    const c = makeConsole();
    c.actions.mergeGuests([guest('lxc', 100, 'ct-100', 'pve1', { cpu: 0.01 })], []);
    c.actions.applyFigures(figuresFrame({ at: 1, guests: [guest('lxc', 100, 'ct-100', 'pve1', { cpu: 0.42 })], nodes: [], storage: [] }));
    const g = c.store.getState().data.guests;
    expect(g.find((x) => x.type === 'lxc' && x.vmid === 100)!.cpu).toBe(0.42);
    expect(g.find((x) => x.type === 'qemu' && x.vmid === 100)!.cpu).toBe(0.25);
  });

  it('re-sorts a list sorted by a live column', () => {
    const c = makeConsole();
    c.actions.setSort('guests', { column: 'cpu', descending: true });
    const first = selectListRows(c.store.getState(), 'guests').rows as GuestRow[];
    expect(first[0]!.vmid).toBe(102);
    const pihole = c.store.getState().data.guests.find((g) => g.vmid === 200)!;
    c.actions.applyFigures(figuresFrame({ at: 1, guests: [{ ...pihole, cpu: 0.99 }], nodes: fixtureNodes(), storage: [] }));
    const second = selectListRows(c.store.getState(), 'guests').rows as GuestRow[];
    expect(second).not.toBe(first);
    expect(second[0]!.vmid).toBe(200);
  });
});

describe('navigation stack', () => {
  it('navigate pushes, replaces the same screen on top, and resets scroll and mode', () => {
    const c = makeConsole();
    const { actions, store } = c;
    actions.scrollText(5, 10);
    actions.setMode('filter');
    actions.navigate({ screen: 'detail', key: 'qemu/100', tab: 'summary' });
    expect(store.getState().stack).toEqual([{ screen: 'guests' }, { screen: 'detail', key: 'qemu/100', tab: 'summary' }]);
    expect(store.getState().textScroll).toBe(0);
    expect(store.getState().mode).toBe('normal');
    actions.navigate({ screen: 'detail', key: 'lxc/200', tab: 'config' });
    expect(store.getState().stack).toHaveLength(2);
    expect(currentRoute(store.getState())).toEqual({ screen: 'detail', key: 'lxc/200', tab: 'config' });
    actions.navigate({ screen: 'help' });
    expect(store.getState().stack.map((r) => r.screen)).toEqual(['guests', 'detail', 'help']);
  });

  it('back pops until the root, then returns false', () => {
    const c = makeConsole();
    const { actions, store } = c;
    actions.navigate({ screen: 'help' });
    actions.navigate({ screen: 'settings' });
    expect(actions.back()).toBe(true);
    expect(currentRoute(store.getState()).screen).toBe('help');
    expect(actions.back()).toBe(true);
    expect(store.getState().stack).toEqual([{ screen: 'guests' }]);
    expect(actions.back()).toBe(false);
    expect(store.getState().stack).toEqual([{ screen: 'guests' }]);
  });

  it('switchTo starts the stack again', () => {
    const c = makeConsole();
    const { actions, store } = c;
    actions.navigate({ screen: 'detail', key: 'qemu/100', tab: 'summary' });
    actions.navigate({ screen: 'help' });
    actions.switchTo({ screen: 'nodes' });
    expect(store.getState().stack).toEqual([{ screen: 'nodes' }]);
    expect(actions.back()).toBe(false);
  });

  it('setTab and nextTab change the detail route only', () => {
    const c = makeConsole();
    const { actions, store } = c;
    actions.nextTab(1);
    expect(currentRoute(store.getState())).toEqual({ screen: 'guests' });
    actions.navigate({ screen: 'detail', key: 'qemu/100', tab: 'summary' });
    actions.nextTab(1);
    expect(currentRoute(store.getState())).toMatchObject({ tab: 'config' });
    actions.nextTab(-1);
    actions.nextTab(-1);
    expect(currentRoute(store.getState())).toMatchObject({ tab: 'history' });
    actions.setTab('hardware');
    expect(currentRoute(store.getState())).toMatchObject({ tab: 'hardware' });
    expect(store.getState().stack).toHaveLength(2);
  });
});

describe('move and moveTo', () => {
  const size = { columns: 120, rows: 20 };
  const page = tableRows(size);

  it('clamps the cursor to the rows', () => {
    const c = makeConsole({ size });
    c.actions.move('guests', -3);
    expect(c.store.getState().views.guests.cursor).toBe(0);
    c.actions.move('guests', 3);
    expect(c.store.getState().views.guests.cursor).toBe(3);
    c.actions.move('guests', 100);
    expect(c.store.getState().views.guests.cursor).toBe(6);
    c.actions.moveTo('guests', -5);
    expect(c.store.getState().views.guests.cursor).toBe(0);
    c.actions.moveTo('guests', Number.MAX_SAFE_INTEGER);
    expect(c.store.getState().views.guests).toMatchObject({ cursor: 6, top: 0 });
  });

  it('scrolls so that the cursor stays on the page (the table height from layout.ts)', () => {
    expect(page).toBeGreaterThan(3);
    const c = makeConsole({ size, data: { ...fixtureData(), guests: manyGuests(1000) } });
    const view = () => c.store.getState().views.guests;
    c.actions.move('guests', page - 1);
    expect(view()).toMatchObject({ cursor: page - 1, top: 0 });
    c.actions.move('guests', 1);
    expect(view()).toMatchObject({ cursor: page, top: 1 });
    c.actions.moveTo('guests', 500);
    expect(view()).toMatchObject({ cursor: 500, top: 500 - page + 1 });
    c.actions.move('guests', -1);
    expect(view()).toMatchObject({ cursor: 499, top: 500 - page + 1 });
    c.actions.moveTo('guests', 10);
    expect(view()).toMatchObject({ cursor: 10, top: 10 });
    c.actions.moveTo('guests', 999_999);
    expect(view()).toMatchObject({ cursor: 999, top: 1000 - page });
    c.actions.moveTo('guests', 0);
    expect(view()).toMatchObject({ cursor: 0, top: 0 });
  });

  it('keeps the same view object when nothing moved', () => {
    const c = makeConsole({ size });
    const views = c.store.getState().views;
    c.actions.move('guests', -1);
    expect(c.store.getState().views).toBe(views);
  });

  it('moves another list than the one on screen', () => {
    const c = makeConsole({ size });
    c.actions.move('nodes', 2);
    expect(c.store.getState().views.nodes.cursor).toBe(2);
    expect(c.store.getState().views.guests.cursor).toBe(0);
  });
});

describe('filter and sort', () => {
  it('setFilter and setSort reset the cursor and the scroll', () => {
    const c = makeConsole({ size: { columns: 120, rows: 15 }, data: { ...fixtureData(), guests: manyGuests(200) } });
    c.actions.moveTo('guests', 150);
    expect(c.store.getState().views.guests.top).toBeGreaterThan(0);
    c.actions.setFilter('guests', 'web');
    expect(c.store.getState().views.guests).toMatchObject({ cursor: 0, top: 0, filter: 'web' });
    c.actions.moveTo('guests', 10);
    c.actions.setSort('guests', { column: 'name', descending: true });
    expect(c.store.getState().views.guests).toMatchObject({ cursor: 0, top: 0, filter: 'web', sort: { column: 'name', descending: true } });
  });

  it("setMode('filter') preloads the applied filter; palette mode starts empty", () => {
    const c = makeConsole();
    c.actions.setFilter('guests', 'node:pve1');
    c.actions.setMode('filter');
    expect(c.store.getState().filterInput).toBe('node:pve1');
    c.actions.setFilterInput('node:pve1 web');
    c.actions.setMode('normal');
    // Leaving filter mode does not apply what was typed.
    expect(c.store.getState().views.guests.filter).toBe('node:pve1');
    c.actions.setPaletteInput('vm', 0);
    c.actions.setMode('palette');
    expect(c.store.getState().palette).toEqual({ input: '', selected: -1 });
  });

  it("setMode clears a pending count and key", () => {
    const c = makeConsole();
    c.actions.setCount('5');
    c.actions.setPendingKey('g');
    c.actions.setMode('palette');
    expect(c.store.getState().count).toBe('');
    expect(c.store.getState().pendingKey).toBeUndefined();
  });

  it('setFilterInput moves the cursor to the first row (the rows change as one types)', () => {
    const c = makeConsole();
    c.actions.moveTo('guests', 5);
    c.actions.setMode('filter');
    c.actions.setFilterInput('web');
    expect(c.store.getState().views.guests.cursor).toBe(0);
  });

  it('opening the palette shrinks the table: the cursor stays visible', () => {
    const size = { columns: 120, rows: 24 };
    const c = makeConsole({ size, data: { ...fixtureData(), guests: manyGuests(100) } });
    const full = tableRows(size);
    const small = tableRows(size, true);
    expect(small).toBeLessThan(full);
    c.actions.moveTo('guests', full - 1);
    expect(c.store.getState().views.guests.top).toBe(0);
    c.actions.setMode('palette');
    const v = c.store.getState().views.guests;
    expect(v.cursor).toBe(full - 1);
    expect(v.cursor).toBeLessThan(v.top + small);
  });
});

describe('setSize', () => {
  it('reclamps the scroll to the new table height', () => {
    const c = makeConsole({ data: { ...fixtureData(), guests: manyGuests(300) } });
    c.actions.moveTo('guests', 25);
    expect(c.store.getState().views.guests).toMatchObject({ cursor: 25, top: 0 });
    const size = { columns: 100, rows: 16 };
    c.actions.setSize(size);
    const page = tableRows(size);
    expect(c.store.getState().size).toEqual(size);
    expect(c.store.getState().views.guests).toMatchObject({ cursor: 25, top: 25 - page + 1 });
  });

  it('pulls the scroll back when the terminal grows at the end of the list', () => {
    const c = makeConsole({ size: { columns: 100, rows: 16 }, data: { ...fixtureData(), guests: manyGuests(50) } });
    c.actions.moveTo('guests', 49);
    const grown = { columns: 100, rows: 40 };
    c.actions.setSize(grown);
    expect(c.store.getState().views.guests).toMatchObject({ cursor: 49, top: 50 - tableRows(grown) });
  });

  it('ignores the same size', () => {
    const c = makeConsole();
    const s = c.store.getState();
    c.actions.setSize({ ...s.size });
    expect(c.store.getState()).toBe(s);
  });
});

describe('other actions', () => {
  it('toggleMark, clearMarks, notify, showModal, updateSettings, quit', () => {
    const c = makeConsole();
    const { actions, store } = c;
    actions.toggleMark('qemu/100');
    actions.toggleMark('qemu/101');
    actions.toggleMark('qemu/100');
    expect([...store.getState().marks]).toEqual(['qemu/101']);
    actions.clearMarks();
    expect(store.getState().marks.size).toBe(0);
    actions.notify('hello');
    expect(store.getState().message).toMatchObject({ text: 'hello', level: 'info' });
    actions.notify('bad', 'error');
    expect(store.getState().message).toMatchObject({ text: 'bad', level: 'error' });
    actions.clearMessage();
    expect(store.getState().message).toBeUndefined();
    actions.showModal({ title: 't', body: ['b'] });
    expect(store.getState().modal).toEqual({ title: 't', body: ['b'] });
    actions.updateSettings({ icons: false });
    expect(store.getState().settings).toMatchObject({ icons: false, theme: 'dark' });
    actions.quit();
    expect(store.getState().quitting).toBe(true);
  });

  it('scrollText clamps to [0, max]', () => {
    const c = makeConsole();
    c.actions.scrollText(5, 3);
    expect(c.store.getState().textScroll).toBe(3);
    c.actions.scrollText(-10, 3);
    expect(c.store.getState().textScroll).toBe(0);
    c.actions.scrollText(2, -4);
    expect(c.store.getState().textScroll).toBe(0);
  });

  it('setConnection takes the last good sync time', () => {
    const c = makeConsole();
    c.actions.setConnection({ state: 'online', paused: false, lastGoodSyncAt: 1234, consecutiveFailures: 0, warnings: 0, droppedPolls: 0 });
    expect(c.store.getState().lastSyncAt).toBe(1234);
  });
});

describe('batch', () => {
  it('tells subscribers once, at the end, with the state from before the batch', () => {
    const c = makeConsole();
    const calls: [number, number][] = [];
    const unsubscribe = c.store.subscribe((state, previous) => calls.push([state.views.guests.cursor, previous.views.guests.cursor]));
    c.batch(() => {
      c.actions.move('guests', 1);
      c.actions.move('guests', 1);
      c.actions.notify('moved');
      // Inside the batch the state is already current.
      expect(c.store.getState().views.guests.cursor).toBe(2);
    });
    expect(calls).toEqual([[2, 0]]);
    c.actions.move('guests', 1);
    expect(calls).toEqual([[2, 0], [3, 2]]);
    unsubscribe();
    c.actions.move('guests', 1);
    expect(calls).toHaveLength(2);
  });

  it('nested batches notify once; a batch that changes nothing does not notify', () => {
    const c = makeConsole();
    let calls = 0;
    c.store.subscribe(() => calls++);
    c.batch(() => {
      c.actions.move('guests', 1);
      c.batch(() => c.actions.move('guests', 1));
      expect(calls).toBe(0);
    });
    expect(calls).toBe(1);
    c.batch(() => c.actions.move('guests', -100));
    c.batch(() => c.actions.move('guests', -1));
    expect(calls).toBe(2);
  });

  it('still notifies when the batch throws', () => {
    const c = makeConsole();
    let calls = 0;
    c.store.subscribe(() => calls++);
    expect(() =>
      c.batch(() => {
        c.actions.move('guests', 1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(calls).toBe(1);
    c.actions.move('guests', 1);
    expect(calls).toBe(2);
  });
});
