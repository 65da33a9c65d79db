// One proxmox_virtual_environment_vm resource from a VM's cached config. What is written is
// what the provider reads back after `terraform import` (bpg/proxmox 0.111, vmReadCustom), so
// that a plan on an imported VM shows no changes to the VM; where the provider cannot express
// a setting or reads it back differently, a comment says so instead of a guess.
import type { GuestRow } from '../../db/model.js';
import {
  extractQemuDevices,
  isCdrom,
  isCloudInitDrive,
  parseQemuAgent,
  parseQemuBoot,
  parseQemuIpConfig,
  parseQemuMemory,
  type QemuDevices,
  type QemuDrive,
  type QemuEfiDisk,
  type QemuNic,
  type QemuTpmState,
} from '../../proxmox/formats/index.js';
import { ConfigReader, formatFromVolume, guestTags, ipv4Text, ipv6Text, parseStartup, propertyPairs, wholeGiB } from './config.js';
import { attr, blank, block, bool, comment, list, num, str, strList, varRef, type Node } from './hcl.js';

/** The provider's ip_config limit in 0.111.x (32 after it). */
const MAX_IP_CONFIGS = 8;
const SERIAL_KEYS = ['serial0', 'serial1', 'serial2', 'serial3'];

/** Keys PVE keeps for itself (not settings anyone declares). */
const PVE_OWN = ['meta', 'vmgenid', 'parent', 'lock', 'digest', 'pending', 'runningmachine', 'runningcpu', 'snaptime', 'vmstate'];

/** A VM that does not exist yet, to be made by cloning a template (`create vm --clone
 * --emit-code`). */
export interface VmCloneSource {
  /** The template's vmid and node. */
  vmId: number;
  nodeName: string;
  /** A full copy (true), or a linked clone sharing the template's disks. */
  full: boolean;
  /** Where a full copy's disks go (the template's storage when absent). */
  datastoreId?: string;
}

export interface VmBodyOptions {
  /** Written as a clone of this template: a `clone {}` block. */
  clone?: VmCloneSource;
  /** The Terraform variable (declared elsewhere, sensitive) that sets the cloud-init password:
   * the password itself is never written. */
  passwordVariable?: string;
}

/** The `clone {}` block. `full` is always written: the provider's default (a full copy) is not
 * PVE's nor proxmox-mpc's (a linked clone). */
export function cloneBlock(source: VmCloneSource): Node {
  const body: Node[] = [attr('vm_id', num(source.vmId)), attr('node_name', str(source.nodeName)), attr('full', bool(source.full))];
  if (source.datastoreId !== undefined) body.push(attr('datastore_id', str(source.datastoreId)));
  return block('clone', [], body);
}

