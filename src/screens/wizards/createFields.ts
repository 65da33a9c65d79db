// Fields both create wizards share (node, vmid, CPU and memory, storage, bridge, VLAN, an IP
// setting), read from the cluster's choices (src/operations/choices.ts). Text from the API is
// passed through safeText before it is shown; values stay as PVE named them.
import { formatBytes } from '../../app/output/units.js';
import type { CreateChoices, TemplateFacts } from '../../operations/choices.js';
import { parseMemoryMiB } from '../../operations/config.js';
import type { IpSetting } from '../../operations/create.js';
import { cidrProblem, gatewayProblem, parseSizeGiB, vlanProblem, vmidProblem } from '../../operations/validate.js';
import { safeText } from '../../util/terminalText.js';
import type { ChoiceFieldDef, FieldDef, TextFieldDef, WizardValues } from './engine.js';

/** The cluster's choices for the chosen node, and for a clone the chosen template's facts
 * (its boot disk, OS type, whether it has a cloud-init drive). */
export type Choices = CreateChoices & { template?: { ref: string; facts: TemplateFacts } };

export const str = (values: WizardValues, id: string): string => {
  const v = values[id];
  return typeof v === 'string' ? v : '';
};

/** A whole number typed, else NaN (the spec checks then name the field). */
export const int = (text: string): number => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

export const nodeField: ChoiceFieldDef<Choices> = {
  id: 'node',
  kind: 'choice',
  label: 'Node',
  help: 'the node the guest runs on; its storages, bridges and ISOs are offered next',
  options: (_v, c) =>
    c.nodes.map((n) => ({
      value: n.name,
      label: safeText(n.name),
      detail: n.online ? [n.cpus !== undefined ? `${n.cpus} CPUs` : '', n.memFreeBytes !== undefined ? `${formatBytes(n.memFreeBytes)} memory free` : ''].filter(Boolean).join(', ') : 'offline',
    })),
  default: (_v, c) => c.node,
  empty: 'the cluster lists no node: check the connection (r syncs)',
};

export const vmidField: TextFieldDef<Choices> = {
  id: 'vmid',
  kind: 'number',
  label: 'VMID',
  help: 'the next free one is proposed',
  default: (_v, c) => String(c.nextVmid),
  validate: (v, _values, c) => {
    const n = int(v);
    if (Number.isNaN(n)) return `'${v}' is not a vmid: a whole number, e.g. ${c.nextVmid} (the next free one)`;
    return vmidProblem(n, c.usedVmids);
  },
};

export const coresField: TextFieldDef<Choices> = {
  id: 'cores',
  kind: 'number',
  label: 'CPU cores',
  default: '2',
  validate: (v) => (Number.isNaN(int(v)) ? `'${v}' cores: a whole number, e.g. 2` : undefined),
};

export const memoryField = (id: string, label: string, fallback: string, help: string): TextFieldDef<Choices> => ({
  id,
  kind: 'text',
  label,
  default: fallback,
  help,
  validate: (v) => (parseMemoryMiB(v) === undefined ? `'${v}' is not a size: MiB, or with a unit: 2048, 2G, 512M` : undefined),
});

const GiB = 1024 ** 3;

/** Storages of the chosen node that hold `content`, with their free space. */
export const storageField = (id: string, content: 'images' | 'rootdir', visible?: FieldDef<Choices>['visible']): ChoiceFieldDef<Choices> => ({
  id,
  kind: 'choice',
  label: 'Storage',
  options: (_v, c) =>
    c.storages
      .filter((s) => s.content.includes(content))
      .map((s) => ({
        value: s.id,
        label: safeText(s.id),
        detail: `${safeText(s.type)}${s.availBytes !== undefined ? `, ${formatBytes(s.availBytes)} free` : ''}${s.totalBytes !== undefined ? ` of ${formatBytes(s.totalBytes)}` : ''}${s.active ? '' : ', inactive'}`,
      })),
  default: (_v, c) => {
    const fitting = c.storages.filter((s) => s.active && s.content.includes(content));
    // The one with the most room, local first (as defaultStorage does).
    return (fitting.find((s) => s.shared !== true) ?? fitting[0])?.id;
  },
  empty: `no storage on this node holds ${content === 'images' ? 'disk images' : 'container volumes'}: choose another node (Esc back)`,
  ...(visible ? { visible } : {}),
});

