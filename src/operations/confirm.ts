// How much confirmation a risk asks for, and the words of the question. The CLI asks on the
// terminal (or refuses without one), the console in a dialog; both ask the same thing.
import { guestLabel, type OperationPlan, type RiskLevel } from './types.js';

export type Confirmation = 'none' | 'yes-no' | 'type-name';

export function confirmationFor(risk: RiskLevel): Confirmation {
  return risk === 'low' ? 'none' : risk === 'critical' ? 'type-name' : 'yes-no';
}

/** The question's lines: what will happen, what could be lost, and what to answer. */
export function confirmationText(plan: OperationPlan): { lines: string[]; expected: string } {
  const how = confirmationFor(plan.risk);
  const expected = how === 'type-name' ? plan.target.name || String(plan.target.vmid) : 'y';
  const lines = [`${plan.risk.toUpperCase()}: ${plan.summary}.`];
  if (plan.loss) lines.push(`Could be lost: ${plan.loss}.`);
  lines.push(how === 'type-name' ? `Type the guest's name (${expected}) to confirm:` : 'Proceed? [y/N]');
  return { lines, expected };
}

/** Whether an answer confirms: `y`/`yes` for y/N, the exact name (or vmid) for critical ones. */
export function isConfirmed(plan: OperationPlan, answer: string): boolean {
  const how = confirmationFor(plan.risk);
  const text = answer.trim();
  if (how === 'none') return true;
  if (how === 'yes-no') return /^(y|yes)$/i.test(text);
  return text === (plan.target.name || String(plan.target.vmid));
}

/** Refusal text when no one can be asked (no terminal, no --yes). */
export function unconfirmedMessage(plan: OperationPlan): string {
  return `${plan.action} ${guestLabel(plan.target)} is ${plan.risk} risk and needs confirmation: run it in a terminal, or pass --yes`;
}
