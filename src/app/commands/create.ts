// `proxmox-mpc create vm|ct`: the flags become a create spec (operations/create.ts), with
// defaults read live from the cluster (the first online node, the next free vmid, the first
// storage that holds disks, vmbr0); every bad flag is told at once, naming the flag and the fix
// (exit 2); then the shared run: --dry-run, --yes, -o json, --no-wait, --timeout, read-only.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { createFactsOf, defaultStorage, loadCreateChoices, loadTemplateFacts, type CreateChoices } from '../../operations/choices.js';
import { parseMemoryMiB } from '../../operations/config.js';
import {
  ctSpecProblems,
  fieldOfParam,
  newGuestTarget,
  planCreateCt,
  planCreateVm,
  vmSpecProblems,
  type CreateFacts,
  type CtCreateSpec,
  type IpSetting,
  type VmCreateSpec,
  type VmSource,
} from '../../operations/create.js';
import type { OperationResult } from '../../operations/types.js';
import { parseSizeGiB } from '../../operations/validate.js';
import { cachePathFor } from '../../db/paths.js';
import { safeText } from '../../util/terminalText.js';
import { createClient, loadConnectionSettings } from '../connect.js';
import { ExitCode } from '../userError.js';
import { cliResolver } from '../../workspace/vaultResolve.js';
import type { EmitPassword } from '../iac/emitCode.js';
import { emitPasswordOf } from '../iac/emitPassword.js';
import { isReadOnly, runPlanned, type OperationCommandOptions } from './operationRun.js';

interface CommonCreateFlags extends OperationCommandOptions {
  node?: string;
  vmid?: string;
  cores?: string;
  memory?: string;
  net?: string;
  vlan?: string;
  firewall?: boolean;
  passwordEnv?: string;
  sshKey?: string[];
  ip?: string;
  gw?: string;
  start?: boolean;
  tags?: string;
  pool?: string;
  description?: string;
  /** Inside a workspace: write the guest as Terraform instead of creating it. */
  emitCode?: boolean;
}

export interface CreateVmFlags extends CommonCreateFlags {
  name?: string;
  iso?: string;
  clone?: string;
  full?: boolean;
  ostype?: string;
  disk?: string;
  nicModel?: string;
  ciUser?: string;
}

export interface CreateCtFlags extends CommonCreateFlags {
  hostname?: string;
  template?: string;
  storage?: string;
  size?: string;
  swap?: string;
  unprivileged?: boolean;
  privileged?: boolean;
  nesting?: boolean;
}

/** The flag each spec field comes from. */
const FLAGS: Record<string, string> = {
  node: '--node',
  vmid: '--vmid',
  name: '--name',
  hostname: '--hostname',
  ostype: '--ostype',
  cores: '--cores',
  memoryMiB: '--memory',
  swapMiB: '--swap',
  'source.iso': '--iso',
  'source.full': '--full',
  source: '--iso/--clone',
  'source.template': '--clone',
  'disk.sizeGiB': '--disk',
  'disk.storage': '--disk',
  'nic.bridge': '--net',
  'nic.vlan': '--vlan',
  'nic.model': '--nic-model',
  cloudInit: '--ci-user/--ssh-key/--ip',
  'cloudInit.user': '--ci-user',
  'cloudInit.password': '--password-env',
  'cloudInit.sshKeys': '--ssh-key',
  'cloudInit.ip': '--ip',
  'cloudInit.ip.gateway': '--gw',
  template: '--template',
  password: '--password-env',
  sshKeys: '--ssh-key',
  'rootfs.storage': '--storage',
  'rootfs.sizeGiB': '--size',
  'nic.ip': '--ip',
  'nic.ip.gateway': '--gw',
  unprivileged: '--unprivileged/--privileged',
  nesting: '--nesting',
  tags: '--tags',
  pool: '--pool',
  description: '--description',
};

const flagOf = (field: string): string => FLAGS[field] ?? field;

/** Problems found while reading the flags, by spec field. */
type Problems = Record<string, string>;

function wholeNumber(text: string | undefined, field: string, what: string, problems: Problems): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) {
    problems[field] = `'${text}' is not a whole number: give ${what}`;
    return undefined;
  }
  return n;
}