export function vmBody(guest: GuestRow, config: Readonly<Record<string, string | number>>, options: VmBodyOptions = {}): Node[] {
  const cfg = new ConfigReader(config);
  cfg.use(...PVE_OWN);
  const notes: string[] = [];
  const top: Node[] = [];
  const blocks: Node[] = [];

  top.push(attr('node_name', str(guest.node)), attr('vm_id', num(guest.vmid)));
  const name = cfg.str('name');
  if (name !== undefined) top.push(attr('name', str(name)));
  const description = cfg.str('description');
  if (description !== undefined) top.push(attr('description', str(description)));
  const tags = guestTags(guest, cfg);
  if (tags.length) top.push(attr('tags', strList(tags)));
  top.push(attr('on_boot', bool(cfg.bool('onboot') ?? false)));
  const template = cfg.bool('template') ?? guest.template;
  if (template) top.push(attr('template', bool(true)), attr('started', bool(false)));
  else top.push(attr('started', bool(guest.status === 'running')));
  if (!template && guest.status !== 'running' && guest.status !== 'stopped') {
    notes.push(`PVE reports this VM as ${guest.status}; the provider counts only "running" as started.`);
  }
  if (guest.pool) top.push(attr('pool_id', str(guest.pool)));
  const bios = cfg.str('bios');
  if (bios !== undefined) top.push(attr('bios', str(bios)));
  const machine = cfg.str('machine');
  if (machine !== undefined) top.push(attr('machine', str(machine)));
  // PVE's own default is lsi; the provider's is virtio-scsi-pci, so say which.
  top.push(attr('scsi_hardware', str(cfg.str('scsihw') ?? 'lsi')));
  const keyboard = cfg.str('keyboard');
  if (keyboard !== undefined) top.push(attr('keyboard_layout', str(keyboard)));
  if (cfg.bool('acpi') === false) top.push(attr('acpi', bool(false)));
  if (cfg.bool('tablet') === false) top.push(attr('tablet_device', bool(false)));
  if (cfg.bool('protection')) top.push(attr('protection', bool(true)));
  const hotplug = cfg.str('hotplug');
  if (hotplug !== undefined) top.push(attr('hotplug', str(hotplug)));
  const args = cfg.str('args');
  if (args !== undefined && args.trim() !== '') top.push(attr('kvm_arguments', str(args)));
  const hookscript = cfg.str('hookscript');
  if (hookscript !== undefined) top.push(attr('hook_script_file_id', str(hookscript)));
  const boot = cfg.str('boot');
  if (boot !== undefined) {
    try {
      const parsed = parseQemuBoot(boot);
      if (parsed.order.length) top.push(attr('boot_order', strList(parsed.order)));
      else notes.push(`boot "${boot}" (the legacy form) is not written: the provider takes boot_order only.`);
    } catch {
      notes.push(`boot "${boot}" could not be read.`);
    }
  }
  cfg.use('bootdisk');

  agentBlock(cfg, blocks, notes);
  cpuBlock(cfg, blocks, notes);
  memoryBlock(cfg, blocks, notes);
  const ostype = cfg.str('ostype');
  if (ostype !== undefined) blocks.push(block('operating_system', [], [attr('type', str(ostype))]));
  const devs = extractQemuDevices(cfg.config);
  devices(cfg, devs, blocks, notes);
  serialBlocks(cfg, blocks, notes);
  vgaBlock(cfg, blocks);
  const audio = cfg.str('audio0');
  if (audio !== undefined) {
    const p = propertyPairs(audio, 'device');
    const body: Node[] = [];
    if (p.has('device')) body.push(attr('device', str(p.get('device')!)));
    if (p.has('driver')) body.push(attr('driver', str(p.get('driver')!)));
    blocks.push(block('audio_device', [], body));
  }
  const startup = cfg.str('startup');
  if (startup !== undefined) blocks.push(startupBlock(startup));
  initialization(cfg, devs, blocks, notes, options.passwordVariable);

  const unmapped = cfg.unused();
  if (unmapped.length) notes.push(`Not managed here (the provider cannot express them or does not read them back): ${unmapped.join(', ')}.`);

  const body: Node[] = [...top];
  if (options.clone) body.push(blank, cloneBlock(options.clone));
  for (const b of blocks) body.push(blank, b);
  if (notes.length) {
    body.push(blank);
    for (const n of notes) body.push(...comment(n));
  }
  return body;
}

function agentBlock(cfg: ConfigReader, blocks: Node[], notes: string[]): void {
  const raw = cfg.config.agent;
  cfg.use('agent');
  if (raw === undefined) return;
  try {
    const agent = parseQemuAgent(raw);
    const body: Node[] = [attr('enabled', bool(agent.enabled))];
    if (agent.fstrim_cloned_disks) body.push(attr('trim', bool(true)));
    if (agent.type) body.push(attr('type', str(agent.type)));
    blocks.push(block('agent', [], body));
    if (agent['freeze-fs-on-backup'] !== undefined) notes.push('agent freeze-fs-on-backup is not managed here.');
  } catch {
    notes.push(`agent "${String(raw)}" could not be read.`);
  }
}

function cpuBlock(cfg: ConfigReader, blocks: Node[], notes: string[]): void {
  const body: Node[] = [attr('cores', num(cfg.num('cores') ?? 1)), attr('sockets', num(cfg.num('sockets') ?? 1))];
  const cpu = cfg.str('cpu');
  if (cpu !== undefined) {
    const p = propertyPairs(cpu, 'cputype');
    const type = p.get('cputype');
    if (type !== undefined) body.push(attr('type', str(type)));
    const flags = p.get('flags');
    if (flags !== undefined) body.push(attr('flags', strList(flags.split(';').filter((f) => f !== ''))));
    const rest = [...p.keys()].filter((k) => k !== 'cputype' && k !== 'flags').sort();
    if (rest.length) notes.push(`cpu ${rest.join(', ')} (in "${cpu}") not managed here.`);
  }
  const arch = cfg.str('arch');
  if (arch !== undefined) body.push(attr('architecture', str(arch)));
  if (cfg.bool('numa')) body.push(attr('numa', bool(true)));
  const vcpus = cfg.num('vcpus');
  if (vcpus !== undefined) body.push(attr('hotplugged', num(vcpus)));
  const limit = cfg.num('cpulimit');
  if (limit !== undefined) body.push(attr('limit', num(limit)));
  const units = cfg.num('cpuunits');
  if (units !== undefined) body.push(attr('units', num(units)));
  const affinity = cfg.str('affinity');
  if (affinity !== undefined) body.push(attr('affinity', str(affinity)));
  blocks.push(block('cpu', [], body));
}

