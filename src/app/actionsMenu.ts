// The console's actions menu (`a`): what can be done to the selected guest, or to the marked
// ones (the lifecycle actions, and the dialogs of src/screens/wizards/guestDialogs.ts), and the
// confirmation for what is risky, as much as its risk asks: none, y/N, or the guest's name.
// Pure: it builds menus, questions and plans from the state; the input router shows them and
// the controller runs what was confirmed.
import { type GuestKey, guestKeyOf } from '../db/model.js';
import { confirmationFor, confirmationText, type Confirmation } from '../operations/confirm.js';
import { GUEST_DIALOGS, type GuestDialogId } from '../screens/wizards/guestDialogs.js';
import { isRefusal, planPower, POWER, POWER_ACTIONS, type PowerAction } from '../operations/power.js';
import { guestLabel, type GuestTarget, type OperationPlan, type Refusal } from '../operations/types.js';
import { currentRoute, listOf, selectGuest, selectListRows } from '../store/selectors.js';
import type { ConsoleState, MenuItem, ModalState } from '../store/types.js';

/** The key that picks each action in the menu. */
export const ACTION_KEYS: Readonly<Record<PowerAction, string>> = { start: 's', shutdown: 'd', reboot: 'b', stop: 'x', reset: 'R', suspend: 'p', resume: 'u' };

/** The key that opens each dialog, in the order the menu lists them. */
export const DIALOG_KEYS: Readonly<Record<GuestDialogId, string>> = {
  'guest-snapshot': 'n',
  'guest-clone': 'c',
  'guest-migrate': 'm',
  'guest-edit': 'e',
  'guest-tags': 't',
  'guest-template': 'T',
  'guest-delete': 'D',
};
const DIALOG_ORDER = Object.keys(DIALOG_KEYS) as GuestDialogId[];

export const isDialogAction = (action: string): action is GuestDialogId => Object.hasOwn(DIALOG_KEYS, action);

/** The guests an action applies to: the marked ones on the guest list, else the one under the
 * cursor (or the one whose detail is open). */
export function actionTargets(state: ConsoleState): GuestKey[] {
  const route = currentRoute(state);
  if (route.screen === 'detail') return [route.key];
  if (listOf(route) !== 'guests') return [];
  if (state.marks.size > 0) return [...state.marks];
  const row = selectListRows(state, 'guests').rows[state.views.guests.cursor] as { type: 'qemu' | 'lxc'; vmid: number } | undefined;
  return row ? [guestKeyOf(row)] : [];
}

export function target(state: ConsoleState, key: GuestKey): GuestTarget | undefined {
  const g = selectGuest(state, key);
  return g === undefined ? undefined : { type: g.type, vmid: g.vmid, node: g.node, name: g.name, status: g.status, template: g.template, ...(g.lock ? { lock: g.lock } : {}) };
}

function who(state: ConsoleState, keys: readonly GuestKey[]): string {
  if (keys.length !== 1) return `${keys.length} guests`;
  const t = target(state, keys[0]!);
  return t ? guestLabel(t) : keys[0]!;
}

/** The menu for these guests: the lifecycle actions that apply to at least one of them, then
 * the dialogs (for several guests, those that act on several at once). */
export function actionsMenu(state: ConsoleState, keys: readonly GuestKey[], selected = 0): ModalState | undefined {
  const targets = keys.map((k) => target(state, k)).filter((t): t is GuestTarget => t !== undefined);
  if (targets.length === 0) return undefined;
  const items: MenuItem[] = POWER_ACTIONS.filter((a) => targets.some((t) => !t.template && POWER[a].notApplicable(t) === undefined)).map((a) => ({
    action: a,
    key: ACTION_KEYS[a],
    label: `${a} (${POWER[a].risk} risk)`,
  }));
  for (const id of DIALOG_ORDER) {
    const dialog = GUEST_DIALOGS[id];
    if ((targets.length === 1 || dialog.batch) && targets.some((t) => dialog.offered(t))) items.push({ action: id, key: DIALOG_KEYS[id], label: `${dialog.label}...` });
  }
  if (items.length === 0) return { title: `Actions: ${who(state, keys)}`, body: ['Nothing applies now (a template, or nothing in the state it needs).'], footer: 'Esc closes' };
  const index = Math.max(0, Math.min(selected, items.length - 1));
  // A lock refuses every action: said before one is picked.
  const locked = targets.filter((t) => t.lock !== undefined && t.lock !== 'suspended');
  const notes = locked.length === 0 ? [] : ['', `${locked.length === 1 ? `${guestLabel(locked[0]!)} is` : `${locked.length} guests are`} locked (${[...new Set(locked.map((t) => t.lock))].join(', ')}): what is picked is refused until it ends`];
  return {
    title: `Actions: ${who(state, keys)}`,
    body: [...items.map((item, i) => `${i === index ? '>' : ' '} ${item.key}  ${item.label}`), ...notes],
    footer: 'a letter or Enter picks, j/k move, Esc closes',
    dialog: { kind: 'actions', keys: [...keys], items, selected: index },
  };
}

