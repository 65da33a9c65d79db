// The create-VM wizard as data: node -> name and vmid -> install source (an ISO, a clone of a
// template, or none) -> OS type -> CPU and memory -> disk -> network -> cloud-init (a clone)
// -> start and tags -> review with the equivalent command. Every check is the operations
// layer's (vmSpecProblems); field ids are the spec's paths, so PVE's 400 maps back to them.
import { createFactsOf } from '../../operations/choices.js';
import { QEMU_OSTYPES, vmCommandLine, vmSpecProblems, type VmCreateSpec, type VmSource, type VmTemplateRef } from '../../operations/create.js';
import { formatBytes } from '../../app/output/units.js';
import { sshKeyProblem } from '../../operations/validate.js';
import { safeText } from '../../util/terminalText.js';
import type { WizardDef, WizardValues } from './engine.js';
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
import { dnsNameProblem } from '../../operations/validate.js';

const OSTYPE_LABELS: Record<string, string> = {
  l26: 'Linux 6.x - 2.6 kernel',
  l24: 'Linux 2.4 kernel',
  win11: 'Windows 11/2022/2025',
  win10: 'Windows 10/2016/2019',
  win8: 'Windows 8/2012/2012r2',
  win7: 'Windows 7/2008r2',
  wvista: 'Windows Vista/2008',
  w2k8: 'Windows 2008',
  w2k3: 'Windows 2003',
  w2k: 'Windows 2000',
  wxp: 'Windows XP',
  solaris: 'Solaris',
  other: 'other',
};

const source = (v: WizardValues): string => str(v, 'source.kind');
const isClone = (v: WizardValues): boolean => source(v) === 'clone';
/** The chosen template's facts, once read. */
const templateFacts = (v: WizardValues, c: Choices) => (isClone(v) && c.template?.ref === str(v, 'source.template') ? c.template.facts : undefined);
const templateOf = (v: WizardValues, c: Choices): VmTemplateRef | undefined => {
  const t = c.vmTemplates.find((x) => `${x.node}/${x.vmid}` === str(v, 'source.template'));
  const disk = templateFacts(v, c)?.disk;
  return t && disk ? { ...t, disk } : t;
};
/** Cloud-init for a clone, unless the template is known to have no cloud-init drive. */
const hasCloudInit = (v: WizardValues, c: Choices): boolean => isClone(v) && templateFacts(v, c)?.cloudInit !== false;
/** A disk step: a new disk, or a full clone's storage and the size its boot disk grows to
 * (a linked clone stays as the template's, on its storage). */
const hasDiskStep = (v: WizardValues, c: Choices): boolean => !isClone(v) || (v['source.full'] === true && templateOf(v, c)?.disk !== undefined);

export function vmSpecOf(v: WizardValues, c: Choices): VmCreateSpec {
  const kind = source(v);
  const t = templateOf(v, c);
  const src: VmSource =
    kind === 'iso' ? { kind: 'iso', iso: str(v, 'source.iso') } : kind === 'clone' && t ? { kind: 'clone', template: t, full: v['source.full'] === true } : { kind: 'none' };
  const linked = src.kind === 'clone' && !src.full;
  const vlan = vlanOf(v);
  const tags = tagsOf(v);
  const user = str(v, 'cloudInit.user').trim();
  const keys = str(v, 'cloudInit.sshKeys').trim();
  return {
    node: str(v, 'node'),
    vmid: int(str(v, 'vmid')),
    name: str(v, 'name'),
    source: src,
    ostype: str(v, 'ostype') || 'l26',
    cores: int(str(v, 'cores')),
    memoryMiB: memoryOf(str(v, 'memoryMiB')),
    // A linked clone's disk stays on the template's storage; only its size can grow.
    ...(linked || !hasDiskStep(v, c) ? {} : { disk: { storage: str(v, 'disk.storage'), sizeGiB: sizeOf(str(v, 'disk.sizeGiB')) } }),
    nic: { bridge: str(v, 'nic.bridge'), ...(vlan !== undefined ? { vlan } : {}) },
    ...(src.kind === 'clone' && hasCloudInit(v, c) ? { cloudInit: { ...(user ? { user } : {}), ...(keys ? { sshKeys: keys } : {}), ip: ipOf(v, 'cloudInit.ip') } } : {}),
    start: v.start === true,
    ...(tags ? { tags } : {}),
  };
}