function memoryOf(text: string | undefined, field: string, fallback: number, problems: Problems): number {
  if (text === undefined) return fallback;
  const mib = parseMemoryMiB(text);
  if (mib === undefined) problems[field] = `'${text}' is not a memory size: give MiB or a unit, e.g. 2048, 2048M or 2G`;
  return mib ?? fallback;
}

/** Each --ssh-key: a file (a .pub) when one is there, else the key itself. */
function sshKeysOf(values: readonly string[] | undefined, field: string, problems: Problems): string | undefined {
  if (!values?.length) return undefined;
  const keys: string[] = [];
  for (const value of values) {
    const path = value.startsWith('~/') ? `${homedir()}${value.slice(1)}` : value;
    if (existsSync(path) && statSync(path).isFile()) keys.push(readFileSync(path, 'utf8').trim());
    else if (/^[~./]|\.pub$/.test(value) && !/\s/.test(value)) {
      problems[field] = `there is no file '${value}': give the public key's file (e.g. ~/.ssh/id_ed25519.pub) or the key itself in quotes`;
      return undefined;
    } else keys.push(value.trim());
  }
  return keys.join('\n');
}

/** The password in the environment variable `name`; a `$vault.NAME` there is read from the vault
 * (PMC_VAULT_PASSPHRASE or a prompt), now that the create runs. */
function passwordOf(name: string | undefined, field: string, problems: Problems): string | undefined {
  const value = passwordEnvValue(name, field, problems);
  if (name === undefined || value === undefined) return undefined;
  try {
    return cliResolver()(value, `${name}`);
  } catch (error) {
    problems[field] = error instanceof Error ? error.message : String(error);
    return undefined;
  }
}

/** What the environment variable `name` (--password-env) holds. */
function passwordEnvValue(name: string | undefined, field: string, problems: Problems): string | undefined {
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (value === undefined || value === '') {
    problems[field] = `the environment variable ${name} is not set: export ${name}=... (or ${name}='$vault.NAME') first (the password never goes on the command line)`;
    return undefined;
  }
  return value;
}

/** --emit-code: that a password is given and the vault entry it refers to, never its value (the
 * code reads it from TF_VAR_... at plan and apply). */
function emitPasswordFlag(name: string | undefined, field: string, problems: Problems): EmitPassword | undefined {
  const value = passwordEnvValue(name, field, problems);
  if (name === undefined || value === undefined) return undefined;
  const given = emitPasswordOf(value, name);
  if ('problem' in given) {
    problems[field] = given.problem;
    return undefined;
  }
  return given;
}

function ipOf(ip: string | undefined, gw: string | undefined, field: string, problems: Problems): IpSetting | undefined {
  if (ip === undefined) {
    if (gw !== undefined) problems[`${field}.gateway`] = 'a gateway goes with a static address: add --ip ADDRESS/PREFIX';
    return undefined;
  }
  if (ip.toLowerCase() === 'dhcp') {
    if (gw !== undefined) problems[`${field}.gateway`] = 'with --ip dhcp the gateway comes from DHCP: drop --gw, or give a static --ip';
    return 'dhcp';
  }
  return { cidr: ip, ...(gw !== undefined ? { gateway: gw } : {}) };
}

function tagsOf(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text.split(/[,;\s]+/).filter((t) => t !== '');
}

/** A volume named by its volid, or by its file name or the start of it (`debian-12`). */
function volumeOf(text: string, volids: readonly string[] | undefined, field: string, what: string, node: string, problems: Problems): string {
  // Unknown (the node is offline or not there): the node's problem is told instead.
  if (volids === undefined || volids.includes(text) || /^[^/]+:/.test(text)) return text;
  const file = (v: string): string => v.slice(v.indexOf('/') + 1);
  const exact = volids.filter((v) => file(v) === text);
  const matches = exact.length ? exact : volids.filter((v) => file(v).startsWith(text));
  if (matches.length === 1) return matches[0]!;
  problems[field] = matches.length
    ? `'${text}' matches ${matches.length} ${what}s (${matches.join(', ')}): give the whole volume id`
    : `no ${what} matches '${text}' on ${node}: ${volids.length ? `choose one of ${volids.join(', ')}` : `there is none on ${node}`}`;
  return text;
}

