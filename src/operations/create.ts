// Creating guests: a VM from an ISO (or with no install medium), a VM cloned from a template
// (a cloud image, set up through cloud-init), a container from a template archive. The same
// specs serve the console's wizards and `proxmox-mpc create vm|ct`: every field is checked at
// once (field -> message), the plan is the exact calls PVE gets, and a PVE 400 is mapped back
// to the field it names. Creating is LOW risk: nothing that exists is touched.
import { printLxcNic, printQemuIpConfig, printQemuNic, QEMU_NIC_MODELS, type QemuNicModel } from '../proxmox/formats/index.js';
import { ProxmoxError } from '../proxmox/errors.js';
import { apiPath } from '../proxmox/params.js';
import { registerSecret } from '../util/redact.js';
import { commonRefusal } from './common.js';
import { parseMemoryMiB, tagProblem } from './config.js';
import { guestLabel, type ApiCall, type GuestTarget, type OperationPlan, type OperationResult, type Refusal } from './types.js';
import { cidrProblem, dnsNameProblem, gatewayProblem, sshKeyProblem, vlanProblem, vmidProblem } from './validate.js';

export type IpSetting = 'dhcp' | { cidr: string; gateway?: string };

export interface NicSpec {
  bridge: string;
  vlan?: number;
  /** qemu only: virtio when absent. */
  model?: string;
  firewall?: boolean;
}

export interface VmTemplateRef {
  node: string;
  vmid: number;
  name: string;
  /** Its boot disk (`scsi0`, 3.5 GiB): a clone's disk grows to `disk.sizeGiB` by a resize. */
  disk?: { key: string; sizeGiB: number };
}

export type VmSource = { kind: 'iso'; iso: string } | { kind: 'clone'; template: VmTemplateRef; full: boolean } | { kind: 'none' };

export interface CloudInitSpec {
  user?: string;
  password?: string;
  sshKeys?: string;
  ip: IpSetting;
}

export interface VmCreateSpec {
  node: string;
  vmid: number;
  name: string;
  source: VmSource;
  /** PVE ostype: l26, win11, other... */
  ostype: string;
  cores: number;
  memoryMiB: number;
  /** iso/none: the new disk; clone: the storage of a full clone, and the size its boot disk
   * grows to (never shrinks). */
  disk?: { storage: string; sizeGiB: number };
  nic: NicSpec;
  /** Only with a clone (of a cloud-image template). */
  cloudInit?: CloudInitSpec;
  start: boolean;
  tags?: string[];
  pool?: string;
  description?: string;
}

export interface CtCreateSpec {
  node: string;
  vmid: number;
  hostname: string;
  /** vztmpl volid, e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst */
  template: string;
  /** At least one of password and sshKeys. */
  password?: string;
  sshKeys?: string;
  rootfs: { storage: string; sizeGiB: number };
  cores: number;
  memoryMiB: number;
  swapMiB: number;
  nic: NicSpec & { ip: IpSetting };
  unprivileged: boolean;
  nesting: boolean;
  start: boolean;
  tags?: string[];
  pool?: string;
  description?: string;
}

/** What the checks compare against, each optional (unknown: not checked). The shapes are
 * CreateChoices' own (choices.ts `createFactsOf` makes these from them). */
export interface CreateFacts {
  usedVmids?: ReadonlySet<number>;
  /** Node names; `offlineNodes` among them are refused. */
  nodes?: readonly string[];
  offlineNodes?: readonly string[];
  /** The chosen node's storages. */
  storages?: readonly { id: string; content: readonly string[]; active: boolean; availBytes?: number; shared?: boolean }[];
  /** The chosen node's bridges. */
  bridges?: readonly string[];
  /** ISO volids on the chosen node. */
  isos?: readonly string[];
  /** Container template volids on the chosen node. */
  ctTemplates?: readonly string[];
  pools?: readonly string[];
  /** The cloned template has a cloud-init drive (false: cloud-init settings would do nothing). */
  templateCloudInit?: boolean;
  /** The storages of the cloned template's disks (a clone to another node needs them shared). */
  templateStorages?: readonly string[];
}

