// The console's zustand vanilla store and its actions. The sync bridge writes data in, the
// input router writes navigation in, components read through narrow selectors. Actions are
// plain state changes (no I/O): loading what a screen needs is the controller's job.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { type GuestKey, type GuestRow, type NodeRow, type StorageContentRow, type StorageRow, type TaskRow, guestKey, guestKeyOf, GUEST_FIGURE_FIELDS } from '../db/model.js';
import { GUEST_FIGURES_STRIDE, type FiguresFrame } from '../sync/figures.js';
import type { ConnectionStatus, SyncProgress } from '../sync/types.js';
import { tableRows } from '../app/layout.js';
import { LIST_KINDS, type ListKind } from '../screens/listKinds.js';
import { currentRoute, listOf, selectGuest, selectListRows, tasksPanelShown, visibleCount } from './selectors.js';
import {
  DETAIL_TABS,
  type ConsoleMeta,
  type ConsoleSettings,
  type ConsoleState,
  type DetailData,
  type DriftView,
  type DetailTab,
  type ListId,
  type ListView,
  type MessageLevel,
  type Mode,
  type ModalState,
  type OperationRun,
  type Route,
  type RunView,
  type SnapshotListRow,
  type SortState,
  type TaskLogData,
  type HealthView,
  type WizardState,
} from './types.js';

export interface ConsoleActions {
  load(data: { guests: GuestRow[]; nodes: NodeRow[]; storage: StorageRow[]; tasks: TaskRow[] }): void;
  /** The first guests only, for the first frame (a full load() follows). */
  loadFirstGuests(guests: GuestRow[]): void;
  /** Changed or new guests (without config) and removed keys, merged in place of the old rows. */
  mergeGuests(changed: readonly GuestRow[], removed: readonly GuestKey[]): void;
  /** The live figures of one poll, written into the rows they belong to. */
  applyFigures(frame: FiguresFrame): void;
  setNodes(rows: NodeRow[]): void;
  setStorage(rows: StorageRow[]): void;
  setTasks(rows: TaskRow[]): void;
  setContent(rows: StorageContentRow[]): void;
  setSnapshots(rows: SnapshotListRow[]): void;
  setDetail(detail: DetailData | undefined): void;
  setTaskLog(log: TaskLogData | undefined): void;
  setHealth(health: HealthView | undefined): void;
  setLogs(logs: ConsoleState['data']['logs']): void;
  setConnection(status: ConnectionStatus): void;
  setProgress(progress: SyncProgress | undefined): void;
  setLastSync(at: number): void;
  setMeta(meta: Partial<ConsoleMeta>): void;

  /** Pushes a screen on the navigation stack (the same screen on top is replaced). */
  navigate(route: Route): void;
  /** A top-level screen: the stack starts again from it. */
  switchTo(route: Route): void;
  /** Pops the stack; false when already at the root. */
  back(): boolean;
  setTab(tab: DetailTab): void;
  nextTab(delta: 1 | -1): void;

  /** Moves the cursor of a list by `delta` rows (clamped), scrolling to keep it visible. */
  move(list: ListId, delta: number): void;
  moveTo(list: ListId, index: number): void;
  /** Scrolls a text screen (detail tab, help, task log) by `delta` lines. */
  scrollText(delta: number, max: number): void;
  setFilter(list: ListId, text: string): void;
  setSort(list: ListId, sort: SortState): void;
  toggleMark(key: GuestKey): void;
  clearMarks(): void;

  setMode(mode: Mode): void;
  setPaletteInput(input: string, selected?: number): void;
  setFilterInput(input: string): void;
  setCount(count: string): void;
  setPendingKey(key: string | undefined): void;
  notify(text: string, level?: MessageLevel): void;
  clearMessage(): void;
  showModal(modal: ModalState | undefined): void;
  setSize(size: { columns: number; rows: number }): void;
  updateSettings(settings: Partial<ConsoleSettings>): void;
  setSettingsCursor(index: number): void;
  /** Adds or updates an operation run (by id); keeps the last OPERATIONS_KEPT. */
  putOperation(run: OperationRun): void;
  /** The tasks panel shown or hidden by the user (undefined: as runs come and go). */
  setTasksPanel(panel: 'shown' | 'hidden' | undefined): void;
  /** Opens, updates or (undefined) closes the wizard over the screen. */
  setWizard(wizard: WizardState | undefined): void;
  /** Starts showing a run (or forgets it). */
  setRun(run: RunView | undefined): void;
  /** Changes the run on show (ignored when `id` is not it: an older run's late news). */
  patchRun(id: number, patch: Partial<RunView>): void;
  /** The drift screen's check and view (undefined: forgotten). */
  setDrift(drift: DriftView | undefined): void;
  /** Changes the drift view (ignored when there is none). */
  patchDrift(patch: Partial<DriftView>): void;
  quit(): void;
}

