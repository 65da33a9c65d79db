// PUT (synchronous) and POST (async, qmconfig task) .../config: qemu-server update_vm_api and
// pve-container update_vm. Checks that PVE makes before forking answer right away; the
// change itself is applied immediately (PVE would keep some changes of a running VM as
// pending until its next restart).

import { formatTags, parseTags } from '../../../proxmox/values.js';
import { dieError, paramError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { isConfigKey, toConfigValue } from '../configKeys.js';
import { lockedMessage, onlyRoot } from '../errors.js';
import { isLxcMountKey, isNetKey, isQemuDriveKey, isUnusedKey, parseVolumeOption, splitVolid } from '../formats.js';
import { qemuBootOrder, qemuMemoryMiB } from '../guestConfig.js';
import type { Guest, GuestConf, GuestKind } from '../model.js';
import { TaskFailure } from '../tasks.js';
import { flag, isRoot, loadInTask, ms, ownerOf, pathNode, pathVmid, startTask, str } from './context.js';
import { withMac } from './create.js';
import { checkVolumeParam, materializeVolume, type MaterializedVolume, type VolumeParam } from './diskParams.js';
import { removedLines } from './storageLog.js';
import { nextUnusedKey } from '../volumes.js';

/** Parameters of the config endpoints that are not config options. */
const NOT_OPTIONS = new Set(['node', 'vmid', 'digest', 'delete', 'revert', 'skiplock', 'force', 'background_delay', 'skip_cloud_init', 'import-working-storage']);

interface Change {
  set: [string, string | number][];
  volumes: VolumeParam[];
  remove: string[];
  force: boolean;
  warnings: string[];
  logLine: string;
}

export function updateConfig(cluster: Cluster, kind: GuestKind, req: SimRequest, async: boolean): string | null {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  if (flag(req, 'skiplock') && !isRoot(req)) throw onlyRoot('skiplock');
  const change = kind === 'qemu' ? planQemuChange(cluster, node, vmid, req) : planLxcChange(cluster, node, vmid, req);
  const guest = cluster.requireGuest(kind, node, vmid);
  checkLoaded(guest, req, change);

  if (!async) {
    applyChange(cluster, guest, change);
    return null;
  }
  return startTask(cluster, ownerOf(req), node, 'qmconfig', vmid, async (t) => {
    const g = loadInTask(cluster, kind, node, vmid);
    if (!flag(req, 'skiplock') && g.config.lock !== undefined) throw new TaskFailure(lockedMessage(kind, g.config.lock));
    t.log(change.logLine);
    await t.sleep(ms(cluster, 150, 600));
    const lines = applyChange(cluster, g, change);
    for (const line of lines) t.log(line);
    for (const w of change.warnings) t.warn(w);
  });
}

function logLineOf(kind: GuestKind, vmid: number, req: SimRequest): string {
  const args: string[] = [];
  for (const key of Object.keys(req.params).sort()) {
    if (key === 'node' || key === 'vmid' || key === 'digest' || key === 'background_delay' || key === 'skip_cloud_init' || key === 'import-working-storage') continue;
    args.push(`-${key}`, key === 'cipassword' ? '<hidden>' : String(req.params[key]));
  }
  return `update ${kind === 'qemu' ? 'VM' : 'CT'} ${vmid}: ${args.join(' ')}`;
}

function optionParams(req: SimRequest): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(req.params)) if (!NOT_OPTIONS.has(key)) out[key] = value;
  return out;
}