/** PVE's ostype values for VMs. */
export const QEMU_OSTYPES = ['l26', 'l24', 'win11', 'win10', 'win8', 'win7', 'wvista', 'w2k8', 'w2k3', 'w2k', 'wxp', 'solaris', 'other'] as const;

const GiB = 1024 ** 3;
const MAX_CORES = 8192;

/** Problems shared by both kinds: node, vmid, cores, memory, tags, pool, description. */
function commonProblems(spec: { node: string; vmid: number; cores: number; memoryMiB: number; tags?: string[]; pool?: string; description?: string }, facts: CreateFacts, out: Record<string, string>): void {
  if (spec.node === '') out.node = 'a node is needed: name the node the guest goes on';
  else if (facts.nodes && !facts.nodes.includes(spec.node)) out.node = `there is no node '${spec.node}' in the cluster: choose one of ${facts.nodes.join(', ')}`;
  else if (facts.offlineNodes?.includes(spec.node)) {
    const online = (facts.nodes ?? []).filter((n) => !facts.offlineNodes!.includes(n));
    out.node = `node ${spec.node} is offline: ${online.length ? `choose one of ${online.join(', ')}` : 'no node is online'}`;
  }
  const vmid = vmidProblem(spec.vmid, facts.usedVmids);
  if (vmid) out.vmid = vmid;
  if (!Number.isInteger(spec.cores) || spec.cores < 1 || spec.cores > MAX_CORES) out.cores = `'${spec.cores}' cores: use a whole number from 1 to ${MAX_CORES}`;
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 16) out.memoryMiB = `${spec.memoryMiB} MiB of memory: use at least 16 MiB, e.g. 2048 or 2G`;
  const badTag = spec.tags?.map(tagProblem).find((p) => p !== undefined);
  if (badTag) out.tags = badTag;
  if (spec.pool !== undefined && facts.pools && !facts.pools.includes(spec.pool)) {
    out.pool = `there is no pool '${spec.pool}'${facts.pools.length ? `: choose one of ${facts.pools.join(', ')}` : ' (the cluster has none)'}`;
  }
  if (spec.description !== undefined && Buffer.byteLength(spec.description) > 8192) out.description = 'the description is longer than 8 KiB: shorten it';
}

/** A storage for new volumes of `content` with room for `sizeGiB`. */
function storageProblem(id: string, content: 'images' | 'rootdir', sizeGiB: number | undefined, facts: CreateFacts, node: string): string | undefined {
  if (!facts.storages) return undefined;
  const fitting = facts.storages.filter((s) => s.content.includes(content) && s.active).map((s) => s.id);
  const what = content === 'images' ? 'disk images' : 'container volumes';
  const choose = fitting.length ? `choose one of ${fitting.join(', ')}` : `no storage on ${node} holds ${what}`;
  const s = facts.storages.find((x) => x.id === id);
  if (!s) return `there is no storage '${id}' on ${node}: ${choose}`;
  if (!s.content.includes(content)) return `storage '${id}' does not hold ${what}: ${choose}`;
  if (!s.active) return `storage '${id}' is not active on ${node}: ${choose}`;
  if (sizeGiB !== undefined && s.availBytes !== undefined && sizeGiB * GiB > s.availBytes) {
    return `storage '${id}' has ${(s.availBytes / GiB).toFixed(1)} GiB free, not ${sizeGiB} GiB: choose a smaller size or another storage`;
  }
  return undefined;
}

function sizeProblem(sizeGiB: number): string | undefined {
  return Number.isFinite(sizeGiB) && sizeGiB > 0 ? undefined : `'${sizeGiB}' is not a disk size: give GiB above zero, e.g. 32 or 32G (512M for half a GiB)`;
}

