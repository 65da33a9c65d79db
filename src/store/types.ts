// The console's state: what the cache and the sync worker told us (data), where the user is
// (route stack, per-list cursor/filter/sort, mode), and the settings that shape rendering.
// Plain data only; actions live in consoleStore.ts, derived views in selectors.ts.
import type { GuestKey, GuestRow, GuestType, HistoryEntry, NodeRow, SnapshotRow, StorageContentRow, StorageRow, TaskRow } from '../db/model.js';
import type { ConnectionStatus, SyncProgress } from '../sync/types.js';
import type { OperationLogEntry } from '../db/operationLog.js';
import type { WizardDef, WizardSession } from '../screens/wizards/engine.js';
import type { OperationPlan } from '../operations/types.js';
import type { RunState } from '../workspace/runners/runState.js';
import type { TfChanges } from '../workspace/runners/terraformEvents.js';
import type { HealthReport } from '../observability/health.js';
import type { LogLevel } from '../observability/log.js';
import type { DriftReport } from '../app/iac/drift.js';

/** The list screens (each has a cursor, a filter and a sort of its own). */
export type ListId = 'guests' | 'nodes' | 'storage' | 'tasks' | 'snapshots' | 'content';

export type DetailTab = 'summary' | 'config' | 'hardware' | 'snapshots' | 'tasks' | 'history';
export const DETAIL_TABS: readonly DetailTab[] = ['summary', 'config', 'hardware', 'snapshots', 'tasks', 'history'];

export type Route =
  | { screen: 'overview' }
  | { screen: 'guests'; type?: GuestType }
  | { screen: 'nodes' }
  | { screen: 'storage' }
  | { screen: 'content'; node: string; storage: string }
  | { screen: 'tasks' }
  | { screen: 'snapshots' }
  | { screen: 'detail'; key: GuestKey; tab: DetailTab }
  | { screen: 'taskLog'; upid: string; node: string }
  | { screen: 'help' }
  | { screen: 'settings' }
  /** The terraform run (plan, apply, destroy) started from the palette: src/screens/RunScreen.tsx. */
  | { screen: 'run' }
  /** The health checks' lines (`:health`): src/screens/HealthScreen.tsx. */
  | { screen: 'health' }
  /** The log, filtered, following new lines (`:logs`): src/screens/LogsScreen.tsx. */
  | { screen: 'logs'; level?: LogLevel; since?: string; op?: string }
  /** The cluster against the workspace's code (`:drift`): src/screens/DriftScreen.tsx. */
  | { screen: 'drift' };

export type ScreenName = Route['screen'];

/** normal: keys are commands; palette: typing a `:` command; filter: typing a `/` filter. */
export type Mode = 'normal' | 'palette' | 'filter';

export interface SortState {
  column: string;
  descending: boolean;
}

export interface ListView {
  cursor: number;
  /** First visible row (the table scrolls so that the cursor stays visible). */
  top: number;
  /** The applied filter text (the `/` language, see filterExpr.ts). */
  filter: string;
  sort: SortState;
  /** The key of the row under the cursor: the cursor follows it when rows move. */
  selected?: string;
}

export type ThemeName = 'dark' | 'light' | 'mono';

export interface ConsoleSettings {
  theme: ThemeName;
  /** false: plain ASCII status marks instead of symbols. */
  icons: boolean;
  /** false: no colour at all (NO_COLOR, --no-color). */
  color: boolean;
  /** The sync worker's poll interval. */
  refreshMs: number;
}

export type MessageLevel = 'info' | 'warn' | 'error';
export interface Message {
  text: string;
  level: MessageLevel;
  at: number;
}

export interface DetailData {
  key: GuestKey;
  /** The guest with its config, when the cache has it. */
  guest?: GuestRow;
  snapshots: SnapshotRow[];
  tasks: TaskRow[];
  history: HistoryEntry[];
  /** Operations run on the guest (newest first), when the cache has a log of them. */
  operations?: OperationLogEntry[];
  loadedAt: number;
}

export interface TaskLogData {
  upid: string;
  node: string;
  lines: string[];
  /** Still running at the last look. */
  running: boolean;
  exitStatus?: string;
  error?: string;
  /** Follow: keep the view at the end as lines arrive. */
  follow: boolean;
  /** First visible line when not following. */
  top: number;
}

