// `create vm|ct ... --emit-code` inside a workspace: the new guest written as Terraform (its own
// file under terraform/) instead of created through the API, so that create -> validate -> plan
// -> apply works. The spec becomes the config PVE would store for it (the create call's
// parameters, disks as allocated volumes), rendered by the same generator as an existing guest.
// No secret is written: a clone's cloud-init password and a container's root password come from
// a sensitive variable declared in the file (TF_VAR_<name> at plan and apply; the value given
// here is never read: a `$vault.NAME` reference only names where to get it), a container's SSH
// keys are written as they are (public keys); what else is given is left out, and said so. A
// clone of a template is written with a clone {} block (emitClone.ts).
// The file has no managed marker: it is the user's (generate never overwrites nor removes it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '@cdktn/hcl-tools';
import type { GuestRow } from '../../db/model.js';
import { planCreateCt, planCreateVm, type CtCreateSpec, type VmCreateSpec } from '../../operations/create.js';
import { generateTerraform } from '../../generators/terraform/index.js';
import { passwordVariableName, renderNewContainer } from '../../generators/terraform/newGuest.js';
import { DEFAULT_GENERATOR_OPTIONS, type GeneratorOptions } from '../../generators/types.js';
import { commentText } from '../../generators/terraform/hcl.js';
import { guestFilePath } from '../../generators/terraform/names.js';
import { requireWorkspace } from '../../workspace/project.js';
import { atomicWrite } from '../../workspace/writeFiles.js';
import { safeText } from '../../util/terminalText.js';
import type { OutputFormat } from '../output/format.js';
import { ExitCode, UserError } from '../userError.js';
import { readGuestResources } from './drift.js';
import { isCloneSpec, renderClone } from './emitClone.js';
import { readTerraformDir } from './driftCommand.js';

/** A password given for the new guest (--password-env). The code reads it from a sensitive
 * variable at plan and apply, so its value is not needed here; `vault` names the vault entry the
 * environment variable referred to (`$vault.NAME`), to say where the value is. */
export interface EmitPassword {
  vault?: string;
}

/** What to write; a clone also needs its template's config (what the clone keeps of it). A
 * password is given by `password`, or by a value in the spec (never read, only its presence). */
export type EmitSpec = ({ type: 'qemu'; spec: VmCreateSpec; template?: Readonly<Record<string, string | number>> } | { type: 'lxc'; spec: CtCreateSpec }) & { password?: EmitPassword };

export interface EmittedGuest {
  path: string;
  content: string;
  /** The variable that carries the password (TF_VAR_<it> at plan and apply). */
  passwordVariable?: string;
  /** The vault entry that holds it. */
  passwordVault?: string;
}

export interface EmitOptions {
  output?: OutputFormat;
  dryRun?: boolean;
  readOnly?: boolean;
}

export interface EmitIo {
  cwd: string;
  stdout: NodeJS.WritableStream;
}

/** The config PVE stores for a guest created with these parameters (volumes allocated). */
export function configFromCreateParams(type: 'qemu' | 'lxc', vmid: number, params: Readonly<Record<string, string | number>>): Record<string, string | number> {
  const config: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params)) {
    if (['vmid', 'ostemplate', 'password', 'ssh-public-keys', 'cipassword', 'start', 'pool'].includes(key)) continue;
    config[key] = value;
  }
  let n = 0;
  for (const key of Object.keys(config)) {
    const m = /^([^:,]+):(\d+(?:\.\d+)?)(,.*)?$/.exec(String(config[key]));
    const isDisk = type === 'qemu' ? /^(scsi|virtio|sata|ide)\d+$/.test(key) && !String(config[key]).includes('media=cdrom') : key === 'rootfs' || /^mp\d+$/.test(key);
    if (!isDisk || !m) continue;
    const volume = type === 'qemu' ? `vm-${vmid}-disk-${n++}` : `subvol-${vmid}-disk-${n++}`;
    config[key] = `${m[1]}:${volume}${m[3] ?? ''},size=${m[2]}G`;
  }
  return config;
}

/** A GuestRow for the guest the spec would create. */
export function guestRowOf(e: EmitSpec, params: Readonly<Record<string, string | number>>): GuestRow {
  const s = e.spec;
  return {
    type: e.type,
    vmid: s.vmid,
    node: s.node,
    name: e.type === 'qemu' ? e.spec.name : e.spec.hostname,
    status: s.start ? 'running' : 'stopped',
    template: false,
    tags: s.tags ?? [],
    ...(s.pool !== undefined ? { pool: s.pool } : {}),
    config: configFromCreateParams(e.type, s.vmid, params),
  };
}

function givenPassword(e: EmitSpec): EmitPassword | undefined {
  if (e.password) return e.password;
  return (e.type === 'qemu' ? e.spec.cloudInit?.password : e.spec.password) !== undefined ? {} : undefined;
}

/** Which password it is: `root password`. */
function passwordNoun(e: EmitSpec): string {
  return e.type === 'qemu' ? 'cloud-init password' : 'root password';
}

/** The shell words that set the password's variable: from the vault, or a placeholder. */
function exportLine(variable: string, vault: string | undefined): string {
  return vault !== undefined ? `export TF_VAR_${variable}="$(proxmox-mpc vault get ${vault} --reveal)"` : `export TF_VAR_${variable}=<the password>`;
}

/** The file's comment lines about where the password comes from. */
function passwordNotes(e: EmitSpec, variable: string, vault: string | undefined): string[] {
  const notes = [`# The ${passwordNoun(e)} is not in this file: export TF_VAR_${variable} before plan and apply.`];
  if (vault !== undefined) notes.push(`# It is in the vault as ${vault}: ${exportLine(variable, vault)}`);
  return notes;
}