function bridgeProblems(nic: NicSpec, facts: CreateFacts, node: string, out: Record<string, string>): void {
  if (nic.bridge === '') out['nic.bridge'] = 'a bridge is needed: e.g. vmbr0';
  else if (facts.bridges && !facts.bridges.includes(nic.bridge)) {
    out['nic.bridge'] = `there is no bridge '${nic.bridge}' on ${node}: ${facts.bridges.length ? `choose one of ${facts.bridges.join(', ')}` : 'the node has none'}`;
  }
  if (nic.vlan !== undefined) {
    const p = vlanProblem(nic.vlan);
    if (p) out['nic.vlan'] = p;
  }
}

function ipProblems(ip: IpSetting, field: string, out: Record<string, string>): void {
  if (ip === 'dhcp') return;
  const c = cidrProblem(ip.cidr);
  if (c) out[field] = c;
  if (ip.gateway !== undefined) {
    const g = gatewayProblem(ip.gateway, ip.cidr);
    if (g) out[`${field}.gateway`] = g;
  }
}

export function vmSpecProblems(spec: VmCreateSpec, facts: CreateFacts = {}): Record<string, string> {
  const out: Record<string, string> = {};
  commonProblems(spec, facts, out);
  const name = dnsNameProblem(spec.name);
  if (name) out.name = name;
  if (!(QEMU_OSTYPES as readonly string[]).includes(spec.ostype)) out.ostype = `'${spec.ostype}' is not an OS type PVE knows: use one of ${QEMU_OSTYPES.join(', ')}`;
  const src = spec.source;
  if (src.kind === 'iso') {
    if (!/^[a-z][a-z0-9\-_.]*[a-z0-9]:iso\/.+\.(iso|img)$/i.test(src.iso)) out['source.iso'] = `'${src.iso}' is not an ISO volume: write it as storage:iso/file.iso, e.g. local:iso/debian-12.iso`;
    else if (facts.isos && !facts.isos.includes(src.iso)) {
      out['source.iso'] = `there is no ISO '${src.iso}' on ${spec.node}: ${facts.isos.length ? `choose one of ${facts.isos.join(', ')}` : 'upload one to a storage with ISO content first'}`;
    }
  }
  if (spec.disk) {
    const size = sizeProblem(spec.disk.sizeGiB);
    if (size) out['disk.sizeGiB'] = size;
    const cloneDisk = src.kind === 'clone' ? src.template.disk : undefined;
    if (!size && cloneDisk && spec.disk.sizeGiB < cloneDisk.sizeGiB) {
      out['disk.sizeGiB'] = `the template's disk is ${cloneDisk.sizeGiB} GiB and a disk can only grow: give ${cloneDisk.sizeGiB} GiB or more`;
    }
    const linked = src.kind === 'clone' && !src.full;
    if (!linked) {
      // A full clone's size is the template's (grown later): only the new disk's is checked for room.
      const storage = storageProblem(spec.disk.storage, 'images', src.kind === 'clone' || size ? undefined : spec.disk.sizeGiB, facts, spec.node);
      if (storage) out['disk.storage'] = storage;
    }
  }
  if (src.kind === 'clone' && src.template.node !== spec.node && facts.storages && facts.templateStorages && !out.node) {
    const shared = (id: string): boolean => facts.storages!.find((s) => s.id === id)?.shared === true;
    const local = src.full && spec.disk && shared(spec.disk.storage) ? [] : facts.templateStorages.filter((id) => !shared(id));
    if (local.length) {
      const t = src.template;
      out.node = `template ${t.name || t.vmid} has disks on ${local.join(', ')}, local to ${t.node}: create the clone on ${t.node} (and migrate it), or make a full clone onto a shared storage`;
    }
  }
  if (spec.nic.model !== undefined && !(QEMU_NIC_MODELS as readonly string[]).includes(spec.nic.model)) {
    out['nic.model'] = `'${spec.nic.model}' is not a NIC model: use virtio (best), e1000e, e1000, rtl8139 or vmxnet3`;
  }
  bridgeProblems(spec.nic, facts, spec.node, out);
  if (spec.cloudInit) {
    if (src.kind !== 'clone') out.cloudInit = 'cloud-init settings need a clone of a cloud-image template: choose a template to clone, or drop them';
    else if (facts.templateCloudInit === false) out.cloudInit = `template ${src.template.name || src.template.vmid} has no cloud-init drive: clone a cloud-image template, or drop the cloud-init settings`;
    const ci = spec.cloudInit;
    if (ci.user !== undefined && !/^[a-z_][a-z0-9_-]*\$?$/i.test(ci.user)) out['cloudInit.user'] = `'${ci.user}' is not a user name: letters, digits, _ and -, starting with a letter, e.g. admin`;
    if (ci.sshKeys !== undefined) {
      const p = sshKeyProblem(ci.sshKeys);
      if (p) out['cloudInit.sshKeys'] = p;
    }
    ipProblems(ci.ip, 'cloudInit.ip', out);
  }
  return out;
}

