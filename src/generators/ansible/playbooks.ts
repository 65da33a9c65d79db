// The playbooks of ansible/: lifecycle ones that drive the Proxmox API from the controller
// (start, stop, snapshot: community.general/community.proxmox proxmox_kvm, proxmox (LXC) and
// proxmox_snap, with exactly the arguments those modules accept), a baseline for the guests
// Ansible can reach over SSH, and site.yml. Credentials are only read from the environment the
// Terraform provider reads too: PROXMOX_VE_ENDPOINT, PROXMOX_VE_INSECURE, and either
// PROXMOX_VE_API_TOKEN or PROXMOX_VE_USERNAME + PROXMOX_VE_PASSWORD (the token wins when both
// are set, as for the provider).
import type { AnsibleNamespace } from '../types.js';
import type { YamlValue } from './yamlOut.js';

type Map = { [key: string]: YamlValue };

const env = (name: string): string => `{{ lookup('ansible.builtin.env', '${name}') }}`;

/** Play vars: the API connection, derived from the Terraform provider's environment. The
 * credentials not in use are empty, and the modules are given `omit` for them: the modules
 * log in with api_password whenever it is set, so it must be absent when a token is used. */
export const API_VARS: Map = {
  proxmox_endpoint: env('PROXMOX_VE_ENDPOINT'),
  proxmox_api_token: env('PROXMOX_VE_API_TOKEN'),
  proxmox_username: env('PROXMOX_VE_USERNAME'),
  proxmox_password: env('PROXMOX_VE_PASSWORD'),
  // https://pve1.example.com:8006/ -> pve1.example.com:8006 (proxmoxer takes host:port).
  proxmox_api_host: "{{ proxmox_endpoint | ansible.builtin.urlsplit('netloc') }}",
  // a token user@realm!tokenid=secret, else PROXMOX_VE_USERNAME (user@realm)
  proxmox_api_user: "{{ proxmox_api_token.split('!')[0] if proxmox_api_token else proxmox_username }}",
  proxmox_api_token_id: "{{ proxmox_api_token.split('=')[0].split('!')[-1] if proxmox_api_token else '' }}",
  proxmox_api_token_secret: "{{ proxmox_api_token.split('=', 1)[-1] if proxmox_api_token else '' }}",
  proxmox_api_password: "{{ '' if proxmox_api_token else proxmox_password }}",
  proxmox_validate_certs: "{{ not (lookup('ansible.builtin.env', 'PROXMOX_VE_INSECURE') | default('false', true) | bool) }}",
};

const API_ARGS: Map = {
  api_host: '{{ proxmox_api_host }}',
  api_user: '{{ proxmox_api_user }}',
  api_password: '{{ proxmox_api_password | default(omit, true) }}',
  api_token_id: '{{ proxmox_api_token_id | default(omit, true) }}',
  api_token_secret: '{{ proxmox_api_token_secret | default(omit, true) }}',
  validate_certs: '{{ proxmox_validate_certs }}',
};

/** A well-formed token, else a user@realm with a password. (No `x if c else y` here: assert
 * wraps each condition in `{% if ... %}`, where Jinja takes no conditional expression.) */
const CREDENTIALS_GIVEN =
  "(proxmox_api_token | length > 0 and proxmox_api_token is ansible.builtin.regex('^[^!=]+![^!=]+=.+$'))" +
  " or (proxmox_api_token | length == 0 and proxmox_username is ansible.builtin.regex('^[^@!]+@[^@!]+$') and proxmox_password | length > 0)";

// Without -e target the play runs on localhost only to say so: `hosts` cannot be left
// undefined (ansible-playbook --syntax-check evaluates it), and stopping every guest is never a
// default.
const CREDENTIALS_CHECK: Map = {
  name: 'Check the target and that the API endpoint and credentials are in the environment',
  'ansible.builtin.assert': {
    that: ['target is defined', 'proxmox_endpoint | length > 0', CREDENTIALS_GIVEN],
    fail_msg:
      'Pass -e target=<host or group>; set PROXMOX_VE_ENDPOINT, and PROXMOX_VE_API_TOKEN (user@realm!tokenid=secret) or PROXMOX_VE_USERNAME (user@realm) and PROXMOX_VE_PASSWORD',
    quiet: true,
  },
};

const NOT_TEMPLATE = "'templates' not in group_names";

export const RUN_HINT = (playbook: string, extra = ''): string[] => [
  `Run: ansible-playbook -i inventory.yml ${playbook} -e target=<host or group>${extra}`,
  'target: a host (web-01), a group (node_pve1, vms, containers, running, tag_web, pool_prod) or a pattern.',
  'The API is reached from this machine with the variables the Terraform provider reads:',
  'PROXMOX_VE_ENDPOINT, and PROXMOX_VE_API_TOKEN (user@realm!tokenid=secret) or PROXMOX_VE_USERNAME',
  '(user@realm) and PROXMOX_VE_PASSWORD (the token wins when both are set); PROXMOX_VE_INSECURE=true',
  'skips the TLS check. The modules need python3-proxmoxer on this machine.',
];

