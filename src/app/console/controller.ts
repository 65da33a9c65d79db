// The console's side effects in one place: the first load from the cache, the sync worker's
// events merged into the store in ~100 ms batches, what a screen needs loaded when it opens,
// and a running task's log followed while it is on screen.
import { type GuestKey, guestKeyOf } from '../../db/model.js';
import type { ConsoleStore } from '../../store/consoleStore.js';
import { currentRoute } from '../../store/selectors.js';
import type { OperationRun, Route } from '../../store/types.js';
import type { SyncWorkerHandle } from '../../sync/host.js';
import type { FiguresFrame } from '../../sync/figures.js';
import { safeText } from '../../util/terminalText.js';
import { executePlan, LOG_TAIL, runBounded, type OperationClient } from '../../operations/execute.js';
import { loggedPlan } from '../../observability/operationLog.js';
import { isUpid } from '../../proxmox/upid.js';
import type { TaskLogLine } from '../../proxmox/types.js';
import { guestLabel, type OperationPlan, type OperationResult } from '../../operations/types.js';
import type { ConsoleDataSource, TaskLogSource } from './dataSource.js';
import type { CreateChoices } from '../../operations/choices.js';
import { fieldErrorsOf } from '../../operations/create.js';
import { refreshDefaults, startWizard, withFieldErrors } from '../../screens/wizards/engine.js';
import { CREATE_WIZARDS, isCreateWizardId, loadCreateContext, storedDef } from '../../screens/wizards/index.js';
import type { TemplateFacts } from '../../operations/choices.js';
import type { WizardHost } from '../inputRouter.js';
import { planQuestion, target } from '../actionsMenu.js';
import { dialogPlans, GUEST_DIALOGS, isGuestDialogId, type GuestContext, type GuestDialogId } from '../../screens/wizards/guestDialogs.js';
import { forceStopPlan, isRefusal, planPower } from '../../operations/power.js';
import type { GuestTarget } from '../../operations/types.js';
import type { WizardState } from '../../store/types.js';
import { createRunController, type RunHost } from './runController.js';

export type SyncLink = Pick<SyncWorkerHandle, 'on' | 'syncNow'>;

export interface ControllerOptions {
  console: ConsoleStore;
  source: ConsoleDataSource;
  sync?: SyncLink;
  taskLogs?: TaskLogSource;
  /** The API client operations run through (connected on first use). */
  operationsClient?: () => Promise<OperationClient>;
  /** The create wizards' choices, read live for a node (default: the first online one). */
  createChoices?(node?: string): Promise<CreateChoices>;
  /** A VM template's facts for a clone (its boot disk, OS type, cloud-init drive). */
  templateFacts?(node: string, vmid: number): Promise<TemplateFacts>;
  /** A guest dialog's context: the guests as PVE reports them now and the facts the dialog
   * reads (src/screens/wizards/guestDialogs.ts loadGuestDialog). */
  guestDialogContext?(id: GuestDialogId, targets: readonly GuestTarget[], readOnly: boolean): Promise<GuestContext>;
  /** Operations run at once at most (default 4). */
  operationsParallel?: number;
  /** How long change events are gathered before they reach the store (default 100 ms). */
  batchMs?: number;
  /** How often a followed task's log is read (default 1000 ms). */
  logPollMs?: number;
  /** Records an operation's end in history (src/operations/record.ts); resolves once written
   * or given up, never rejects. */
  recordOperation?(plan: OperationPlan, result: OperationResult, startedAt: number): Promise<void>;
  /** How long a finished operation stays in the tasks panel (default 10 s; a failed one 3x). */
  finishedShownMs?: number;
  /** Where terraform runs look for the workspace (default the current directory). */
  runCwd?: string;
  /** The cache this console shows: :generate and :drift read it (the demo's profile is in no config). */
  cachePath?: string;
}

export interface ConsoleController {
  /** The sync worker, once it runs: its events feed the store from now on. */
  attachSync(sync: SyncLink): void;
  /** Sync now (the `r` key, `:sync`); reports the outcome as a message. */
  /** regenerate (`:sync` inside a workspace): then the workspace's code too, both told. */
  refresh(opts?: { regenerate?: boolean }): Promise<void>;
  /** Runs confirmed plans in the background: each is shown while it runs, its end is told,
   * and a sync follows so the rows show the result. */
  runOperations(plans: readonly OperationPlan[], hooks?: RunHooks): Promise<void>;
  /** The wizards' I/O: their choices loaded (again for another node), their plan run. */
  wizards: WizardHost;
  /** Reloads what the current screen shows from the cache. */
  reloadScreen(): void;
  /** terraform plan / apply / destroy in the workspace (the run screen's I/O). */
  runs: RunHost;
  dispose(): void;
}

