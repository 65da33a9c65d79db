// A VM that does not exist yet, written as code for `terraform apply` to create: a clone of a
// template (`create vm --clone ... --emit-code`). The resource carries the `clone {}` block and
// the settings given for the new VM; there is no import block (nothing to adopt). A cloud-init
// password is read from a sensitive variable (TF_VAR_<name> in the environment), never written.
import type { GuestRow } from '../../db/model.js';
import { attr, blank, block, bool, ref, render, str, type Node } from './hcl.js';
import { resourceName, VM_RESOURCE } from './names.js';
import { vmBody, type VmCloneSource } from './vm.js';

export interface NewVmOptions {
  clone: VmCloneSource;
  /** A cloud-init password was given: it comes from this variable's value at plan/apply. */
  password?: boolean;
}

/** `vm_170_web_new_password`: the variable of a new VM's cloud-init password. */
export function passwordVariableName(guest: GuestRow): string {
  return `${resourceName(guest)}_password`;
}

/** The resource (and the password's variable) of a VM to be cloned; `config` is what PVE would
 * hold for it after the clone and its settings. */
export function renderClonedVm(guest: GuestRow, config: Readonly<Record<string, string | number>>, options: NewVmOptions): string {
  const variable = options.password ? passwordVariableName(guest) : undefined;
  const nodes: Node[] = [block('resource', [VM_RESOURCE, resourceName(guest)], vmBody(guest, config, { clone: options.clone, ...(variable ? { passwordVariable: variable } : {}) }))];
  if (variable) {
    nodes.push(
      blank,
      block('variable', [variable], [
        attr('description', str(`The cloud-init password of VM ${guest.vmid}: set TF_VAR_${variable} in the environment of plan and apply.`)),
        attr('type', ref('string')),
        attr('sensitive', bool(true)),
      ]),
    );
  }
  return render(nodes);
}
