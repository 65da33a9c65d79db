import { readFileSync } from 'node:fs';
import { parse, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { GuestRow } from '../../db/model.js';
import { DEFAULT_GENERATOR_OPTIONS, type IacInput } from '../types.js';
import { generateAnsible } from './index.js';
import { groupName, hostNames } from './inventory.js';

const guest = (g: Partial<GuestRow> & Pick<GuestRow, 'type' | 'vmid' | 'node' | 'name'>): GuestRow => ({ status: 'running', template: false, tags: [], ...g });

const GUESTS: GuestRow[] = [
  guest({ type: 'lxc', vmid: 200, node: 'pve1', name: 'pihole', tags: ['dns', 'infra'], pool: 'prod', config: { hostname: 'pihole', net0: 'name=eth0,bridge=vmbr0,ip=192.168.1.53/24,gw=192.168.1.1' } }),
  guest({ type: 'qemu', vmid: 104, node: 'pve1', name: 'k8s-node-1', tags: ['k8s', 'cloud-init'], pool: 'lab', config: { name: 'k8s-node-1', net0: 'virtio=BC:24:11:00:00:04,bridge=vmbr0', ipconfig0: 'ip=192.168.1.41/24,gw=192.168.1.1' } }),
  guest({ type: 'qemu', vmid: 100, node: 'pve2', name: 'web-01', tags: ['Web'], status: 'stopped', config: { name: 'web-01', net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0', ipconfig0: 'ip=dhcp' } }),
  guest({ type: 'lxc', vmid: 201, node: 'pve2', name: 'unifi', config: { hostname: 'unifi', net0: 'name=eth0,bridge=vmbr0,ip=dhcp', net1: 'name=eth1,bridge=vmbr1,ip6=2001:db8::7/64' } }),
  guest({ type: 'lxc', vmid: 202, node: 'pve3', name: 'nocfg' }),
  guest({ type: 'qemu', vmid: 9000, node: 'pve1', name: 'ubuntu-cloud', template: true, status: 'stopped', tags: ['template'], pool: 'templates', config: { name: 'ubuntu-cloud', ipconfig0: 'ip=dhcp' } }),
  guest({ type: 'qemu', vmid: 109, node: 'pve3', name: 'win11', status: 'running', config: { name: 'win11', ostype: 'win11', net0: 'e1000e=BC:24:11:00:00:09,bridge=vmbr0', ipconfig0: 'ip=192.168.1.99/24' } }),
];

const input = (guests: GuestRow[] = GUESTS): IacInput => ({ profile: 'home', nodes: [], guests, storage: [], pools: [] });

function files(guests?: GuestRow[], options = DEFAULT_GENERATOR_OPTIONS): Map<string, string> {
  return new Map(generateAnsible(input(guests), options).map((f) => [f.path, f.content]));
}

interface Inventory {
  all: { children: Record<string, { hosts?: Record<string, Record<string, unknown> | null>; children?: Record<string, { hosts?: Record<string, Record<string, unknown>> }> }> };
}

/** The inventory as PyYAML (YAML 1.1) would read it; `!unsafe` values come back as plain strings. */
function inventory(text: string): Inventory {
  return parse(text, { version: '1.1', customTags: [{ tag: '!unsafe', resolve: (s: string) => s }] }) as Inventory;
}

function hostsOf(inv: Inventory, group: string): string[] {
  return Object.keys(inv.all.children[group]?.hosts ?? {});
}

function hostVars(inv: Inventory): Record<string, Record<string, unknown>> {
  const g = inv.all.children.guests!.children!;
  return { ...g.vms!.hosts, ...g.containers!.hosts, ...(inv.all.children.templates!.hosts as Record<string, Record<string, unknown>>) };
}

describe('generateAnsible', () => {
  it('writes the inventory, site, baseline and the lifecycle playbooks, sorted by path', () => {
    expect([...files().keys()]).toEqual(['ansible/baseline.yml', 'ansible/inventory.yml', 'ansible/site.yml', 'ansible/snapshot.yml', 'ansible/start.yml', 'ansible/stop.yml']);
  });

  it('is deterministic: the same bytes twice, whatever the order of the guests', () => {
    const a = generateAnsible(input(), DEFAULT_GENERATOR_OPTIONS);
    const b = generateAnsible(input([...GUESTS].reverse()), DEFAULT_GENERATOR_OPTIONS);
    expect(b).toEqual(a);
  });

  it('groups guests by type, node, status, tag and pool, with Ansible-safe names; templates only in templates', () => {
    const inv = inventory(files().get('ansible/inventory.yml')!);
    const guests = inv.all.children.guests!.children!;
    expect(Object.keys(guests.vms!.hosts!)).toEqual(['web-01', 'k8s-node-1', 'win11']);
    expect(Object.keys(guests.containers!.hosts!)).toEqual(['pihole', 'unifi', 'nocfg']);
    expect(hostsOf(inv, 'templates')).toEqual(['ubuntu-cloud']);
    expect(hostsOf(inv, 'node_pve1')).toEqual(['k8s-node-1', 'pihole']);
    expect(hostsOf(inv, 'node_pve2')).toEqual(['web-01', 'unifi']);
    expect(hostsOf(inv, 'running')).toEqual(['k8s-node-1', 'win11', 'pihole', 'unifi', 'nocfg']);
    expect(hostsOf(inv, 'stopped')).toEqual(['web-01']);
    expect(hostsOf(inv, 'tag_web')).toEqual(['web-01']);
    expect(hostsOf(inv, 'tag_cloud_init')).toEqual(['k8s-node-1']);
    expect(hostsOf(inv, 'pool_prod')).toEqual(['pihole']);
    expect(hostsOf(inv, 'pool_lab')).toEqual(['k8s-node-1']);
    expect(inv.all.children.pool_templates).toBeUndefined();
    expect(inv.all.children.tag_template).toBeUndefined();
    // Running, with an address, not Windows.
    expect(hostsOf(inv, 'reachable')).toEqual(['k8s-node-1', 'pihole', 'unifi']);
    for (const name of Object.keys(inv.all.children)) expect(name).toMatch(/^[a-z0-9_]+$/);
  });

  it('sets ansible_host from a static container ip= or a VM ipconfig, host vars for every guest, and a comment where no address is known', () => {
    const text = files().get('ansible/inventory.yml')!;
    const vars = hostVars(inventory(text));
    expect(vars.pihole).toEqual({ ansible_host: '192.168.1.53', proxmox_vmid: 200, proxmox_node: 'pve1', proxmox_type: 'lxc', proxmox_name: 'pihole' });
    expect(vars['k8s-node-1']).toMatchObject({ ansible_host: '192.168.1.41', proxmox_vmid: 104, proxmox_type: 'qemu' });
    expect(vars.unifi!.ansible_host).toBe('2001:db8::7');
    expect(vars['web-01']!.ansible_host).toBeUndefined();
    expect(vars.nocfg!.ansible_host).toBeUndefined();
    const before = (host: string): string => {
      const lines = text.split('\n');
      return lines[lines.findIndex((l) => l.trim() === `${host}:`) - 1]!.trim();
    };
    expect(before('web-01')).toMatch(/^# no ansible_host: no static cloud-init ipconfig/);
    expect(before('nocfg')).toMatch(/^# no ansible_host: the guest config is not in the cache/);
  });

  it('quotes untrusted names for YAML 1.1 and tags Jinja in them !unsafe; unsafe or duplicate names get vm-/ct-<vmid>', () => {
    const nasty = "{{ lookup('pipe', 'id') }}";
    const guests = [
      guest({ type: 'qemu', vmid: 300, node: 'pve1', name: nasty }),
      guest({ type: 'qemu', vmid: 301, node: 'pve1', name: 'yes' }),
      guest({ type: 'lxc', vmid: 302, node: 'pve1', name: 'dup' }),
      guest({ type: 'lxc', vmid: 303, node: 'pve1', name: 'dup' }),
      guest({ type: 'lxc', vmid: 304, node: 'pve1', name: 'running' }),
      guest({ type: 'lxc', vmid: 305, node: 'pve1', name: 'ct-300' }),
      guest({ type: 'lxc', vmid: 306, node: 'pve1', name: 'a: b\n- c # d' }),
    ];
    const text = files(guests).get('ansible/inventory.yml')!;
    expect(text).toContain(`proxmox_name: !unsafe "${nasty}"`);
    expect(text).not.toMatch(/^\s*proxmox_name: yes$/m);
    const vars = hostVars(inventory(text));
    expect(Object.keys(vars)).toEqual(['vm-300', 'yes', 'ct-302', 'ct-303', 'ct-304', 'ct-305', 'ct-306']);
    expect(vars['vm-300']!.proxmox_name).toBe(nasty);
    expect(vars.yes!.proxmox_name).toBe('yes');
    expect(vars['ct-306']!.proxmox_name).toBe('a: b\n- c # d');
    // The YAML as written parses without error, and the host names stay the inventory's keys.
    expect(parseDocument(text, { version: '1.1', customTags: [{ tag: '!unsafe', resolve: (s: string) => s }] }).errors).toEqual([]);
  });

  it('names groups [a-z0-9_] with a prefix, and hosts by name only when safe and unique', () => {
    expect(groupName('tag', 'Cloud-Init.v2')).toBe('tag_cloud_init_v2');
    expect(groupName('pool', '')).toBe('pool_unnamed');
    const g = [guest({ type: 'qemu', vmid: 1, node: 'n', name: 'ok' }), guest({ type: 'qemu', vmid: 2, node: 'n', name: 'bad name' }), guest({ type: 'qemu', vmid: 3, node: 'n', name: '' })];
    expect([...hostNames(g).values()]).toEqual(['ok', 'vm-2', 'vm-3']);
    // PVE's placeholders for a guest with no name are not names; a fetched config's own name wins.
    const placeholders = [
      guest({ type: 'qemu', vmid: 116, node: 'n', name: 'VM 116' }),
      guest({ type: 'lxc', vmid: 211, node: 'n', name: 'CT211' }),
      guest({ type: 'lxc', vmid: 212, node: 'n', name: 'CT212', config: { memory: 512 } }),
      guest({ type: 'qemu', vmid: 117, node: 'n', name: 'listed', config: { name: 'configured' } }),
    ];
    expect([...hostNames(placeholders).values()]).toEqual(['vm-116', 'ct-211', 'ct-212', 'configured']);
  });

  it('uses the configured collection namespace for the Proxmox modules', () => {
    const general = files();
    const proxmox = files(undefined, { ...DEFAULT_GENERATOR_OPTIONS, ansibleNamespace: 'community.proxmox' });
    expect(general.get('ansible/start.yml')).toContain('community.general.proxmox_kvm:');
    expect(general.get('ansible/start.yml')).toContain('community.general.proxmox:');
    expect(general.get('ansible/snapshot.yml')).toContain('community.general.proxmox_snap:');
    expect(proxmox.get('ansible/start.yml')).toContain('community.proxmox.proxmox_kvm:');
    expect(proxmox.get('ansible/stop.yml')).toContain('community.proxmox.proxmox:');
    expect(proxmox.get('ansible/snapshot.yml')).toContain('community.proxmox.proxmox_snap:');
    expect([...proxmox.values()].join('\n')).not.toContain('community.general.');
  });

  it('never writes a secret: the token or the user and password come from environment lookups, the modules get them from play vars', () => {
    const lookup = (name: string): string => `{{ lookup('ansible.builtin.env', '${name}') }}`;
    let modules = 0;
    for (const [path, text] of files()) {
      const doc = parse(text, { version: '1.1' }) as unknown;
      if (!Array.isArray(doc)) continue;
      for (const play of doc as Array<{ vars?: Record<string, unknown>; tasks?: Array<Record<string, unknown>> }>) {
        for (const task of play.tasks ?? []) {
          for (const [key, args] of Object.entries(task)) {
            if (!key.includes('.proxmox')) continue;
            const given = args as Record<string, unknown>;
            expect(given.api_password, `${path}: ${key}`).toBe('{{ proxmox_api_password | default(omit, true) }}');
            expect(given.api_token_id, `${path}: ${key}`).toBe('{{ proxmox_api_token_id | default(omit, true) }}');
            expect(given.api_token_secret, `${path}: ${key}`).toBe('{{ proxmox_api_token_secret | default(omit, true) }}');
            expect(play.vars?.proxmox_api_token).toBe(lookup('PROXMOX_VE_API_TOKEN'));
            expect(play.vars?.proxmox_username).toBe(lookup('PROXMOX_VE_USERNAME'));
            expect(play.vars?.proxmox_password).toBe(lookup('PROXMOX_VE_PASSWORD'));
            // the password only when there is no token: the modules prefer a password when given one
            expect(play.vars?.proxmox_api_password).toBe("{{ '' if proxmox_api_token else proxmox_password }}");
            expect(play.vars?.proxmox_api_token_secret).toBe("{{ proxmox_api_token.split('=', 1)[-1] if proxmox_api_token else '' }}");
            modules++;
          }
        }
      }
      // no credential other than through those lookups
      expect(text.match(/PROXMOX_VE_(API_TOKEN|USERNAME|PASSWORD)'\)/g)?.length ?? 0, path).toBe(/(start|stop|snapshot)\.yml$/.test(path) ? 3 : 0);
    }
    expect(modules).toBe(5);
  });
});

interface ArgSpec {
  type?: string;
  required?: boolean;
  choices?: string[];
}

describe('generateAnsible: module arguments against the community.general 6.6.2 argument specs', () => {
  const specs = JSON.parse(readFileSync(new URL('../../../test/fixtures/iac/ansible/community-general-6.6.2-proxmox-argspecs.json', import.meta.url), 'utf8')) as {
    modules: Record<string, { options: Record<string, ArgSpec> }>;
  };

  it('every Proxmox task uses only known arguments, every required one, and allowed literal choices', () => {
    let checked = 0;
    for (const [path, text] of files()) {
      const doc = parse(text, { version: '1.1' }) as unknown;
      if (!Array.isArray(doc)) continue;
      for (const play of doc as Array<{ tasks?: Array<Record<string, unknown>> }>) {
        for (const task of play.tasks ?? []) {
          for (const [key, args] of Object.entries(task)) {
            const spec = specs.modules[key];
            if (!key.startsWith('community.general.proxmox')) continue;
            expect(spec, `${path}: ${key} is not a module of the specs`).toBeDefined();
            const given = args as Record<string, unknown>;
            for (const [arg, value] of Object.entries(given)) {
              const s = spec!.options[arg];
              expect(s, `${path}: ${key} has no argument ${arg}`).toBeDefined();
              if (s!.choices && typeof value === 'string' && !value.includes('{{')) expect(s!.choices, `${path}: ${key}.${arg}`).toContain(value);
            }
            for (const [arg, s] of Object.entries(spec!.options)) if (s.required) expect(given, `${path}: ${key} needs ${arg}`).toHaveProperty(arg);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(5); // start: kvm + lxc, stop: kvm + lxc, snapshot
  });
});
