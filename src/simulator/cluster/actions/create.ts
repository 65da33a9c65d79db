// POST /nodes/{node}/qemu and /lxc: parameter semantics on top of the schema validation the
// HTTP layer already did. The new guest exists at once with `lock: create`; the worker
// allocates its disks, writes the final config, joins the pool and, with start=1, starts it
// (still one UPID).

import { formatTags, parseTags } from '../../../proxmox/values.js';
import { parsePropertyString, printPropertyString } from '../../../proxmox/propertyString.js';
import { dieError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { isConfigKey, toConfigValue } from '../configKeys.js';
import { guestType, permissionDenied, vmidUsedMessage } from '../errors.js';
import { GuestConfig } from '../guestConfig.js';
import { isLxcMountKey, isNetKey, isQemuDriveKey, netFormat, QEMU_DRIVE_KEYS } from '../formats.js';
import type { Guest, GuestConf, GuestKind, Volume } from '../model.js';
import { TaskFailure, type TaskContext } from '../tasks.js';
import { flag, int, ms, ownerOf, pathNode, startTask, str } from './context.js';
import { checkVolumeParam, materializeVolume, type VolumeParam } from './diskParams.js';
import { lxcStartScript, qemuStartScript } from './power.js';

export function createGuest(cluster: Cluster, kind: GuestKind, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = int(req, 'vmid')!;
  const existing = cluster.guests.get(vmid);
  const type = guestType(kind);
  const restoring = kind === 'qemu' ? req.params.archive !== undefined : flag(req, 'restore');
  if (restoring) {
    throw dieError(`unable to restore ${type} ${vmid} - restoring backups is not simulated`);
  }
  if (existing) {
    const msg = vmidUsedMessage(existing.kind, vmid, existing.node);
    throw dieError(kind === 'qemu' ? `unable to create VM ${vmid} - ${msg}` : msg);
  }
  const pool = str(req, 'pool');
  if (pool !== undefined && !cluster.pools.has(pool)) throw permissionDenied(`pool '${pool}' does not exist`);
  const plan = kind === 'qemu' ? planQemu(cluster, node, req) : planLxc(cluster, node, vmid, req);
  const start = flag(req, 'start');
  const haManaged = flag(req, 'ha-managed');

  const guest: Guest = { kind, vmid, node, status: 'stopped', paused: false, checkpointed: false, startedAt: 0, pid: 0, config: GuestConfig.of(kind, vmid, { lock: 'create' }) };
  cluster.addGuest(guest);

  return startTask(cluster, ownerOf(req), node, kind === 'qemu' ? 'qmcreate' : 'vzcreate', vmid, async (t) => {
    const created: Volume[] = [];
    try {
      const conf: GuestConf = { ...plan.conf };
      await t.sleep(ms(cluster, 500, 1200));
      for (const p of plan.volumes) {
        const m = materializeVolume(cluster, kind, node, vmid, p, t.now(), plan.conf.template === 1);
        if (m.created) created.push(m.created);
        conf[p.key] = m.value;
        for (const line of m.lines) t.log(line);
        await t.sleep(ms(cluster, 300, 900));
      }
      if (kind === 'qemu') finishQemuConfig(cluster, conf, t.now());
      else await populateContainer(cluster, t, vmid, conf, plan.ostemplate!);
      if (!cluster.guests.has(vmid)) throw new TaskFailure('config file vanished');
      guest.config.replace(conf);
      if (pool !== undefined) cluster.setPool(guest, pool);
      if (haManaged) {
        t.log(kind === 'qemu' ? 'Add as HA resource' : `Add ${type} ${vmid} as HA resource`);
        guest.ha = { state: start ? 'started' : 'stopped' };
      }
    } catch (e) {
      for (const vol of created) cluster.storage.remove(node, vol.volid);
      cluster.removeGuest(vmid);
      const msg = e instanceof Error ? e.message : String(e);
      throw new TaskFailure(kind === 'qemu' ? `unable to create VM ${vmid} - ${msg}` : msg);
    }
    if (start && plan.conf.template !== 1) {
      if (kind === 'qemu') t.log('Execute autostart');
      try {
        await (kind === 'qemu' ? qemuStartScript(cluster, node, vmid, false) : lxcStartScript(cluster, node, vmid, false))(t);
      } catch (e) {
        if (kind === 'lxc') throw e;
        t.warn(e instanceof Error ? e.message : String(e));
      }
    }
  });
}

interface CreatePlan {
  conf: GuestConf;
  volumes: VolumeParam[];
  ostemplate?: string;
}

const QEMU_NOT_CONFIG = new Set(['node', 'vmid', 'archive', 'storage', 'force', 'unique', 'live-restore', 'pool', 'bwlimit', 'start', 'ha-managed', 'import-working-storage']);

function planQemu(cluster: Cluster, node: string, req: SimRequest): CreatePlan {
  const storage = str(req, 'storage');
  if (storage !== undefined) cluster.storage.require(storage);
  const conf: GuestConf = {};
  const volumes: VolumeParam[] = [];
  const params: Record<string, string | number> = { ...req.params };
  if (params.cdrom !== undefined) {
    const v = String(params.cdrom);
    params.ide2 = /media=/.test(v) ? v : `${v},media=cdrom`;
    delete params.cdrom;
  }
  for (const key of Object.keys(params).sort()) {
    if (QEMU_NOT_CONFIG.has(key)) continue;
    const value = params[key]!;
    if (isQemuDriveKey(key)) {
      volumes.push(checkVolumeParam(cluster, 'qemu', node, key, String(value), storage));
      continue;
    }
    if (!isConfigKey('qemu', key)) continue;
    conf[key] = normalizeValue(cluster, 'qemu', key, value);
  }
  return { conf, volumes };
}

function normalizeValue(cluster: Cluster, kind: GuestKind, key: string, value: string | number): string | number {
  if (key === 'tags') return formatTags(parseTags(String(value)));
  if (isNetKey(key)) return withMac(cluster, kind, String(value));
  return toConfigValue(kind, key, value);
}

/** add_random_macs / parse_lxc_network: a NIC without a MAC gets one with Proxmox's prefix. */
export function withMac(cluster: Cluster, kind: GuestKind, value: string): string {
  const format = netFormat(kind);
  const net = parsePropertyString(value, format);
  if (kind === 'qemu') net.macaddr ??= cluster.randomMac();
  else {
    net.hwaddr ??= cluster.randomMac();
    net.type ??= 'veth';
  }
  return printPropertyString(net, format);
}

function finishQemuConfig(cluster: Cluster, conf: GuestConf, now: number): void {
  conf.meta = `creation-qemu=${'10.1.2'},ctime=${now}`;
  if (conf.boot === undefined) {
    const devices: string[] = [];
    const isCd = (k: string): boolean => typeof conf[k] === 'string' && /media=cdrom/.test(String(conf[k]));
    const firstDisk = QEMU_DRIVE_KEYS.find((k) => conf[k] !== undefined && !isCd(k) && k !== 'efidisk0' && k !== 'tpmstate0');
    const firstCd = QEMU_DRIVE_KEYS.find((k) => conf[k] !== undefined && isCd(k) && !/cloudinit/.test(String(conf[k])));
    if (firstDisk) devices.push(firstDisk);
    if (firstCd) devices.push(firstCd);
    const firstNet = Object.keys(conf).filter(isNetKey).sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))[0];
    if (firstNet) devices.push(firstNet);
    if (devices.length) conf.boot = `order=${devices.join(';')}`;
  }
  if (conf.smbios1 === undefined) conf.smbios1 = `uuid=${cluster.randomUuid()}`;
  if (conf.vmgenid === undefined || conf.vmgenid === '1') conf.vmgenid = cluster.randomUuid();
  if (conf.vmgenid === '0') delete conf.vmgenid;
}