function memoryBlock(cfg: ConfigReader, blocks: Node[], notes: string[]): void {
  let dedicated = 512;
  const raw = cfg.config.memory;
  cfg.use('memory');
  if (raw !== undefined) {
    try {
      dedicated = parseQemuMemory(raw).current;
    } catch {
      notes.push(`memory "${String(raw)}" could not be read; PVE's default of 512 MiB is written.`);
    }
  }
  const body: Node[] = [attr('dedicated', num(dedicated))];
  const balloon = cfg.num('balloon');
  if (balloon !== undefined) body.push(attr('floating', num(balloon)));
  const hugepages = cfg.str('hugepages');
  if (hugepages !== undefined) body.push(attr('hugepages', str(hugepages)));
  if (cfg.bool('keephugepages')) body.push(attr('keep_hugepages', bool(true)));
  blocks.push(block('memory', [], body));
}

function diskBody(key: string, disk: QemuDrive, notes: string[]): Node[] | undefined {
  if (!disk.storage) {
    notes.push(`${key} (${disk.file}) is not a storage volume: the provider cannot manage it.`);
    return undefined;
  }
  const body: Node[] = [attr('datastore_id', str(disk.storage)), attr('interface', str(key))];
  const gib = wholeGiB(disk.size?.bytes);
  if (gib !== undefined) body.push(attr('size', num(gib)));
  else if (disk.size) notes.push(`${key} is ${disk.size.text}, not a whole number of GiB (the provider's unit): its size is not written.`);
  const format = disk.format ?? formatFromVolume(disk.volumeName);
  if (format !== undefined) body.push(attr('file_format', str(format)));
  if (disk.iothread) body.push(attr('iothread', bool(true)));
  if (disk.ssd) body.push(attr('ssd', bool(true)));
  if (disk.discard) body.push(attr('discard', str(disk.discard)));
  if (disk.cache) body.push(attr('cache', str(disk.cache)));
  if (disk.aio) body.push(attr('aio', str(disk.aio)));
  if (disk.backup === false) body.push(attr('backup', bool(false)));
  if (disk.replicate === false) body.push(attr('replicate', bool(false)));
  if (disk.serial !== undefined) body.push(attr('serial', str(disk.serial)));
  const speed: Node[] = [];
  const speeds: Array<[keyof QemuDrive, string]> = [
    ['iops_rd', 'iops_read'],
    ['iops_rd_max', 'iops_read_burstable'],
    ['iops_wr', 'iops_write'],
    ['iops_wr_max', 'iops_write_burstable'],
    ['mbps_rd', 'read'],
    ['mbps_rd_max', 'read_burstable'],
    ['mbps_wr', 'write'],
    ['mbps_wr_max', 'write_burstable'],
  ];
  for (const [from, to] of speeds) {
    const v = disk[from];
    if (typeof v === 'number') speed.push(attr(to, num(v)));
  }
  if (speed.length) body.push(block('speed', [], speed));
  const handled = new Set<string>(['file', 'storage', 'volumeName', 'size', 'format', 'iothread', 'ssd', 'discard', 'cache', 'aio', 'backup', 'replicate', 'serial', 'media', ...speeds.map(([k]) => k)]);
  const rest = Object.keys(disk).filter((k) => !handled.has(k)).sort();
  if (rest.length) notes.push(`${key} ${rest.join(', ')} not managed here.`);
  return body;
}

function nicBody(key: string, nic: QemuNic, notes: string[]): Node[] {
  const body: Node[] = [attr('bridge', str(nic.bridge ?? ''))];
  body.push(attr('model', str(nic.model)));
  if (nic.macaddr !== undefined) body.push(attr('mac_address', str(nic.macaddr)));
  if (nic.tag !== undefined) body.push(attr('vlan_id', num(nic.tag)));
  if (nic.firewall) body.push(attr('firewall', bool(true)));
  if (nic.link_down) body.push(attr('disconnected', bool(true)));
  if (nic.mtu !== undefined) body.push(attr('mtu', num(nic.mtu)));
  if (nic.queues !== undefined) body.push(attr('queues', num(nic.queues)));
  if (nic.rate !== undefined) body.push(attr('rate_limit', num(nic.rate)));
  if (nic.trunks?.length) body.push(attr('trunks', str(nic.trunks.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(';'))));
  if (!nic.bridge) notes.push(`${key} has no bridge (user-mode networking).`);
  return body;
}

