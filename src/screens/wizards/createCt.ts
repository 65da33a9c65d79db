// The create-container wizard as data: node -> hostname and vmid -> template (container
// templates on the node's storages) -> root password or SSH key -> root disk -> CPU, memory,
// swap -> network (bridge, VLAN, DHCP or static) -> unprivileged, nesting, start -> review.
// Checks are the operations layer's (ctSpecProblems); field ids are the spec's paths.
import { formatBytes } from '../../app/output/units.js';
import { createFactsOf } from '../../operations/choices.js';
import { ctCommandLine, ctSpecProblems, type CtCreateSpec } from '../../operations/create.js';
import { dnsNameProblem, sshKeyProblem } from '../../operations/validate.js';
import { safeText } from '../../util/terminalText.js';
import type { WizardDef, WizardValues } from './engine.js';
import { isVaultReference, vaultReferenceProblem } from './vaultPassword.js';
import {
  bridgeField,
  coresField,
  freeOn,
  int,
  ipFields,
  ipOf,
  memoryField,
  memoryOf,
  nodeField,
  sizeField,
  sizeOf,
  startField,
  storageField,
  str,
  tagsField,
  tagsOf,
  vlanField,
  vlanOf,
  vmidField,
  type Choices,
} from './createFields.js';

export function ctSpecOf(v: WizardValues, c: Choices): CtCreateSpec {
  void c;
  const vlan = vlanOf(v);
  const tags = tagsOf(v);
  const password = str(v, 'password');
  const keys = str(v, 'sshKeys').trim();
  return {
    node: str(v, 'node'),
    vmid: int(str(v, 'vmid')),
    hostname: str(v, 'hostname'),
    template: str(v, 'template'),
    ...(password !== '' ? { password } : {}),
    ...(keys !== '' ? { sshKeys: keys } : {}),
    rootfs: { storage: str(v, 'rootfs.storage'), sizeGiB: sizeOf(str(v, 'rootfs.sizeGiB')) },
    cores: int(str(v, 'cores')),
    memoryMiB: memoryOf(str(v, 'memoryMiB')),
    swapMiB: memoryOf(str(v, 'swapMiB')),
    nic: { bridge: str(v, 'nic.bridge'), ...(vlan !== undefined ? { vlan } : {}), ip: ipOf(v, 'nic.ip') },
    unprivileged: v.unprivileged === true,
    nesting: v.nesting === true,
    start: v.start === true,
    ...(tags ? { tags } : {}),
  };
}

export const createCtWizard: WizardDef<Choices> = {
  id: 'create-ct',
  title: 'Create container',
  submitLabel: 'create',
  contextKey: (v) => str(v, 'node'),
  steps: [
    { id: 'node', title: 'Node', fields: [nodeField] },
    {
      id: 'identity',
      title: 'Hostname and VMID',
      fields: [{ id: 'hostname', kind: 'text', label: 'Hostname', help: 'a DNS name: letters, digits, - and .', validate: (v) => (v === '' ? 'a hostname is needed: letters, digits and -, e.g. db-01' : dnsNameProblem(v, 'hostname')) }, vmidField],
    },
    {
      id: 'template',
      title: 'Template',
      fields: [
        {
          id: 'template',
          kind: 'choice',
          label: 'Template',
          options: (_v, c) => c.ctTemplates.map((t) => ({ value: t.volid, label: safeText(t.volid), ...(t.sizeBytes !== undefined ? { detail: formatBytes(t.sizeBytes) } : {}) })),
          empty: 'no container template on this node: download one (pveam download local <template>) or choose another node',
        },
      ],
    },
    {
      id: 'access',
      title: 'Root password or SSH key',
      fields: [
        {
          id: 'password',
          kind: 'secret',
          label: 'Root password',
          help: 'at least 5 characters, or $vault.NAME (read from the vault when it is created); or leave it empty and give a key',
          default: '',
          validate: (v) => vaultReferenceProblem(v),
        },
        { id: 'sshKeys', kind: 'text', label: 'SSH public key', help: 'a line like ssh-ed25519 AAAA... user@host', default: '', validate: (v) => (v.trim() === '' ? undefined : sshKeyProblem(v)) },
      ],
    },
    { id: 'disk', title: 'Root disk', fields: [storageField('rootfs.storage', 'rootdir'), sizeField('rootfs.sizeGiB', '8')] },
    {
      id: 'shape',
      title: 'CPU, memory, swap',
      fields: [coresField, memoryField('memoryMiB', 'Memory', '512', 'MiB, or with a unit: 512, 1G'), memoryField('swapMiB', 'Swap', '512', 'MiB, or with a unit; 0 for none')],
    },
    { id: 'network', title: 'Network', fields: [bridgeField, vlanField, ...ipFields('nic.ip')] },
    {
      id: 'features',
      title: 'Privileges and start',
      fields: [
        { id: 'unprivileged', kind: 'toggle', label: 'Unprivileged', help: 'the safer default: root in the container is not root on the host', default: true },
        { id: 'nesting', kind: 'toggle', label: 'Nesting', help: 'containers or systemd features inside (needed by recent distributions)', default: true },
        startField,
        tagsField,
      ],
    },
  ],
  problems: (v, c) => ctSpecProblems(ctSpecOf(v, c), createFactsOf(c)),
  review: (v, c) => {
    const spec = ctSpecOf(v, c);
    const ip = spec.nic.ip === 'dhcp' ? 'DHCP' : `${spec.nic.ip.cidr}${spec.nic.ip.gateway ? ` via ${spec.nic.ip.gateway}` : ''}`;
    return {
      lines: [
        `CT ${spec.vmid} ${spec.hostname} on ${safeText(spec.node)}`,
        `Template: ${safeText(spec.template)}`,
        `Access:   ${[spec.password === undefined ? '' : isVaultReference(spec.password) ? `root password from ${spec.password}` : 'root password', spec.sshKeys !== undefined ? 'SSH key' : ''].filter(Boolean).join(' and ')}`,
        `Root:     ${spec.rootfs.sizeGiB} GiB on ${safeText(spec.rootfs.storage)}${freeOn(c, spec.rootfs.storage)}`,
        `CPU:      ${spec.cores} core${spec.cores === 1 ? '' : 's'}, memory ${spec.memoryMiB} MiB, swap ${spec.swapMiB} MiB`,
        `Network:  ${safeText(spec.nic.bridge)}${spec.nic.vlan !== undefined ? `, VLAN ${spec.nic.vlan}` : ''}, ${ip}`,
        `Features: ${spec.unprivileged ? 'unprivileged' : 'privileged'}${spec.nesting ? ', nesting' : ''}`,
        `Start:    ${spec.start ? 'yes, once created' : 'no'}${spec.tags ? `   Tags: ${spec.tags.join(', ')}` : ''}`,
      ],
      command: safeText(ctCommandLine(spec)),
    };
  },
};