function lifecyclePlay(name: string, pre: Map[], tasks: Map[]): Map[] {
  return [
    {
      name,
      hosts: "{{ target | default('localhost') }}",
      gather_facts: false,
      vars: API_VARS,
      tasks: [CREDENTIALS_CHECK, ...pre, ...tasks],
    },
  ];
}

function powerTask(ns: AnsibleNamespace, kind: 'qemu' | 'lxc', verb: string, state: 'started' | 'stopped', extra: Map): Map {
  const module = kind === 'qemu' ? `${ns}.proxmox_kvm` : `${ns}.proxmox`;
  return {
    name: `${verb} the ${kind === 'qemu' ? 'VM' : 'container'}`,
    [module]: { ...API_ARGS, node: '{{ proxmox_node }}', vmid: '{{ proxmox_vmid }}', state, ...extra },
    delegate_to: 'localhost',
    when: [`proxmox_type == '${kind}'`, NOT_TEMPLATE],
  };
}

export function startPlaybook(ns: AnsibleNamespace): Map[] {
  return lifecyclePlay('Start Proxmox guests', [], [powerTask(ns, 'qemu', 'Start', 'started', {}), powerTask(ns, 'lxc', 'Start', 'started', {})]);
}

export function stopPlaybook(ns: AnsibleNamespace): Map[] {
  // force: stop at once (like pulling the plug) instead of a clean shutdown; timeout: how long
  // the module waits for the guest to stop.
  const extra: Map = { force: '{{ force | default(false) | bool }}', timeout: '{{ stop_timeout | default(120) | int }}' };
  return lifecyclePlay('Stop Proxmox guests', [], [powerTask(ns, 'qemu', 'Stop', 'stopped', extra), powerTask(ns, 'lxc', 'Stop', 'stopped', extra)]);
}

export function snapshotPlaybook(ns: AnsibleNamespace): Map[] {
  const check: Map = {
    name: 'Check the snapshot name',
    'ansible.builtin.assert': {
      that: ["snapname is defined and snapname is ansible.builtin.regex('^[A-Za-z][A-Za-z0-9_-]{1,39}$')"],
      fail_msg: 'Pass -e snapname=<name>: a letter, then letters, digits, _ or - (2 to 40 characters)',
      quiet: true,
    },
  };
  const snap: Map = {
    name: 'Take the snapshot',
    [`${ns}.proxmox_snap`]: {
      ...API_ARGS,
      vmid: '{{ proxmox_vmid | string }}',
      snapname: '{{ snapname }}',
      description: "{{ snapshot_description | default('taken by ansible (proxmox-mpc snapshot.yml)') }}",
      // RAM too, for a running VM when asked (-e vmstate=true); containers have no RAM state.
      vmstate: "{{ (vmstate | default(false) | bool) and proxmox_type == 'qemu' }}",
      timeout: '{{ snapshot_timeout | default(300) | int }}',
      state: 'present',
    },
    delegate_to: 'localhost',
    when: NOT_TEMPLATE,
  };
  return lifecyclePlay('Snapshot Proxmox guests', [check], [snap]);
}

export const BASELINE_PACKAGES = ['ca-certificates', 'curl', 'sudo'];

export function baselinePlaybook(): Map[] {
  return [
    {
      name: 'Baseline for the guests Ansible can reach',
      hosts: "{{ target | default('reachable') }}",
      gather_facts: false,
      become: true,
      vars: { baseline_packages: BASELINE_PACKAGES },
      tasks: [
        { name: 'Wait until the guest answers', 'ansible.builtin.wait_for_connection': { timeout: 120 } },
        { name: 'Gather facts', 'ansible.builtin.setup': { gather_subset: ['!all', 'min'] } },
        { name: 'Install the baseline packages', 'ansible.builtin.package': { name: '{{ baseline_packages }}', state: 'present' } },
        {
          name: 'Install the QEMU guest agent',
          'ansible.builtin.package': { name: 'qemu-guest-agent', state: 'present' },
          when: "proxmox_type == 'qemu'",
        },
        {
          name: 'Run the QEMU guest agent',
          'ansible.builtin.service': { name: 'qemu-guest-agent', state: 'started', enabled: true },
          when: "proxmox_type == 'qemu'",
        },
      ],
    },
  ];
}

export function sitePlaybook(): Map[] {
  return [{ name: 'Baseline', 'ansible.builtin.import_playbook': 'baseline.yml' }];
}
