// generateTests: checks the user can run on the generated code.
// - terraform/tests/guests.tftest.hcl: a `terraform test` file, one plan-mode run (nothing is
//   created or changed; the import blocks read the guests) asserting each generated resource's
//   vm_id, node_name and name (a container's initialization hostname). It sits in terraform/tests/
//   because Terraform only takes a test directory inside the configuration's directory
//   ("-test-directory must be a relative path pointing to a directory local to the configuration
//   directory"): `terraform -chdir=terraform test` runs it.
// - tests/inventory_check.yml: an Ansible playbook that runs on localhost only and asserts that
//   ansible/inventory.yml still has every guest with the expected host vars and groups.
// Pure and deterministic, from the same names as the Terraform and Ansible generators.
import type { GuestRow } from '../../db/model.js';
import { buildInventoryModel, generatedHeader } from '../ansible/index.js';
import { typeGroup } from '../ansible/inventory.js';
import { renderYaml, Untrusted, type YamlValue } from '../ansible/yamlOut.js';
import { attr, blank, block, comment, ref, render, str, type Node } from '../terraform/hcl.js';
import { guestName, resourceAddress } from '../terraform/names.js';
import type { GeneratedFile, Generator, GeneratorOptions, IacInput } from '../types.js';

export const TFTEST_PATH = 'terraform/tests/guests.tftest.hcl';
export const INVENTORY_CHECK_PATH = 'tests/inventory_check.yml';

/** The guests generateTerraform writes a resource for: a fetched config, templates when asked. */
export function terraformGuests(input: IacInput, options: GeneratorOptions): GuestRow[] {
  return input.guests
    .filter((g) => g.config !== undefined && (options.includeTemplates || !g.template))
    .sort((a, b) => (a.type === b.type ? a.vmid - b.vmid : a.type === 'lxc' ? -1 : 1));
}

function label(g: GuestRow): string {
  return `${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid}`;
}

function assertion(condition: string, message: string): Node {
  return block('assert', [], [attr('condition', ref(condition)), attr('error_message', str(message))]);
}

/** The asserts of one guest: its identity as the generated resource states it. */
function guestAsserts(g: GuestRow): Node[] {
  const address = resourceAddress(g);
  const out: Node[] = [
    assertion(`${address}.vm_id == ${g.vmid}`, `${label(g)}: vm_id is not ${g.vmid}`),
    assertion(`${address}.node_name == ${str(g.node).hcl}`, `${label(g)}: node_name is not ${g.node}`),
  ];
  const name = g.config?.[g.type === 'qemu' ? 'name' : 'hostname'];
  if (name !== undefined) {
    const expression = g.type === 'qemu' ? `${address}.name` : `${address}.initialization[0].hostname`;
    out.push(assertion(`${expression} == ${str(guestName(g)).hcl}`, `${label(g)}: ${g.type === 'qemu' ? 'name' : 'hostname'} is not ${guestName(g)}`));
  }
  return out;
}

export function renderTftest(input: IacInput, options: GeneratorOptions): string {
  const guests = terraformGuests(input, options);
  const head = [
    ...comment(generatedHeader(input)),
    ...comment('Run from terraform/: terraform test'),
    ...comment('(plan only: nothing is created or changed; the imports read each guest through the API, with the'),
    ...comment('provider credentials from the environment, as for plan). A failed assert means the'),
    ...comment('generated code no longer says what it said when generated: a guest moved, renumbered or renamed.'),
  ];
  const body: Node[] = [attr('command', ref('plan'))];
  for (const g of guests) body.push(blank, ...comment(`${label(g)} "${guestName(g)}" on ${g.node}`), ...guestAsserts(g));
  if (guests.length === 0) body.push(blank, ...comment('No guest with a fetched config: nothing to assert yet (run proxmox-mpc sync, then generate).'));
  return render([...head, blank, block('run', ['generated_values'], body)]);
}

export function renderInventoryCheck(input: IacInput): string {
  const model = buildInventoryModel(input);
  const expectedHosts: { [key: string]: YamlValue } = {};
  for (const h of model.hosts) {
    expectedHosts[h.name] = {
      proxmox_vmid: h.guest.vmid,
      proxmox_node: new Untrusted(h.guest.node),
      proxmox_type: h.guest.type,
      ansible_host: h.address ?? '',
    };
  }
  const expectedGroups: { [key: string]: YamlValue } = {};
  const typeGroups = new Map<string, string[]>([['vms', []], ['containers', []], ['templates', []]]);
  for (const h of model.hosts) typeGroups.get(typeGroup(h))!.push(h.name);
  for (const [name, hosts] of [...typeGroups.entries(), ...model.groups.map((g) => [g.name, g.hosts] as const)]) expectedGroups[name] = [...hosts];

  const play: { [key: string]: YamlValue } = {
    name: 'Check the generated inventory',
    hosts: 'localhost',
    gather_facts: false,
    vars: { expected_hosts: expectedHosts, expected_groups: expectedGroups },
    tasks: [
      {
        name: 'Check that every guest is in the inventory, and nothing else',
        'ansible.builtin.assert': {
          that: ["groups['all'] | sort == expected_hosts.keys() | list | sort"],
          fail_msg: "missing: {{ expected_hosts | difference(groups['all']) }}, unexpected: {{ groups['all'] | difference(expected_hosts) }}",
          quiet: true,
        },
      },
      {
        name: 'Check the host vars of each guest',
        'ansible.builtin.assert': {
          that: [
            'hostvars[item.key].proxmox_vmid == item.value.proxmox_vmid',
            'hostvars[item.key].proxmox_node == item.value.proxmox_node',
            'hostvars[item.key].proxmox_type == item.value.proxmox_type',
            "hostvars[item.key].ansible_host | default('') == item.value.ansible_host",
          ],
          fail_msg: '{{ item.key }}: expected {{ item.value }}',
          quiet: true,
        },
        loop: '{{ expected_hosts | dict2items }}',
        loop_control: { label: '{{ item.key }}' },
      },
      {
        name: 'Check the members of each group',
        'ansible.builtin.assert': {
          that: ['groups[item.key] | default([]) | sort == item.value | sort'],
          fail_msg: "{{ item.key }}: expected {{ item.value }}, found {{ groups[item.key] | default([]) | sort }}",
          quiet: true,
        },
        loop: '{{ expected_groups | dict2items }}',
        loop_control: { label: '{{ item.key }}' },
      },
    ],
  };
  const header = [
    generatedHeader(input),
    'Run from the workspace root: ansible-playbook -i ansible/inventory.yml tests/inventory_check.yml',
    'Runs on localhost only (connects to no guest): checks that ansible/inventory.yml still has every guest',
    'with its proxmox_vmid, proxmox_node, proxmox_type and ansible_host, and the groups as generated.',
  ];
  return renderYaml(header, [play]);
}

export const generateTests: Generator = (input: IacInput, options: GeneratorOptions): GeneratedFile[] => [
  { path: TFTEST_PATH, content: renderTftest(input, options) },
  { path: INVENTORY_CHECK_PATH, content: renderInventoryCheck(input) },
];