function devices(cfg: ConfigReader, devs: QemuDevices, blocks: Node[], notes: string[]): void {
  for (const e of devs.errors) {
    if (e.configKey) cfg.use(e.configKey);
    notes.push(`${e.configKey ?? 'a device'} could not be read: it is not written.`);
  }
  let cdromDone = false;
  const disks: Node[] = [];
  for (const entry of devs.disks) {
    cfg.use(entry.key);
    if (entry.bus === 'efidisk') {
      const efi: QemuEfiDisk = entry.disk;
      const body: Node[] = [attr('datastore_id', str(efi.storage ?? ''))];
      const format = efi.format ?? formatFromVolume(efi.volumeName);
      if (format !== undefined) body.push(attr('file_format', str(format)));
      body.push(attr('type', str(efi.efitype ?? '2m')));
      if (efi['pre-enrolled-keys']) body.push(attr('pre_enrolled_keys', bool(true)));
      blocks.push(block('efi_disk', [], body));
      if (efi['ms-cert']) notes.push(`efidisk0 ms-cert=${efi['ms-cert']} is not managed here.`);
      continue;
    }
    if (entry.bus === 'tpmstate') {
      const tpm: QemuTpmState = entry.disk;
      blocks.push(block('tpm_state', [], [attr('datastore_id', str(tpm.storage ?? ''))]));
      if (tpm.version && tpm.version !== 'v2.0') {
        notes.push(`tpmstate0 is ${tpm.version}; the provider reads every TPM state back as v2.0 and would replace the VM over it, so version is left at its default.`);
      }
      continue;
    }
    const disk = entry.disk;
    if (isCloudInitDrive(disk)) continue; // written in initialization
    if (isCdrom(disk)) {
      if (cdromDone) {
        notes.push(`${entry.key} (a second CD-ROM drive) is not managed here: the provider has one cdrom block.`);
        continue;
      }
      cdromDone = true;
      blocks.push(block('cdrom', [], [attr('file_id', str(disk.file)), attr('interface', str(entry.key))]));
      if (entry.key !== 'ide3') notes.push(`The provider looks for the CD-ROM on ide3 until its state says otherwise: the first plan after the import shows this cdrom (${entry.key}) as added.`);
      continue;
    }
    const body = diskBody(entry.key, disk, notes);
    if (body) disks.push(block('disk', [], body));
  }
  blocks.push(...disks);
  for (const u of devs.unused) {
    cfg.use(u.key);
    notes.push(`${u.key}: the detached volume ${u.volume} is not managed here.`);
  }
  for (const n of devs.nics) {
    cfg.use(n.key);
    blocks.push(block('network_device', [], nicBody(n.key, n.nic, notes)));
  }
}

function serialBlocks(cfg: ConfigReader, blocks: Node[], notes: string[]): void {
  const present = SERIAL_KEYS.map((k) => cfg.str(k));
  let last = -1;
  present.forEach((v, i) => {
    if (v !== undefined) last = i;
  });
  for (let i = 0; i <= last; i++) {
    const v = present[i];
    if (v === undefined) {
      notes.push(`serial${i} is not set while a later serial port is: the provider numbers serial_device blocks from 0.`);
      continue;
    }
    blocks.push(block('serial_device', [], [attr('device', str(v))]));
  }
}

function vgaBlock(cfg: ConfigReader, blocks: Node[]): void {
  const vga = cfg.str('vga');
  if (vga === undefined) return;
  const p = propertyPairs(vga, 'type');
  const body: Node[] = [];
  if (p.has('type')) body.push(attr('type', str(p.get('type')!)));
  const memory = Number(p.get('memory'));
  if (p.has('memory') && Number.isFinite(memory)) body.push(attr('memory', num(memory)));
  if (p.has('clipboard')) body.push(attr('clipboard', str(p.get('clipboard')!)));
  blocks.push(block('vga', [], body));
}

export function startupBlock(text: string): Node {
  const s = parseStartup(text);
  const body: Node[] = [];
  if (s.order !== undefined) body.push(attr('order', num(s.order)));
  if (s.up !== undefined) body.push(attr('up_delay', num(s.up)));
  if (s.down !== undefined) body.push(attr('down_delay', num(s.down)));
  return block('startup', [], body);
}