/** What a caller of runOperations may add: each result as it comes (before it is told). */
export interface RunHooks {
  onResult?(result: OperationResult, plan: OperationPlan): void;
}

interface Pending {
  guests: Set<GuestKey>;
  removed: Set<GuestKey>;
  nodes: boolean;
  storage: boolean;
  tasks: boolean;
  snapshots: boolean;
  content: boolean;
  figures?: FiguresFrame;
}

/** Guests read for the first frame (more than the tallest screen shows). */
const FIRST_FRAME_GUESTS = 300;

/** More guest changes than this in one batch reload every guest at once. */
const BULK_RELOAD = 2000;

const emptyPending = (): Pending => ({ guests: new Set(), removed: new Set(), nodes: false, storage: false, tasks: false, snapshots: false, content: false });

export function createController(options: ControllerOptions): ConsoleController {
  const { console: consoleStore, source, taskLogs, batchMs = 100, logPollMs = 1000 } = options;
  let sync: SyncLink | undefined;
  const { store, actions } = consoleStore;
  const unsubscribers: (() => void)[] = [];
  let disposed = false;
  // A terraform apply that changed something: a sync shows the result in the lists.
  const runs = createRunController({ console: consoleStore, ...(options.runCwd !== undefined ? { cwd: options.runCwd } : {}), ...(options.cachePath !== undefined ? { cachePath: options.cachePath } : {}), onApplied: () => void sync?.syncNow().catch(() => undefined) });

  // First frame: the first rows from the cache (a few ms), the rest right after it is drawn.
  actions.loadFirstGuests(source.firstGuests(FIRST_FRAME_GUESTS));
  const fullLoad = setImmediate(() => {
    if (!disposed) consoleStore.batch(() => actions.load(source.all()));
  });
  /** The header's cluster name and PVE version, as the cache's profile row has them. */
  const showProfile = (): void => {
    const profile = source.profile();
    if (profile?.clusterName === undefined && profile?.pveVersion === undefined) return;
    actions.setMeta({
      ...(profile.clusterName !== undefined ? { clusterName: profile.clusterName } : {}),
      ...(profile.pveVersion !== undefined ? { pveVersion: profile.pveVersion } : {}),
    });
  };
  showProfile();
  const synced = source.lastSyncAt();
  if (synced !== undefined) actions.setLastSync(synced);

  // --- change events, batched -----------------------------------------------------------
  let operationIds = 0;
  let pending = emptyPending();
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    timer = undefined;
    if (disposed) return;
    consoleStore.batch(applyPending);
  };

  const applyPending = (): void => {
    const p = pending;
    pending = emptyPending();
    const changed = [...p.guests].filter((k) => !p.removed.has(k));
    if (changed.length + p.removed.size > BULK_RELOAD) {
      // A first sync or a mass change: one read of every guest beats thousands of lookups.
      const all = source.all();
      actions.load(all);
      if (p.figures) actions.applyFigures(p.figures);
      finishFlush(p);
      return;
    }
    if (changed.length > 0 || p.removed.size > 0) {
      const rows = source.guests(changed);
      const found = new Set(rows.map(guestKeyOf));
      // A changed key the cache no longer has is gone (deleted between the event and now).
      const removed = [...p.removed, ...changed.filter((k) => !found.has(k))];
      actions.mergeGuests(rows, removed);
    }
    if (p.figures) actions.applyFigures(p.figures);
    if (p.nodes) actions.setNodes(source.nodes());
    if (p.storage) actions.setStorage(source.storage());
    if (p.tasks) actions.setTasks(source.tasks());
    finishFlush(p);
  };

  /** What the open screen shows besides the lists. */
  const finishFlush = (p: Pending): void => {
    const route = currentRoute(store.getState());
    if (route.screen === 'snapshots' && p.snapshots) actions.setSnapshots(source.snapshots());
    if (route.screen === 'content' && p.content) actions.setContent(source.content(route.node, route.storage));
    if (route.screen === 'detail' && (p.guests.has(route.key) || p.removed.has(route.key) || p.snapshots || p.tasks)) actions.setDetail(source.detail(route.key));
  };

  const schedule = (): void => {
    if (timer === undefined && !disposed) timer = setTimeout(flush, batchMs);
  };

  const attachSync = (link: SyncLink): void => {
    sync = link;
    unsubscribers.push(
      link.on('changes', ({ changes }) => {
        for (const c of changes) {
          switch (c.kind) {
            case 'guest':
              if (c.op === 'removed') pending.removed.add(c.key);
              else {
                pending.removed.delete(c.key);
                pending.guests.add(c.key);
              }
              break;
            case 'node':
              pending.nodes = true;
              break;
            case 'storage':
              pending.storage = true;
              pending.content = true;
              break;
            case 'task':
              pending.tasks = true;
              break;
            case 'snapshot':
              pending.snapshots = true;
              break;
            default:
              break;
          }
        }
        schedule();
      }),
      link.on('figures', (frame) => {
        pending.figures = frame;
        schedule();
      }),
      link.on('state', (status) => {
        const before = store.getState().connection;
        actions.setConnection(status);
        // Going offline, or offline for another reason: say why at once (a changed certificate
        // or a revoked token does not mend itself, and the header only says "offline").
        if (status.state === 'offline' && status.lastError && (before?.state !== 'offline' || before.lastError !== status.lastError)) {
          actions.notify(`offline: ${safeText(status.lastError)}`, 'error');
        }
      }),
      link.on('progress', (progress) => actions.setProgress(progress)),
      link.on('poll', (summary) => {
        actions.setProgress(undefined);
        actions.setLastSync(summary.finishedAt);
        showProfile();
      }),
      link.on('error', ({ error, fatal }) => {
        if (fatal) actions.notify(`sync stopped: ${safeText(error.message)}`, 'error');
      }),
    );
  };
  if (options.sync) attachSync(options.sync);

  // --- operations' runs, as the tasks panel shows them (updates batched like change events) ---
  const finishedShownMs = options.finishedShownMs ?? 10_000;
  const liveRuns = new Map<number, OperationRun>();
  const dirtyRuns = new Set<number>();
  let runsTimer: NodeJS.Timeout | undefined;
  const settleTimers = new Set<NodeJS.Timeout>();
  const flushRuns = (): void => {
    if (runsTimer) clearTimeout(runsTimer);
    runsTimer = undefined;
    if (disposed) return;
    consoleStore.batch(() => {
      for (const id of dirtyRuns) {
        const run = liveRuns.get(id);
        if (run) actions.putOperation(run);
        if (run?.settled) liveRuns.delete(id);
      }
    });
    dirtyRuns.clear();
  };
  /** Changes a run: at once for its start and end, else with the next batch (log lines). */
  const updateRun = (id: number, patch: Partial<OperationRun>, atOnce = false): void => {
    const run = liveRuns.get(id);
    if (run === undefined || disposed) return;
    liveRuns.set(id, { ...run, ...patch });
    dirtyRuns.add(id);
    if (atOnce) flushRuns();
    else runsTimer ??= setTimeout(flushRuns, batchMs);
  };
  const startRun = (run: OperationRun): void => {
    liveRuns.set(run.id, run);
    dirtyRuns.add(run.id);
    consoleStore.batch(() => {
      // A panel hidden with T shows again for a new operation.
      if (store.getState().tasksPanel === 'hidden') actions.setTasksPanel(undefined);
      flushRuns();
    });
  };
  const appendLog = (id: number, lines: readonly TaskLogLine[]): void => {
    const tail = [...(liveRuns.get(id)?.logTail ?? []), ...lines.map((l) => safeText(l.t))].slice(-LOG_TAIL);
    updateRun(id, { logTail: tail });
  };
  /** The end of a run; it leaves the tasks panel a while later. */
  const endRun = (id: number, result: Pick<OperationResult, 'outcome' | 'message' | 'exitStatus' | 'upid' | 'logTail'>): void => {
    if (disposed) return;
    const state = result.outcome === 'done' ? 'done' : 'failed';
    updateRun(
      id,
      {
        state,
        endedAt: Date.now(),
        message: result.message,
        ...(result.exitStatus !== undefined ? { exitStatus: result.exitStatus } : {}),
        ...(result.upid !== undefined ? { upid: result.upid } : {}),
        ...(result.logTail !== undefined ? { logTail: result.logTail } : {}),
      },
      true,
    );
    const timer = setTimeout(() => {
      settleTimers.delete(timer);
      updateRun(id, { settled: true }, true);
    }, state === 'failed' ? finishedShownMs * 3 : finishedShownMs);
    settleTimers.add(timer);
  };
  /** The client, telling the run its task's UPID as soon as the API answers with it. */
  const reportingUpid = (client: OperationClient, id: number): OperationClient => ({
    async call(method, path, params, callOptions) {
      const answer = await client.call(method, path, params, callOptions);
      if (typeof answer.data === 'string' && isUpid(answer.data)) updateRun(id, { upid: answer.data }, true);
      return answer;
    },
    waitForTask: (upid, waitOptions) => client.waitForTask(upid, waitOptions),
  });
  /** Records the end in history; the guest's detail, when open, shows it then. */
  const record = (plan: OperationPlan, result: OperationResult, startedAt: number): void => {
    if (!options.recordOperation) return;
    // recordOperation never rejects, but the detail's re-read from the cache can throw: that
    // must not become an unhandled rejection, which would end the console.
    options
      .recordOperation(plan, result, startedAt)
      .then(() => {
        const route = currentRoute(store.getState());
        if (!disposed && route.screen === 'detail' && route.key === guestKeyOf(plan.target)) actions.setDetail(source.detail(route.key));
      })
      .catch(() => undefined);
  };

  // --- what a screen needs when it opens --------------------------------------------------
  const loadFor = (route: Route): void => {
    switch (route.screen) {
      case 'detail':
        actions.setDetail(source.detail(route.key));
        break;
      case 'content':
        actions.setContent(source.content(route.node, route.storage));
        break;
      case 'snapshots':
        actions.setSnapshots(source.snapshots());
        break;
      case 'taskLog':
        followTask(route.upid, route.node);
        break;
      default:
        break;
    }
  };

  let logTimer: NodeJS.Timeout | undefined;
  let logGeneration = 0;
  let lastRoute = currentRoute(store.getState());
  loadFor(lastRoute);
  unsubscribers.push(
    store.subscribe((state) => {
      const route = currentRoute(state);
      if (route === lastRoute) return;
      const before = lastRoute;
      lastRoute = route;
      // A tab change in the same detail keeps its data.
      if (route.screen === 'detail' && before.screen === 'detail' && before.key === route.key) return;
      loadFor(route);
    }),
  );

  // --- a task's log, followed while on screen -------------------------------------------------

  function followTask(upid: string, node: string): void {
    const generation = ++logGeneration;
    if (logTimer) clearTimeout(logTimer);
    actions.setTaskLog({ upid, node, lines: [], running: true, follow: true, top: 0 });
    if (!taskLogs) {
      actions.setTaskLog({ upid, node, lines: [], running: false, follow: true, top: 0, error: 'task logs need a connection' });
      return;
    }
    const read = async (): Promise<void> => {
      const onScreen = (): boolean => {
        const route = currentRoute(store.getState());
        return !disposed && generation === logGeneration && route.screen === 'taskLog' && route.upid === upid;
      };
      if (!onScreen()) return;
      const current = store.getState().data.taskLog;
      const start = current?.upid === upid ? current.lines.length : 0;
      try {
        const page = await taskLogs.read(upid, start);
        if (!onScreen()) return;
        const log = store.getState().data.taskLog;
        const lines = [...(log?.upid === upid ? log.lines : []), ...page.lines.map(safeText)];
        actions.setTaskLog({
          upid,
          node,
          lines,
          running: page.running,
          follow: log?.follow ?? true,
          top: log?.top ?? 0,
          ...(page.exitStatus !== undefined ? { exitStatus: page.exitStatus } : {}),
        });
        if (page.more) logTimer = setTimeout(() => void read(), 0);
        else if (page.running) logTimer = setTimeout(() => void read(), logPollMs);
      } catch (error) {
        if (!onScreen()) return;
        const log = store.getState().data.taskLog;
        actions.setTaskLog({ upid, node, lines: log?.lines ?? [], running: log?.running ?? false, follow: log?.follow ?? true, top: log?.top ?? 0, error: safeText((error as Error).message) });
        logTimer = setTimeout(() => void read(), logPollMs * 5);
      }
    };
    void read();
  }

  // --- wizards: their choices read live, their plan run in the background -----------------
  let wizardLoads = 0;
  const loadWizard = (): void => {
    const w = store.getState().wizard;
    if (w && isGuestDialogId(w.def.id)) return loadGuestDialog(w, w.def.id);
    if (!w || !isCreateWizardId(w.def.id)) return;
    if (!options.createChoices) {
      actions.setWizard({ ...w, loading: false, status: { text: 'no connection: creating a guest needs one (Esc closes)', level: 'error' } });
      return;
    }
    const def = w.def;
    const node = typeof w.session?.values.node === 'string' ? w.session.values.node : '';
    const generation = ++wizardLoads;
    const sameNode = node !== '' && (w.context as CreateChoices | undefined)?.node === node;
    const text = sameNode ? "reading the template's disk, OS type and cloud-init drive..." : node ? `loading the storages, bridges and images of ${safeText(node)}...` : "loading the cluster's nodes, storages, bridges and images...";
    actions.setWizard({ ...w, loading: true, status: { text, level: 'info' } });
    const current = () => {
      const now = store.getState().wizard;
      return !disposed && generation === wizardLoads && now?.def === def ? now : undefined;
    };
    const reads = { choices: options.createChoices, ...(options.templateFacts ? { templateFacts: options.templateFacts } : {}) };
    loadCreateContext(w.session?.values, w.context as CreateChoices | undefined, reads).then(
      (choices) => {
        const now = current();
        if (!now) return;
        const session = now.session ? refreshDefaults(def, now.session, choices) : startWizard(def, choices);
        actions.setWizard({ def, session, context: choices, loading: false });
      },
      (error: unknown) => {
        const now = current();
        if (!now) return;
        const text = `could not read the choices from the cluster: ${safeText((error as Error).message)}. Enter tries again, Esc closes`;
        actions.setWizard({ ...now, loading: false, status: { text, level: 'error' } });
      },
    );
  };

  // --- dialogs acting on guests: their facts read live, confirmed as their risk asks ----------
  const loadGuestDialog = (w: WizardState, id: GuestDialogId): void => {
    const state = store.getState();
    const targets = (w.keys ?? []).map((k) => target(state, k)).filter((t): t is GuestTarget => t !== undefined);
    if (!options.guestDialogContext || targets.length === 0) {
      const text = targets.length === 0 ? 'the guest is gone from the cache (Esc closes)' : 'no connection: acting on guests needs one (Esc closes)';
      actions.setWizard({ ...w, loading: false, status: { text, level: 'error' } });
      return;
    }
    const def = w.def;
    const generation = ++wizardLoads;
    actions.setWizard({ ...w, loading: true, status: { text: `reading ${targets.length === 1 ? guestLabel(targets[0]!) : `${targets.length} guests`} from the cluster...`, level: 'info' } });
    const current = () => {
      const now = store.getState().wizard;
      return !disposed && generation === wizardLoads && now?.def === def ? now : undefined;
    };
    options.guestDialogContext(id, targets, state.meta.readOnly).then(
      (ctx) => {
        const now = current();
        if (!now) return;
        actions.setWizard({ def, session: startWizard(def, ctx), context: ctx, loading: false, ...(now.keys ? { keys: now.keys } : {}) });
      },
      (error: unknown) => {
        const now = current();
        if (!now) return;
        actions.setWizard({ ...now, loading: false, status: { text: `could not read the guest from the cluster: ${safeText((error as Error).message)}. Enter tries again, Esc closes`, level: 'error' } });
      },
    );
  };

  /** The dialog whose plans wait for their confirmation (a PVE 400 reopens it on its field). */
  let lastDialog: (Required<Pick<WizardState, 'def' | 'session' | 'context'>> & { keys?: WizardState['keys']; plans: readonly OperationPlan[] }) | undefined;

  const submitGuestDialog = (w: WizardState, id: GuestDialogId): void => {
    if (!w.session || w.context === undefined) return;
    const { plans, refusals } = dialogPlans(GUEST_DIALOGS[id], w.session.values, w.context as GuestContext);
    if (plans.length === 0) return actions.setWizard({ ...w, status: { text: safeText(refusals[0]?.message ?? 'nothing to do'), level: 'error' } });
    lastDialog = { def: w.def, session: w.session, context: w.context, ...(w.keys ? { keys: w.keys } : {}), plans };
    actions.setWizard(undefined);
    const question = planQuestion(plans, refusals);
    if (question) return actions.showModal(question);
    if (refusals.length > 0) actions.notify(`left out: ${safeText(refusals[0]!.message)}`, 'warn');
    runConfirmed(plans);
  };

  /** Runs confirmed plans; those of the last dialog reopen it when PVE refuses a field. */
  const runConfirmed = (plans: readonly OperationPlan[]): void => {
    const from = lastDialog !== undefined && lastDialog.plans[0] === plans[0] ? lastDialog : undefined;
    lastDialog = undefined;
    void self.runOperations(plans, {
      onResult: (result) => {
        if (from === undefined || result.outcome === 'done' || result.paramErrors === undefined) return;
        const safe = Object.fromEntries(Object.entries(result.paramErrors).map(([k, v]) => [k, safeText(v)]));
        const reopened = withFieldErrors(from.def, from.session, from.context, safe);
        if (reopened === undefined || store.getState().wizard !== undefined) return;
        actions.setWizard({ def: from.def, session: reopened, context: from.context, ...(from.keys ? { keys: from.keys } : {}), status: { text: 'PVE refused it: fix the field marked, then Enter', level: 'error' } });
      },
    });
  };

  /** A shutdown from the console that failed with the guest still running: offer to stop it
   * now (HIGH risk, y/N), or say how when a dialog is open. */
  const offerStop = (results: readonly OperationResult[]): void => {
    const state = store.getState();
    const stops: OperationPlan[] = [];
    for (const r of results) {
      if (r.outcome !== 'failed' || r.upid === undefined) continue;
      const now = target(state, guestKeyOf(r.target)) ?? r.target;
      const plan = now.status === 'running' ? planPower('stop', now, { readOnly: state.meta.readOnly }) : undefined;
      if (plan && !isRefusal(plan)) stops.push(forceStopPlan(plan));
    }
    const question = planQuestion(stops);
    if (!question) return;
    const who = stops.length === 1 ? guestLabel(stops[0]!.target) : `${stops.length} guests`;
    if (state.modal !== undefined || state.wizard !== undefined) {
      actions.notify(`${who} still running: its shutdown failed (a, x stops it)`, 'error');
      return;
    }
    actions.showModal({ ...question, title: `${who} did not shut down: stop it now?`, body: [`The shutdown of ${who} failed: ${results.find((r) => r.outcome === 'failed')!.message}`, ...question.body] });
  };

  const submitWizard = (): void => {
    const w = store.getState().wizard;
    if (w && isGuestDialogId(w.def.id)) return submitGuestDialog(w, w.def.id);
    if (!w?.session || w.context === undefined || !isCreateWizardId(w.def.id)) return;
    const { def, session } = w;
    const entry = CREATE_WIZARDS[w.def.id];
    const choices = w.context as CreateChoices;
    if (!options.operationsClient) return actions.setWizard({ ...w, status: { text: 'no connection: creating a guest needs one', level: 'error' } });
    const plan = entry.plan(session.values, choices, store.getState().meta.readOnly);
    if (!('calls' in plan)) return actions.setWizard({ ...w, status: { text: safeText(plan.message), level: 'error' } });
    actions.setWizard(undefined);
    // A failure before anything was created reopens the wizard, nothing lost: on the field
    // PVE's 400 names, else on the review with PVE's words.
    void self.runOperations([plan], {
      onResult: (result) => {
        if (result.outcome === 'done' || (result.completedCalls ?? 0) > 0 || store.getState().wizard !== undefined) return;
        const errors = fieldErrorsOf(result, entry.type);
        const reopened = errors && withFieldErrors(def, session, choices, Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, safeText(v)])));
        const text = reopened ? 'PVE refused it: fix the field marked, then Enter (nothing was created)' : `PVE refused it: ${safeText(result.message)}. Esc goes back to change it (nothing was created)`;
        actions.setWizard({ def, session: reopened ?? session, context: choices, status: { text, level: 'error' } });
      },
    });
  };

  const self: ConsoleController = {
    wizards: {
      open(id) {
        actions.setWizard({ def: storedDef(CREATE_WIZARDS[id].def) });
        loadWizard();
      },
      openGuest(id, keys) {
        actions.setWizard({ def: storedDef(GUEST_DIALOGS[id].def), keys });
        loadWizard();
      },
      run: runConfirmed,
      reload: loadWizard,
      submit: submitWizard,
    },
    async refresh(opts) {
      if (!sync) {
        actions.notify('no connection: showing the cache', 'warn');
        return;
      }
      actions.notify('syncing...');
      try {
        const summary = await sync.syncNow();
        const synced = `synced in ${Math.round(summary.durationMs)} ms: ${summary.changes} change${summary.changes === 1 ? '' : 's'}`;
        if (opts?.regenerate && !disposed && (await import('../../workspace/project.js')).findWorkspaceRoot(options.runCwd ?? process.cwd()) !== undefined) runs.iac('generate', `${synced}; `);
        else if (!disposed) actions.notify(synced);
      } catch (error) {
        if (!disposed) actions.notify(`sync failed: ${safeText((error as Error).message)}`, 'error');
      }
    },
    attachSync,
    async runOperations(plans, hooks) {
      if (plans.length === 0) return;
      if (!options.operationsClient) {
        actions.notify('no connection: operations need one', 'error');
        return;
      }
      const runs = plans.map((plan) => {
        const run: OperationRun = { id: ++operationIds, label: `${plan.action} ${guestLabel(plan.target)}`, state: 'running', startedAt: Date.now() };
        startRun(run);
        return run;
      });
      let results: OperationResult[];
      try {
        const client = await options.operationsClient();
        results = await runBounded(plans, options.operationsParallel ?? 4, async (plan, i) => {
          const id = runs[i]!.id;
          const startedAt = Date.now();
          updateRun(id, { startedAt }, true);
          const result = await loggedPlan(plan, 'console', () => executePlan(reportingUpid(client, id), plan, { onLog: (lines) => appendLog(id, lines) }));
          if (!disposed) hooks?.onResult?.(result, plan);
          endRun(id, result);
          record(plan, result, startedAt);
          return result;
        });
      } catch (error) {
        if (disposed) return;
        const message = safeText((error as Error).message);
        for (const [i, run] of runs.entries()) {
          if (liveRuns.get(run.id)?.state !== 'running') continue;
          endRun(run.id, { outcome: 'failed', message });
          record(plans[i]!, { action: plans[i]!.action, target: plans[i]!.target, outcome: 'failed', message }, liveRuns.get(run.id)?.startedAt ?? run.startedAt);
        }
        actions.notify(`${plans[0]!.action} failed: ${message}`, 'error');
        return;
      }
      if (disposed) return;
      const failed = results.filter((r) => r.outcome !== 'done');
      const action = plans[0]!.action;
      if (results.length === 1) {
        const r = results[0]!;
        actions.notify(`${action} ${guestLabel(r.target)}: ${r.outcome === 'done' ? r.message : `failed: ${r.message}`}`, r.outcome === 'done' ? 'info' : 'error');
      } else {
        actions.notify(
          `${action}: ${results.length - failed.length} done${failed.length ? `, ${failed.length} failed (${guestLabel(failed[0]!.target)}: ${failed[0]!.message})` : ''}`,
          failed.length ? 'error' : 'info',
        );
      }
      // The result reaches the rows through the cache.
      if (sync) await sync.syncNow().catch(() => undefined);
      if (action === 'shutdown' && failed.length > 0 && !disposed) {
        // The guests' state after the sync, then the offer.
        if (timer) {
          clearTimeout(timer);
          flush();
        }
        offerStop(failed);
      }
    },
    reloadScreen() {
      loadFor(currentRoute(store.getState()));
    },
    runs,
    dispose() {
      disposed = true;
      runs.dispose();
      clearImmediate(fullLoad);
      if (timer) clearTimeout(timer);
      if (logTimer) clearTimeout(logTimer);
      if (runsTimer) clearTimeout(runsTimer);
      for (const t of settleTimers) clearTimeout(t);
      for (const u of unsubscribers) u();
    },
  };
  return self;
}
