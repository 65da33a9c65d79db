// The one place that reads keys: modes (normal, palette, filter), counts (`5j`), sequences
// (`gg`), and the keymap's actions applied to the store. Independent of Ink (App.tsx feeds it
// Ink's key events), so tests drive it directly.
import { log } from '../observability/log.js';
import type { Key } from 'ink';
import type { ConsoleStore } from '../store/consoleStore.js';
import { currentRoute, listOf, selectGuest, selectListRows, tasksPanelShown } from '../store/selectors.js';
import { guestKeyOf, type GuestKey } from '../db/model.js';
import { confirmationFor, isConfirmed } from '../operations/confirm.js';
import type { PowerAction } from '../operations/power.js';
import type { OperationPlan, Refusal } from '../operations/types.js';
import type { ConsoleState, ModalState, Route } from '../store/types.js';
import { actionsMenu, actionTargets, confirmDialog, dialogTargets, isDialogAction, planFor, typeNameQuestion } from './actionsMenu.js';
import { LIST_KINDS, type ListKind } from '../screens/listKinds.js';
import { settingsActions } from '../screens/settingsModel.js';
import { textLinesFor } from '../screens/textContent.js';
import { commandEffect } from './commands.js';
import { vaultModal } from './vaultView.js';
import { bindingsFor, type ActionId, type Binding, type KeyContext } from './keymap.js';
import { isPlain, keyName, keyOfChar } from './keys.js';
import { createLineModes } from './lineModes.js';
import { tableRows, textRows } from './layout.js';
import type { PaletteHistory } from './paletteHistory.js';
import { wizardKey } from '../screens/wizards/engine.js';
import type { CreateWizardId } from '../screens/wizards/index.js';
import type { GuestDialogId } from '../screens/wizards/guestDialogs.js';
import { runKey, runLayout } from '../screens/runScreenModel.js';
import { driftKey, driftListRows, fileNote } from '../screens/driftModel.js';
import type { RunHost } from './console/runController.js';
import { bodyRows } from './layout.js';
import { createTrustHost, watchLogs, type TrustHost } from '../observability/reportConsole.js';
import { safeText } from '../util/terminalText.js';

/** A wizard's I/O, done by the controller: load its choices, load them again (another node, or
 * a retry), carry out its plan. */
export interface WizardHost {
  open(id: CreateWizardId): void;
  /** A dialog acting on these guests (its facts read live first). */
  openGuest?(id: GuestDialogId, keys: GuestKey[]): void;
  reload(): void;
  submit(): void;
  /** Runs a dialog's plans once confirmed (a PVE 400 reopens the dialog on its field). */
  run?(plans: OperationPlan[]): void;
}

export interface RouterDeps {
  console: ConsoleStore;
  /** Runs confirmed operations (in the background: the console goes on). */
  operate?(plans: OperationPlan[]): void;
  /** Operations that will not run: refused when planned (a lock...), or not confirmed at the
   * question (`plans`): the console records them in history. */
  declined?(plans: readonly OperationPlan[], refusals: readonly Refusal[]): void;
  wizards?: WizardHost;
  /** terraform runs (plan, apply, destroy) and their screen. */
  runs?: RunHost;
  keymap: readonly Binding[];
  history?: PaletteHistory;
  /** :report-issue and :anonymize (default: the real ones, for the console's profile). */
  trust?: TrustHost;
  /** How often the logs screen reads new lines (default 500 ms). */
  logsPollMs?: number;
  /** Sync now. */
  refresh(opts?: { regenerate?: boolean }): void;
  /** Leave the console. */
  exit(): void;
  /** How long a lone digit waits for a motion before it switches screens (default 400 ms). */
  countTimeoutMs?: number;
}

export interface InputRouter {
  handle(input: string, key: Key): void;
  dispose(): void;
}

const SCREEN_ACTIONS: Partial<Record<ActionId, Route>> = {
  'screen.overview': { screen: 'overview' },
  'screen.guests': { screen: 'guests' },
  'screen.nodes': { screen: 'nodes' },
  'screen.storage': { screen: 'storage' },
  'screen.tasks': { screen: 'tasks' },
  'screen.snapshots': { screen: 'snapshots' },
};

