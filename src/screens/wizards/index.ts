// The console's wizards by id: each has its definition, what its context (choices) is loaded
// for, and the plan its values make. The controller loads and submits; the router drives keys.
import type { CreateChoices, TemplateFacts } from '../../operations/choices.js';
import { planCreateCt, planCreateVm } from '../../operations/create.js';
import type { OperationPlan, Refusal } from '../../operations/types.js';
import type { WizardState } from '../../store/types.js';
import { wizardFrame, type WizardDef, type WizardFrame, type WizardValues } from './engine.js';
import { createCtWizard, ctSpecOf } from './createCt.js';
import { createVmWizard, vmSpecOf } from './createVm.js';
import type { Choices } from './createFields.js';
import { planWithVaultPassword } from './vaultPassword.js';

export interface CreateWizard {
  def: WizardDef<Choices>;
  type: 'qemu' | 'lxc';
  plan(values: WizardValues, choices: Choices, readOnly: boolean): OperationPlan | Refusal;
}

export const CREATE_WIZARDS = {
  'create-vm': { def: createVmWizard, type: 'qemu', plan: (v, c, readOnly) => planCreateVm(vmSpecOf(v, c), { readOnly }) },
  'create-ct': {
    def: createCtWizard,
    type: 'lxc',
    // A `$vault.NAME` password is read from the vault now, when the create runs.
    plan: (v, c, readOnly) => {
      const spec = ctSpecOf(v, c);
      return planWithVaultPassword('lxc', spec, spec.hostname, (s) => planCreateCt(s, { readOnly }));
    },
  },
} as const satisfies Record<string, CreateWizard>;

export type CreateWizardId = keyof typeof CREATE_WIZARDS;

export const isCreateWizardId = (id: string): id is CreateWizardId => Object.hasOwn(CREATE_WIZARDS, id);

/** The reads a create wizard's context needs (the controller gives them). */
export interface CreateReads {
  choices(node?: string): Promise<CreateChoices>;
  templateFacts?(node: string, vmid: number): Promise<TemplateFacts>;
}

/** The context for the wizard's values: the chosen node's choices (the previous ones while
 * the node is the same), and for a clone the chosen template's facts. */
export async function loadCreateContext(values: WizardValues | undefined, previous: Choices | undefined, reads: CreateReads): Promise<Choices> {
  const node = typeof values?.node === 'string' && values.node !== '' ? values.node : undefined;
  const choices: Choices = previous !== undefined && node !== undefined && previous.node === node ? previous : await reads.choices(node);
  const ref = values?.['source.kind'] === 'clone' ? values['source.template'] : undefined;
  if (typeof ref !== 'string' || choices.template?.ref === ref) return choices;
  const t = choices.vmTemplates.find((x) => `${x.node}/${x.vmid}` === ref);
  if (t === undefined || !reads.templateFacts) return choices;
  return { ...choices, template: { ref, facts: await reads.templateFacts(t.node, t.vmid) } };
}

/** The store's wizard with its context erased to unknown (the store holds any wizard). */
export const storedDef = <C>(def: WizardDef<C>): WizardDef<unknown> => def as unknown as WizardDef<unknown>;

/** What WizardView draws for the wizard in the store: its step, or loading / a failure. */
export function frameOf(w: WizardState): WizardFrame {
  if (w.session !== undefined && w.context !== undefined) return wizardFrame(w.def, w.session, w.context, w.status);
  return { title: w.def.title, stepLabel: 'loading', fields: [], ...(w.status ? { status: w.status } : {}), footer: w.status?.level === 'error' ? 'Enter tries again, Esc closes' : 'Esc closes' };
}
