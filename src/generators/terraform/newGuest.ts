// A guest that does not exist yet, written as code for `terraform apply` to create: a clone of a
// template (`create vm --clone ... --emit-code`) or a container from a template archive (`create
// ct ... --emit-code`). The resource carries what only a creation has (the `clone {}` block, the
// container's `operating_system`) and the settings given; there is no import block (nothing to
// adopt). A password is read from a sensitive variable declared in the same file (TF_VAR_<name>
// in the environment of plan and apply), never written.
import type { GuestRow } from '../../db/model.js';
import { containerBody } from './container.js';
import { attr, blank, block, bool, ref, render, str, type Node } from './hcl.js';
import { CT_RESOURCE, resourceName, VM_RESOURCE } from './names.js';
import { vmBody, type VmCloneSource } from './vm.js';

export interface NewVmOptions {
  clone: VmCloneSource;
  /** A cloud-init password was given: it comes from this variable's value at plan/apply. */
  password?: boolean;
}

export interface NewContainerRenderOptions {
  /** The template archive's volid (`local:vztmpl/debian-12-standard_...tar.zst`). */
  template: string;
  /** A root password was given: it comes from this variable's value at plan/apply. */
  password?: boolean;
  /** The root user's public SSH keys. */
  sshKeys?: readonly string[];
}

/** `vm_170_web_new_password` / `ct_171_cache_new_password`: the variable of a new guest's
 * password. */
export function passwordVariableName(guest: GuestRow): string {
  return `${resourceName(guest)}_password`;
}

/** The resource, then (when a password was given) its sensitive variable, with no default. */
function withPasswordVariable(resource: Node, variable: string | undefined, what: string): string {
  if (variable === undefined) return render([resource]);
  return render([
    resource,
    blank,
    block('variable', [variable], [
      attr('description', str(`${what}: set TF_VAR_${variable} in the environment of plan and apply.`)),
      attr('type', ref('string')),
      attr('sensitive', bool(true)),
    ]),
  ]);
}

/** The resource (and the password's variable) of a VM to be cloned; `config` is what PVE would
 * hold for it after the clone and its settings. */
export function renderClonedVm(guest: GuestRow, config: Readonly<Record<string, string | number>>, options: NewVmOptions): string {
  const variable = options.password ? passwordVariableName(guest) : undefined;
  const resource = block('resource', [VM_RESOURCE, resourceName(guest)], vmBody(guest, config, { clone: options.clone, ...(variable ? { passwordVariable: variable } : {}) }));
  return withPasswordVariable(resource, variable, `The cloud-init password of VM ${guest.vmid}`);
}

/** The resource (and the root password's variable) of a container to be created; `config` is
 * what PVE would hold for it. */
export function renderNewContainer(guest: GuestRow, config: Readonly<Record<string, string | number>>, options: NewContainerRenderOptions): string {
  const variable = options.password ? passwordVariableName(guest) : undefined;
  const body = containerBody(guest, config, {
    templateFileId: options.template,
    ...(variable ? { passwordVariable: variable } : {}),
    ...(options.sshKeys?.length ? { sshKeys: options.sshKeys } : {}),
  });
  return withPasswordVariable(block('resource', [CT_RESOURCE, resourceName(guest)], body), variable, `The root password of CT ${guest.vmid}`);
}
