import { describe, expect, it } from 'vitest';
import type { GuestRow, NodeRow } from '../db/model.js';
import { figuresFrame } from '../sync/figures.js';
import { currentRoute, effectiveFilter, listOf, selectGuest, selectGuestCounts, selectListRows, selectNodeGuestCounts, selectRunningTasks } from './selectors.js';
import { fixtureData, guest, makeConsole } from './test-support/consoleFixture.js';
import type { ConsoleStore } from './consoleStore.js';

const guestRows = (c: ConsoleStore): GuestRow[] => selectListRows(c.store.getState(), 'guests').rows as GuestRow[];
const keys = (rows: readonly GuestRow[]): string[] => rows.map((g) => `${g.type}/${g.vmid}`);

describe('listOf and currentRoute', () => {
  it('maps list screens to their list and others to undefined', () => {
    expect(listOf({ screen: 'guests', type: 'qemu' })).toBe('guests');
    expect(listOf({ screen: 'content', node: 'pve1', storage: 'local' })).toBe('content');
    expect(listOf({ screen: 'detail', key: 'qemu/100', tab: 'summary' })).toBeUndefined();
    expect(listOf({ screen: 'overview' })).toBeUndefined();
    const c = makeConsole();
    c.actions.navigate({ screen: 'help' });
    expect(currentRoute(c.store.getState())).toEqual({ screen: 'help' });
  });
});

describe('selectListRows: filtering', () => {
  it('without a filter shows every guest in vmid order (the source array itself)', () => {
    const c = makeConsole();
    const result = selectListRows(c.store.getState(), 'guests');
    expect(result.rows).toBe(c.store.getState().data.guests);
    expect(result.total).toBe(7);
    expect(result.filterError).toBeUndefined();
  });

  it('filters by free text over name, vmid, node and tags', () => {
    const c = makeConsole();
    c.actions.setFilter('guests', 'web');
    expect(keys(guestRows(c))).toEqual(['qemu/100', 'qemu/101', 'lxc/201']);
    expect(selectListRows(c.store.getState(), 'guests').total).toBe(7);
    c.actions.setFilter('guests', '9000');
    expect(keys(guestRows(c))).toEqual(['qemu/9000']);
    c.actions.setFilter('guests', 'DNS');
    expect(keys(guestRows(c))).toEqual(['lxc/200']);
  });

  it('supports field terms, synonyms, aliases, negation and regexes', () => {
    const c = makeConsole();
    const f = (text: string): string[] => {
      c.actions.setFilter('guests', text);
      return keys(guestRows(c));
    };
    expect(f('node:pve2')).toEqual(['qemu/101', 'qemu/103', 'lxc/201']);
    expect(f('type:ct')).toEqual(['lxc/200', 'lxc/201']);
    expect(f('kind:vm status:running')).toEqual(['qemu/100', 'qemu/102']);
    expect(f('status:template')).toEqual(['qemu/9000']);
    expect(f('tag:prod !type:lxc')).toEqual(['qemu/100', 'qemu/102']);
    expect(f('lock:backup')).toEqual(['qemu/102']);
    expect(f('pool:prod')).toEqual(['qemu/100', 'qemu/102', 'lxc/200']);
    expect(f('/^web-0[12]$/')).toEqual(['qemu/100', 'qemu/101', 'lxc/201']);
    expect(f('!web')).toEqual(['qemu/102', 'qemu/103', 'lxc/200', 'qemu/9000']);
    expect(f('nothing-matches-this')).toEqual([]);
  });

  it('filters the other lists with their own fields', () => {
    const c = makeConsole();
    c.actions.setFilter('nodes', 'status:offline');
    expect((selectListRows(c.store.getState(), 'nodes').rows as NodeRow[]).map((n) => n.node)).toEqual(['pve3']);
    c.actions.setFilter('storage', 'content:images node:pve2');
    expect(selectListRows(c.store.getState(), 'storage').rows).toHaveLength(1);
    c.actions.setFilter('tasks', 'status:running');
    expect(selectListRows(c.store.getState(), 'tasks').rows).toHaveLength(1);
    c.actions.setFilter('tasks', 'vmid:100');
    expect(selectListRows(c.store.getState(), 'tasks').rows).toHaveLength(2);
  });

  it('uses the text being typed in filter mode, for the list on screen only', () => {
    const c = makeConsole();
    c.actions.setFilter('guests', 'web');
    c.actions.setFilter('nodes', 'pve1');
    c.actions.setMode('filter');
    c.actions.setFilterInput('db');
    const s = c.store.getState();
    expect(effectiveFilter(s, 'guests')).toBe('db');
    expect(effectiveFilter(s, 'nodes')).toBe('pve1');
    expect(keys(guestRows(c))).toEqual(['qemu/102']);
  });
});