function planQemuChange(cluster: Cluster, node: string, vmid: number, req: SimRequest): Change {
  const params = optionParams(req);
  if (params.cdrom !== undefined) {
    const v = String(params.cdrom);
    params.ide2 = /media=/.test(v) ? v : `${v},media=cdrom`;
    delete params.cdrom;
  }
  const deleteList = splitList(str(req, 'delete') ?? '').map((o) => (o === 'cdrom' ? 'ide2' : o));
  const revertList = splitList(str(req, 'revert') ?? '');
  if (deleteList.length === 0 && revertList.length === 0 && Object.keys(params).length === 0) throw dieError('no options specified');
  for (const opt of revertList) if (!isConfigKey('qemu', opt)) throw paramError({ revert: `unknown option '${opt}'` });
  for (const opt of deleteList) {
    if (params[opt] !== undefined) throw paramError({ delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` });
    if (revertList.includes(opt)) throw paramError({ revert: `you can't use '-delete ${opt}' and -revert ${opt}' at the same time` });
    if (!isConfigKey('qemu', opt)) throw paramError({ delete: `unknown option '${opt}'` });
  }
  const change: Change = { set: [], volumes: [], remove: deleteList, force: flag(req, 'force'), warnings: [], logLine: logLineOf('qemu', vmid, req) };
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    if (isQemuDriveKey(key)) change.volumes.push(checkVolumeParam(cluster, 'qemu', node, key, String(value), undefined));
    else if (isNetKey(key)) change.set.push([key, withMac(cluster, 'qemu', String(value))]);
    else if (key === 'vmgenid' && String(value) === '1') change.set.push([key, cluster.randomUuid()]);
    else if (key === 'tags') change.set.push([key, formatTags(parseTags(String(value)))]);
    else if (isConfigKey('qemu', key)) change.set.push([key, toConfigValue('qemu', key, value)]);
  }
  return change;
}

function planLxcChange(cluster: Cluster, node: string, vmid: number, req: SimRequest): Change {
  const params = optionParams(req);
  const deleteList = splitList(str(req, 'delete') ?? '');
  if (deleteList.length === 0 && Object.keys(params).length === 0 && req.params.revert === undefined) throw dieError('no options specified');
  for (const opt of deleteList) {
    if (!isConfigKey('lxc', opt)) throw paramError({ delete: `unknown option '${opt}'` });
    if (opt === 'hostname' || opt === 'memory' || opt === 'rootfs') throw dieError(`unable to delete required option '${opt}'`);
  }
  const change: Change = { set: [], volumes: [], remove: deleteList, force: false, warnings: [], logLine: logLineOf('lxc', vmid, req) };
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    if (key === 'unprivileged') throw dieError("unable to modify read-only option: 'unprivileged'");
    if (isLxcMountKey(key)) change.volumes.push(checkVolumeParam(cluster, 'lxc', node, key, String(value), undefined));
    else if (isNetKey(key)) change.set.push([key, withMac(cluster, 'lxc', String(value))]);
    else if (key === 'tags') change.set.push([key, formatTags(parseTags(String(value)))]);
    else if (isConfigKey('lxc', key)) change.set.push([key, toConfigValue('lxc', key, value)]);
  }
  return change;
}

/** The checks made on the loaded config before anything is written. */
function checkLoaded(guest: Guest, req: SimRequest, change: Change): void {
  const digest = str(req, 'digest');
  const conf = guest.config.current;
  if (guest.kind === 'qemu') {
    if (digest && digest !== guest.config.digest()) throw dieError('checksum mismatch (file change by other user?)');
    const lock = guest.config.lock;
    const unlockingSuspended = lock === 'suspended' && change.remove.includes('vmstate');
    if (lock !== undefined && !flag(req, 'skiplock') && !unlockingSuspended) throw dieError(lockedMessage('qemu', lock));
    const memory = change.set.find(([k]) => k === 'memory');
    const balloon = change.set.find(([k]) => k === 'balloon');
    if (memory || balloon) {
      const maxMiB = memory ? qemuMemoryMiB({ memory: memory[1] }) : qemuMemoryMiB(conf);
      const b = balloon ? Number(balloon[1]) : typeof conf.balloon === 'number' ? conf.balloon : 0;
      if (b && b > maxMiB) throw dieError('balloon value too large (must be smaller than assigned memory)');
    }
    const boot = change.set.find(([k]) => k === 'boot');
    if (boot) {
      for (const dev of qemuBootOrder({ boot: boot[1] })) {
        const exists = conf[dev] !== undefined || change.set.some(([k]) => k === dev) || change.volumes.some((v) => v.key === dev);
        if (!exists || change.remove.includes(dev)) throw dieError(`invalid bootorder: device '${dev}' does not exist'`);
      }
    }
  } else {
    if (guest.config.lock !== undefined) throw dieError(lockedMessage('lxc', guest.config.lock));
    if (digest && digest !== guest.config.digest()) throw dieError('detected modified configuration - file changed by other user? Try again.');
  }
  for (const key of change.remove) {
    if (conf[key] === undefined) change.warnings.push(`cannot delete '${key}' - not set in current configuration!`);
    const value = conf[key];
    if (typeof value === 'string' && (isQemuDriveKey(key) || isUnusedKey(key) || isLxcMountKey(key)) && conf.protection === 1) {
      throw dieError(`can't remove ${isUnusedKey(key) ? `unused disk '${parseVolumeOption(guest.kind, key, value)?.volume ?? value}'` : `drive '${key}'`} - protection mode enabled`);
    }
  }
}

/** Writes the change; returns the storage log lines it produced. */
function applyChange(cluster: Cluster, guest: Guest, change: Change): string[] {
  const kind = guest.kind;
  const lines: string[] = [];
  const maxmemBefore = guest.config.summary.maxmem;
  const detach = (conf: GuestConf, key: string, free: boolean): void => {
    const value = conf[key];
    delete conf[key];
    if (typeof value !== 'string') return;
    const parsed = parseVolumeOption(kind, key, value);
    if (!parsed || parsed.isCdrom || !splitVolid(parsed.volume)) return;
    if (free || isUnusedKey(key)) {
      cluster.storage.remove(guest.node, parsed.volume);
      lines.push(...removedLines(cluster, parsed.volume));
    } else {
      conf[nextUnusedKey(conf)] = parsed.volume;
    }
  };
  const materialized: { key: string; m: MaterializedVolume }[] = [];
  try {
    for (const p of change.volumes) materialized.push({ key: p.key, m: materializeVolume(cluster, kind, guest.node, guest.vmid, p, cluster.nowSec()) });
  } catch (e) {
    for (const { m } of materialized) if (m.created) cluster.storage.remove(guest.node, m.created.volid);
    throw e instanceof TaskFailure ? dieError(e.message) : e;
  }
  guest.config.mutate((conf) => {
    const order = kind === 'qemu' ? qemuBootOrder(conf) : [];
    for (const key of change.remove) {
      if (conf[key] === undefined) continue;
      if (isQemuDriveKey(key) || isLxcMountKey(key) || isUnusedKey(key)) detach(conf, key, change.force);
      else delete conf[key];
      if (order.includes(key)) conf.boot = `order=${order.filter((d) => d !== key).join(';')}`;
    }
    for (const { key, m } of materialized) {
      lines.push(...m.lines);
      const old = conf[key];
      if (typeof old === 'string' && old !== m.value) {
        const oldVol = parseVolumeOption(kind, key, old);
        const newVol = parseVolumeOption(kind, key, m.value);
        if (oldVol && newVol && oldVol.volume !== newVol.volume) detach(conf, key, false);
      }
      conf[key] = m.value;
    }
    for (const [key, value] of change.set) conf[key] = value;
  });
  cluster.adjustRunningMem(guest, maxmemBefore);
  return lines;
}

/** PVE::Tools::split_list: items separated by `,`, `;` or white space. */
function splitList(text: string): string[] {
  return text.split(/[,;\s]+/).filter((item) => item !== '');
}