const LXC_NOT_CONFIG = new Set(['node', 'vmid', 'ostemplate', 'password', 'storage', 'force', 'restore', 'pool', 'ignore-unpack-errors', 'ssh-public-keys', 'bwlimit', 'start', 'unique', 'ha-managed', 'unprivileged']);

function planLxc(cluster: Cluster, node: string, vmid: number, req: SimRequest): CreatePlan {
  const storage = str(req, 'storage') ?? 'local';
  const ostemplate = str(req, 'ostemplate') ?? '';
  const tpl = ostemplate.includes(':') ? cluster.storage.get(node, ostemplate) : undefined;
  if (!tpl || (tpl.content !== 'vztmpl' && tpl.content !== 'backup')) throw dieError(`can't find file '${ostemplate}'`);
  const conf: GuestConf = { arch: 'amd64' };
  const volumes: VolumeParam[] = [];
  let rootGiven = false;
  for (const key of Object.keys(req.params).sort()) {
    if (LXC_NOT_CONFIG.has(key)) continue;
    const value = req.params[key]!;
    if (isLxcMountKey(key)) {
      if (key === 'rootfs') rootGiven = true;
      volumes.push(checkVolumeParam(cluster, 'lxc', node, key, String(value), storage));
      continue;
    }
    if (!isConfigKey('lxc', key)) continue;
    conf[key] = normalizeValue(cluster, 'lxc', key, value);
  }
  if (!rootGiven) {
    if (volumes.length > 0) throw dieError("mount points configured, but 'rootfs' not set - aborting");
    volumes.unshift(checkVolumeParam(cluster, 'lxc', node, 'rootfs', `${storage}:4`, storage));
  }
  volumes.sort((a, b) => (a.key === 'rootfs' ? -1 : b.key === 'rootfs' ? 1 : a.key.localeCompare(b.key)));
  conf.ostype ??= ostypeOf(ostemplate);
  conf.hostname ??= `CT${vmid}`;
  conf.memory ??= 512;
  conf.swap ??= 512;
  if (req.params.unprivileged === undefined || flag(req, 'unprivileged')) conf.unprivileged = 1;
  return { conf, volumes, ostemplate };
}