describe('selectListRows: the guests route type', () => {
  it('shows only VMs or only containers, and counts the total of that type', () => {
    const c = makeConsole();
    c.actions.switchTo({ screen: 'guests', type: 'qemu' });
    let r = selectListRows(c.store.getState(), 'guests');
    expect(keys(r.rows as GuestRow[])).toEqual(['qemu/100', 'qemu/101', 'qemu/102', 'qemu/103', 'qemu/9000']);
    expect(r.total).toBe(5);
    c.actions.switchTo({ screen: 'guests', type: 'lxc' });
    r = selectListRows(c.store.getState(), 'guests');
    expect(keys(r.rows as GuestRow[])).toEqual(['lxc/200', 'lxc/201']);
    expect(r.total).toBe(2);
    c.actions.setFilter('guests', 'web');
    expect(keys(guestRows(c))).toEqual(['lxc/201']);
    c.actions.switchTo({ screen: 'guests' });
    expect(keys(guestRows(c))).toEqual(['qemu/100', 'qemu/101', 'lxc/201']);
  });
});

describe('selectListRows: sorting', () => {
  it('sorts by a text column ascending and descending (ties by vmid, ascending)', () => {
    const c = makeConsole();
    c.actions.setSort('guests', { column: 'name', descending: false });
    expect(keys(guestRows(c))).toEqual(['qemu/102', 'qemu/103', 'lxc/200', 'qemu/9000', 'qemu/100', 'lxc/201', 'qemu/101']);
    c.actions.setSort('guests', { column: 'name', descending: true });
    expect(keys(guestRows(c))).toEqual(['qemu/101', 'qemu/100', 'lxc/201', 'qemu/9000', 'lxc/200', 'qemu/103', 'qemu/102']);
  });

  it('sorts vmid descending', () => {
    const c = makeConsole();
    c.actions.setSort('guests', { column: 'vmid', descending: true });
    expect(guestRows(c).map((g) => g.vmid)).toEqual([9000, 201, 200, 103, 102, 101, 100]);
  });

  it('puts rows without a value last, in either direction', () => {
    const c = makeConsole();
    // cpu is only a value for running guests
    c.actions.setSort('guests', { column: 'cpu', descending: true });
    expect(keys(guestRows(c))).toEqual(['qemu/102', 'qemu/100', 'lxc/200', 'lxc/201', 'qemu/101', 'qemu/103', 'qemu/9000']);
    c.actions.setSort('guests', { column: 'cpu', descending: false });
    expect(keys(guestRows(c))).toEqual(['lxc/201', 'lxc/200', 'qemu/100', 'qemu/102', 'qemu/101', 'qemu/103', 'qemu/9000']);
  });

  it('compares numbers inside names naturally', () => {
    const c = makeConsole({ data: { ...fixtureData(), guests: [guest('qemu', 1, 'node10', 'pve1'), guest('qemu', 2, 'node9', 'pve1'), guest('qemu', 3, 'Node1', 'pve1')] } });
    c.actions.setSort('guests', { column: 'name', descending: false });
    expect(guestRows(c).map((g) => g.name)).toEqual(['Node1', 'node9', 'node10']);
  });

  it('sorts the tasks newest first by default', () => {
    const c = makeConsole();
    const rows = selectListRows(c.store.getState(), 'tasks').rows as { starttime: number }[];
    const times = rows.map((t) => t.starttime);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('sorts nodes by name the same way in both directions (natural order)', () => {
    // The cache returns nodes ORDER BY node (byte order): pve1, pve10, pve2. The default sort
    // is node ascending and is taken as the source order, while any other sort uses the
    // numeric collator: descending is then not the reverse of ascending.
    const nodes: NodeRow[] = [
      { node: 'pve1', status: 'online' },
      { node: 'pve10', status: 'online' },
      { node: 'pve2', status: 'online' },
    ];
    const c = makeConsole({ data: { ...fixtureData(), nodes } });
    const names = (): string[] => (selectListRows(c.store.getState(), 'nodes').rows as NodeRow[]).map((n) => n.node);
    c.actions.setSort('nodes', { column: 'node', descending: true });
    const descending = names();
    expect(descending).toEqual(['pve10', 'pve2', 'pve1']);
    c.actions.setSort('nodes', { column: 'node', descending: false });
    expect(names()).toEqual([...descending].reverse());
  });
});

describe('selectListRows: memoisation', () => {
  it('returns the same result while nothing it depends on changed', () => {
    const c = makeConsole();
    c.actions.setSort('guests', { column: 'name', descending: false });
    const a = selectListRows(c.store.getState(), 'guests');
    const b = selectListRows(c.store.getState(), 'guests');
    expect(b).toBe(a);
    expect(b.rows).toBe(a.rows);
    // Moving the cursor, a message, marks: same rows.
    c.actions.move('guests', 3);
    c.actions.notify('hi');
    c.actions.toggleMark('qemu/100');
    expect(selectListRows(c.store.getState(), 'guests').rows).toBe(a.rows);
    // Live figures do not matter to a sort on a non-live column.
    c.actions.applyFigures(figuresFrame({ at: 1, guests: c.store.getState().data.guests.map((g) => ({ ...g, cpu: 0.5 })), nodes: [], storage: [] }));
    expect(selectListRows(c.store.getState(), 'guests').rows).toBe(a.rows);
  });

  it('recomputes when the filter, the sort, the rows or the route type change', () => {
    const c = makeConsole();
    const rows0 = selectListRows(c.store.getState(), 'guests').rows;
    c.actions.setFilter('guests', 'web');
    const rows1 = selectListRows(c.store.getState(), 'guests').rows;
    expect(rows1).not.toBe(rows0);
    c.actions.setFilter('guests', 'web-0');
    const rows2 = selectListRows(c.store.getState(), 'guests').rows;
    expect(rows2).not.toBe(rows1);
    expect(rows2).toEqual(rows1);
    c.actions.setSort('guests', { column: 'vmid', descending: true });
    const rows3 = selectListRows(c.store.getState(), 'guests').rows;
    expect(rows3).not.toBe(rows2);
    c.actions.mergeGuests([guest('qemu', 104, 'web-04', 'pve1')], []);
    const rows4 = selectListRows(c.store.getState(), 'guests').rows as GuestRow[];
    expect(rows4).not.toBe(rows3);
    expect(rows4[0]!.vmid).toBe(201);
    c.actions.switchTo({ screen: 'guests', type: 'lxc' });
    expect(selectListRows(c.store.getState(), 'guests').rows).not.toBe(rows4);
  });
});

describe('selectListRows: a filter that does not compile', () => {
  it('keeps the previous rows and reports the error', () => {
    const c = makeConsole();
    c.actions.setMode('filter');
    c.actions.setFilterInput('web');
    const good = selectListRows(c.store.getState(), 'guests');
    expect(good.rows).toHaveLength(3);
    c.actions.setFilterInput('web /(/');
    const bad = selectListRows(c.store.getState(), 'guests');
    expect(bad.filterError).toMatch(/not a valid regular expression/);
    expect(bad.rows).toBe(good.rows);
    c.actions.setFilterInput('web /(x/');
    const still = selectListRows(c.store.getState(), 'guests');
    expect(still.filterError).toBeDefined();
    expect(still.rows).toBe(good.rows);
    c.actions.setFilterInput('node:');
    expect(selectListRows(c.store.getState(), 'guests').filterError).toMatch(/needs a value/);
    c.actions.setFilterInput('web-02');
    const fixed = selectListRows(c.store.getState(), 'guests');
    expect(fixed.filterError).toBeUndefined();
    expect(keys(fixed.rows as GuestRow[])).toEqual(['qemu/101']);
  });
});

describe('selectGuestCounts and friends', () => {
  it('counts guests by type and state (templates apart)', () => {
    const c = makeConsole();
    expect(selectGuestCounts(c.store.getState())).toEqual({ qemu: 5, lxc: 2, running: 4, stopped: 1, paused: 1, templates: 1 });
  });

  it('counts per node, memoised on the guests array', () => {
    const c = makeConsole();
    const byNode = selectNodeGuestCounts(c.store.getState());
    expect(byNode.get('pve1')).toEqual({ qemu: 3, lxc: 1, running: 3, stopped: 0, paused: 0, templates: 1 });
    expect(byNode.get('pve2')).toEqual({ qemu: 2, lxc: 1, running: 1, stopped: 1, paused: 1, templates: 0 });
    expect(byNode.has('pve3')).toBe(false);
    c.actions.move('guests', 1);
    expect(selectNodeGuestCounts(c.store.getState())).toBe(byNode);
    expect(selectGuestCounts(c.store.getState())).toBe(selectGuestCounts(c.store.getState()));
    c.actions.mergeGuests([], ['qemu/101']);
    expect(selectGuestCounts(c.store.getState()).stopped).toBe(0);
  });

  it('lists the running tasks, the same array while the tasks do not change', () => {
    const c = makeConsole();
    const running = selectRunningTasks(c.store.getState());
    expect(running.map((t) => t.type)).toEqual(['aptupdate']);
    c.actions.move('tasks', 1);
    expect(selectRunningTasks(c.store.getState())).toBe(running);
  });
});

describe('selectGuest', () => {
  it('finds a guest by key, through an index rebuilt when the guests change', () => {
    const c = makeConsole();
    expect(selectGuest(c.store.getState(), 'lxc/200')?.name).toBe('pihole');
    expect(selectGuest(c.store.getState(), 'qemu/200')).toBeUndefined();
    c.actions.mergeGuests([guest('qemu', 200, 'vm-200', 'pve1')], ['lxc/200']);
    expect(selectGuest(c.store.getState(), 'lxc/200')).toBeUndefined();
    expect(selectGuest(c.store.getState(), 'qemu/200')?.name).toBe('vm-200');
  });
});
