// Resource and file names of a guest. `vm_101_web_01` / `ct_200_proxy`: the type and vmid make
// them unique (a vmid is unique per cluster, and the prefix keeps a VM and a container apart),
// the name only makes them readable, so no two guests can ever collide whatever their names.
import type { GuestRow } from '../../db/model.js';

export const VM_RESOURCE = 'proxmox_virtual_environment_vm';
export const CT_RESOURCE = 'proxmox_virtual_environment_container';

function slug(name: string, sep: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`^\\${sep}+|\\${sep}+$`, 'g'), '')
    .slice(0, 48)
    .replace(new RegExp(`\\${sep}+$`), '');
}

/** The guest's own name: the config's (name / hostname) when fetched, else the listing's. */
export function guestName(guest: GuestRow): string {
  const fromConfig = guest.config?.[guest.type === 'qemu' ? 'name' : 'hostname'];
  return fromConfig !== undefined ? String(fromConfig) : guest.name;
}

/** What names the files and resources: the config's name, or nothing when the config has
 * none (the listing's `VM 116` / `CT211` are PVE's placeholders, not names). */
function nameForSlug(guest: GuestRow): string {
  if (!guest.config) return guest.name;
  const own = guest.config[guest.type === 'qemu' ? 'name' : 'hostname'];
  return own !== undefined ? String(own) : '';
}

function prefix(guest: GuestRow): 'vm' | 'ct' {
  return guest.type === 'qemu' ? 'vm' : 'ct';
}

/** `vm_101_web_01`: a Terraform identifier (starts with a letter; letters, digits, `_`). */
export function resourceName(guest: GuestRow): string {
  const s = slug(nameForSlug(guest), '_');
  return `${prefix(guest)}_${guest.vmid}${s ? `_${s}` : ''}`;
}

export function resourceType(guest: GuestRow): string {
  return guest.type === 'qemu' ? VM_RESOURCE : CT_RESOURCE;
}

export function resourceAddress(guest: GuestRow): string {
  return `${resourceType(guest)}.${resourceName(guest)}`;
}

/** `terraform/vm-101-web-01.tf`. */
export function guestFilePath(guest: GuestRow): string {
  const s = slug(nameForSlug(guest), '-');
  return `terraform/${prefix(guest)}-${guest.vmid}${s ? `-${s}` : ''}.tf`;
}