/** What depends on the node: not told while the node itself is wrong (its lists are unknown). */
const ON_THE_NODE = ['source.iso', 'template', 'disk.storage', 'rootfs.storage', 'nic.bridge'];

/** Every problem, a line each naming its flag, then exit 2. */
function reportProblems(kind: 'vm' | 'ct', problems: Problems): void {
  if (problems.node !== undefined) for (const field of ON_THE_NODE) delete problems[field];
  for (const [field, message] of Object.entries(problems)) process.stderr.write(`proxmox-mpc: create ${kind}: ${flagOf(field)}: ${safeText(message)}\n`);
  process.exitCode = ExitCode.usage;
}

/** A PVE 400 on a create says which flag each parameter it names came from. */
export function explainFor(type: 'qemu' | 'lxc'): (r: OperationResult) => OperationResult {
  return (r) => {
    if (!r.paramErrors) return r;
    const which = Object.keys(r.paramErrors).map((p) => `${p} is ${flagOf(fieldOfParam(p, type))}`);
    return { ...r, message: `${r.message} (${which.join(', ')})` };
  };
}

/** The cache to refresh afterwards, when there is one. */
function cachePath(opts: OperationCommandOptions): string | undefined {
  try {
    const path = cachePathFor(loadConnectionSettings(opts).profile);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The cluster's choices for `node`; without one, for the node `nodeFor` picks from the first
 * reading (a clone goes on its template's node), else the first online one. */
async function withChoices<T>(
  opts: OperationCommandOptions,
  node: string | undefined,
  fn: (choices: CreateChoices, client: ReturnType<typeof createClient>) => Promise<T>,
  nodeFor?: (choices: CreateChoices) => string | undefined,
): Promise<T> {
  const client = createClient(loadConnectionSettings(opts));
  try {
    let choices = await loadCreateChoices(client, node);
    const better = node === undefined ? nodeFor?.(choices) : undefined;
    if (better !== undefined && better !== choices.node && choices.nodes.some((n) => n.name === better && n.online)) choices = await loadCreateChoices(client, better);
    return await fn(choices, client);
  } finally {
    client.close();
  }
}

/** The fields VMs and containers share, from their flags and the cluster's defaults. */
function commonSpec(flags: CommonCreateFlags, choices: CreateChoices, memoryMiB: number, problems: Problems) {
  const tags = tagsOf(flags.tags);
  return {
    node: choices.node,
    vmid: wholeNumber(flags.vmid, 'vmid', `a vmid from 100 up, or leave --vmid out for the next free one (${choices.nextVmid})`, problems) ?? choices.nextVmid,
    cores: wholeNumber(flags.cores, 'cores', 'a number of cores, e.g. 2', problems) ?? 1,
    memoryMiB: memoryOf(flags.memory, 'memoryMiB', memoryMiB, problems),
    start: flags.start === true,
    ...(tags ? { tags } : {}),
    ...(flags.pool !== undefined ? { pool: flags.pool } : {}),
    ...(flags.description !== undefined ? { description: flags.description } : {}),
  };
}

/** A VM template by vmid or name. */
function templateOf(choices: CreateChoices, ref: string): CreateChoices['vmTemplates'][number] | undefined {
  return choices.vmTemplates.find((t) => String(t.vmid) === ref) ?? choices.vmTemplates.find((t) => t.name === ref);
}

export async function runCreateVm(flags: CreateVmFlags): Promise<void> {
  const problems: Problems = {};
  if (flags.name === undefined) problems.name = 'a name is needed: --name web-01';
  if (flags.iso !== undefined && flags.clone !== undefined) problems.source = 'give either --iso (install from an ISO) or --clone (copy a template), not both';
  if (flags.full && flags.clone === undefined) problems['source.full'] = '--full goes with --clone: drop it, or name the template to clone';
  const built = await withChoices(flags, flags.node, async (choices, client) => {
    const facts: CreateFacts = createFactsOf(choices);
    const node = choices.node;
    let source: VmSource = { kind: 'none' };
    let ostype = flags.ostype;
    let disk: VmCreateSpec['disk'];
    let templateConfig: Record<string, string | number> | undefined;
    if (flags.clone !== undefined) {
      const tpl = templateOf(choices, flags.clone);
      if (!tpl) {
        const list = choices.vmTemplates.map((t) => `${t.name || '(no name)'} (${t.vmid})`);
        problems['source.template'] = `there is no VM template '${flags.clone}': ${list.length ? `choose one of ${list.join(', ')}` : 'the cluster has none (convert a VM to a template first)'}`;
      } else {
        const t = await loadTemplateFacts(client, tpl.node, tpl.vmid);
        facts.templateCloudInit = t.cloudInit;
        facts.templateStorages = t.storages;
        source = { kind: 'clone', template: { ...tpl, ...(t.disk ? { disk: t.disk } : {}) }, full: flags.full === true };
        ostype ??= t.ostype;
        // --emit-code writes what the clone keeps of its template (emitClone.ts)
        if (flags.emitCode) templateConfig = (await client.qemu.config(tpl.node, tpl.vmid)).raw as Record<string, string | number>;
      }
    } else if (flags.iso !== undefined) {
      source = { kind: 'iso', iso: volumeOf(flags.iso, facts.isos, 'source.iso', 'ISO', node, problems) };
    }
    if (flags.disk !== undefined) {
      const m = /^(?:([^:]+):)?(.+)$/.exec(flags.disk)!;
      const size = parseSizeGiB(m[2]!);
      if (size === undefined) problems['disk.sizeGiB'] = `'${flags.disk}' is not a disk: give STORAGE:SIZE or SIZE in GiB, e.g. local-lvm:32 or 32G`;
      if (source.kind === 'clone' && !source.full && m[1] !== undefined) problems['disk.storage'] = "a linked clone stays on the template's storage: give only a size (--disk 20G), or add --full";
      const storage = m[1] ?? defaultStorage(choices, 'images');
      if (storage === undefined) problems['disk.storage'] = `no storage on ${node} holds disk images: name one (--disk STORAGE:SIZE)`;
      disk = { storage: storage ?? '', sizeGiB: size ?? 0 };
    } else if (source.kind !== 'clone') {
      const storage = defaultStorage(choices, 'images');
      if (storage === undefined && facts.storages) problems['disk.storage'] = `no storage on ${node} holds disk images: name one (--disk STORAGE:SIZE)`;
      if (storage !== undefined) disk = { storage, sizeGiB: 32 };
    }
    const vlan = wholeNumber(flags.vlan, 'nic.vlan', 'a VLAN tag from 1 to 4094', problems);
    const ip = ipOf(flags.ip, flags.gw, 'cloudInit.ip', problems);
    const password = flags.emitCode ? undefined : passwordOf(flags.passwordEnv, 'cloudInit.password', problems);
    const emitPassword = flags.emitCode ? emitPasswordFlag(flags.passwordEnv, 'cloudInit.password', problems) : undefined;
    const sshKeys = sshKeysOf(flags.sshKey, 'cloudInit.sshKeys', problems);
    const wantsCloudInit = flags.ciUser !== undefined || password !== undefined || emitPassword !== undefined || sshKeys !== undefined || ip !== undefined;
    const spec: VmCreateSpec = {
      ...commonSpec(flags, choices, 2048, problems),
      name: flags.name ?? '',
      source,
      ostype: ostype ?? 'l26',
      ...(disk ? { disk } : {}),
      nic: { bridge: flags.net ?? 'vmbr0', ...(vlan !== undefined ? { vlan } : {}), ...(flags.nicModel !== undefined ? { model: flags.nicModel } : {}), ...(flags.firewall ? { firewall: true } : {}) },
      ...(wantsCloudInit
        ? { cloudInit: { ip: ip ?? 'dhcp', ...(flags.ciUser !== undefined ? { user: flags.ciUser } : {}), ...(password !== undefined ? { password } : {}), ...(sshKeys !== undefined ? { sshKeys } : {}) } }
        : {}),
    };
    return { spec, templateConfig, emitPassword, problems: { ...vmSpecProblems(spec, facts), ...problems } };
  }, (choices) => (flags.clone !== undefined ? templateOf(choices, flags.clone)?.node : undefined));
  if (Object.keys(built.problems).length > 0) return reportProblems('vm', built.problems);
  const spec = built.spec;
  const readOnly = isReadOnly(flags);
  if (flags.emitCode) {
    const { templateConfig: template, emitPassword: password } = built;
    return (await import('../iac/emitCode.js')).emitCreateCode({ type: 'qemu', spec, ...(template ? { template } : {}), ...(password ? { password } : {}) }, { ...flags, readOnly });
  }
  await runPlanned('create', [newGuestTarget('qemu', spec, spec.name)], () => planCreateVm(spec, { readOnly }), cachePath(flags), flags, { explain: explainFor('qemu') });
}

export async function runCreateCt(flags: CreateCtFlags): Promise<void> {
  const problems: Problems = {};
  if (flags.hostname === undefined) problems.hostname = 'a hostname is needed: --hostname cache-01';
  if (flags.template === undefined) problems.template = 'a container template is needed: --template local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst (or the start of its file name, e.g. debian-12)';
  if (flags.unprivileged && flags.privileged) problems.unprivileged = 'give either --unprivileged (the default) or --privileged, not both';
  if (flags.passwordEnv === undefined && !flags.sshKey?.length) problems.password = 'give a root password (--password-env VAR) or an SSH key (--ssh-key FILE|KEY): without either there is no way in';
  const built = await withChoices(flags, flags.node, async (choices) => {
    const facts = createFactsOf(choices);
    const node = choices.node;
    const template = flags.template !== undefined ? volumeOf(flags.template, facts.ctTemplates, 'template', 'container template', node, problems) : '';
    const storage = flags.storage ?? defaultStorage(choices, 'rootdir');
    if (storage === undefined && facts.storages) problems['rootfs.storage'] = `no storage on ${node} holds container volumes: name one (--storage)`;
    const size = flags.size !== undefined ? parseSizeGiB(flags.size) : 8;
    if (size === undefined) problems['rootfs.sizeGiB'] = `'${flags.size}' is not a size: give GiB or a unit, e.g. 8, 8G or 512M`;
    const vlan = wholeNumber(flags.vlan, 'nic.vlan', 'a VLAN tag from 1 to 4094', problems);
    const password = flags.emitCode ? undefined : passwordOf(flags.passwordEnv, 'password', problems);
    const emitPassword = flags.emitCode ? emitPasswordFlag(flags.passwordEnv, 'password', problems) : undefined;
    const sshKeys = sshKeysOf(flags.sshKey, 'sshKeys', problems);
    const spec: CtCreateSpec = {
      ...commonSpec(flags, choices, 512, problems),
      hostname: flags.hostname ?? '',
      template,
      ...(password !== undefined ? { password } : {}),
      ...(sshKeys !== undefined ? { sshKeys } : {}),
      rootfs: { storage: storage ?? '', sizeGiB: size ?? 0 },
      swapMiB: memoryOf(flags.swap, 'swapMiB', 512, problems),
      nic: { bridge: flags.net ?? 'vmbr0', ip: ipOf(flags.ip, flags.gw, 'nic.ip', problems) ?? 'dhcp', ...(vlan !== undefined ? { vlan } : {}), ...(flags.firewall ? { firewall: true } : {}) },
      unprivileged: flags.privileged !== true,
      nesting: flags.nesting === true,
    };
    const found = ctSpecProblems(spec, facts);
    // --emit-code: the password is given for the code, not in the spec ("no way in" is wrong)
    if (emitPassword !== undefined) delete found.password;
    // A flag's own reading problem says more than the spec's check of what came of it.
    return { spec, emitPassword, problems: { ...found, ...problems } };
  });
  if (Object.keys(built.problems).length > 0) return reportProblems('ct', built.problems);
  const spec = built.spec;
  const readOnly = isReadOnly(flags);
  if (flags.emitCode) {
    const password = built.emitPassword;
    return (await import('../iac/emitCode.js')).emitCreateCode({ type: 'lxc', spec, ...(password ? { password } : {}) }, { ...flags, readOnly });
  }
  await runPlanned('create', [newGuestTarget('lxc', spec, spec.hostname)], () => planCreateCt(spec, { readOnly }), cachePath(flags), flags, { explain: explainFor('lxc') });
}