function ostypeOf(template: string): string {
  const name = template.slice(template.lastIndexOf('/') + 1);
  const m = /^(debian|ubuntu|alpine|centos|fedora|archlinux|opensuse|gentoo|devuan|nixos|rockylinux|almalinux)/.exec(name);
  if (!m) return 'unmanaged';
  return m[1] === 'rockylinux' || m[1] === 'almalinux' ? 'centos' : m[1]!;
}

async function populateContainer(cluster: Cluster, t: TaskContext, vmid: number, conf: GuestConf, ostemplate: string): Promise<void> {
  const tpl = ostemplate.slice(ostemplate.lastIndexOf('/') + 1);
  const blocks = 1_048_576;
  t.log(`Creating filesystem with ${blocks} 4k blocks and ${blocks / 4} inodes`);
  t.log(`Filesystem UUID: ${cluster.randomUuid()}`);
  t.log('Superblock backups stored on blocks: ');
  t.log('\t32768, 98304, 163840, 229376, 294912, 819200, 884736');
  t.log('');
  t.log('Allocating group tables: done                            ');
  t.log('Writing inode tables: done                            ');
  t.log('Creating journal (16384 blocks): done');
  t.log('Multiple mount protection is enabled with update interval 5 seconds.');
  t.log('Writing superblocks and filesystem accounting information: done');
  t.log('');
  t.log(`extracting archive '/var/lib/vz/template/cache/${tpl}'`);
  await t.sleep(ms(cluster, 4000, 9000));
  const bytes = 400_000_000 + cluster.rng.int(0, 200_000_000);
  t.log(`Total bytes read: ${bytes} (${Math.round(bytes / 1048576)}MiB, ${cluster.rng.int(120, 260)}MiB/s)`);
  t.log(`Detected container architecture: ${String(conf.arch ?? 'amd64')}`);
  if (conf.ostype !== 'alpine') {
    for (const key of ['ssh_host_ecdsa_key', 'ssh_host_ed25519_key', 'ssh_host_rsa_key']) {
      t.log(`Creating SSH host key '${key}' - this may take some time ...`);
      await t.sleep(ms(cluster, 200, 900));
      t.log(`done: SHA256:${Buffer.from(cluster.rng.hex(64), 'hex').toString('base64').replace(/=+$/, '')} root@${String(conf.hostname ?? `CT${vmid}`)}`);
    }
  }
}
