// The past of a scenario: snapshots, backup archives and the task log a cluster that has been
// running for a while would have.

import type { Cluster } from '../cluster.js';
import type { Guest, GuestConf, NodeState } from '../model.js';
import type { Rng } from '../rng.js';
import { renderBytes } from '../sizes.js';
import { logTimestamp } from '../time.js';
import { ownedVolumes } from '../volumes.js';
import { allocateVolume } from '../volumes.js';
import { addFile, pbsStamp, vzdumpStamp } from './infra.js';

const ROOT = { userid: 'root@pam' } as const;

/** Copies the current options into a snapshot section, as snapshot_prepare does. */
export function addSnapshot(cluster: Cluster, guest: Guest, name: string, snaptime: number, description: string, vmstate: boolean): void {
  const current = guest.config.current;
  const conf: GuestConf = {};
  for (const [key, value] of Object.entries(current)) {
    if (key === 'lock' || key === 'parent') continue;
    conf[key] = value;
  }
  if (typeof current.parent === 'string') conf.parent = current.parent;
  conf.snaptime = snaptime;
  if (description !== '') conf.description = description;
  else delete conf.description;
  if (vmstate && guest.kind === 'qemu') {
    const vol = allocateVolume(cluster, { node: guest.node, storage: 'local-lvm', vmid: guest.vmid, kind: 'qemu', size: guest.config.summary.maxmem * 2 + 512 * 1024 * 1024, ctime: snaptime, name: `vm-${guest.vmid}-state-${name}` });
    conf.vmstate = vol.volid;
    conf.runningmachine = 'pc-i440fx-9.2+pve1';
    conf.runningcpu = 'qemu64,+aes,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,+pni,+popcnt,+sse4.1,+sse4.2,+ssse3';
  }
  guest.config.snapshots.set(name, { name, conf });
  guest.config.mutate((c) => {
    c.parent = name;
  });
}

export interface BackupTarget {
  storage: 'pbs' | 'local' | 'nas';
  node: string;
}

/** An archive of the guest, on PBS (`backup/vm/100/<time>`) or a dump directory. */
export function addBackup(cluster: Cluster, guest: Guest, target: BackupTarget, time: number, size: number): void {
  const kind = guest.kind;
  const notes = guest.config.summary.name;
  if (target.storage === 'pbs') {
    const name = `backup/${kind === 'qemu' ? 'vm' : 'ct'}/${guest.vmid}/${pbsStamp(time)}`;
    addFile(cluster, target.node, 'pbs', name, 'backup', size, time, { format: kind === 'qemu' ? 'pbs-vm' : 'pbs-ct', vmid: guest.vmid, subtype: kind, notes });
  } else {
    const ext = kind === 'qemu' ? 'vma.zst' : 'tar.zst';
    const name = `backup/vzdump-${kind}-${guest.vmid}-${vzdumpStamp(time)}.${ext}`;
    addFile(cluster, target.node, target.storage, name, 'backup', size, time, { vmid: guest.vmid, subtype: kind, notes });
  }
}