/** Snapshots of every guest: rows carry the guest's name for display. */
export interface SnapshotListRow extends SnapshotRow {
  guestName: string;
}

export interface ConsoleMeta {
  profile: string;
  endpoint: string;
  clusterName?: string;
  pveVersion?: string;
  readOnly: boolean;
}

export interface ConsoleData {
  /** Every guest (config left out), by vmid then type. Rows are replaced, never mutated,
   * except for their live figures (see figuresVersion). */
  guests: GuestRow[];
  /** Bumped whenever a guest is added, removed or replaced. */
  guestsVersion: number;
  /** Only the first guests are loaded yet (the first frame); counts are not known. */
  guestsPartial: boolean;
  /** Bumped whenever live figures (cpu, mem, uptime...) were written into the rows. */
  figuresVersion: number;
  nodes: NodeRow[];
  storage: StorageRow[];
  /** Newest first. */
  tasks: TaskRow[];
  content: StorageContentRow[];
  /** Every guest's snapshots (loaded when the snapshots screen opens). */
  snapshots: SnapshotListRow[];
  detail?: DetailData;
  taskLog?: TaskLogData;
  /** The health panel: the last checks' report, and whether they run now. */
  health?: HealthView;
  /** The logs screen's lines (formatted), the file they come from, or why there are none. */
  logs?: { lines: string[]; path?: string; error?: string };
}

export interface HealthView {
  running: boolean;
  report?: HealthReport;
  /** Epoch ms the report was taken. */
  at?: number;
  error?: string;
}

export interface PaletteState {
  input: string;
  /** Which completion is selected (-1: none). */
  selected: number;
}

export interface ConsoleState {
  meta: ConsoleMeta;
  connection?: ConnectionStatus;
  progress?: SyncProgress;
  /** Epoch ms of the newest successful sync or confirmation seen. */
  lastSyncAt?: number;
  data: ConsoleData;
  /** The navigation stack; the last entry is on screen. */
  stack: Route[];
  views: Record<ListId, ListView>;
  /** First line shown on a text screen (detail tabs, help, task log when not following). */
  textScroll: number;
  /** The selected row of the settings screen. */
  settingsCursor: number;
  mode: Mode;
  palette: PaletteState;
  /** The filter text while typing it (applied live to the current list). */
  filterInput: string;
  /** Guests marked with Space for a batch action. */
  marks: ReadonlySet<GuestKey>;
  /** A count typed before a motion (`5j`), as typed. */
  count: string;
  /** The first key of a two-key sequence (`g` of `gg`). */
  pendingKey?: string;
  message?: Message;
  settings: ConsoleSettings;
  size: { columns: number; rows: number };
  /** A confirmation or info dialog over the screen. */
  modal?: ModalState;
  /** Operations started from the console, newest last (the last few are kept). */
  operations: OperationRun[];
  /** The tasks panel as the user set it with T: shown (the recent runs too), hidden (until an
   * operation starts); unset, it shows while runs are running or just ended. */
  tasksPanel?: 'shown' | 'hidden';
  /** A wizard or form dialog over the screen: keys go to it while it is open. */
  wizard?: WizardState;
  /** The latest terraform run started from the console (it goes on when the screen is left). */
  run?: RunView;
  /** The latest drift check (`:drift`) and how its screen is viewed. */
  drift?: DriftView;
  quitting: boolean;
}

/** Lines of a run's log, as the controller keeps them (a ring buffer of the last 50,000). */
export interface RunLines {
  readonly length: number;
  at(index: number): string | undefined;
  /** Older lines let go to stay bounded. */
  readonly dropped?: number;
}

export type RunPhase = 'planning' | 'confirm' | 'applying' | 'stopping' | 'done' | 'failed' | 'interrupted' | 'cancelled';

/** A terraform run in the console: what the controller folds from its events (state, lines)
 * and how the run screen shows it (raw or not, follow, scroll, search). */
