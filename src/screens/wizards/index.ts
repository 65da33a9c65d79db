// The console's wizards by id: each has its definition, what its context (choices) is loaded
// for, and the plan its values make. The controller loads and submits; the router drives keys.
import { planCreateCt, planCreateVm } from '../../operations/create.js';
import type { OperationPlan, Refusal } from '../../operations/types.js';
import type { WizardState } from '../../store/types.js';
import { wizardFrame, type WizardDef, type WizardFrame, type WizardValues } from './engine.js';
import { createCtWizard, ctSpecOf } from './createCt.js';
import { createVmWizard, vmSpecOf } from './createVm.js';
import type { Choices } from './createFields.js';

export interface CreateWizard {
  def: WizardDef<Choices>;
  type: 'qemu' | 'lxc';
  plan(values: WizardValues, choices: Choices, readOnly: boolean): OperationPlan | Refusal;
}

export const CREATE_WIZARDS = {
  'create-vm': { def: createVmWizard, type: 'qemu', plan: (v, c, readOnly) => planCreateVm(vmSpecOf(v, c), { readOnly }) },
  'create-ct': { def: createCtWizard, type: 'lxc', plan: (v, c, readOnly) => planCreateCt(ctSpecOf(v, c), { readOnly }) },
} as const satisfies Record<string, CreateWizard>;

export type CreateWizardId = keyof typeof CREATE_WIZARDS;

export const isCreateWizardId = (id: string): id is CreateWizardId => Object.hasOwn(CREATE_WIZARDS, id);

/** The store's wizard with its context erased to unknown (the store holds any wizard). */
export const storedDef = <C>(def: WizardDef<C>): WizardDef<unknown> => def as unknown as WizardDef<unknown>;

/** What WizardView draws for the wizard in the store: its step, or loading / a failure. */
export function frameOf(w: WizardState): WizardFrame {
  if (w.session !== undefined && w.context !== undefined) return wizardFrame(w.def, w.session, w.context, w.status);
  return { title: w.def.title, stepLabel: 'loading', fields: [], ...(w.status ? { status: w.status } : {}), footer: w.status?.level === 'error' ? 'Enter tries again, Esc closes' : 'Esc closes' };
}
