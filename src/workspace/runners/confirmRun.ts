// The question before an apply or a destroy, with the plan's summary: apply is HIGH risk (y/N),
// destroy CRITICAL (type the workspace's name), as src/operations/confirm.ts asks about guests.
// The CLI asks it on the terminal, the console in its run screen.
import { basename } from 'node:path';
import { changesText, type TfChanges } from './terraformEvents.js';

export type RunKind = 'plan' | 'apply' | 'destroy';

export interface RunConfirmation {
  risk: 'high' | 'critical';
  lines: string[];
  /** The answer that confirms: `y` for apply, the workspace name for destroy. */
  expected: string;
}

/** The name a destroy asks to be typed: the workspace directory's name. */
export function workspaceName(root: string): string {
  return basename(root) || root;
}

export function hasChanges(c: TfChanges | undefined): boolean {
  return c !== undefined && c.add + c.change + c.remove + c.import > 0;
}

export function runConfirmation(kind: 'apply' | 'destroy', summary: TfChanges, root: string): RunConfirmation {
  const name = workspaceName(root);
  if (kind === 'destroy') {
    return {
      risk: 'critical',
      lines: [`CRITICAL: terraform destroy in ${name}: ${changesText(summary)}.`, `Could be lost: the ${summary.remove} resource${summary.remove === 1 ? '' : 's'} and their data.`, `Type the workspace's name (${name}) to confirm:`],
      expected: name,
    };
  }
  const lines = [`HIGH: terraform apply in ${name}: ${changesText(summary)}.`];
  if (summary.remove > 0) lines.push(`Could be lost: ${summary.remove} resource${summary.remove === 1 ? '' : 's'} destroyed (or replaced) and their data.`);
  lines.push('Proceed? [y/N]');
  return { risk: 'high', lines, expected: 'y' };
}

export function isRunConfirmed(c: RunConfirmation, answer: string): boolean {
  const text = answer.trim();
  return c.risk === 'critical' ? text === c.expected : /^(y|yes)$/i.test(text);
}

export function unconfirmedRunMessage(kind: 'apply' | 'destroy'): string {
  return `${kind} is ${kind === 'destroy' ? 'critical' : 'high'} risk and needs confirmation: run it in a terminal, or pass --yes`;
}