export interface ConsoleStore {
  store: StoreApi<ConsoleState>;
  actions: ConsoleActions;
  /** Runs several actions as one change: subscribers (the screen) hear of it once, at the end.
   * One key press or one batch of sync events is one frame, not one per action. */
  batch(fn: () => void): void;
}

/** Operation runs the store keeps (running ones and the latest results). */
export const OPERATIONS_KEPT = 20;

export const DEFAULT_SETTINGS: ConsoleSettings = { theme: 'dark', icons: true, color: true, refreshMs: 10_000 };

function defaultView(list: ListId): ListView {
  const sort = LIST_KINDS[list].defaultSort;
  return { cursor: 0, top: 0, filter: '', sort: { column: sort.column, descending: sort.descending } };
}

export interface InitialState {
  meta: ConsoleMeta;
  settings?: Partial<ConsoleSettings>;
  size?: { columns: number; rows: number };
  route?: Route;
  lastSyncAt?: number;
}

export function initialState(init: InitialState): ConsoleState {
  return {
    meta: init.meta,
    ...(init.lastSyncAt !== undefined ? { lastSyncAt: init.lastSyncAt } : {}),
    data: { guests: [], guestsVersion: 0, guestsPartial: false, figuresVersion: 0, nodes: [], storage: [], tasks: [], content: [], snapshots: [] },
    stack: [init.route ?? { screen: 'guests' }],
    views: {
      guests: defaultView('guests'),
      nodes: defaultView('nodes'),
      storage: defaultView('storage'),
      tasks: defaultView('tasks'),
      snapshots: defaultView('snapshots'),
      content: defaultView('content'),
    },
    textScroll: 0,
    settingsCursor: 0,
    operations: [],
    mode: 'normal',
    palette: { input: '', selected: -1 },
    filterInput: '',
    marks: new Set(),
    count: '',
    settings: { ...DEFAULT_SETTINGS, ...init.settings },
    size: init.size ?? { columns: 120, rows: 40 },
    quitting: false,
  };
}


function byVmid(a: GuestRow, b: GuestRow): number {
  return a.vmid - b.vmid || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
}

/** The view with its cursor clamped to `count` rows and scrolled so the cursor shows. */
function placed(view: ListView, cursor: number, count: number, page: number): ListView {
  const c = Math.max(0, Math.min(cursor, count - 1));
  let top = view.top;
  if (c < top) top = c;
  else if (c >= top + page) top = c - page + 1;
  top = Math.max(0, Math.min(top, Math.max(0, count - page)));
  return c === view.cursor && top === view.top ? view : { ...view, cursor: c, top };
}