export function contextsFor(route: Route): KeyContext[] {
  if (listOf(route) !== undefined) return ['list', 'global'];
  switch (route.screen) {
    case 'detail':
      return ['detail', 'scroll', 'global'];
    case 'taskLog':
      return ['taskLog', 'scroll', 'global'];
    case 'help':
      return ['scroll', 'global'];
    case 'settings':
      return ['settings', 'global'];
    default:
      return ['global'];
  }
}

export function createInputRouter(deps: RouterDeps): InputRouter {
  const { console: c, keymap, history } = deps;
  const { store, actions } = c;
  const countTimeoutMs = deps.countTimeoutMs ?? 400;
  let countTimer: NodeJS.Timeout | undefined;

  const state = (): ConsoleState => store.getState();

  const bindingFor = (name: string, contexts: readonly KeyContext[]): Binding | undefined =>
    bindingsFor(keymap, contexts).find((b) => b.keys.includes(name));

  // ------------------------------------------------------------------ actions
  const textScrollMax = (s: ConsoleState): number => {
    const lines = textLinesFor(s, keymap);
    return lines === undefined ? 0 : Math.max(0, lines.length - textRows(currentRoute(s).screen, s.size, tasksPanelShown(s)));
  };

  /** Stops following a task log where it is (the end), not where the scroll last was. */
  const unfollow = (): void => {
    const s = state();
    const log = s.data.taskLog;
    if (!log?.follow) return;
    actions.scrollText(Number.MAX_SAFE_INTEGER / 2, textScrollMax(s));
    actions.setTaskLog({ ...log, follow: false });
  };

  const moveBy = (delta: number): void => {
    const s = state();
    const route = currentRoute(s);
    const list = listOf(route);
    if (list !== undefined) actions.move(list, delta);
    else if (route.screen === 'settings') settingsActions(c).move(delta);
    else {
      if (route.screen === 'taskLog' && delta < 0) unfollow();
      actions.scrollText(delta, textScrollMax(state()));
    }
  };

  const pageSize = (): number => {
    const s = state();
    const route = currentRoute(s);
    return listOf(route) !== undefined ? tableRows(s.size, tasksPanelShown(s)) : textRows(route.screen, s.size, tasksPanelShown(s));
  };

  const openRow = (): void => {
    const s = state();
    const route = currentRoute(s);
    const list = listOf(route);
    if (list === undefined) return;
    const { rows } = selectListRows(s, list);
    const row = rows[s.views[list].cursor];
    if (row === undefined) return;
    const target = (LIST_KINDS[list] as ListKind<unknown>).open?.(row);
    if (target === undefined) return;
    if ('push' in target) {
      actions.navigate(target.push);
      return;
    }
    actions.switchTo(target.list);
    const to = listOf(target.list);
    if (to !== undefined) actions.setFilter(to, target.filter);
  };

  const run = (action: ActionId, count: number | undefined): void => {
    const n = count ?? 1;
    const s = state();
    const route = currentRoute(s);
    const list = listOf(route);
    const screen = SCREEN_ACTIONS[action];
    if (screen !== undefined) {
      actions.switchTo(screen);
      return;
    }
    switch (action) {
      case 'cursor.down':
        return moveBy(n);
      case 'cursor.up':
        return moveBy(-n);
      case 'halfpage.down':
        return moveBy(Math.max(1, Math.floor(pageSize() / 2)) * n);
      case 'halfpage.up':
        return moveBy(-Math.max(1, Math.floor(pageSize() / 2)) * n);
      case 'page.down':
        return moveBy(pageSize() * n);
      case 'page.up':
        return moveBy(-pageSize() * n);
      case 'cursor.top':
        if (list !== undefined) actions.moveTo(list, count !== undefined ? count - 1 : 0);
        else moveBy(-Number.MAX_SAFE_INTEGER / 2);
        return;
      case 'cursor.bottom':
        if (list !== undefined) actions.moveTo(list, count !== undefined ? count - 1 : Number.MAX_SAFE_INTEGER);
        else {
          moveBy(Number.MAX_SAFE_INTEGER / 2);
          const log = state().data.taskLog;
          if (route.screen === 'taskLog' && log) actions.setTaskLog({ ...log, follow: true });
        }
        return;
      case 'tab.next':
        return actions.nextTab(1);
      case 'tab.prev':
        return actions.nextTab(-1);
      case 'open':
        return openRow();
      case 'back':
        if (s.modal) return actions.showModal(undefined);
        if (list !== undefined && s.views[list].filter !== '') {
          actions.setFilter(list, '');
          return;
        }
        if (!actions.back()) {
          if (s.marks.size > 0) actions.clearMarks();
        }
        return;
      case 'refresh':
        return deps.refresh();
      case 'tasks.toggle':
        return actions.setTasksPanel(tasksPanelShown(s) ? 'hidden' : 'shown');
      case 'mark': {
        if (list !== 'guests') return;
        const { rows } = selectListRows(s, list);
        const row = rows[s.views[list].cursor] as { type: string; vmid: number } | undefined;
        if (row === undefined) return;
        actions.toggleMark(`${row.type as 'qemu' | 'lxc'}/${row.vmid}`);
        actions.move(list, 1);
        return;
      }
      case 'sort.next':
      case 'sort.reverse': {
        if (list === undefined) return;
        const view = s.views[list];
        if (action === 'sort.reverse') return actions.setSort(list, { ...view.sort, descending: !view.sort.descending });
        const sortable = LIST_KINDS[list].columns.filter((col) => col.sort !== undefined).map((col) => col.id);
        const next = sortable[(sortable.indexOf(view.sort.column) + 1) % sortable.length]!;
        actions.setSort(list, { column: next, descending: false });
        actions.notify(`sorted by ${next}`);
        return;
      }
      case 'filter':
        if (list !== undefined) actions.setMode('filter');
        return;
      case 'filter.clear':
        if (list !== undefined) actions.setFilter(list, '');
        return;
      case 'palette':
        history?.reset();
        return actions.setMode('palette');
      case 'help':
        return actions.navigate({ screen: 'help' });
      case 'actions': {
        if (s.meta.readOnly) return actions.notify('read-only mode: no actions (start without --read-only to act)', 'warn');
        const keys = actionTargets(s);
        if (keys.length === 0) return actions.notify('actions apply to guests: open the guest list (2) or a guest', 'warn');
        const menu = actionsMenu(s, keys);
        if (menu) actions.showModal(menu);
        return;
      }
      case 'create.vm':
        return openWizard('create-vm');
      case 'create.ct':
        return openWizard('create-ct');
      case 'screen.settings':
        return actions.navigate({ screen: 'settings' });
      case 'quit':
        return deps.exit();
      case 'follow': {
        const log = s.data.taskLog;
        if (log?.follow) unfollow();
        else if (log) actions.setTaskLog({ ...log, follow: true });
        return;
      }
      case 'setting.toggle':
      case 'setting.next':
        return settingsActions(c).change(1);
      case 'setting.prev':
        return settingsActions(c).change(-1);
      default:
        return;
    }
  };

  // ------------------------------------------------------------------ health and reports
  const trustHost = (): TrustHost => deps.trust ?? createTrustHost({ profile: state().meta.profile });
  /** Runs the health checks for the panel (the last report stays on show while they run). */
  const runHealth = (): void => {
    const before = state().data.health;
    if (before?.running) return;
    actions.setHealth({ ...before, running: true });
    trustHost()
      .health()
      .then(
        (report) => actions.setHealth({ running: false, report, at: Date.now() }),
        (error: unknown) => actions.setHealth({ running: false, error: error instanceof Error ? error.message : String(error) }),
      );
  };

  // The logs screen: its lines read when it opens and followed while it is on screen.
  let logsWatch: { route: Route; stop?: () => void; stopped: boolean } | undefined;
  const stopLogs = (): void => {
    if (!logsWatch) return;
    logsWatch.stopped = true;
    logsWatch.stop?.();
    logsWatch = undefined;
  };
  const syncLogsWatch = (s: ConsoleState): void => {
    const route = currentRoute(s);
    if (route.screen !== 'logs') return stopLogs();
    if (logsWatch?.route === route) return;
    stopLogs();
    const watch: NonNullable<typeof logsWatch> = { route, stopped: false };
    logsWatch = watch;
    actions.setLogs(undefined);
    const { level, since, op } = route;
    watchLogs({ ...(level ? { level } : {}), ...(since ? { since } : {}), ...(op ? { op } : {}) }, (lines, path) => {
      if (!watch.stopped) actions.setLogs({ lines, path });
    }, deps.logsPollMs !== undefined ? { pollMs: deps.logsPollMs } : {}).then(
      (stop) => (watch.stopped ? stop() : (watch.stop = stop)),
      (error: unknown) => {
        if (!watch.stopped) actions.setLogs({ lines: [], error: error instanceof Error ? error.message : String(error) });
      },
    );
  };
  const unsubscribeLogs = c.store.subscribe(syncLogsWatch);

  // ------------------------------------------------------------------ commands
  const runLine = (line: string): void => {
    const effect = commandEffect(line, state().data);
    if (effect === undefined) return;
    switch (effect.kind) {
      case 'error':
        actions.notify(effect.message, 'error');
        return;
      case 'quit':
        deps.exit();
        return;
      case 'sync':
        // Inside a workspace, :sync imports the cluster as code too (issue 6: /sync in a workspace).
        deps.refresh({ regenerate: true });
        return;
      case 'health':
        actions.navigate({ screen: 'health' });
        runHealth();
        return;
      case 'vault':
        actions.showModal(vaultModal());
        return;
      case 'report-issue':
      case 'anonymize': {
        const host = trustHost();
        actions.notify(effect.kind === 'report-issue' ? 'writing the diagnostic report...' : `anonymizing ${safeText(effect.file)}...`);
        const work = effect.kind === 'report-issue' ? host.reportIssue() : host.anonymize(effect.file);
        work.then(
          (message) => actions.notify(safeText(message)),
          (error: unknown) => actions.notify(safeText(`${effect.kind}: ${error instanceof Error ? error.message : String(error)}`), 'error'),
        );
        return;
      }
      case 'debug': {
        const level = log.level();
        if (level === undefined) return actions.notify('no log file in this console: debug logging is not available', 'warn');
        const on = effect.on ?? level !== 'debug';
        log.setLevel(on ? 'debug' : 'info');
        return actions.notify(on ? 'debug logging on: each API request goes to the log (proxmox-mpc logs -f)' : 'debug logging off');
      }
      case 'wizard':
        openWizard(effect.id);
        return;
      case 'terraform':
        if ((effect.run === 'apply' || effect.run === 'destroy') && state().meta.readOnly) return actions.notify(`read-only mode: ${effect.run} refused (start without --read-only to change anything)`, 'warn');
        if (!deps.runs) return actions.notify('terraform runs are not available here', 'error');
        deps.runs.start(effect.run);
        return;
      case 'iac':
        if (!deps.runs) return actions.notify(`${effect.what} is not available here`, 'error');
        deps.runs.iac(effect.what);
        return;
      case 'ansible':
        if (!effect.check && state().meta.readOnly) return actions.notify(`read-only mode: ansible ${effect.playbook} refused (--check runs it without changing anything)`, 'warn');
        if (!deps.runs) return actions.notify('ansible runs are not available here', 'error');
        deps.runs.ansible(effect.playbook, effect.vars, effect.check);
        return;
      case 'route':
        if (effect.replace) actions.switchTo(effect.route);
        else actions.navigate(effect.route);
        if (effect.filter) actions.setFilter(effect.filter.list, effect.filter.text);
        return;
    }
  };

  const lines = createLineModes({ console: c, ...(history ? { history } : {}), runLine });

  // ------------------------------------------------------------------ dialogs
  /** Picks an action for guests: refusals are said, risky ones asked, the rest run. */
  const pick = (action: PowerAction, keys: readonly GuestKey[]): void => {
    const s = state();
    const { plans, refusals } = planFor(s, action, keys);
    actions.showModal(undefined);
    refusedNote(refusals, keys.length, plans.length);
    if (plans.length === 0) {
      if (refusals.length > 0) deps.declined?.([], refusals);
      return;
    }
    if (plans.some((p) => confirmationFor(p.risk) === 'type-name')) {
      actions.notify(`${action} is critical: use the CLI, which asks for the guest's name`, 'error');
      return;
    }
    const question = confirmDialog(s, action, plans);
    if (question) {
      // The guests left out are said in the question too (a key press clears the message).
      if (refusals.length > 0) question.body.push(`Left out: ${refusals[0]!.message}${refusals.length > 1 ? ` (and ${refusals.length - 1} more)` : ''}.`);
      // Planned again on y from all the guests picked, so the refusals are told again then.
      actions.showModal({ ...question, dialog: { kind: 'confirm', action, keys: [...keys] } });
    } else {
      if (refusals.length > 0) deps.declined?.([], refusals);
      deps.operate?.(plans);
    }
  };

  /** Opens a dialog for the guests it applies to; the refused ones are said. */
  const pickDialog = (id: GuestDialogId, keys: readonly GuestKey[]): void => {
    const { targets, refusals } = dialogTargets(state(), id, keys);
    actions.showModal(undefined);
    refusedNote(refusals, refusals.length + targets.length, targets.length);
    if (refusals.length > 0) deps.declined?.([], refusals);
    if (targets.length === 0) return;
    if (!deps.wizards?.openGuest) return actions.notify('no connection: acting on guests needs one', 'error');
    deps.wizards.openGuest(id, targets.map(guestKeyOf));
  };

  /** Confirmed plans go to the dialog's host (so that PVE's 400 can reopen it), else run. */
  const runConfirmed = (plans: OperationPlan[]): void => {
    if (deps.wizards?.run) deps.wizards.run(plans);
    else deps.operate?.(plans);
  };

  /** The answer to planned operations' question: y/N, or the guest's name typed. */
  const answerRun = (dialog: Extract<NonNullable<ModalState['dialog']>, { kind: 'run' }>, name: string): void => {
    const action = dialog.plans[0]?.action ?? 'action';
    const cancel = (): void => {
      actions.showModal(undefined);
      actions.notify(`${action}: cancelled, nothing was done`);
      deps.declined?.(dialog.plans, []);
    };
    if (dialog.how === 'yes-no') {
      if (name === 'y' || name === 'Y') {
        actions.showModal(undefined);
        runConfirmed(dialog.plans);
      } else if (name === 'n' || name === 'N' || name === 'escape' || name === 'q' || name === 'enter') cancel();
      return;
    }
    const plan = dialog.plans[dialog.at]!;
    if (name === 'escape') return cancel();
    if (name === 'enter') {
      if (!isConfirmed(plan, dialog.typed)) return actions.showModal(typeNameQuestion(dialog.plans, dialog.at, '', dialog.typed));
      if (dialog.at + 1 < dialog.plans.length) return actions.showModal(typeNameQuestion(dialog.plans, dialog.at + 1, ''));
      actions.showModal(undefined);
      return runConfirmed(dialog.plans);
    }
    let typed: string | undefined;
    if (name === 'backspace') typed = dialog.typed.slice(0, -1);
    else if (name === 'ctrl+u') typed = '';
    else if (name === 'space') typed = `${dialog.typed} `;
    else if ([...name].length === 1) typed = dialog.typed + name;
    if (typed !== undefined) actions.showModal(typeNameQuestion(dialog.plans, dialog.at, typed));
  };

  const refusedNote = (refusals: readonly Refusal[], total: number, planned: number): void => {
    if (refusals.length === 0) return;
    actions.notify(refusals.length === 1 && planned === 0 ? refusals[0]!.message : `${refusals.length} of ${total} refused: ${refusals[0]!.message}`, 'warn');
  };

  const handleDialog = (name: string): void => {
    const s = state();
    const dialog = s.modal?.dialog;
    if (dialog?.kind === 'run') return answerRun(dialog, name);
    if (dialog?.kind === 'actions') {
      const choose = (action: string): void => (isDialogAction(action) ? pickDialog(action, dialog.keys) : pick(action as PowerAction, dialog.keys));
      const byKey = dialog.items.find((i) => i.key === name);
      if (byKey) return choose(byKey.action);
      if (name === 'j' || name === 'down' || name === 'k' || name === 'up') {
        const menu = actionsMenu(s, dialog.keys, dialog.selected + (name === 'j' || name === 'down' ? 1 : -1));
        if (menu) actions.showModal(menu);
        return;
      }
      if (name === 'enter') return choose(dialog.items[dialog.selected]!.action);
      if (name === 'escape' || name === 'q') actions.showModal(undefined);
      return;
    }
    if (dialog?.kind === 'confirm') {
      if (name === 'y' || name === 'Y') {
        actions.showModal(undefined);
        const { plans, refusals } = planFor(state(), dialog.action as PowerAction, dialog.keys);
        refusedNote(refusals, dialog.keys.length, plans.length);
        if (refusals.length > 0) deps.declined?.([], refusals);
        if (plans.length > 0) deps.operate?.(plans);
        return;
      }
      if (name === 'n' || name === 'N' || name === 'escape' || name === 'q' || name === 'enter') {
        actions.showModal(undefined);
        actions.notify(`${dialog.action}: cancelled`);
        const { plans, refusals } = planFor(state(), dialog.action as PowerAction, dialog.keys);
        deps.declined?.(plans, refusals);
      }
      return;
    }
    if (name === 'escape' || name === 'enter' || name === 'q') actions.showModal(undefined);
  };

  // ------------------------------------------------------------------ wizards
  const openWizard = (id: CreateWizardId): void => {
    if (state().meta.readOnly) return actions.notify('read-only mode: nothing is created (start without --read-only to create guests)', 'warn');
    if (!deps.wizards) return actions.notify('no connection: creating a guest needs one', 'error');
    deps.wizards.open(id);
  };

  /** Every key while a wizard is open (letters are text there, Esc goes back a step). */
  const handleWizard = (name: string): void => {
    const w = state().wizard!;
    if (state().message) actions.clearMessage();
    if (name === 'ctrl+c') return deps.exit();
    if (w.session === undefined || w.context === undefined) {
      if (name === 'escape') {
        actions.setWizard(undefined);
        actions.notify(`${w.def.title}: cancelled`);
      } else if (name === 'enter' && !w.loading) deps.wizards?.reload();
      return;
    }
    if (name === 'enter' && w.loading) return actions.setWizard({ ...w, status: { text: 'still loading the choices: a moment', level: 'info' } });
    const { session, effect } = wizardKey(w.def, w.session, w.context, name);
    if (effect === 'close') {
      actions.setWizard(undefined);
      actions.notify(`${w.def.title}: cancelled`);
      return;
    }
    if (effect === 'submit') return deps.wizards?.submit();
    if (session === w.session) return;
    const next = { ...w, session };
    if (!w.loading) delete next.status;
    actions.setWizard(next);
    const contextKey = w.def.contextKey;
    if (contextKey && contextKey(session.values) !== contextKey(w.session.values)) deps.wizards?.reload();
  };

  // ------------------------------------------------------------------ normal mode
  const clearCount = (): void => {
    if (countTimer) clearTimeout(countTimer);
    countTimer = undefined;
    if (state().count !== '') actions.setCount('');
  };

  /** A lone digit that no motion followed: the screen key it also is. */
  const flushCount = (): void => {
    const count = state().count;
    clearCount();
    if (count.length !== 1) return;
    const binding = bindingFor(count, contextsFor(currentRoute(state())));
    if (binding) run(binding.action, undefined);
  };

  /** The run screen's own keys (src/screens/runScreenModel.ts); false: the keymap's turn. */
  const handleRun = (name: string): boolean => {
    const s = state();
    const run = s.run;
    if (run === undefined) return false;
    const logRows = runLayout(run, bodyRows(s.size, s.mode === 'palette' || tasksPanelShown(s))).log;
    const result = runKey(run, name, logRows);
    if (result.patch) actions.patchRun(run.id, result.patch);
    if (result.note) actions.notify(result.note, 'warn');
    switch (result.effect) {
      case 'pass':
        return false;
      case 'stop':
        deps.runs?.stop();
        return true;
      case 'confirm':
        deps.runs?.confirm();
        return true;
      case 'cancel':
        deps.runs?.cancel();
        return true;
      case 'leave': {
        const phase = state().run?.phase;
        if (!actions.back()) actions.switchTo({ screen: 'guests' });
        if (phase === 'planning' || phase === 'applying' || phase === 'stopping') actions.notify(`terraform ${run.kind} goes on in the background: :run shows it`);
        else if (phase === 'confirm') actions.notify(`terraform ${run.kind} waits for your answer: :run shows it`, 'warn');
        return true;
      }
      default:
        return true;
    }
  };

  /** The drift screen's own keys (src/screens/driftModel.ts); false: the keymap's turn. */
  const handleDrift = (name: string): boolean => {
    const s = state();
    const view = s.drift;
    if (view === undefined) return false;
    const result = driftKey(view, name, driftListRows(bodyRows(s.size, s.mode === 'palette' || tasksPanelShown(s))));
    if (result.patch) actions.patchDrift(result.patch);
    if (result.note) actions.notify(result.note, 'warn');
    switch (result.effect) {
      case 'pass':
        return false;
      case 'rerun':
        if (!deps.runs) actions.notify('drift is not available here', 'error');
        else deps.runs.iac('drift');
        return true;
      case 'leave':
        if (!actions.back()) actions.switchTo({ screen: 'guests' });
        return true;
      case 'open': {
        const target = result.target!;
        if (target.kind === 'file') actions.notify(fileNote(view, target));
        else if (selectGuest(s, target.key) === undefined) actions.notify(`${target.key} is not in the cache (:sync, then r)`, 'warn');
        else actions.navigate({ screen: 'detail', key: target.key, tab: 'summary' });
        return true;
      }
      default:
        return true;
    }
  };

  const handleNormal = (name: string): void => {
    const s = state();
    if (s.modal) return handleDialog(name);
    if (currentRoute(s).screen === 'drift' && s.count === '' && s.pendingKey === undefined && handleDrift(name)) return;
    if (currentRoute(s).screen === 'run' && s.count === '' && s.pendingKey === undefined && handleRun(name)) return;
    if (currentRoute(s).screen === 'health' && s.count === '' && s.pendingKey === undefined && name === 'r') return runHealth();
    const contexts = contextsFor(currentRoute(s));

    // Esc cancels a count or a key sequence being typed, and nothing else.
    if (name === 'escape' && (s.count !== '' || s.pendingKey !== undefined)) {
      clearCount();
      actions.setPendingKey(undefined);
      return;
    }

    // Counts: digits (0 only after another digit) before a countable motion.
    if (/^[0-9]$/.test(name) && (s.count !== '' || name !== '0')) {
      const movable = contexts.includes('list') || contexts.includes('scroll');
      if (!movable) {
        // Nothing to count here: a digit is its screen key right away.
        const binding = bindingFor(name, contexts);
        if (binding) run(binding.action, undefined);
        return;
      }
      actions.setCount(s.count + name);
      if (countTimer) clearTimeout(countTimer);
      countTimer = setTimeout(flushCount, countTimeoutMs);
      return;
    }

    // Two-key sequences (`g g`).
    const sequence = s.pendingKey !== undefined ? `${s.pendingKey} ${name}` : undefined;
    if (s.pendingKey !== undefined) actions.setPendingKey(undefined);
    const seqBinding = sequence !== undefined ? bindingFor(sequence, contexts) : undefined;
    const binding = seqBinding ?? bindingFor(name, contexts);
    if (binding === undefined) {
      if (bindingsFor(keymap, contexts).some((b) => b.keys.some((k) => k.startsWith(`${name} `)))) {
        // `2gg`: the count waits for the sequence, however slowly it is typed.
        if (countTimer) clearTimeout(countTimer);
        countTimer = undefined;
        actions.setPendingKey(name);
        return;
      }
      if (s.count.length === 1) flushCount();
      else clearCount();
      return;
    }
    const count = s.count === '' ? undefined : Number(s.count);
    if (count !== undefined && !binding.countable) {
      // `2` then `q`: the digit was a screen key.
      if (s.count.length === 1) flushCount();
      else clearCount();
      if (state().quitting) return;
      run(binding.action, undefined);
      return;
    }
    clearCount();
    run(binding.action, count);
  };

  const router: InputRouter = {
    handle(input, key) {
      c.batch(() => dispatch(input, key));
    },
    dispose() {
      if (countTimer) clearTimeout(countTimer);
      unsubscribeLogs();
      stopLogs();
    },
  };

  function dispatch(input: string, key: Key): void {
    // Keys typed faster than the terminal is read, or pasted, arrive together (`jj`, `5j`,
    // `/web\r`, `:vm web-02\r`): one key at a time, Enter and Tab included, in every mode.
    if (input.length > 1 && isPlain(key)) {
      for (const ch of input) {
        const single = keyOfChar(ch, key);
        dispatch(single.input, single.key);
      }
      return;
    }
    const name = keyName(input, key);
    // An open wizard takes every key; a closed one costs this one look.
    if (state().wizard !== undefined) {
      if (name !== undefined) handleWizard(name);
      return;
    }
    const mode = state().mode;
    if (mode === 'palette') return lines.palette(input, key, name);
    if (mode === 'filter') return lines.filter(input, key, name);
    if (name === undefined) return;
    if (state().message) actions.clearMessage();
    handleNormal(name);
  }
  return router;
}