/** `--ssh-key` values (one key a line; a key file may hold several) as the provider's list. */
function sshKeyList(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((k) => k.trim())
    .filter((k) => k !== '' && !k.startsWith('#'));
}

export async function renderNewGuest(e: EmitSpec, generate: GeneratorOptions = DEFAULT_GENERATOR_OPTIONS): Promise<EmittedGuest> {
  const password = givenPassword(e);
  const vault = password?.vault !== undefined ? { passwordVault: password.vault } : {};
  if (e.type === 'qemu' && isCloneSpec(e.spec)) {
    if (!e.template) throw new Error('a clone is written from its template config');
    const { row, body, passwordVariable } = renderClone(e.spec, e.template, password !== undefined);
    const t = e.spec.source.template;
    const notes = [
      `# Written by proxmox-mpc create vm --emit-code: VM ${e.spec.vmid} does not exist yet; terraform apply creates it`,
      `# as ${e.spec.source.full ? 'a full copy' : 'a linked clone'} of template ${commentText(t.name || String(t.vmid))} (${t.vmid} on ${t.node}). What is not written here is the template's.`,
      '# This file is yours: proxmox-mpc generate never overwrites it.',
    ];
    if (passwordVariable) notes.push(...passwordNotes(e, passwordVariable, password?.vault));
    return { path: guestFilePath(row), content: await format(`${notes.join('\n')}\n${body}`), ...(passwordVariable ? { passwordVariable, ...vault } : {}) };
  }
  const plan = e.type === 'qemu' ? planCreateVm(e.spec, { readOnly: false }) : planCreateCt(e.spec, { readOnly: false });
  if (!('calls' in plan)) throw new UserError(plan.message, ExitCode.refused);
  const params = plan.calls[0]!.params ?? {};
  const row = guestRowOf(e, params);
  const path = guestFilePath(row);
  const notes = [
    `# Written by proxmox-mpc create ${e.type === 'qemu' ? 'vm' : 'ct'} --emit-code: ${e.type === 'qemu' ? 'VM' : 'CT'} ${e.spec.vmid} does not exist yet;`,
    '# terraform apply creates it. This file is yours: proxmox-mpc generate never overwrites it.',
  ];
  if (e.type === 'lxc') {
    // The template, the root password and the keys are the creation's: PVE keeps none of them
    // in the config the generator reads, so the spec gives them.
    const body = renderNewContainer(row, row.config!, { template: e.spec.template, password: password !== undefined, sshKeys: sshKeyList(e.spec.sshKeys) });
    const passwordVariable = password !== undefined ? passwordVariableName(row) : undefined;
    if (passwordVariable) notes.push(...passwordNotes(e, passwordVariable, password?.vault));
    return { path, content: await format(`${notes.join('\n')}\n${body}`), ...(passwordVariable ? { passwordVariable, ...vault } : {}) };
  }
  const file = generateTerraform({ profile: 'new', nodes: [], guests: [row], storage: [], pools: [] }, generate).find((f) => f.path === path);
  if (!file) throw new Error(`the generator wrote no ${path}`);
  if (password !== undefined) notes.push('# The cloud-init password given is not written here (no secret in code).');
  // the generator's notes about importing an existing guest do not apply to a new one
  const body = file.content.replace(/^# .*adopted by the import in imports\.tf\.\n/m, '').replace(/^ *# The provider looks for the CD-ROM on ide3 until its state.*\n/m, '');
  const content = await format(`${notes.join('\n')}\n${body}`);
  return { path, content };
}

export async function emitCreateCode(e: EmitSpec, opts: EmitOptions, io: EmitIo = { cwd: process.cwd(), stdout: process.stdout }): Promise<void> {
  const ws = requireWorkspace(io.cwd, 'create --emit-code');
  if (opts.readOnly) throw new UserError('read-only mode: --emit-code writes into the workspace for a later apply; drop --read-only to write it', ExitCode.refused);
  const { path, content, passwordVariable, passwordVault } = await renderNewGuest(e, ws.config.generate);
  const existing = await readGuestResources(readTerraformDir(ws.root));
  const clash = existing.resources.find((r) => r.vmid === e.spec.vmid);
  if (clash) {
    throw new UserError(`vm_id ${e.spec.vmid} is already in the code (${clash.file}${clash.line ? `:${clash.line}` : ''} ${clash.address}): pick another --vmid`, ExitCode.refused);
  }
  const abs = join(ws.root, path);
  if (existsSync(abs)) throw new UserError(`${path} exists already: move it away or pick another name`, ExitCode.refused);
  if (opts.dryRun) {
    io.stdout.write(opts.output === 'json' ? `${JSON.stringify({ path, written: false, content }, null, 2)}\n` : content);
    return;
  }
  atomicWrite(abs, content);
  if (opts.output === 'json') {
    const variables = passwordVariable ? { variables: [`TF_VAR_${passwordVariable}`], ...(passwordVault !== undefined ? { vault: { [`TF_VAR_${passwordVariable}`]: passwordVault } } : {}) } : {};
    io.stdout.write(`${JSON.stringify({ path, written: true, type: e.type, vmid: e.spec.vmid, node: e.spec.node, ...variables }, null, 2)}\n`);
  } else {
    io.stdout.write(`wrote ${safeText(path)} (${e.type}/${e.spec.vmid} on ${safeText(e.spec.node)}): next proxmox-mpc validate, then proxmox-mpc plan and apply\n`);
    if (passwordVariable) io.stdout.write(`the ${passwordNoun(e)} is not in the file: ${exportLine(passwordVariable, passwordVault)} before plan and apply\n`);
  }
}