export function createConsoleStore(init: InitialState): ConsoleStore {
  const store = createStore<ConsoleState>()(() => initialState(init));
  const { setState: set, getState: get } = store;

  type Listener = (state: ConsoleState, previous: ConsoleState) => void;
  const listeners = new Set<Listener>();
  let batchDepth = 0;
  let batchStart: ConsoleState | undefined;
  const rawSubscribe = store.subscribe;
  rawSubscribe((state, previous) => {
    if (batchDepth > 0) return;
    for (const l of listeners) l(state, previous);
  });
  store.subscribe = (listener: Listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const batch = (fn: () => void): void => {
    if (batchDepth++ === 0) batchStart = get();
    try {
      fn();
    } finally {
      if (--batchDepth === 0) {
        const start = batchStart!;
        batchStart = undefined;
        const now = get();
        if (now !== start) for (const l of listeners) l(now, start);
      }
    }
  };

  const page = (): number => {
    const s = get();
    return tableRows(s.size, s.mode === 'palette' || tasksPanelShown(s));
  };

  /** Sets a list's view, remembering which row the cursor is on (by key). */
  const setView = (list: ListId, view: ListView): void => {
    const s = get();
    const current = s.views[list];
    if (current === view) return;
    const row = selectListRows(s, list).rows[view.cursor];
    const selected = row === undefined ? undefined : (LIST_KINDS[list] as ListKind<unknown>).rowKey(row);
    set({ views: { ...s.views, [list]: selected === view.selected ? view : { ...view, selected } } });
  };

  /** Keeps every list's cursor inside its rows after the rows changed. */
  const reclamp = (): void => {
    const s = get();
    const list = listOf(currentRoute(s));
    if (list === undefined) return;
    const view = s.views[list];
    // The cursor stays on its row when rows move under it (a live sort, guests added).
    let cursor = view.cursor;
    if (view.selected !== undefined) {
      const kind = LIST_KINDS[list] as ListKind<unknown>;
      const { rows } = selectListRows(s, list);
      const at = rows[cursor];
      if (at === undefined || kind.rowKey(at) !== view.selected) {
        const index = rows.findIndex((r) => kind.rowKey(r) === view.selected);
        if (index >= 0) cursor = index;
      }
    }
    setView(list, placed(view, cursor, visibleCount(s, list), page()));
  };

  const data = (patch: Partial<ConsoleState['data']>): void => {
    set({ data: { ...get().data, ...patch } });
    reclamp();
  };

  const actions: ConsoleActions = {
    load({ guests, nodes, storage, tasks }) {
      const sortedGuests = [...guests].sort(byVmid);
      const d = get().data;
      const marks = get().marks;
      if (marks.size > 0) {
        const present = new Set(sortedGuests.map(guestKeyOf));
        if ([...marks].some((k) => !present.has(k))) set({ marks: new Set([...marks].filter((k) => present.has(k))) });
      }
      data({ guests: sortedGuests, guestsVersion: d.guestsVersion + 1, guestsPartial: false, nodes, storage, tasks });
    },

    loadFirstGuests(guests) {
      const d = get().data;
      data({ guests: [...guests].sort(byVmid), guestsVersion: d.guestsVersion + 1, guestsPartial: true });
    },

    mergeGuests(changed, removed) {
      if (changed.length === 0 && removed.length === 0) return;
      const d = get().data;
      const replace = new Map<GuestKey, GuestRow>();
      for (const g of changed) replace.set(guestKeyOf(g), g);
      const gone = new Set(removed);
      const next: GuestRow[] = [];
      for (const g of d.guests) {
        const key = guestKeyOf(g);
        if (gone.has(key)) continue;
        const fresh = replace.get(key);
        if (fresh !== undefined) {
          next.push(fresh);
          replace.delete(key);
        } else next.push(g);
      }
      if (replace.size > 0) {
        for (const g of replace.values()) next.push(g);
        next.sort(byVmid);
      }
      const marks = get().marks;
      if ([...gone].some((k) => marks.has(k))) set({ marks: new Set([...marks].filter((k) => !gone.has(k))) });
      data({ guests: next, guestsVersion: d.guestsVersion + 1 });
    },

    applyFigures(frame) {
      const s = get();
      const d = s.data;
      const { vmids, types, values } = frame.guests;
      for (let i = 0; i < vmids.length; i++) {
        // The selectors' index, built once per guests array (not once per frame).
        const g = selectGuest(s, guestKey(types[i] === 1 ? 'lxc' : 'qemu', vmids[i]!));
        if (g === undefined) continue;
        const base = i * GUEST_FIGURES_STRIDE;
        for (let f = 0; f < GUEST_FIGURES_STRIDE; f++) {
          const v = values[base + f]!;
          const field = GUEST_FIGURE_FIELDS[f]!;
          // Live figures are the one thing written in place: 100,000 new rows every poll
          // would cost more than the table that shows thirty of them.
          if (Number.isNaN(v)) delete g[field];
          else g[field] = v;
        }
      }
      const nodes = d.nodes.map((n) => {
        const f = frame.nodes.find((x) => x[0] === n.node);
        if (f === undefined) return n;
        const [, cpu, mem, disk, uptime] = f;
        return { ...n, ...(cpu != null ? { cpu } : {}), ...(mem != null ? { mem } : {}), ...(disk != null ? { disk } : {}), ...(uptime != null ? { uptime } : {}) };
      });
      const storage = d.storage.map((r) => {
        const f = frame.storage.find((x) => x[0] === r.node && x[1] === r.storage);
        if (f === undefined) return r;
        const [, , used, avail, total] = f;
        return { ...r, ...(used != null ? { used } : {}), ...(avail != null ? { avail } : {}), ...(total != null ? { total } : {}) };
      });
      data({ figuresVersion: d.figuresVersion + 1, nodes, storage });
    },

    setNodes: (nodes) => data({ nodes }),
    setStorage: (storage) => data({ storage }),
    setTasks: (tasks) => data({ tasks }),
    setContent: (content) => data({ content }),
    setSnapshots: (snapshots) => data({ snapshots }),
    setDetail: (detail) => data(detail === undefined ? { detail: undefined } : { detail }),
    setTaskLog: (taskLog) => data({ taskLog }),
    setHealth: (health) => data({ health }),
    setLogs: (logs) => data({ logs }),
    setConnection: (connection) => set({ connection, ...(connection.lastGoodSyncAt !== undefined ? { lastSyncAt: connection.lastGoodSyncAt } : {}) }),
    setProgress: (progress) => set({ progress }),
    setLastSync: (lastSyncAt) => set({ lastSyncAt }),
    setMeta: (meta) => set({ meta: { ...get().meta, ...meta } }),

    navigate(route) {
      const s = get();
      const top = currentRoute(s);
      const stack = top.screen === route.screen ? [...s.stack.slice(0, -1), route] : [...s.stack, route];
      set({ stack, textScroll: 0, mode: 'normal' });
      reclamp();
    },

    switchTo(route) {
      const before = currentRoute(get());
      // Another set of guests (`:vm` after `:ct`): start from its first row.
      if (route.screen === 'guests' && before.screen === 'guests' && before.type !== route.type) {
        setView('guests', { ...get().views.guests, cursor: 0, top: 0 });
      }
      set({ stack: [route], textScroll: 0, mode: 'normal' });
      reclamp();
    },

    back() {
      const s = get();
      if (s.stack.length <= 1) return false;
      set({ stack: s.stack.slice(0, -1), textScroll: 0 });
      reclamp();
      return true;
    },

    setTab(tab) {
      const s = get();
      const top = currentRoute(s);
      if (top.screen !== 'detail' || top.tab === tab) return;
      set({ stack: [...s.stack.slice(0, -1), { ...top, tab }], textScroll: 0 });
    },

    nextTab(delta) {
      const top = currentRoute(get());
      if (top.screen !== 'detail') return;
      const i = DETAIL_TABS.indexOf(top.tab);
      actions.setTab(DETAIL_TABS[(i + delta + DETAIL_TABS.length) % DETAIL_TABS.length]!);
    },

    move(list, delta) {
      const s = get();
      const view = s.views[list];
      setView(list, placed(view, view.cursor + delta, visibleCount(s, list), page()));
    },

    moveTo(list, index) {
      const s = get();
      setView(list, placed(s.views[list], index, visibleCount(s, list), page()));
    },

    scrollText(delta, max) {
      const s = get();
      const next = Math.max(0, Math.min(s.textScroll + delta, Math.max(0, max)));
      if (next !== s.textScroll) set({ textScroll: next });
    },

    setFilter(list, text) {
      const s = get();
      setView(list, { ...s.views[list], filter: text, cursor: 0, top: 0 });
    },

    setSort(list, sort) {
      const s = get();
      setView(list, { ...s.views[list], sort, cursor: 0, top: 0 });
    },

    toggleMark(key) {
      const marks = new Set(get().marks);
      if (marks.has(key)) marks.delete(key);
      else marks.add(key);
      set({ marks });
    },

    clearMarks: () => set({ marks: new Set() }),

    setMode(mode) {
      const s = get();
      if (mode === s.mode) return;
      const patch: Partial<ConsoleState> = { mode, count: '' };
      delete patch.pendingKey;
      if (mode === 'palette') patch.palette = { input: '', selected: -1 };
      if (mode === 'filter') {
        const list = listOf(currentRoute(s));
        patch.filterInput = list === undefined ? '' : s.views[list].filter;
      }
      set({ ...patch, pendingKey: undefined });
      reclamp();
    },

    setPaletteInput: (input, selected = -1) => set({ palette: { input, selected } }),
    setFilterInput(filterInput) {
      set({ filterInput });
      const s = get();
      const list = listOf(currentRoute(s));
      if (list !== undefined) setView(list, placed(s.views[list], 0, visibleCount(s, list), page()));
    },
    setCount: (count) => set({ count }),
    setPendingKey: (pendingKey) => set({ pendingKey }),
    notify: (text, level = 'info') => set({ message: { text, level, at: Date.now() } }),
    clearMessage: () => set({ message: undefined }),
    showModal: (modal) => set({ modal }),
    setSize(size) {
      const s = get();
      if (s.size.columns === size.columns && s.size.rows === size.rows) return;
      set({ size });
      reclamp();
    },
    updateSettings: (settings) => set({ settings: { ...get().settings, ...settings } }),
    setSettingsCursor: (settingsCursor) => set({ settingsCursor }),
    putOperation(run) {
      const others = get().operations.filter((o) => o.id !== run.id);
      set({ operations: [...others, run].sort((a, b) => a.id - b.id).slice(-OPERATIONS_KEPT) });
      // The tasks panel may have come or gone: the cursor stays on screen.
      reclamp();
    },
    setTasksPanel(tasksPanel) {
      set({ tasksPanel });
      reclamp();
    },
    setWizard: (wizard) => set({ wizard }),
    setRun: (run) => set({ run }),
    patchRun(id, patch) {
      const run = get().run;
      if (run?.id === id) set({ run: { ...run, ...patch } });
    },
    setDrift: (drift) => set({ drift }),
    patchDrift(patch) {
      const drift = get().drift;
      if (drift !== undefined) set({ drift: { ...drift, ...patch } });
    },
    quit: () => set({ quitting: true }),
  };

  return { store, actions, batch };
}
