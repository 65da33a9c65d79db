// generateTerraform: the terraform/ directory of a workspace for the bpg/proxmox provider.
// versions.tf, provider.tf (credentials only from PROXMOX_VE_* in the environment),
// variables.tf, one file per guest, and imports.tf with one import block per guest, so that
// `terraform plan` adopts the existing cluster instead of creating anything. Pure and
// deterministic: the same input gives byte-identical files, sorted by path, formatted as
// `terraform fmt` formats them.
import type { GuestRow } from '../../db/model.js';
import type { GeneratedFile, Generator, GeneratorOptions, IacInput } from '../types.js';
import { containerBody } from './container.js';
import { attr, blank, block, bool, comment, ref, render, str, type Node } from './hcl.js';
import { guestFilePath, guestName, resourceAddress, resourceName, resourceType } from './names.js';
import { vmBody } from './vm.js';

/** import blocks need Terraform 1.5. */
export const REQUIRED_TERRAFORM = '>= 1.5.0';

function byGuest(a: GuestRow, b: GuestRow): number {
  return a.type === b.type ? a.vmid - b.vmid : a.type === 'lxc' ? -1 : 1;
}

function label(guest: GuestRow): string {
  return `${guest.type === 'qemu' ? 'VM' : 'CT'} ${guest.vmid}`;
}

function versionsTf(options: GeneratorOptions): string {
  const nodes: Node[] = [
    block('terraform', [], [
      attr('required_version', str(REQUIRED_TERRAFORM)),
      blank,
      block('required_providers', [], [attr('proxmox', ref(`{\n      source  = "bpg/proxmox"\n      version = ${str(options.providerVersion).hcl}\n    }`))]),
    ]),
  ];
  return render(nodes);
}

function providerTf(): string {
  return render([
    ...comment('Credentials come ONLY from the environment, never from these files:'),
    ...comment('  PROXMOX_VE_API_TOKEN="user@realm!tokenid=secret"'),
    ...comment('  or PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD.'),
    ...comment('The endpoint and TLS checking come from variables (see variables.tf);'),
    ...comment('PROXMOX_VE_ENDPOINT / PROXMOX_VE_INSECURE are used when the variables are null.'),
    block('provider', ['proxmox'], [attr('endpoint', ref('var.proxmox_endpoint')), attr('insecure', ref('var.proxmox_insecure'))]),
  ]);
}

function variablesTf(input: IacInput): string {
  const endpoint: Node[] = [
    attr('description', str(`The Proxmox VE API endpoint (profile ${input.profile}${input.clusterName ? `, cluster ${input.clusterName}` : ''}).`)),
    attr('type', ref('string')),
    attr('default', input.endpoint ? str(input.endpoint) : ref('null')),
  ];
  const insecure: Node[] = [
    attr('description', str('Skip TLS certificate verification (a self-signed certificate). Set TF_VAR_proxmox_insecure=true to use it.')),
    attr('type', ref('bool')),
    attr('default', bool(false)),
  ];
  return render([block('variable', ['proxmox_endpoint'], endpoint), blank, block('variable', ['proxmox_insecure'], insecure)]);
}

function guestTf(guest: GuestRow): string {
  const head = comment(`${label(guest)} "${guestName(guest)}" on node ${guest.node}${guest.template ? ' (template)' : ''}: adopted by the import in imports.tf.`);
  if (!guest.config) {
    return render(
      comment(
        `${label(guest)} "${guestName(guest)}" on node ${guest.node}: its config has not been fetched into the cache yet, so nothing is written for it (no guess).\nRun proxmox-mpc sync, then generate again.`,
      ),
    );
  }
  const body = guest.type === 'qemu' ? vmBody(guest, guest.config) : containerBody(guest, guest.config);
  return render([...head, block('resource', [resourceType(guest), resourceName(guest)], body)]);
}

function importsTf(guests: readonly GuestRow[]): string {
  const nodes: Node[] = [
    ...comment('Adopts the existing guests: terraform plan imports them instead of creating them (Terraform >= 1.5).'),
    ...comment('The provider does not read some arguments back (the timeout_* ones, *_on_destroy, reboot, migrate,'),
    ...comment("a container's start_on_boot and features) and reads some unset PVE options as empty (a VM's agent type,"),
    ...comment('vga, keyboard_layout): after the import a plan may show these as in-place updates to the same values.'),
  ];
  for (const g of guests) {
    nodes.push(blank);
    if (!g.config) {
      nodes.push(...comment(`${label(g)} "${guestName(g)}": no import until its config is in the cache (run proxmox-mpc sync).`));
      continue;
    }
    nodes.push(block('import', [], [attr('to', ref(resourceAddress(g))), attr('id', str(`${g.node}/${g.vmid}`))]));
  }
  return render(nodes);
}

export const generateTerraform: Generator = (input: IacInput, options: GeneratorOptions): GeneratedFile[] => {
  const guests = input.guests.filter((g) => options.includeTemplates || !g.template).sort(byGuest);
  const files: GeneratedFile[] = [
    { path: 'terraform/versions.tf', content: versionsTf(options) },
    { path: 'terraform/provider.tf', content: providerTf() },
    { path: 'terraform/variables.tf', content: variablesTf(input) },
    { path: 'terraform/imports.tf', content: importsTf(guests) },
  ];
  for (const g of guests) files.push({ path: guestFilePath(g), content: guestTf(g) });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};
