// One proxmox_virtual_environment_container resource from a container's cached config, as the
// provider reads it back after `terraform import` (bpg/proxmox 0.111, containerRead); or a new
// one, not created yet (`create ct --emit-code`), with what only its creation has.
import type { GuestRow } from '../../db/model.js';
import { extractLxcDevices, parseLxcFeatures, type LxcMountpoint, type LxcNic } from '../../proxmox/formats/index.js';
import { ConfigReader, guestTags, ipv4Text, ipv6Text, wholeGiB } from './config.js';
import { attr, blank, block, bool, comment, list, num, ref, str, strList, varRef, type Node } from './hcl.js';
import { startupBlock } from './vm.js';

const PVE_OWN = ['lock', 'digest', 'parent', 'pending', 'snaptime'];

/** What a container that does not exist yet is created with, which PVE does not keep in its
 * config (so an existing container's code cannot have it). */
export interface NewContainerOptions {
  /** The template archive it is made from: `operating_system.template_file_id`. */
  templateFileId: string;
  /** The Terraform variable (declared elsewhere, sensitive) that sets the root password: the
   * password itself is never written. */
  passwordVariable?: string;
  /** The root user's public SSH keys (public, so written as they are). */
  sshKeys?: readonly string[];
}

export function containerBody(guest: GuestRow, config: Readonly<Record<string, string | number>>, created?: NewContainerOptions): Node[] {
  const cfg = new ConfigReader(config);
  cfg.use(...PVE_OWN);
  const notes: string[] = [];
  const top: Node[] = [];
  const blocks: Node[] = [];
  if (created) blocks.push(block('operating_system', [], [attr('template_file_id', str(created.templateFileId))]));

  top.push(attr('node_name', str(guest.node)), attr('vm_id', num(guest.vmid)));
  const description = cfg.str('description');
  if (description !== undefined) top.push(attr('description', str(description)));
  const tags = guestTags(guest, cfg);
  if (tags.length) top.push(attr('tags', strList(tags)));
  top.push(attr('start_on_boot', bool(cfg.bool('onboot') ?? false)));
  const template = cfg.bool('template') ?? guest.template;
  top.push(attr('started', bool(!template && guest.status === 'running')));
  if (template) top.push(attr('template', bool(true)));
  if (guest.pool) top.push(attr('pool_id', str(guest.pool)));
  const unprivileged = cfg.bool('unprivileged') ?? false;
  top.push(attr('unprivileged', bool(unprivileged)));
  if (cfg.bool('protection')) top.push(attr('protection', bool(true)));
  const hookscript = cfg.str('hookscript');
  if (hookscript !== undefined) top.push(attr('hook_script_file_id', str(hookscript)));

  // cpu
  const cpu: Node[] = [];
  const arch = cfg.str('arch');
  if (arch !== undefined) cpu.push(attr('architecture', str(arch)));
  cpu.push(attr('cores', num(cfg.num('cores') ?? 1)));
  const limit = cfg.num('cpulimit');
  if (limit !== undefined) cpu.push(attr('limit', num(limit)));
  const units = cfg.num('cpuunits');
  if (units !== undefined) cpu.push(attr('units', num(units)));
  if (!cfg.has('cores')) notes.push('cores is not set in PVE (the container may use every host core); the provider writes 1.');
  blocks.push(block('cpu', [], cpu));

  // memory
  const memory: Node[] = [attr('dedicated', num(cfg.num('memory') ?? 512))];
  const swap = cfg.num('swap');
  if (swap !== undefined) memory.push(attr('swap', num(swap)));
  blocks.push(block('memory', [], memory));

  const devs = extractLxcDevices(config);
  for (const e of devs.errors) {
    if (e.configKey) cfg.use(e.configKey);
    notes.push(`${e.configKey ?? 'a device'} could not be read: it is not written.`);
  }
  cfg.use('rootfs');
  if (devs.rootfs) {
    const r = devs.rootfs;
    const disk: Node[] = [attr('datastore_id', str(r.storage ?? ''))];
    const gib = wholeGiB(r.size?.bytes);
    if (gib !== undefined) disk.push(attr('size', num(gib)));
    else if (r.size) notes.push(`rootfs is ${r.size.text}, not a whole number of GiB (the provider's unit): its size is not written.`);
    if (r.acl) disk.push(attr('acl', bool(true)));
    if (r.quota) disk.push(attr('quota', bool(true)));
    if (r.replicate) disk.push(attr('replicate', bool(true)));
    if (r.mountoptions?.length) disk.push(attr('mount_options', strList(r.mountoptions)));
    if (r.ro || r.shared) notes.push('rootfs ro/shared are not managed here.');
    blocks.push(block('disk', [], disk));
  }
  for (const m of devs.mountpoints) {
    cfg.use(m.key);
    blocks.push(block('mount_point', [], mountPointBody(m.mountpoint)));
  }
  for (const u of devs.unused) {
    cfg.use(u.key);
    notes.push(`${u.key}: the detached volume ${u.volume} is not managed here.`);
  }

  const ipConfigs: Node[] = [];
  for (const n of devs.nics) {
    cfg.use(n.key);
    blocks.push(block('network_interface', [], nicBody(n.key, n.nic, notes)));
    const ip = ipConfig(n.nic);
    if (ip) ipConfigs.push(ip);
  }

  // initialization: hostname, DNS, the NICs' addresses
  const init: Node[] = [];
  const hostname = cfg.str('hostname');
  if (hostname !== undefined) init.push(attr('hostname', str(hostname)));
  const domain = cfg.str('searchdomain');
  const servers = cfg.str('nameserver');
  if (domain !== undefined || servers !== undefined) {
    const dns: Node[] = [];
    if (domain !== undefined) dns.push(attr('domain', str(domain)));
    if (servers !== undefined) dns.push(attr('servers', strList(servers.split(/\s+/).filter((s) => s !== ''))));
    init.push(block('dns', [], dns));
  }
  init.push(...ipConfigs);
  const account = created ? userAccount(created) : undefined;
  if (account) init.push(account);
  if (init.length) blocks.push(block('initialization', [], init));

  const features = cfg.str('features');
  if (features !== undefined) {
    try {
      const f = parseLxcFeatures(features);
      const body: Node[] = [];
      if (f.nesting) body.push(attr('nesting', bool(true)));
      if (f.keyctl) body.push(attr('keyctl', bool(true)));
      if (f.fuse) body.push(attr('fuse', bool(true)));
      if (f.mknod) body.push(attr('mknod', bool(true)));
      if (f.mount?.length) body.push(attr('mount', strList(f.mount)));
      if (f.force_rw_sys) notes.push('features force_rw_sys is not managed here.');
      if (body.length) blocks.push(block('features', [], body));
      if (f.keyctl || f.fuse || f.mknod || f.mount?.length) {
        notes.push('The provider does not read features back, so the first apply after the import sets them again; PVE lets only root@pam set features other than nesting.');
      }
    } catch {
      notes.push(`features "${features}" could not be read.`);
    }
  }

  const cmode = cfg.str('cmode');
  const tty = cfg.num('tty');
  const consoleOn = cfg.bool('console');
  if (cmode !== undefined || tty !== undefined || consoleOn !== undefined) {
    const body: Node[] = [];
    if (consoleOn !== undefined) body.push(attr('enabled', bool(consoleOn)));
    if (tty !== undefined) body.push(attr('tty_count', num(tty)));
    if (cmode !== undefined) body.push(attr('type', str(cmode)));
    blocks.push(block('console', [], body));
  }

  const startup = cfg.str('startup');
  if (startup !== undefined) blocks.push(startupBlock(startup));

  const ostype = cfg.str('ostype');
  const osNote = [
    ...(created ? [] : [`operating_system: PVE does not record the template this container was created from, which the provider requires${ostype !== undefined ? ` (its type is "${ostype}")` : ''}.`]),
    'The provider does not read operating_system or unprivileged back from the server and would replace the container over them: lifecycle.ignore_changes keeps it.',
  ];
  blocks.push(block('lifecycle', [], [attr('ignore_changes', list([ref('operating_system'), ref('unprivileged')]))]));

  const unmapped = cfg.unused();
  if (unmapped.length) notes.push(`Not managed here (the provider cannot express them or does not read them back): ${unmapped.join(', ')}.`);

  const body: Node[] = [...top];
  for (const b of blocks) {
    body.push(blank);
    if (b.kind === 'block' && b.type === 'lifecycle') for (const n of osNote) body.push(...comment(n));
    body.push(b);
  }
  if (notes.length) {
    body.push(blank);
    for (const n of notes) body.push(...comment(n));
  }
  return body;
}