export const sizeField = (id: string, fallback: string | ((values: WizardValues, c: Choices) => string), visible?: FieldDef<Choices>['visible']): TextFieldDef<Choices> => ({
  id,
  kind: 'text',
  label: 'Size',
  default: fallback,
  help: 'GiB, or with a unit: 32, 32G, 512M',
  validate: (v) => (parseSizeGiB(v) === undefined ? `'${v}' is not a disk size: GiB above zero, e.g. 32 or 32G (512M for half a GiB)` : undefined),
  ...(visible ? { visible } : {}),
});

export const sizeOf = (text: string): number => parseSizeGiB(text) ?? Number.NaN;
export const memoryOf = (text: string): number => parseMemoryMiB(text) ?? Number.NaN;

export const bridgeField: ChoiceFieldDef<Choices> = {
  id: 'nic.bridge',
  kind: 'choice',
  label: 'Bridge',
  options: (_v, c) =>
    c.bridges.map((b) => ({ value: b.name, label: safeText(b.name), detail: [b.comment ? safeText(b.comment) : '', b.vlanAware ? 'VLAN aware' : ''].filter(Boolean).join(', ') })),
  default: (_v, c) => (c.bridges.some((b) => b.name === 'vmbr0') ? 'vmbr0' : c.bridges[0]?.name),
  empty: 'this node has no bridge: create one (vmbr0) or choose another node (Esc back)',
};

export const vlanField: TextFieldDef<Choices> = {
  id: 'nic.vlan',
  kind: 'number',
  label: 'VLAN tag',
  help: 'empty: untagged',
  default: '',
  validate: (v) => (v.trim() === '' ? undefined : Number.isNaN(int(v)) ? `'${v}' is not a VLAN tag: a whole number from 1 to 4094, or empty` : vlanProblem(int(v))),
};

export const vlanOf = (values: WizardValues): number | undefined => (str(values, 'nic.vlan').trim() === '' ? undefined : int(str(values, 'nic.vlan')));

/** DHCP or a static address with its gateway, as `<prefix>`, `<prefix>.gateway`, and a mode. */
export function ipFields(prefix: string, visible: (v: WizardValues) => boolean = () => true): FieldDef<Choices>[] {
  const isStatic = (v: WizardValues): boolean => visible(v) && str(v, `${prefix}Mode`) === 'static';
  return [
    { id: `${prefix}Mode`, kind: 'choice', label: 'IP', options: () => [{ value: 'dhcp', label: 'DHCP' }, { value: 'static', label: 'static' }], visible },
    { id: prefix, kind: 'text', label: 'Address/prefix', help: 'e.g. 192.168.1.50/24', visible: isStatic, validate: (v) => (v.trim() === '' ? 'a static IP needs an address: e.g. 192.168.1.50/24 (or choose DHCP)' : cidrProblem(v)) },
    {
      id: `${prefix}.gateway`,
      kind: 'text',
      label: 'Gateway',
      help: 'empty: none',
      visible: isStatic,
      validate: (v, values) => (v.trim() === '' ? undefined : gatewayProblem(v, cidrProblem(str(values, prefix)) === undefined ? str(values, prefix) : undefined)),
    },
  ];
}

export function ipOf(values: WizardValues, prefix: string): IpSetting {
  if (str(values, `${prefix}Mode`) !== 'static') return 'dhcp';
  const gateway = str(values, `${prefix}.gateway`).trim();
  return { cidr: str(values, prefix).trim(), ...(gateway !== '' ? { gateway } : {}) };
}

export const startField: FieldDef<Choices> = { id: 'start', kind: 'toggle', label: 'Start it once created', default: true };

export const tagsField: TextFieldDef<Choices> = { id: 'tags', kind: 'text', label: 'Tags', help: 'optional, separated by spaces or commas', default: '' };

export const tagsOf = (values: WizardValues): string[] | undefined => {
  const tags = str(values, 'tags').split(/[\s,;]+/).filter(Boolean);
  return tags.length ? tags : undefined;
};

/** Free space as the review says it. */
export const freeOn = (c: Choices, storage: string): string => {
  const s = c.storages.find((x) => x.id === storage);
  return s?.availBytes !== undefined ? ` (${formatBytes(s.availBytes)} free)` : '';
};

export { GiB };