function decodeSshKeys(text: string): string[] {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // PVE stores them URL-encoded; a value that is not is taken as it is.
  }
  return decoded
    .split(/\r?\n/)
    .map((k) => k.trim())
    .filter((k) => k !== '');
}

function initialization(cfg: ConfigReader, devs: QemuDevices, blocks: Node[], notes: string[], passwordVariable: string | undefined): void {
  const body: Node[] = [];
  const drive = devs.disks.find((d) => d.bus !== 'efidisk' && d.bus !== 'tpmstate' && isCloudInitDrive(d.disk as QemuDrive));
  const ipKeys = Object.keys(cfg.config)
    .map((k) => /^ipconfig(\d+)$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const ciKeys = ['ciuser', 'cipassword', 'sshkeys', 'nameserver', 'searchdomain', 'citype', 'cicustom', 'ciupgrade'];
  if (!drive && ipKeys.length === 0 && !ciKeys.some((k) => cfg.has(k)) && passwordVariable === undefined) return;

  if (drive) body.push(attr('datastore_id', str((drive.disk as QemuDrive).storage ?? '')), attr('interface', str(drive.key)));
  const citype = cfg.str('citype');
  if (citype !== undefined) body.push(attr('type', str(citype)));
  const upgrade = cfg.bool('ciupgrade');
  if (upgrade !== undefined) body.push(attr('upgrade', bool(upgrade)));
  const cicustom = cfg.str('cicustom');
  if (cicustom !== undefined) {
    const p = propertyPairs(cicustom, 'user');
    for (const [k, a] of [
      ['meta', 'meta_data_file_id'],
      ['network', 'network_data_file_id'],
      ['user', 'user_data_file_id'],
      ['vendor', 'vendor_data_file_id'],
    ] as const) {
      if (p.has(k)) body.push(attr(a, str(p.get(k)!)));
    }
  }

  const domain = cfg.str('searchdomain');
  const servers = cfg.str('nameserver');
  if (domain !== undefined || servers !== undefined) {
    const dns: Node[] = [];
    if (domain !== undefined) dns.push(attr('domain', str(domain)));
    if (servers !== undefined) dns.push(attr('servers', strList(servers.split(/\s+/).filter((s) => s !== ''))));
    body.push(block('dns', [], dns));
  }

  const lastIp = ipKeys.length ? ipKeys[ipKeys.length - 1]! : -1;
  for (let i = 0; i <= lastIp; i++) {
    if (i >= MAX_IP_CONFIGS) {
      notes.push(`ipconfig${i} and above are not written: provider 0.111 takes ${MAX_IP_CONFIGS} ip_config blocks.`);
      for (let j = i; j <= lastIp; j++) cfg.use(`ipconfig${j}`);
      break;
    }
    const text = cfg.str(`ipconfig${i}`);
    const ip: Node[] = [];
    if (text !== undefined) {
      try {
        const c = parseQemuIpConfig(text);
        const v4 = ipv4Text(c.ip);
        if (v4 !== undefined || c.gw !== undefined) {
          const b: Node[] = [];
          if (v4 !== undefined) b.push(attr('address', str(v4)));
          if (c.gw !== undefined) b.push(attr('gateway', str(c.gw)));
          ip.push(block('ipv4', [], b));
        }
        const v6 = ipv6Text(c.ip6);
        if (v6 !== undefined || c.gw6 !== undefined) {
          const b: Node[] = [];
          if (v6 !== undefined) b.push(attr('address', str(v6)));
          if (c.gw6 !== undefined) b.push(attr('gateway', str(c.gw6)));
          ip.push(block('ipv6', [], b));
        }
      } catch {
        notes.push(`ipconfig${i} "${text}" could not be read.`);
      }
    }
    body.push(block('ip_config', [], ip));
  }

  const user = cfg.str('ciuser');
  const keys = cfg.str('sshkeys');
  const hasPassword = cfg.has('cipassword');
  cfg.use('cipassword');
  if (user !== undefined || keys !== undefined || hasPassword || passwordVariable !== undefined) {
    const account: Node[] = [];
    if (keys !== undefined) account.push(attr('keys', list(decodeSshKeys(keys).map(str))));
    if (passwordVariable !== undefined) account.push(attr('password', varRef(passwordVariable)));
    if (user !== undefined) account.push(attr('username', str(user)));
    body.push(block('user_account', [], account));
  }
  if (hasPassword && passwordVariable === undefined) {
    notes.push('A cloud-init password is set in PVE. It is not written here (secrets stay out of these files): set initialization.user_account.password from a sensitive variable to manage it.');
  }
  blocks.push(block('initialization', [], body));
}