export function ctSpecProblems(spec: CtCreateSpec, facts: CreateFacts = {}): Record<string, string> {
  const out: Record<string, string> = {};
  commonProblems(spec, facts, out);
  const name = dnsNameProblem(spec.hostname, 'hostname');
  if (name) out.hostname = name;
  if (!/^[a-z][a-z0-9\-_.]*[a-z0-9]:vztmpl\/.+/i.test(spec.template)) {
    out.template = `'${spec.template}' is not a container template: write it as storage:vztmpl/file, e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst`;
  } else if (facts.ctTemplates && !facts.ctTemplates.includes(spec.template)) {
    out.template = `there is no container template '${spec.template}' on ${spec.node}: ${facts.ctTemplates.length ? `choose one of ${facts.ctTemplates.join(', ')}` : 'download one first (pveam download local <template>)'}`;
  }
  if (spec.password === undefined && spec.sshKeys === undefined) out.password = 'give a root password or an SSH key: without either there is no way in';
  if (spec.password !== undefined && spec.password.length < 5) out.password = 'the root password is shorter than 5 characters: PVE wants at least 5';
  if (spec.sshKeys !== undefined) {
    const p = sshKeyProblem(spec.sshKeys);
    if (p) out.sshKeys = p;
  }
  const size = sizeProblem(spec.rootfs.sizeGiB);
  if (size) out['rootfs.sizeGiB'] = size;
  const storage = storageProblem(spec.rootfs.storage, 'rootdir', size ? undefined : spec.rootfs.sizeGiB, facts, spec.node);
  if (storage) out['rootfs.storage'] = storage;
  if (!Number.isInteger(spec.swapMiB) || spec.swapMiB < 0) out.swapMiB = `${spec.swapMiB} MiB of swap: use 0 or more, e.g. 512`;
  bridgeProblems(spec.nic, facts, spec.node, out);
  ipProblems(spec.nic.ip, 'nic.ip', out);
  return out;
}

/** The guest to be, as plans and results name it. */
export function newGuestTarget(type: 'qemu' | 'lxc', spec: { node: string; vmid: number }, name: string): GuestTarget {
  return { type, vmid: spec.vmid, node: spec.node, name, status: 'absent', template: false };
}

/** `32`, `0.5`: GiB as PVE's STORAGE:SIZE syntax takes it. */
const gib = (n: number): string => String(Number(n.toFixed(3)));

function isV6(cidr: string): boolean {
  return cidr.includes(':');
}