export const createVmWizard: WizardDef<Choices> = {
  id: 'create-vm',
  title: 'Create VM',
  submitLabel: 'create',
  contextKey: (v) => `${str(v, 'node')}|${isClone(v) ? str(v, 'source.template') : ''}`,
  steps: [
    { id: 'node', title: 'Node', fields: [nodeField] },
    {
      id: 'identity',
      title: 'Name and VMID',
      fields: [{ id: 'name', kind: 'text', label: 'Name', help: 'a DNS name: letters, digits, - and .', validate: (v) => (v === '' ? 'a name is needed: letters, digits and -, e.g. web-01' : dnsNameProblem(v)) }, vmidField],
    },
    {
      id: 'source',
      title: 'Install source',
      fields: [
        {
          id: 'source.kind',
          kind: 'choice',
          label: 'Source',
          options: () => [
            { value: 'iso', label: 'ISO image', detail: 'boot an installer from storage' },
            { value: 'clone', label: 'clone a template', detail: 'e.g. a cloud image, set up by cloud-init' },
            { value: 'none', label: 'none', detail: 'an empty VM' },
          ],
        },
        {
          id: 'source.iso',
          kind: 'choice',
          label: 'ISO',
          visible: (v) => source(v) === 'iso',
          options: (_v, c) => c.isos.map((i) => ({ value: i.volid, label: safeText(i.volid), ...(i.sizeBytes !== undefined ? { detail: formatBytes(i.sizeBytes) } : {}) })),
          empty: 'no ISO on this node: upload one to a storage with ISO content, or choose clone or none',
        },
        {
          id: 'source.template',
          kind: 'choice',
          label: 'Template',
          visible: isClone,
          options: (_v, c) => c.vmTemplates.map((t) => ({ value: `${t.node}/${t.vmid}`, label: `${t.vmid} ${safeText(t.name)}`, detail: `on ${safeText(t.node)}` })),
          empty: 'the cluster has no VM template: convert a VM to one first, or choose ISO or none',
        },
        { id: 'source.full', kind: 'toggle', label: 'Full copy', help: 'no: a linked clone (fast, needs the template\'s storage)', visible: isClone, default: true },
      ],
    },
    {
      id: 'os',
      title: 'OS type',
      fields: [
        { id: 'ostype', kind: 'choice', label: 'OS type', options: () => QEMU_OSTYPES.map((t) => ({ value: t, label: t, detail: OSTYPE_LABELS[t] ?? '' })), default: (v, c) => templateFacts(v, c)?.ostype ?? 'l26' },
      ],
    },
    { id: 'shape', title: 'CPU and memory', fields: [coresField, memoryField('memoryMiB', 'Memory', '2048', 'MiB, or with a unit: 2048, 2G')] },
    {
      id: 'disk',
      title: 'Disk',
      visible: hasDiskStep,
      fields: [storageField('disk.storage', 'images'), sizeField('disk.sizeGiB', (v, c) => String(templateOf(v, c)?.disk?.sizeGiB ?? 32))],
    },
    { id: 'network', title: 'Network', fields: [bridgeField, vlanField] },
    {
      id: 'cloudinit',
      title: 'Cloud-init',
      visible: hasCloudInit,
      fields: [
        { id: 'cloudInit.user', kind: 'text', label: 'User', help: 'empty: the image\'s default user', default: '' },
        { id: 'cloudInit.sshKeys', kind: 'text', label: 'SSH public key', help: 'paste a line like ssh-ed25519 AAAA... user@host (optional)', default: '', validate: (v) => (v.trim() === '' ? undefined : sshKeyProblem(v)) },
        ...ipFields('cloudInit.ip'),
      ],
    },
    { id: 'finish', title: 'Start and tags', fields: [startField, tagsField] },
  ],
  problems: (v, c) => {
    const cloudInit = templateFacts(v, c)?.cloudInit;
    const out = vmSpecProblems(vmSpecOf(v, c), { ...createFactsOf(c), ...(cloudInit !== undefined ? { templateCloudInit: cloudInit } : {}) });
    // A template without a cloud-init drive is the template's problem.
    if (out.cloudInit !== undefined) out['source.template'] ??= out.cloudInit;
    return out;
  },
  review: (v, c) => {
    const spec = vmSpecOf(v, c);
    const src = spec.source;
    const t = templateOf(v, c);
    return {
      lines: [
        `VM ${spec.vmid} ${spec.name} on ${safeText(spec.node)}`,
        `Source:  ${src.kind === 'iso' ? `ISO ${safeText(src.iso)}` : src.kind === 'clone' ? `${src.full ? 'full' : 'linked'} clone of template ${t ? `${t.vmid} ${safeText(t.name)}` : ''}` : 'none'}`,
        `OS type: ${spec.ostype} (${OSTYPE_LABELS[spec.ostype] ?? ''})`,
        `CPU:     ${spec.cores} core${spec.cores === 1 ? '' : 's'}, memory ${spec.memoryMiB} MiB`,
        `Disk:    ${spec.disk ? `${spec.disk.sizeGiB} GiB on ${safeText(spec.disk.storage)}${src.kind === 'clone' ? ' (a full copy)' : freeOn(c, spec.disk.storage)}` : src.kind === 'clone' ? "the template's, on its storage" : 'none'}`,
        `Network: ${safeText(spec.nic.bridge)}${spec.nic.vlan !== undefined ? `, VLAN ${spec.nic.vlan}` : ''}`,
        ...(spec.cloudInit
          ? [`Cloud-init: ${spec.cloudInit.user ? `user ${spec.cloudInit.user}, ` : ''}${spec.cloudInit.sshKeys ? 'an SSH key, ' : ''}${spec.cloudInit.ip === 'dhcp' ? 'DHCP' : `${spec.cloudInit.ip.cidr}${spec.cloudInit.ip.gateway ? ` via ${spec.cloudInit.ip.gateway}` : ''}`}`]
          : []),
        `Start:   ${spec.start ? 'yes, once created' : 'no'}${spec.tags ? `   Tags: ${spec.tags.join(', ')}` : ''}`,
      ],
      command: safeText(vmCommandLine(spec)),
    };
  },
};