function userAccount(created: NewContainerOptions): Node | undefined {
  const body: Node[] = [];
  if (created.sshKeys?.length) body.push(attr('keys', strList(created.sshKeys)));
  if (created.passwordVariable !== undefined) body.push(attr('password', varRef(created.passwordVariable)));
  return body.length ? block('user_account', [], body) : undefined;
}

function mountPointBody(m: LxcMountpoint): Node[] {
  const body: Node[] = [attr('volume', str(m.volume)), attr('path', str(m.mp))];
  if (m.size) body.push(attr('size', str(m.size.text)));
  if (m.backup) body.push(attr('backup', bool(true)));
  if (m.acl) body.push(attr('acl', bool(true)));
  if (m.quota) body.push(attr('quota', bool(true)));
  if (m.ro) body.push(attr('read_only', bool(true)));
  if (m.replicate === false) body.push(attr('replicate', bool(false)));
  if (m.shared) body.push(attr('shared', bool(true)));
  if (m.mountoptions?.length) body.push(attr('mount_options', strList(m.mountoptions)));
  return body;
}

function nicBody(key: string, nic: LxcNic, notes: string[]): Node[] {
  const body: Node[] = [attr('name', str(nic.name))];
  if (nic.bridge !== undefined) body.push(attr('bridge', str(nic.bridge)));
  if (nic.hwaddr !== undefined) body.push(attr('mac_address', str(nic.hwaddr)));
  if (nic.firewall) body.push(attr('firewall', bool(true)));
  if (nic.tag !== undefined) body.push(attr('vlan_id', num(nic.tag)));
  if (nic.mtu !== undefined) body.push(attr('mtu', num(nic.mtu)));
  if (nic.rate !== undefined) body.push(attr('rate_limit', num(nic.rate)));
  if (nic.link_down) body.push(attr('enabled', bool(false)));
  if (nic['host-managed']) body.push(attr('host_managed', bool(true)));
  if (nic.trunks?.length) notes.push(`${key} trunks are not managed here.`);
  return body;
}

function ipConfig(nic: LxcNic): Node | undefined {
  const v4 = ipv4Text(nic.ip);
  const v6 = ipv6Text(nic.ip6);
  if (v4 === undefined && nic.gw === undefined && v6 === undefined && nic.gw6 === undefined) return undefined;
  const body: Node[] = [];
  if (v4 !== undefined || nic.gw !== undefined) {
    const b: Node[] = [];
    if (v4 !== undefined) b.push(attr('address', str(v4)));
    if (nic.gw !== undefined) b.push(attr('gateway', str(nic.gw)));
    body.push(block('ipv4', [], b));
  }
  if (v6 !== undefined || nic.gw6 !== undefined) {
    const b: Node[] = [];
    if (v6 !== undefined) b.push(attr('address', str(v6)));
    if (nic.gw6 !== undefined) b.push(attr('gateway', str(nic.gw6)));
    body.push(block('ipv6', [], b));
  }
  return block('ip_config', [], body);
}
