// The console's actions menu (`a`): what can be done to the selected guest, or to the marked
// ones, and the confirmation for what is risky. Pure: it builds dialogs and plans from the
// state; the input router shows them and the controller runs what was confirmed.
import { type GuestKey, guestKeyOf } from '../db/model.js';
import { confirmationFor, confirmationText } from '../operations/confirm.js';
import { isRefusal, planPower, POWER, POWER_ACTIONS, type PowerAction } from '../operations/power.js';
import { guestLabel, type GuestTarget, type OperationPlan, type Refusal } from '../operations/types.js';
import { currentRoute, listOf, selectGuest, selectListRows } from '../store/selectors.js';
import type { ConsoleState, MenuItem, ModalState } from '../store/types.js';

/** The key that picks each action in the menu. */
export const ACTION_KEYS: Readonly<Record<PowerAction, string>> = { start: 's', shutdown: 'd', reboot: 'b', stop: 'x', reset: 'R', suspend: 'p', resume: 'u' };

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

function target(state: ConsoleState, key: GuestKey): GuestTarget | undefined {
  const g = selectGuest(state, key);
  return g === undefined ? undefined : { type: g.type, vmid: g.vmid, node: g.node, name: g.name, status: g.status, template: g.template, ...(g.lock ? { lock: g.lock } : {}) };
}

function who(state: ConsoleState, keys: readonly GuestKey[]): string {
  if (keys.length !== 1) return `${keys.length} guests`;
  const t = target(state, keys[0]!);
  return t ? guestLabel(t) : keys[0]!;
}

/** The menu for these guests: the actions that apply to at least one of them. */
export function actionsMenu(state: ConsoleState, keys: readonly GuestKey[], selected = 0): ModalState | undefined {
  const targets = keys.map((k) => target(state, k)).filter((t): t is GuestTarget => t !== undefined);
  if (targets.length === 0) return undefined;
  const items: MenuItem[] = POWER_ACTIONS.filter((a) => targets.some((t) => !t.template && POWER[a].notApplicable(t) === undefined)).map((a) => ({
    action: a,
    key: ACTION_KEYS[a],
    label: `${a} (${POWER[a].risk} risk)`,
  }));
  if (items.length === 0) return { title: `Actions: ${who(state, keys)}`, body: ['Nothing applies now (a template, or nothing in the state it needs).'], footer: 'Esc closes' };
  const index = Math.max(0, Math.min(selected, items.length - 1));
  return {
    title: `Actions: ${who(state, keys)}`,
    body: items.map((item, i) => `${i === index ? '>' : ' '} ${item.key}  ${item.label}`),
    footer: 'a letter or Enter picks, j/k move, Esc closes',
    dialog: { kind: 'actions', keys: [...keys], items, selected: index },
  };
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

/** The y/N question before a risky action: what happens, to whom, and what could be lost. */
export function confirmDialog(state: ConsoleState, action: PowerAction, plans: readonly OperationPlan[]): ModalState | undefined {
  const first = plans[0];
  if (first === undefined || confirmationFor(first.risk) === 'none') return undefined;
  const body =
    plans.length === 1
      ? confirmationText(first).lines.slice(0, -1)
      : [`${first.risk.toUpperCase()}: ${action} ${plans.length} guests: ${plans.map((p) => guestLabel(p.target)).join(', ')}.`, ...(first.loss ? [`Could be lost: ${first.loss}.`] : [])];
  return {
    title: `${action} ${who(state, plans.map((p) => guestKeyOf(p.target)))}?`,
    body,
    footer: 'y: go ahead   n or Esc: cancel',
    dialog: { kind: 'confirm', action, keys: plans.map((p) => guestKeyOf(p.target)) },
  };
}