/** `ip=dhcp`, `ip=10.0.0.5/24,gw=10.0.0.1`, `ip6=2001:db8::5/64,gw6=...` as property-string fields. */
function ipFields(ip: IpSetting): { ip?: 'dhcp' | { address: string; prefixLength: number }; gw?: string; ip6?: { address: string; prefixLength: number }; gw6?: string } {
  if (ip === 'dhcp') return { ip: 'dhcp' };
  const [address, prefix] = ip.cidr.split('/') as [string, string];
  const value = { address, prefixLength: Number(prefix) };
  if (isV6(ip.cidr)) return { ip6: value, ...(ip.gateway !== undefined ? { gw6: ip.gateway } : {}) };
  return { ip: value, ...(ip.gateway !== undefined ? { gw: ip.gateway } : {}) };
}

function qemuNet(nic: NicSpec): string {
  return printQemuNic({ model: (nic.model ?? 'virtio') as QemuNicModel, bridge: nic.bridge, ...(nic.vlan !== undefined ? { tag: nic.vlan } : {}), ...(nic.firewall ? { firewall: true } : {}) });
}

/** PVE's `sshkeys` is URL-encoded (as the web UI sends it). */
export function encodeSshKeys(keys: string): string {
  return encodeURIComponent(keys).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function startCall(type: 'qemu' | 'lxc', spec: { node: string; vmid: number }): ApiCall {
  return { method: 'POST', path: apiPath`/nodes/${spec.node}/${type}/${spec.vmid}/status/start` };
}

function extras(spec: { tags?: string[]; pool?: string; description?: string }): Record<string, string> {
  return {
    ...(spec.tags?.length ? { tags: spec.tags.join(';') } : {}),
    ...(spec.pool !== undefined ? { pool: spec.pool } : {}),
    ...(spec.description ? { description: spec.description } : {}),
  };
}

export function planCreateVm(spec: VmCreateSpec, ctx: { readOnly: boolean }): OperationPlan | Refusal {
  const target = newGuestTarget('qemu', spec, spec.name);
  const refusal = commonRefusal('create', target, ctx);
  if (refusal) return refusal;
  const label = guestLabel(target);
  const src = spec.source;
  const calls: ApiCall[] = [];
  const steps: string[] = [];
  const shape = `${spec.cores} core${spec.cores === 1 ? '' : 's'}, ${spec.memoryMiB} MiB`;
  const net = `${spec.nic.bridge}${spec.nic.vlan !== undefined ? ` VLAN ${spec.nic.vlan}` : ''}`;
  let summary: string;
  if (src.kind === 'clone') {
    const t = src.template;
    const full = src.full;
    const clone: Record<string, string | number> = { newid: spec.vmid, name: spec.name, full: full ? 1 : 0 };
    if (spec.node !== t.node) clone.target = spec.node;
    if (full && spec.disk) clone.storage = spec.disk.storage;
    if (spec.pool !== undefined) clone.pool = spec.pool;
    if (spec.description) clone.description = spec.description;
    calls.push({ method: 'POST', path: apiPath`/nodes/${t.node}/qemu/${t.vmid}/clone`, params: clone });
    steps.push('clone');
    const config: Record<string, string | number> = { cores: spec.cores, memory: spec.memoryMiB, ostype: spec.ostype, net0: qemuNet(spec.nic) };
    const ci = spec.cloudInit;
    if (ci) {
      if (ci.user !== undefined) config.ciuser = ci.user;
      if (ci.password !== undefined) {
        registerSecret('guest-password', ci.password);
        config.cipassword = ci.password;
      }
      if (ci.sshKeys !== undefined) config.sshkeys = encodeSshKeys(ci.sshKeys.trim());
      config.ipconfig0 = printQemuIpConfig(ipFields(ci.ip));
    }
    if (spec.tags?.length) config.tags = spec.tags.join(';');
    calls.push({ method: 'PUT', path: apiPath`/nodes/${spec.node}/qemu/${spec.vmid}/config`, params: config });
    steps.push('config update');
    if (spec.disk && t.disk && spec.disk.sizeGiB > t.disk.sizeGiB) {
      calls.push({ method: 'PUT', path: apiPath`/nodes/${spec.node}/qemu/${spec.vmid}/resize`, params: { disk: t.disk.key, size: `${gib(spec.disk.sizeGiB)}G` } });
      steps.push('disk resize');
    }
    const how = full ? `a full copy${spec.disk ? ` on ${spec.disk.storage}` : ''}` : 'a linked clone';
    summary = `create ${label} on ${spec.node} as ${how} of template ${t.name || t.vmid} (${t.vmid}): ${shape}${calls.length > 2 ? `, disk grown to ${gib(spec.disk!.sizeGiB)} GiB` : ''}, ${net}${ci ? `, cloud-init ${ci.ip === 'dhcp' ? 'DHCP' : ci.ip.cidr}` : ''}`;
  } else {
    const params: Record<string, string | number> = { vmid: spec.vmid, name: spec.name, ostype: spec.ostype, cores: spec.cores, memory: spec.memoryMiB };
    if (spec.disk) {
      params.scsihw = 'virtio-scsi-single';
      params.scsi0 = `${spec.disk.storage}:${gib(spec.disk.sizeGiB)}`;
    }
    if (src.kind === 'iso') params.ide2 = `${src.iso},media=cdrom`;
    params.net0 = qemuNet(spec.nic);
    Object.assign(params, extras(spec));
    calls.push({ method: 'POST', path: apiPath`/nodes/${spec.node}/qemu`, params });
    steps.push('create');
    summary = `create ${label} on ${spec.node}${src.kind === 'iso' ? ` booting ${src.iso}` : ''}: ${shape}, ${spec.disk ? `${gib(spec.disk.sizeGiB)} GiB on ${spec.disk.storage}` : 'no disk'}, ${net}`;
  }
  if (spec.start) {
    calls.push(startCall('qemu', spec));
    steps.push('start');
  }
  return {
    action: 'create',
    target,
    risk: 'low',
    calls,
    summary: `${summary}${spec.start ? ', then start it' : ''}`,
    steps,
    ifFailedAtFirst: 'nothing was created',
    ifFailedAfterFirst: `${label} exists, stopped: fix it and start it, or delete it (proxmox-mpc delete vm ${spec.vmid} --yes)`,
  };
}

export function planCreateCt(spec: CtCreateSpec, ctx: { readOnly: boolean }): OperationPlan | Refusal {
  const target = newGuestTarget('lxc', spec, spec.hostname);
  const refusal = commonRefusal('create', target, ctx);
  if (refusal) return refusal;
  const label = guestLabel(target);
  const params: Record<string, string | number> = { vmid: spec.vmid, hostname: spec.hostname, ostemplate: spec.template };
  if (spec.password !== undefined) {
    registerSecret('guest-password', spec.password);
    params.password = spec.password;
  }
  if (spec.sshKeys !== undefined) params['ssh-public-keys'] = spec.sshKeys.trim();
  params.rootfs = `${spec.rootfs.storage}:${gib(spec.rootfs.sizeGiB)}`;
  params.cores = spec.cores;
  params.memory = spec.memoryMiB;
  params.swap = spec.swapMiB;
  params.net0 = printLxcNic({ name: 'eth0', bridge: spec.nic.bridge, ...(spec.nic.vlan !== undefined ? { tag: spec.nic.vlan } : {}), ...(spec.nic.firewall ? { firewall: true } : {}), ...ipFields(spec.nic.ip) });
  params.unprivileged = spec.unprivileged ? 1 : 0;
  if (spec.nesting) params.features = 'nesting=1';
  Object.assign(params, extras(spec));
  const calls: ApiCall[] = [{ method: 'POST', path: apiPath`/nodes/${spec.node}/lxc`, params }];
  const steps = ['create'];
  if (spec.start) {
    calls.push(startCall('lxc', spec));
    steps.push('start');
  }
  const ip = spec.nic.ip === 'dhcp' ? 'DHCP' : spec.nic.ip.cidr;
  return {
    action: 'create',
    target,
    risk: 'low',
    calls,
    summary: `create ${label} on ${spec.node} from ${spec.template}: ${spec.cores} core${spec.cores === 1 ? '' : 's'}, ${spec.memoryMiB} MiB (+${spec.swapMiB} MiB swap), ${gib(spec.rootfs.sizeGiB)} GiB on ${spec.rootfs.storage}, ${spec.nic.bridge} ${ip}, ${spec.unprivileged ? 'unprivileged' : 'privileged'}${spec.nesting ? ', nesting' : ''}${spec.start ? ', then start it' : ''}`,
    steps,
    ifFailedAtFirst: 'nothing was created',
    ifFailedAfterFirst: `${label} exists, stopped: fix it and start it, or delete it (proxmox-mpc delete ct ${spec.vmid} --yes)`,
  };
}

// ---- the equivalent command line ---------------------------------------------------------

/** A word as a POSIX shell reads it back. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function line(words: (string | undefined | false)[]): string {
  return words.filter((w): w is string => typeof w === 'string').map(shellWord).join(' ');
}

function ipWords(ip: IpSetting): string[] {
  return ip === 'dhcp' ? ['--ip', 'dhcp'] : ['--ip', ip.cidr, ...(ip.gateway !== undefined ? ['--gw', ip.gateway] : [])];
}

/** SSH keys on a command line: a file the user has, else the key itself (keys are public). */
function keyWords(keys: string | undefined): string[] {
  if (keys === undefined) return [];
  return keys.split(/\r?\n/).map((k) => k.trim()).filter((k) => k !== '' && !k.startsWith('#')).flatMap((k) => ['--ssh-key', k]);
}

function commonWords(spec: { tags?: string[]; pool?: string; description?: string; start: boolean }): string[] {
  return [
    ...(spec.tags?.length ? ['--tags', spec.tags.join(',')] : []),
    ...(spec.pool !== undefined ? ['--pool', spec.pool] : []),
    ...(spec.description ? ['--description', spec.description] : []),
    ...(spec.start ? ['--start'] : []),
  ];
}

/** `proxmox-mpc create vm ...` for this spec; a password shows as --password-env (the
 * environment variable the command reads it from), never itself. */
export function vmCommandLine(spec: VmCreateSpec): string {
  const src = spec.source;
  const words: string[] = ['proxmox-mpc', 'create', 'vm', '--name', spec.name, '--node', spec.node, '--vmid', String(spec.vmid)];
  if (src.kind === 'iso') words.push('--iso', src.iso);
  if (src.kind === 'clone') words.push('--clone', src.template.name || String(src.template.vmid), ...(src.full ? ['--full'] : []));
  words.push('--ostype', spec.ostype, '--cores', String(spec.cores), '--memory', String(spec.memoryMiB));
  // A linked clone stays on its template's storage: its --disk is only the size to grow to.
  if (spec.disk) words.push('--disk', src.kind === 'clone' && !src.full ? gib(spec.disk.sizeGiB) : `${spec.disk.storage}:${gib(spec.disk.sizeGiB)}`);
  words.push('--net', spec.nic.bridge);
  if (spec.nic.vlan !== undefined) words.push('--vlan', String(spec.nic.vlan));
  if (spec.nic.model !== undefined && spec.nic.model !== 'virtio') words.push('--nic-model', spec.nic.model);
  if (spec.nic.firewall) words.push('--firewall');
  const ci = spec.cloudInit;
  if (ci) {
    if (ci.user !== undefined) words.push('--ci-user', ci.user);
    if (ci.password !== undefined) words.push('--password-env', 'PMC_CI_PASSWORD');
    words.push(...keyWords(ci.sshKeys), ...ipWords(ci.ip));
  }
  words.push(...commonWords(spec));
  return line(words);
}

export function ctCommandLine(spec: CtCreateSpec): string {
  const words: string[] = ['proxmox-mpc', 'create', 'ct', '--hostname', spec.hostname, '--node', spec.node, '--vmid', String(spec.vmid), '--template', spec.template];
  if (spec.password !== undefined) words.push('--password-env', 'PMC_CT_PASSWORD');
  words.push(...keyWords(spec.sshKeys));
  words.push('--storage', spec.rootfs.storage, '--size', `${gib(spec.rootfs.sizeGiB)}G`);
  words.push('--cores', String(spec.cores), '--memory', String(spec.memoryMiB), '--swap', String(spec.swapMiB));
  words.push('--net', spec.nic.bridge);
  if (spec.nic.vlan !== undefined) words.push('--vlan', String(spec.nic.vlan));
  if (spec.nic.firewall) words.push('--firewall');
  words.push(...ipWords(spec.nic.ip));
  words.push(spec.unprivileged ? '--unprivileged' : '--privileged');
  if (spec.nesting) words.push('--nesting');
  words.push(...commonWords(spec));
  return line(words);
}

// ---- PVE's answer mapped back to the fields ---------------------------------------------

const QEMU_FIELDS: Record<string, string> = {
  vmid: 'vmid',
  newid: 'vmid',
  name: 'name',
  node: 'node',
  target: 'node',
  ostype: 'ostype',
  cores: 'cores',
  memory: 'memoryMiB',
  scsi0: 'disk.sizeGiB',
  storage: 'disk.storage',
  ide2: 'source.iso',
  net0: 'nic.bridge',
  ciuser: 'cloudInit.user',
  cipassword: 'cloudInit.password',
  sshkeys: 'cloudInit.sshKeys',
  ipconfig0: 'cloudInit.ip',
  tags: 'tags',
  pool: 'pool',
  description: 'description',
  full: 'source.full',
  size: 'disk.sizeGiB',
};

const LXC_FIELDS: Record<string, string> = {
  vmid: 'vmid',
  node: 'node',
  hostname: 'hostname',
  ostemplate: 'template',
  password: 'password',
  'ssh-public-keys': 'sshKeys',
  rootfs: 'rootfs.sizeGiB',
  storage: 'rootfs.storage',
  cores: 'cores',
  memory: 'memoryMiB',
  swap: 'swapMiB',
  net0: 'nic.ip',
  unprivileged: 'unprivileged',
  features: 'nesting',
  tags: 'tags',
  pool: 'pool',
  description: 'description',
};

/** The spec field a PVE parameter of a create sets (its own name when the specs lack it). */
export function fieldOfParam(param: string, type: 'qemu' | 'lxc'): string {
  return (type === 'qemu' ? QEMU_FIELDS : LXC_FIELDS)[param] ?? param;
}

/** A PVE 400 (parameter verification failed) as spec field -> PVE's message; a parameter the
 * specs do not have keeps its PVE name. Takes the error, or the failed result executePlan made
 * of it (its `paramErrors`). Undefined for any other error. */
export function fieldErrorsOf(error: unknown, type: 'qemu' | 'lxc'): Record<string, string> | undefined {
  const errors =
    error instanceof ProxmoxError ? (error.kind === 'parameter' ? error.details.errors : undefined) : typeof error === 'object' && error !== null && 'outcome' in error ? (error as OperationResult).paramErrors : undefined;
  if (!errors) return undefined;
  const out: Record<string, string> = {};
  for (const [param, message] of Object.entries(errors)) {
    const field = fieldOfParam(param, type);
    const text = message.trim();
    out[field] = out[field] ? `${out[field]}; ${text}` : text;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Re-exported for the wizards: memory as typed (2048, 2G) -> MiB. */
export { parseMemoryMiB };