export interface RunView {
  id: number;
  /** validate: the workspace's checks (runValidation), shown the same way; ansible: an
   * ansible-playbook run (its lines, then the PLAY RECAP summed up as the message). */
  kind: 'plan' | 'apply' | 'destroy' | 'validate' | 'ansible';
  /** ansible: the playbook, relative to the workspace. */
  playbook?: string;
  /** The workspace's root and name. */
  root: string;
  name: string;
  phase: RunPhase;
  /** The current step's folded events (the plan's, then the apply's). */
  state: RunState;
  /** The plan's summary, kept through the apply. */
  planSummary?: TfChanges;
  /** Before apply (y/N) or destroy (the workspace's name typed). */
  question?: { lines: string[]; expected: string; risk: 'high' | 'critical'; typed: string };
  /** Readable lines (terraform's messages, diagnostics) and the raw stream, both bounded. */
  lines: RunLines;
  raw: RunLines;
  /** Lines the buffers let go (the log file has them all). */
  dropped: number;
  /** Bumped when lines were added (the buffers are filled in place). */
  version: number;
  startedAt: number;
  endedAt?: number;
  /** The clock the elapsed times tick by (updated about once a second while running). */
  now: number;
  logPath?: string;
  /** How it ended, or why it stopped. */
  message?: string;
  /** View: the raw stream instead of the rows and messages. */
  showRaw: boolean;
  follow: boolean;
  top: number;
  search: { typing: boolean; input: string; term: string; match?: number };
}

/** The drift screen: the last check of the cluster against the code (computeDrift, the same
 * report `proxmox-mpc drift` prints) and the screen's cursor, scroll and filter. */
export interface DriftView {
  /** A check is running (the last report stays on show meanwhile). */
  running: boolean;
  /** The workspace checked: its root and name. */
  root?: string;
  name?: string;
  report?: DriftReport;
  /** The live guests' names by vmid, from the input the report was made from. */
  names?: Readonly<Record<number, string>>;
  /** Epoch ms of the report. */
  at?: number;
  /** Why the last check could not run. */
  error?: string;
  /** Which selectable row the cursor is on (src/screens/driftModel.ts). */
  cursor: number;
  /** The first line shown. */
  top: number;
  /** The applied filter (case-insensitive text). */
  filter: string;
  /** While `/` is being typed: the text so far (applied live); Esc goes back to `filter`. */
  typing?: string;
}

/** An open wizard (src/screens/wizards/engine.ts): its definition (data with functions, the
 * one such thing in the state), the session (plain data), and the context its choices come
 * from once loaded (the cluster's nodes, storages... for the create wizards). */
export interface WizardState {
  def: WizardDef<unknown>;
  /** Undefined until the context is first loaded. */
  session?: WizardSession;
  context?: unknown;
  /** The context is being loaded (at first, or again for another node). */
  loading?: boolean;
  /** Loading, a failure to load, PVE's refusal: one line shown at the top of the wizard. */
  status?: { text: string; level: 'info' | 'error' };
  /** A dialog acting on guests (src/screens/wizards/guestDialogs.ts): the guests. */
  keys?: GuestKey[];
}

export interface ModalState {
  title: string;
  body: string[];
  /** The last line: how to answer or close. */
  footer?: string;
  /** What the dialog asks, when it asks something (the input router answers it). */
  dialog?: Dialog;
}

/** An action offered in the actions menu, with the key that picks it. */
export interface MenuItem {
  action: string;
  key: string;
  label: string;
}

export type Dialog =
  | { kind: 'actions'; keys: GuestKey[]; items: MenuItem[]; selected: number }
  | { kind: 'confirm'; action: string; keys: GuestKey[] }
  /** Planned operations waiting for their confirmation: y/N, or each guest's name typed
   * (`at`: the plan whose name is asked, `typed`: what was typed so far). */
  | { kind: 'run'; plans: OperationPlan[]; how: 'yes-no' | 'type-name'; at: number; typed: string };

/** An operation started from the console, while it runs and after. */
export interface OperationRun {
  id: number;
  /** `stop VM 100 web-01` */
  label: string;
  state: 'running' | 'done' | 'failed';
  message?: string;
  startedAt: number;
  /** The task PVE started for it, once the API answered. */
  upid?: string;
  /** The newest lines of its task log, as they come (sanitised). */
  logTail?: string[];
  /** PVE's exit status once the task ended (`OK`, or its error text). */
  exitStatus?: string;
  endedAt?: number;
  /** A finished run that has been on show long enough: the tasks panel leaves it out. */
  settled?: boolean;
}
