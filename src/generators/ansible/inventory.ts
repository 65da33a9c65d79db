// The Ansible view of a cluster: one inventory host per guest (a stable, Ansible-safe name),
// its address where the cache knows one, and the groups it belongs to (node, type, status, tag,
// pool). Pure data: inventory.yml and the tests' check playbook are both rendered from it.
import { isIP } from 'node:net';
import { parseGuestConfig } from '../../app/read/guestConfig.js';
import type { GuestRow } from '../../db/model.js';
import type { IacInput } from '../types.js';

export interface AnsibleHost {
  /** The inventory name: the guest's own name when it is a safe, unique host name, else `vm-<vmid>` / `ct-<vmid>`. */
  name: string;
  guest: GuestRow;
  /** Where Ansible can reach it (a static address from the config), or undefined. */
  address?: string;
  /** Why there is no address (for the inventory's comment). */
  noAddressReason?: string;
  /** The key of the NIC setting the address came from (`net0`, `ipconfig0`). */
  addressSource?: string;
}

export interface AnsibleGroup {
  name: string;
  /** Inventory host names, in vmid order. */
  hosts: string[];
}

export interface AnsibleInventoryModel {
  /** Every guest (templates too), in vmid order. */
  hosts: AnsibleHost[];
  /** Groups other than the type groups (`vms`, `containers`, `templates`) and `guests`, sorted by name. */
  groups: AnsibleGroup[];
}

/** Statuses PVE reports that become a group of the same name; any other becomes `status_<x>`. */
const STATUS_GROUPS = new Set(['running', 'stopped', 'paused', 'suspended']);

/** An Ansible-safe group name: lowercase [a-z0-9_], with a prefix (`node_pve1`, `tag_cloud_init`). */
export function groupName(prefix: string, raw: string): string {
  const body = raw.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${prefix}_${body === '' ? 'unnamed' : body}`;
}

export function statusGroup(status: string): string {
  return STATUS_GROUPS.has(status) ? status : groupName('status', status);
}

/** A DNS-like host name: letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit. */
const SAFE_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
const FALLBACK_SHAPE = /^(?:vm|ct)-\d+$/;

/** The guest's own name: the config's (name / hostname) once fetched, else the listing's unless
 * it is PVE's placeholder for a guest with none (`VM 116`, `CT211`); '' when it has none. */
export function ownName(g: GuestRow): string {
  if (g.config !== undefined) {
    const own = g.config[g.type === 'qemu' ? 'name' : 'hostname'];
    return own !== undefined ? String(own) : '';
  }
  return g.name === `VM ${g.vmid}` || g.name === `CT${g.vmid}` ? '' : g.name;
}

function fallbackName(g: GuestRow): string {
  return `${g.type === 'qemu' ? 'vm' : 'ct'}-${g.vmid}`;
}

/** Names a guest's own name cannot take: Ansible's own, and the groups' (a host named like a group
 * is ambiguous in a pattern, and Ansible warns about it). */
const RESERVED_NAMES = ['all', 'ungrouped', 'localhost', 'guests', 'vms', 'containers', 'templates', 'reachable'];

/** Inventory host names for the guests: the name when safe and unique, else `vm-<vmid>`/`ct-<vmid>`. */
export function hostNames(guests: readonly GuestRow[], groupNames: Iterable<string> = []): Map<GuestRow, string> {
  const reserved = new Set([...RESERVED_NAMES, ...groupNames]);
  const names = new Map(guests.map((g) => [g, ownName(g)]));
  const count = new Map<string, number>();
  for (const name of names.values()) count.set(name.toLowerCase(), (count.get(name.toLowerCase()) ?? 0) + 1);
  const out = new Map<GuestRow, string>();
  for (const g of guests) {
    const name = names.get(g)!;
    const fallback = fallbackName(g);
    const usable = SAFE_HOST.test(name) && !reserved.has(name.toLowerCase()) && count.get(name.toLowerCase()) === 1 && (!FALLBACK_SHAPE.test(name) || name === fallback);
    out.set(g, usable ? name : fallback);
  }
  return out;
}

/** The address part of a static `address/prefix` setting, or undefined (dhcp, auto, manual). */
function staticAddress(setting: string | null): string | undefined {
  if (setting === null) return undefined;
  const address = setting.split('/')[0]!;
  return isIP(address) === 0 ? undefined : address;
}

function findAddress(g: GuestRow): Pick<AnsibleHost, 'address' | 'noAddressReason' | 'addressSource'> {
  if (g.template) return { noAddressReason: 'a template: not a host to connect to' };
  if (g.config === undefined) return { noAddressReason: 'no ansible_host: the guest config is not in the cache (run proxmox-mpc sync)' };
  const { nics } = parseGuestConfig(g);
  // A static IPv4 first, on the lowest-numbered NIC; else a static IPv6.
  for (const family of ['ip', 'ip6'] as const) {
    for (const nic of nics) {
      const address = staticAddress(nic[family]);
      if (address !== undefined) {
        const index = nic.key.replace(/^net/, '');
        return { address, addressSource: g.type === 'qemu' ? `ipconfig${index}` : nic.key };
      }
    }
  }
  const why = g.type === 'qemu' ? 'no static cloud-init ipconfig and no guest-agent address in the cache' : 'no static ip= on its NICs (DHCP or manual)';
  return { noAddressReason: `no ansible_host: ${why}; set one here if the guest is reachable` };
}

export function buildInventoryModel(input: IacInput): AnsibleInventoryModel {
  const guests = [...input.guests].sort((a, b) => a.vmid - b.vmid || a.type.localeCompare(b.type));
  const addressed = guests.map((g) => ({ guest: g, ...findAddress(g) }));
  const membership = addressed.map((h) => ({ host: h, groups: groupsOf(h) }));
  const names = hostNames(
    guests,
    membership.flatMap((m) => m.groups),
  );
  const hosts: AnsibleHost[] = addressed.map((h) => ({ name: names.get(h.guest)!, ...h }));

  const groups = new Map<string, string[]>();
  for (const m of membership) {
    const name = names.get(m.host.guest)!;
    for (const group of m.groups) {
      const list = groups.get(group) ?? [];
      if (!list.includes(name)) list.push(name);
      groups.set(group, list);
    }
  }
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, list]) => ({ name, hosts: list }));
  return { hosts, groups: sorted };
}

/** The groups of a guest besides its type group. Templates are only in `templates`, so a group a
 * lifecycle playbook targets never holds one. */
function groupsOf(h: Omit<AnsibleHost, 'name'>): string[] {
  const g = h.guest;
  if (g.template) return [];
  const out = [groupName('node', g.node), statusGroup(g.status)];
  for (const tag of g.tags) out.push(groupName('tag', tag));
  if (g.pool !== undefined && g.pool !== '') out.push(groupName('pool', g.pool));
  if (h.address !== undefined && g.status === 'running' && !isWindows(g)) out.push('reachable');
  return out;
}

function isWindows(g: GuestRow): boolean {
  const ostype = g.config?.ostype;
  return typeof ostype === 'string' && /^(win|w2k)/.test(ostype);
}

/** The type group of a host: `vms`, `containers` or `templates`. */
export function typeGroup(h: AnsibleHost): 'vms' | 'containers' | 'templates' {
  return h.guest.template ? 'templates' : h.guest.type === 'qemu' ? 'vms' : 'containers';
}
