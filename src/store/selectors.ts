// Derived views of the state, memoised so that a cursor move at 100,000 guests costs nothing:
// the filtered and sorted rows of a list are recomputed only when their inputs change.
import { type GuestRow, type GuestType, type TaskRow, guestKeyOf } from '../db/model.js';
import { LIST_KINDS, type ListKind } from '../screens/listKinds.js';
import { sortByValue } from '../app/output/query.js';
import { compileFilter } from './filterExpr.js';
import type { ConsoleState, ListId, OperationRun, Route } from './types.js';

export interface ListRows<Row = unknown> {
  rows: readonly Row[];
  /** Rows before filtering. */
  total: number;
  /** The filter text did not compile (the last good rows are shown). */
  filterError?: string;
}

interface MemoEntry {
  source: readonly unknown[];
  filter: string;
  sortColumn: string;
  descending: boolean;
  figures: number;
  type: GuestType | undefined;
  result: ListRows;
}

// One entry per list: its inputs are compared, so several stores (tests) at worst miss the memo.
const memo = new Map<ListId, MemoEntry>();

/** The list a route shows, if it is a list screen. */
export function listOf(route: Route): ListId | undefined {
  switch (route.screen) {
    case 'guests':
    case 'nodes':
    case 'storage':
    case 'tasks':
    case 'snapshots':
    case 'content':
      return route.screen;
    default:
      return undefined;
  }
}

export function currentRoute(state: ConsoleState): Route {
  return state.stack[state.stack.length - 1]!;
}

/** The filter text in effect for a list: what is being typed, or what was applied. */
export function effectiveFilter(state: ConsoleState, list: ListId): string {
  const route = currentRoute(state);
  return state.mode === 'filter' && listOf(route) === list ? state.filterInput : state.views[list].filter;
}

function sorted<Row>(rows: readonly Row[], kind: ListKind<Row>, column: string, descending: boolean): readonly Row[] {
  const col = kind.columns.find((c) => c.id === column && c.sort !== undefined);
  return col === undefined ? rows : sortByValue(rows, col.sort!, descending, kind.tieBreak);
}

/** Is the source already in this order? (guests come by vmid: the default sort is free). */
function isNaturalOrder(list: ListId, column: string, descending: boolean): boolean {
  return !descending && list === 'guests' && column === 'vmid';
}

export function selectListRows(state: ConsoleState, list: ListId): ListRows {
  const kind = LIST_KINDS[list] as ListKind<unknown>;
  const source = kind.rows(state);
  const view = state.views[list];
  const filter = effectiveFilter(state, list);
  const route = currentRoute(state);
  const type = list === 'guests' && route.screen === 'guests' ? route.type : undefined;
  const liveSort = kind.columns.find((c) => c.id === view.sort.column)?.live === true;
  const figures = liveSort ? state.data.figuresVersion : 0;

  const previous = memo.get(list);
  if (
    previous !== undefined &&
    previous.source === source &&
    previous.filter === filter &&
    previous.sortColumn === view.sort.column &&
    previous.descending === view.sort.descending &&
    previous.figures === figures &&
    previous.type === type
  ) {
    return previous.result;
  }

  let rows: readonly unknown[] = source;
  if (type !== undefined) rows = (rows as readonly GuestRow[]).filter((g) => g.type === type);
  let filterError: string | undefined;
  if (filter.trim() !== '') {
    const compiled = compileFilter(filter, kind.filter);
    if (compiled.ok) {
      if (compiled.predicate) rows = rows.filter(compiled.predicate);
    } else {
      filterError = compiled.error;
      // Keep showing what the last good filter showed.
      if (previous !== undefined && previous.source === source && previous.type === type) rows = previous.result.rows;
    }
  }
  if (filterError === undefined && !isNaturalOrder(list, view.sort.column, view.sort.descending)) {
    rows = sorted(rows, kind, view.sort.column, view.sort.descending);
  }
  const total = type === undefined ? source.length : (source as readonly GuestRow[]).reduce((n, g) => (g.type === type ? n + 1 : n), 0);
  const result: ListRows = { rows, total, ...(filterError ? { filterError } : {}) };
  memo.set(list, { source, filter, sortColumn: view.sort.column, descending: view.sort.descending, figures, type, result });
  return result;
}