/** A nightly vzdump job on one node, its archives on PBS and its task log. */
export function addNightlyBackup(cluster: Cluster, rng: Rng, node: NodeState, guests: Guest[], start: number): void {
  let t = start;
  const lines = [`INFO: starting new backup job: vzdump ${guests.map((g) => g.vmid).join(' ')} --mode snapshot --storage pbs --notes-template '{{guestname}}' --fleecing 0 --quiet 1 --prune-backups 'keep-daily=7,keep-weekly=4'`];
  let failures = 0;
  for (const guest of guests) {
    const s = guest.config.summary;
    const kind = guest.kind;
    const total = Math.max(s.maxdisk, 2 * 1024 ** 3);
    const dirty = Math.round(total * (0.005 + rng.next() * 0.06));
    const secs = 3 + rng.int(0, 40);
    lines.push(`INFO: Starting Backup of VM ${guest.vmid} (${kind})`);
    lines.push(`INFO: Backup started at ${logTimestamp(t)}`);
    lines.push(`INFO: status = ${guest.status}`);
    if (s.lock === 'backup' && guest.vmid !== 115) {
      failures++;
      lines.push(`ERROR: Backup of VM ${guest.vmid} failed - ${kind === 'qemu' ? 'VM' : 'CT'} is locked (backup)`);
      lines.push(`INFO: Failed at ${logTimestamp(t + 1)}`);
      t += 2;
      continue;
    }
    lines.push(kind === 'qemu' ? `INFO: VM Name: ${s.name}` : `INFO: CT Name: ${s.name}`);
    lines.push(`INFO: backup mode: ${guest.status === 'running' ? 'snapshot' : 'stop'}`);
    lines.push('INFO: ionice priority: 7');
    lines.push(`INFO: creating Proxmox Backup Server archive '${kind === 'qemu' ? 'vm' : 'ct'}/${guest.vmid}/${pbsStamp(t)}'`);
    if (kind === 'qemu') {
      lines.push(`INFO: using fast incremental mode (dirty-bitmap), ${renderBytes(dirty)} dirty of ${renderBytes(total)} total`);
      lines.push(`INFO: 100% (${renderBytes(dirty)} of ${renderBytes(dirty)}) in ${secs}s, read: ${renderBytes(Math.round(dirty / secs))}/s, write: ${renderBytes(Math.round(dirty / secs))}/s`);
      lines.push(`INFO: backup was done incrementally, reused ${renderBytes(total - dirty)} (${Math.round(((total - dirty) / total) * 100)}%)`);
    } else {
      lines.push(`INFO: Upload directory '/mnt/vzsnap0' to '${'pbs'}' as root.pxar.didx`);
      lines.push(`INFO: root.pxar: had to backup ${renderBytes(dirty)} of ${renderBytes(total)} (compressed ${renderBytes(Math.round(dirty * 0.4))}) in ${secs}.${rng.int(10, 99)} s (average ${renderBytes(Math.round(dirty / secs))}/s)`);
    }
    lines.push('INFO: adding notes to backup');
    lines.push(`INFO: Finished Backup of VM ${guest.vmid} (00:00:${String(secs + 1).padStart(2, '0')})`);
    lines.push(`INFO: Backup finished at ${logTimestamp(t + secs + 1)}`);
    addBackup(cluster, guest, { storage: 'pbs', node: node.name }, t, Math.round(total * (0.2 + rng.next() * 0.3)));
    t += secs + 2;
  }
  if (failures === 0) lines.push('INFO: Backup job finished successfully');
  cluster.tasks.addHistorical({ node, type: 'vzdump', id: '', owner: ROOT, starttime: start, endtime: t, lines, exitstatus: failures === 0 ? 'OK' : 'job errors' });
}

export function addAptUpdate(cluster: Cluster, node: NodeState, start: number): void {
  cluster.tasks.addHistorical({
    node,
    type: 'aptupdate',
    id: '',
    owner: ROOT,
    starttime: start,
    endtime: start + 6,
    lines: [
      'starting apt-get update',
      'Hit:1 http://deb.debian.org/debian trixie InRelease',
      'Hit:2 http://deb.debian.org/debian trixie-updates InRelease',
      'Hit:3 http://security.debian.org/debian-security trixie-security InRelease',
      'Hit:4 http://download.proxmox.com/debian/pve trixie InRelease',
      'Reading package lists...',
    ],
    exitstatus: 'OK',
  });
}

/** The start task of a guest that is running since `startedAt`. */
export function addStartTask(cluster: Cluster, node: NodeState, guest: Guest): void {
  cluster.tasks.addHistorical({
    node,
    type: guest.kind === 'qemu' ? 'qmstart' : 'vzstart',
    id: guest.vmid,
    owner: ROOT,
    starttime: guest.startedAt - 1,
    endtime: guest.startedAt,
    lines: [],
    exitstatus: 'OK',
  });
}

export function ownedVolumeCount(guest: Guest): number {
  return ownedVolumes(guest.kind, guest.vmid, guest.config.current).length;
}
