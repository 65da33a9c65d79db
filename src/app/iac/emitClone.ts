// `create vm --clone TEMPLATE ... --emit-code`: the new VM as a bpg/proxmox resource with a
// `clone {}` block, for `terraform apply` to clone it. What it is given comes from the same plan
// as the API path (planCreateVm: the clone call, the config update, the disk resize), so the code
// and the direct create agree. The provider's clone also writes some settings that the config
// does not give (on_boot, the agent, CPU sockets, ballooning, the display) and reads others back
// into its state (scsi_hardware, bios): those are written with the template's values, which the
// clone would have kept, so that apply changes nothing the direct create would not have.
import { extractQemuDevices, isCloudInitDrive, type QemuDrive } from '../../proxmox/formats/index.js';
import type { GuestRow } from '../../db/model.js';
import { planCreateVm, type VmCreateSpec, type VmTemplateRef } from '../../operations/create.js';
import { passwordVariableName, renderClonedVm } from '../../generators/terraform/newGuest.js';
import { ExitCode, UserError } from '../userError.js';

type Config = Record<string, string | number>;

export type CloneSpec = VmCreateSpec & { source: { kind: 'clone'; template: VmTemplateRef; full: boolean } };

/** Template settings the clone keeps that the provider would otherwise set to its own defaults. */
const KEPT_FROM_TEMPLATE = ['agent', 'bios', 'machine', 'scsihw', 'sockets', 'cpu', 'balloon', 'onboot', 'vga', 'serial0', 'serial1', 'serial2', 'serial3'];
/** With cloud-init settings the provider reads the whole cloud-init config back (the user and the
 * keys too): what the template has and the settings given do not replace is kept. */
const KEPT_WITH_CLOUD_INIT = ['ciuser', 'sshkeys', 'nameserver', 'searchdomain', 'citype', 'cicustom', 'ciupgrade'];

export function isCloneSpec(spec: VmCreateSpec): spec is CloneSpec {
  return spec.source.kind === 'clone';
}

/** The template's drive under `key` on `storage` (a full copy elsewhere: PVE picks the new
 * volume's name and format) grown to `sizeGiB`. */
function grownDrive(template: Readonly<Config>, key: string, vmid: number, storage: string | undefined, sizeGiB: number): string | undefined {
  const drive = extractQemuDevices(template).disks.find((d) => d.key === key)?.disk as QemuDrive | undefined;
  const text = template[key];
  if (!drive?.storage || text === undefined) return undefined;
  const options = String(text)
    .split(',')
    .slice(1)
    .filter((o) => !o.startsWith('size=') && (storage === undefined || !o.startsWith('format=')));
  const volume = storage === undefined || storage === drive.storage ? `${drive.storage}:${drive.volumeName ?? `vm-${vmid}-disk-0`}` : `${storage}:vm-${vmid}-disk-0`;
  return [volume, ...options, `size=${sizeGiB}G`].join(',');
}

/** What PVE would hold for the new VM, as far as the code manages it, and its GuestRow. */
export function clonedGuest(spec: CloneSpec, template: Readonly<Config>): { row: GuestRow; config: Config } {
  const plan = planCreateVm(spec, { readOnly: false });
  if (!('calls' in plan)) throw new UserError(plan.message, ExitCode.refused);
  const cloneParams = plan.calls[0]!.params ?? {};
  const update = plan.calls.find((c) => c.method === 'PUT' && c.path.endsWith('/config'))?.params ?? {};
  const resize = plan.calls.find((c) => c.path.endsWith('/resize'))?.params;
  const config: Config = {};
  for (const key of KEPT_FROM_TEMPLATE) if (template[key] !== undefined) config[key] = template[key];
  config.name = spec.name;
  if (cloneParams.description !== undefined) config.description = cloneParams.description;
  for (const [key, value] of Object.entries(update)) if (key !== 'cipassword') config[key] = value;
  if (spec.cloudInit) {
    for (const key of KEPT_WITH_CLOUD_INIT) if (template[key] !== undefined && config[key] === undefined) config[key] = template[key];
    // the template's cloud-init drive: the provider would put a new one on local-lvm otherwise
    const drive = extractQemuDevices(template).disks.find((d) => d.bus !== 'efidisk' && d.bus !== 'tpmstate' && isCloudInitDrive(d.disk as QemuDrive));
    if (drive) config[drive.key] = template[drive.key]!;
  }
  if (resize && spec.disk) {
    const key = String(resize.disk);
    const storage = spec.source.full ? (cloneParams.storage as string | undefined) : undefined;
    const drive = grownDrive(template, key, spec.vmid, storage, spec.disk.sizeGiB);
    if (drive !== undefined) config[key] = drive;
  }
  const row: GuestRow = {
    type: 'qemu',
    vmid: spec.vmid,
    node: spec.node,
    name: spec.name,
    status: spec.start ? 'running' : 'stopped',
    template: false,
    tags: spec.tags ?? [],
    ...(spec.pool !== undefined ? { pool: spec.pool } : {}),
    config,
  };
  return { row, config };
}

/** The file's text (without its header) and the variable that carries the password, if any
 * (`password`: one was given, by the spec's value or, with no value, by --password-env). */
export function renderClone(spec: CloneSpec, template: Readonly<Config>, password = spec.cloudInit?.password !== undefined): { row: GuestRow; body: string; passwordVariable?: string } {
  const { row, config } = clonedGuest(spec, template);
  const t = spec.source.template;
  const fullOnto = spec.source.full && spec.disk ? spec.disk.storage : undefined;
  const body = renderClonedVm(row, config, { clone: { vmId: t.vmid, nodeName: t.node, full: spec.source.full, ...(fullOnto !== undefined ? { datastoreId: fullOnto } : {}) }, password });
  return { row, body, ...(password ? { passwordVariable: passwordVariableName(row) } : {}) };
}