/** How many rows the current list screen shows. */
export function visibleCount(state: ConsoleState, list: ListId): number {
  return selectListRows(state, list).rows.length;
}

/** Guest counts by state, for the header and the overview. */
export interface GuestCounts {
  qemu: number;
  lxc: number;
  running: number;
  stopped: number;
  paused: number;
  templates: number;
}

const emptyCounts = (): GuestCounts => ({ qemu: 0, lxc: 0, running: 0, stopped: 0, paused: 0, templates: 0 });

function count(c: GuestCounts, g: GuestRow): void {
  if (g.type === 'qemu') c.qemu++;
  else c.lxc++;
  if (g.template) c.templates++;
  else if (g.status === 'running') c.running++;
  else if (g.status === 'paused' || g.status === 'suspended') c.paused++;
  else c.stopped++;
}

const countsMemo = new WeakMap<readonly GuestRow[], { all: GuestCounts; byNode: Map<string, GuestCounts> }>();

function guestCounts(guests: readonly GuestRow[]): { all: GuestCounts; byNode: Map<string, GuestCounts> } {
  let counts = countsMemo.get(guests);
  if (counts === undefined) {
    counts = { all: emptyCounts(), byNode: new Map() };
    for (const g of guests) {
      count(counts.all, g);
      let c = counts.byNode.get(g.node);
      if (c === undefined) counts.byNode.set(g.node, (c = emptyCounts()));
      count(c, g);
    }
    countsMemo.set(guests, counts);
  }
  return counts;
}

export function selectGuestCounts(state: ConsoleState): GuestCounts {
  return guestCounts(state.data.guests).all;
}

/** Per node: guests by state (for the overview). */
export function selectNodeGuestCounts(state: ConsoleState): Map<string, GuestCounts> {
  return guestCounts(state.data.guests).byNode;
}

const runningMemo = new WeakMap<readonly TaskRow[], TaskRow[]>();

/** Running tasks, newest first (the same array while the tasks do not change). */
export function selectRunningTasks(state: ConsoleState): readonly TaskRow[] {
  const tasks = state.data.tasks;
  let running = runningMemo.get(tasks);
  if (running === undefined) runningMemo.set(tasks, (running = tasks.filter((t) => t.status === undefined || t.status === '')));
  return running;
}

const indexMemo = new WeakMap<readonly GuestRow[], Map<string, GuestRow>>();

/** A guest by key (`qemu/100`), through an index built once per guests array. */
export function selectGuest(state: ConsoleState, key: string): GuestRow | undefined {
  const guests = state.data.guests;
  let index = indexMemo.get(guests);
  if (index === undefined) {
    index = new Map();
    for (const g of guests) index.set(guestKeyOf(g), g);
    indexMemo.set(guests, index);
  }
  return index.get(key);
}

const panelMemo = new WeakMap<readonly OperationRun[], readonly OperationRun[]>();
const NO_RUNS: readonly OperationRun[] = [];

const allRunsMemo = new WeakMap<readonly OperationRun[], readonly OperationRun[]>();

/** The operations the tasks panel shows, newest first: running ones and those finished a short
 * while ago (the controller settles them); every kept run when the user asked for the panel
 * (T). The same array while the runs are the same. */
export function selectPanelRuns(state: ConsoleState): readonly OperationRun[] {
  const runs = state.operations;
  if (runs.length === 0) return NO_RUNS;
  const memo = state.tasksPanel === 'shown' ? allRunsMemo : panelMemo;
  let shown = memo.get(runs);
  if (shown === undefined) {
    const open = (state.tasksPanel === 'shown' ? [...runs] : runs.filter((r) => !r.settled)).reverse();
    memo.set(runs, (shown = open.length ? open : NO_RUNS));
  }
  return shown;
}

/** The tasks panel is on screen (above the status bar, where the palette's completions go;
 * the palette wins while it is open): the body is that much shorter. */
export function tasksPanelShown(state: ConsoleState): boolean {
  if (state.mode === 'palette' || state.tasksPanel === 'hidden') return false;
  return state.tasksPanel === 'shown' || selectPanelRuns(state).length > 0;
}