/** The guests a dialog opens for, and those refused at once (read-only, a lock, a running
 * guest for delete or template), from what the console knows. */
export function dialogTargets(state: ConsoleState, id: GuestDialogId, keys: readonly GuestKey[]): { targets: GuestTarget[]; refusals: Refusal[] } {
  const dialog = GUEST_DIALOGS[id];
  const targets: GuestTarget[] = [];
  const refusals: Refusal[] = [];
  for (const key of keys) {
    const t = target(state, key);
    if (t === undefined || !dialog.offered(t)) continue;
    const refusal = dialog.precheck(t, state.meta.readOnly);
    if (refusal) refusals.push(refusal);
    else targets.push(t);
  }
  return { targets: dialog.batch ? targets : targets.slice(0, 1), refusals };
}

/** Each guest's plan for the action, or why it is refused. */
export function planFor(state: ConsoleState, action: PowerAction, keys: readonly GuestKey[]): { plans: OperationPlan[]; refusals: Refusal[] } {
  const plans: OperationPlan[] = [];
  const refusals: Refusal[] = [];
  for (const key of keys) {
    const t = target(state, key);
    if (t === undefined) continue;
    const p = planPower(action, t, { readOnly: state.meta.readOnly });
    if (isRefusal(p)) refusals.push(p);
    else plans.push(p);
  }
  return { plans, refusals };
}

/** The question's lines for plans of one action: what happens, to whom, what could be lost. */
function questionBody(action: string, plans: readonly OperationPlan[]): string[] {
  const first = plans[0]!;
  return plans.length === 1
    ? confirmationText(first).lines.slice(0, -1)
    : [`${first.risk.toUpperCase()}: ${action} ${plans.length} guests: ${plans.map((p) => guestLabel(p.target)).join(', ')}.`, ...(first.loss ? [`Could be lost: ${first.loss}.`] : [])];
}

/** The y/N question before a risky action: what happens, to whom, and what could be lost. */
export function confirmDialog(state: ConsoleState, action: PowerAction, plans: readonly OperationPlan[]): ModalState | undefined {
  const first = plans[0];
  if (first === undefined || confirmationFor(first.risk) === 'none') return undefined;
  return {
    title: `${action} ${who(state, plans.map((p) => guestKeyOf(p.target)))}?`,
    body: questionBody(action, plans),
    footer: 'y: go ahead   n or Esc: cancel',
    dialog: { kind: 'confirm', action, keys: plans.map((p) => guestKeyOf(p.target)) },
  };
}

const RANK: Readonly<Record<Confirmation, number>> = { none: 0, 'yes-no': 1, 'type-name': 2 };

/** The confirmation planned operations need (the most any of them asks), as a dialog:
 * undefined when none is needed (low risk: they run at once). */
export function planQuestion(plans: readonly OperationPlan[], refusals: readonly Refusal[] = []): ModalState | undefined {
  const first = plans[0];
  if (first === undefined) return undefined;
  const how = plans.map((p) => confirmationFor(p.risk)).reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'none' as Confirmation);
  if (how === 'none') return undefined;
  if (how === 'type-name') return typeNameQuestion(plans, 0, '');
  const label = plans.length === 1 ? guestLabel(first.target) : `${plans.length} guests`;
  return {
    title: `${first.action} ${label}?`,
    body: [...questionBody(first.action, plans), ...leftOut(refusals)],
    footer: 'y: go ahead   n or Esc: cancel',
    dialog: { kind: 'run', plans: [...plans], how: 'yes-no', at: 0, typed: '' },
  };
}

const leftOut = (refusals: readonly Refusal[]): string[] => (refusals.length === 0 ? [] : [`Left out: ${refusals[0]!.message}${refusals.length > 1 ? ` (and ${refusals.length - 1} more)` : ''}.`]);

/** The name question of a critical operation (delete): what happens, every volume that goes,
 * and the name to type; with several guests, each name in turn. `wrong`: what was typed and
 * refused. */
export function typeNameQuestion(plans: readonly OperationPlan[], at: number, typed: string, wrong?: string): ModalState {
  const plan = plans[at]!;
  const { lines, expected } = confirmationText(plan);
  return {
    title: `${plan.action} ${guestLabel(plan.target)}?${plans.length > 1 ? ` (${at + 1} of ${plans.length})` : ''}`,
    body: [
      ...lines.slice(0, -1),
      '',
      `Type the guest's name (${expected}) to confirm: ${typed}_`,
      ...(wrong !== undefined ? [`'${wrong}' is not ${expected}: nothing was done. Type the name exactly, or Esc to cancel.`] : []),
    ],
    footer: 'Enter confirms, Esc cancels',
    dialog: { kind: 'run', plans: [...plans], how: 'type-name', at, typed },
  };
}
