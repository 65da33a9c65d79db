// POST .../clone (qemu-server clone_vm, pve-container clone_vm). Templates clone linked by
// default, normal guests full; the new guest shows up at once with its lock (`clone` for
// qemu, `create` for lxc, whose source also gets `disk`) and gets its disks one by one.

import { dieError, paramError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { guestType, lockedMessage, noSuchNode, permissionDenied } from '../errors.js';
import { GuestConfig } from '../guestConfig.js';
import { isLxcMountKey, isNetKey, isQemuDriveKey, isUnusedKey, netFormat, parseVolumeOption, printVolumeOption, splitVolid, volumeKeyOf } from '../formats.js';
import type { Guest, GuestConf, GuestKind, Volume } from '../model.js';
import { parsePropertyString, printPropertyString } from '../../../proxmox/propertyString.js';
import { GiB, renderBytes, formatSize, parseSize } from '../sizes.js';
import { TaskFailure, type TaskContext } from '../tasks.js';
import { allocateVolume } from '../volumes.js';
import { flag, int, ms, ownerOf, pathNode, pathVmid, startTask, str } from './context.js';
import { createdLines } from './storageLog.js';

interface DiskPlan {
  key: string;
  /** The drive's properties, volume replaced once cloned. */
  props: Record<string, string>;
  source: Volume | undefined;
  sourceVolid: string;
  full: boolean;
  targetStorage: string;
  cloudinit: boolean;
}

const SKIP_KEYS = new Set(['snapshots', 'parent', 'snaptime', 'vmstate', 'snapstate', 'runningcpu', 'runningmachine', 'running-nets-host-mtu', 'lock', 'template', 'digest']);

export function cloneGuest(cluster: Cluster, kind: GuestKind, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const newid = int(req, 'newid')!;
  const pool = str(req, 'pool');
  const snapname = str(req, 'snapname');
  const storage = str(req, 'storage');
  let target = str(req, 'target');
  if (target === node || target === 'localhost') target = undefined;
  const type = guestType(kind);

  if (pool !== undefined && !cluster.pools.has(pool)) throw permissionDenied(`pool '${pool}' does not exist`);
  if (target !== undefined && !cluster.nodes.has(target)) throw noSuchNode(target);
  if (storage !== undefined) {
    const def = cluster.storage.requireOn(storage, node);
    const content = kind === 'qemu' ? 'images' : 'rootdir';
    if (!def.content.includes(content)) {
      if (kind === 'qemu') throw paramError({ storage: `storage '${storage}' does not support vm images` });
      throw dieError(`storage '${storage}' does not support container directories`);
    }
    if (target !== undefined) {
      cluster.storage.requireOn(storage, target);
      if (!def.shared) throw dieError(`can't clone to non-shared storage '${storage}'`);
    }
  }
  const source = cluster.requireGuest(kind, node, vmid);
  if (source.config.lock !== undefined) throw dieError(lockedMessage(kind, source.config.lock));
  if (snapname !== undefined && !source.config.snapshots.has(snapname)) throw dieError(`snapshot '${snapname}' does not exist`);
  const full = req.params.full !== undefined ? flag(req, 'full') : !source.config.summary.template;
  if (storage !== undefined && !full) throw dieError("parameter 'storage' not allowed for linked clones");
  if (kind === 'qemu' && str(req, 'format') !== undefined && !full) throw dieError("parameter 'format' not allowed for linked clones");
  if (cluster.guests.has(newid)) throw dieError(`unable to create ${type} ${newid}: config file already exists`);

  const from: Readonly<GuestConf> = snapname !== undefined ? source.config.snapshots.get(snapname)!.conf : source.config.current;
  const running = source.status === 'running';
  const plans = planDisks(cluster, source, from, full, storage, snapname !== undefined, running);
  if (target !== undefined && plans.some((p) => !cluster.storage.defs.get(p.targetStorage)?.shared)) {
    throw dieError(`can't clone ${type} to node '${target}' (${type} uses local storage)`);
  }

  const newconf = newConfig(cluster, kind, vmid, from, req);
  const clone: Guest = {
    kind,
    vmid: newid,
    node,
    status: 'stopped',
    paused: false,
    checkpointed: false,
    startedAt: 0,
    pid: 0,
    config: GuestConfig.of(kind, newid, { ...withoutDisks(kind, newconf), lock: kind === 'qemu' ? 'clone' : 'create' }),
  };
  cluster.addGuest(clone);
  if (kind === 'lxc') source.config.setLock('disk');

  return startTask(cluster, ownerOf(req), node, kind === 'qemu' ? 'qmclone' : 'vzclone', vmid, async (t) => {
    const created: Volume[] = [];
    try {
      if (kind === 'qemu') t.log(`creating a clone of VM ${vmid} with ID ${newid}`);
      for (const plan of plans) {
        const vol = await cloneDisk(cluster, t, kind, node, newid, plan, running && snapname === undefined);
        created.push(vol);
        clone.config.mutate((c) => {
          c[plan.key] = printVolumeOption(kind, plan.key, { ...plan.props, [volumeKeyOf(kind)]: vol.volid, ...(plan.cloudinit ? {} : { size: formatSize(vol.size) }) });
        });
      }
      if (!cluster.guests.has(newid)) throw new Error('target config vanished');
      const finalConf: GuestConf = { ...clone.config.current };
      delete finalConf.lock;
      clone.config.replace(finalConf);
      if (pool !== undefined) cluster.setPool(clone, pool);
      if (target !== undefined) cluster.moveGuest(clone, target);
    } catch (e) {
      for (const vol of created) cluster.storage.remove(node, vol.volid);
      cluster.removeGuest(newid);
      throw new TaskFailure(`clone failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      if (kind === 'lxc' && source.config.lock === 'disk') source.config.setLock(undefined);
    }
  });
}

function planDisks(cluster: Cluster, source: Guest, from: Readonly<GuestConf>, full: boolean, storage: string | undefined, fromSnapshot: boolean, running: boolean): DiskPlan[] {
  const kind = source.kind;
  const plans: DiskPlan[] = [];
  for (const key of Object.keys(from).sort()) {
    const value = from[key];
    if (typeof value !== 'string' || isUnusedKey(key)) continue;
    if (!(kind === 'qemu' ? isQemuDriveKey(key) : isLxcMountKey(key))) continue;
    const parsed = parseVolumeOption(kind, key, value);
    if (!parsed) continue;
    const cloudinit = /cloudinit/.test(parsed.volume);
    if (parsed.isCdrom && !cloudinit) continue;
    const parts = splitVolid(parsed.volume);
    if (!parts) {
      if (kind === 'lxc') throw dieError(`unable to clone mountpoint '${key}' (type bind)`);
      continue;
    }
    const sourceVol = cluster.storage.get(source.node, parsed.volume);
    const isBase = /(^|\/)base(vol)?-\d+-disk-/.test(parts[1]);
    const diskFull = full || cloudinit || key === 'tpmstate0';
    if (!diskFull && !isBase) {
      throw dieError(kind === 'qemu' ? `Linked clone feature is not supported for ${fromSnapshot ? 'a snapshot of ' : ''}'${parsed.volume}' (${key})` : `Linked clone feature for '${parsed.volume}' is not available`);
    }
    if (kind === 'lxc' && diskFull && running && !fromSnapshot) throw dieError('Cannot do full clones on a running container without snapshots');
    plans.push({ key, props: { ...parsed.props }, source: sourceVol, sourceVolid: parsed.volume, full: diskFull, targetStorage: diskFull && storage !== undefined ? storage : parts[0], cloudinit });
  }
  return plans;
}

function newConfig(cluster: Cluster, kind: GuestKind, vmid: number, from: Readonly<GuestConf>, req: SimRequest): GuestConf {
  const conf: GuestConf = {};
  for (const [key, value] of Object.entries(from)) {
    if (SKIP_KEYS.has(key) || isUnusedKey(key)) continue;
    if (isNetKey(key) && typeof value === 'string') {
      const net = parsePropertyString(value, netFormat(kind));
      if (kind === 'qemu') net.macaddr = cluster.randomMac();
      else net.hwaddr = cluster.randomMac();
      conf[key] = printPropertyString(net, netFormat(kind));
      continue;
    }
    conf[key] = value;
  }
  if (kind === 'qemu') {
    const smbios = typeof conf.smbios1 === 'string' ? conf.smbios1.replace(/(^|,)uuid=[^,]*/, '').replace(/^,/, '') : '';
    conf.smbios1 = smbios ? `uuid=${cluster.randomUuid()},${smbios}` : `uuid=${cluster.randomUuid()}`;
    if (conf.vmgenid !== undefined) conf.vmgenid = cluster.randomUuid();
    const name = str(req, 'name');
    conf.name = name ?? `Copy-of-VM-${typeof from.name === 'string' ? from.name : vmid}`;
  } else {
    const hostname = str(req, 'hostname');
    if (hostname !== undefined) conf.hostname = hostname;
  }
  const description = str(req, 'description');
  if (description) conf.description = description;
  return conf;
}

function withoutDisks(kind: GuestKind, conf: GuestConf): GuestConf {
  const out: GuestConf = {};
  for (const [key, value] of Object.entries(conf)) {
    const isDisk = kind === 'qemu' ? isQemuDriveKey(key) && !(typeof value === 'string' && /media=cdrom/.test(value) && !/cloudinit/.test(value)) : isLxcMountKey(key);
    if (!isDisk) out[key] = value;
  }
  return out;
}

async function cloneDisk(cluster: Cluster, t: TaskContext, kind: GuestKind, node: string, newid: number, plan: DiskPlan, mirror: boolean): Promise<Volume> {
  const size = plan.source?.size ?? parseSize(plan.props.size) ?? 8 * GiB;
  const ciName = (def: string): string | undefined => {
    if (!plan.cloudinit) return undefined;
    return cluster.storage.defs.get(def)?.type === 'lvmthin' ? `vm-${newid}-cloudinit` : `${newid}/vm-${newid}-cloudinit.qcow2`;
  };
  const what = kind === 'qemu' ? `drive ${plan.key}` : plan.full ? `mountpoint ${plan.key}` : `mount point ${plan.key}`;
  if (!plan.full) {
    t.log(`create linked clone of ${what} (${plan.sourceVolid})`);
    await t.sleep(ms(cluster, 600, 1500));
    const parentName = plan.sourceVolid.slice(plan.sourceVolid.indexOf(':') + 1);
    const vol = allocateVolume(cluster, { node, storage: plan.targetStorage, vmid: newid, kind, size, ctime: t.now(), parent: parentName });
    for (const line of createdLines(cluster, vol.volid, size)) t.log(line);
    return vol;
  }
  t.log(`create full clone of ${what} (${plan.sourceVolid})`);
  const name = ciName(plan.targetStorage);
  const vol = allocateVolume(cluster, { node, storage: plan.targetStorage, vmid: newid, kind, size, ctime: t.now(), ...(name !== undefined ? { name } : {}) });
  for (const line of createdLines(cluster, vol.volid, size)) t.log(line);
  if (plan.cloudinit) {
    await t.sleep(ms(cluster, 300, 800));
    return vol;
  }
  // Roughly 1.5 GiB/s of thin data: 5-20 s for ordinary disks at timeScale 1.
  const seconds = Math.min(20, Math.max(5, size / GiB / 3));
  const steps = 8;
  const drive = `drive-${plan.key}`;
  if (mirror && kind === 'qemu') t.log(`drive mirror is starting for ${drive}`);
  for (let i = 0; i <= steps; i++) {
    const done = Math.round((size * i) / steps);
    const pct = ((done / size) * 100).toFixed(2);
    if (mirror && kind === 'qemu') {
      t.log(`${drive}: transferred ${renderBytes(done)} of ${renderBytes(size)} (${pct}%) in ${Math.round((seconds * i) / steps)}s${i === steps ? ', ready' : ''}`);
    } else if (kind === 'qemu') {
      t.log(`transferred ${renderBytes(done)} of ${renderBytes(size)} (${pct}%)`);
    }
    if (i < steps) await t.sleep((seconds * 1000) / steps);
  }
  if (mirror && kind === 'qemu') {
    t.log("all 'mirror' jobs are ready");
    t.log(`${drive}: Completing block job...`);
    t.log(`${drive}: Completed successfully.`);
    t.log(`${drive}: mirror-job finished`);
  }
  if (kind === 'lxc') {
    const blocks = Math.round(size / 4096);
    t.log(`Creating filesystem with ${blocks} 4k blocks and ${Math.round(blocks / 4)} inodes`);
    t.log(`Filesystem UUID: ${cluster.randomUuid()}`);
    t.log('Superblock backups stored on blocks: ');
    t.log('\t32768, 98304, 163840, 229376, 294912, 819200, 884736, 1605632');
    t.log('');
    t.log('Allocating group tables: done                            ');
    t.log('Writing inode tables: done                            ');
    t.log('Creating journal (16384 blocks): done');
    t.log('Writing superblocks and filesystem accounting information: done');
    t.log('');
    const used = plan.source?.used ?? Math.round(size / 4);
    t.log(`Number of files: ${Math.round(used / 30_000).toLocaleString('en-US')} (reg: ${Math.round(used / 38_000).toLocaleString('en-US')}, dir: ${Math.round(used / 370_000).toLocaleString('en-US')})`);
    t.log(`sent ${used.toLocaleString('en-US')} bytes  received ${Math.round(used / 1900).toLocaleString('en-US')} bytes  ${Math.round(used / seconds).toLocaleString('en-US')}.00 bytes/sec`);
    t.log(`total size is ${Math.round(used * 0.998).toLocaleString('en-US')}  speedup is 1.00`);
  }
  return vol;
}
