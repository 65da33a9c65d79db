// The homelab's past and the one job still running: snapshots, nightly backups, apt updates,
// start tasks, a failed migration, and tonight's backup of nextcloud (115) that hangs and
// holds `lock: backup` until someone stops its task.

import type { Cluster } from '../cluster.js';
import type { Guest } from '../model.js';
import type { Rng } from '../rng.js';
import { GiB, renderBytes } from '../sizes.js';
import type { TaskContext } from '../tasks.js';
import { logTimestamp } from '../time.js';
import { uuidFrom } from './guests.js';
import { DAY, pbsStamp } from './infra.js';
import { addAptUpdate, addBackup, addNightlyBackup, addSnapshot, addStartTask } from './history.js';

const ROOT = { userid: 'root@pam' } as const;

export function addHomelabHistory(cluster: Cluster, rng: Rng): void {
  const g = (vmid: number): Guest => cluster.guests.get(vmid)!;
  const a = cluster.anchor;

  addSnapshot(cluster, g(102), 'pre-upgrade', a - 20 * DAY + 7200, 'before PostgreSQL 16 upgrade', false);
  addSnapshot(cluster, g(102), 'after-upgrade', a - 19 * DAY + 5400, 'upgrade done, replication verified', false);
  addSnapshot(cluster, g(112), 'clean-install', a - 100 * DAY + 3600, 'fresh Debian 12 + docker', true);
  addSnapshot(cluster, g(203), 'before-runner-17', a - 8 * DAY + 1800, '', false);
  for (const [vmid, name, time] of [
    [102, 'pre-upgrade', a - 20 * DAY + 7200],
    [102, 'after-upgrade', a - 19 * DAY + 5400],
    [203, 'before-runner-17', a - 8 * DAY + 1800],
  ] as const) {
    const guest = g(vmid);
    cluster.tasks.addHistorical({
      node: cluster.node(guest.node)!,
      type: guest.kind === 'qemu' ? 'qmsnapshot' : 'vzsnapshot',
      id: vmid,
      owner: ROOT,
      starttime: time - 2,
      endtime: time,
      lines: [`  Logical volume "snap_vm-${vmid}-disk-0_${name}" created.`, ...(vmid === 102 ? [`  Logical volume "snap_vm-${vmid}-disk-1_${name}" created.`] : [])],
      exitstatus: 'OK',
    });
  }

  for (const node of cluster.nodes.values()) {
    const guests = [...cluster.guestsOn(node.name)].filter((x) => !x.config.summary.template).sort((x, y) => x.vmid - y.vmid);
    for (let night = 7; night >= 1; night--) {
      addNightlyBackup(cluster, rng, node, guests, a - night * DAY + 2 * 3600 + node.nodeid * 60);
      addAptUpdate(cluster, node, a - night * DAY + 4 * 3600 + rng.int(0, 3000));
    }
    for (const guest of guests) if (guest.status === 'running') addStartTask(cluster, node, guest);
  }

  addBackup(cluster, g(100), { storage: 'local', node: 'pve1' }, a - 14 * DAY + 1800, 3 * GiB + 417 * 1024 * 1024);
  addBackup(cluster, g(100), { storage: 'local', node: 'pve1' }, a - 7 * DAY + 1800, 3 * GiB + 502 * 1024 * 1024);
  addBackup(cluster, g(200), { storage: 'local', node: 'pve1' }, a - 7 * DAY + 1900, 612 * 1024 * 1024);
  addBackup(cluster, g(102), { storage: 'nas', node: 'pve1' }, a - 7 * DAY + 3 * 3600, 41 * GiB);

  const pve1 = cluster.node('pve1')!;
  const reload = a - 33 * DAY + 10 * 3600;
  cluster.tasks.addHistorical({ node: pve1, type: 'srvreload', id: 'networking', owner: ROOT, starttime: reload, endtime: reload + 1, lines: ['warning: vmbr1: attribute bridge-vlan-aware is set to 1 but bridge_vids not defined'], exitstatus: "command 'ifreload -a' failed: exit code 1" });
  cluster.tasks.addHistorical({ node: pve1, type: 'srvreload', id: 'networking', owner: ROOT, starttime: reload + 240, endtime: reload + 242, lines: [], exitstatus: 'OK' });

  const pve3 = cluster.node('pve3')!;
  cluster.tasks.addHistorical({
    node: pve3,
    type: 'qmigrate',
    id: 113,
    owner: ROOT,
    starttime: a - 2 * DAY + 15 * 3600,
    endtime: a - 2 * DAY + 15 * 3600 + 1,
    lines: [
      `${logTimestamp(a - 2 * DAY + 15 * 3600)} starting migration of VM 113 to node 'pve1' (192.168.1.11)`,
      `${logTimestamp(a - 2 * DAY + 15 * 3600)} found local disk 'local-lvm:vm-113-disk-0' (attached)`,
      `${logTimestamp(a - 2 * DAY + 15 * 3600 + 1)} ERROR: Problem found while scanning volumes - can't migrate local disk 'local:iso/debian-12.8.0-amd64-netinst.iso': local cdrom image`,
      `${logTimestamp(a - 2 * DAY + 15 * 3600 + 1)} aborting phase 1 - cleanup resources`,
      `${logTimestamp(a - 2 * DAY + 15 * 3600 + 1)} ERROR: migration aborted (duration 00:00:01): Problem found while scanning volumes - can't migrate local disk 'local:iso/debian-12.8.0-amd64-netinst.iso': local cdrom image`,
    ],
    exitstatus: 'migration aborted',
  });

  startStuckBackup(cluster, rng, g(115));
}

/** Tonight's backup of 115: it started, stalled at 37% and holds the backup lock. */
function startStuckBackup(cluster: Cluster, rng: Rng, guest: Guest): void {
  const node = cluster.node(guest.node)!;
  const taskUuid = uuidFrom(rng);
  cluster.tasks.start({
    node,
    type: 'vzdump',
    id: guest.vmid,
    owner: ROOT,
    script: async (t: TaskContext) => {
      const start = t.now();
      const total = 32 * GiB;
      t.log(`INFO: starting new backup job: vzdump ${guest.vmid} --storage pbs --mode snapshot --notes-template '{{guestname}}' --remove 0`);
      t.log(`INFO: Starting Backup of VM ${guest.vmid} (qemu)`);
      t.log(`INFO: Backup started at ${logTimestamp(start)}`);
      t.log('INFO: status = running');
      t.log(`INFO: VM Name: ${guest.config.summary.name}`);
      t.log(`INFO: include disk 'scsi0' 'local-lvm:vm-${guest.vmid}-disk-0' 32G`);
      t.log('INFO: backup mode: snapshot');
      t.log('INFO: ionice priority: 7');
      t.log(`INFO: creating Proxmox Backup Server archive 'vm/${guest.vmid}/${pbsStamp(start)}'`);
      t.log("INFO: issuing guest-agent 'fs-freeze' command");
      t.log("INFO: issuing guest-agent 'fs-thaw' command");
      t.log(`INFO: started backup task '${taskUuid}'`);
      t.log('INFO: resuming VM again');
      t.log('INFO: scsi0: dirty-bitmap status: created new');
      try {
        let secs = 0;
        for (const pct of [0, 4, 11, 19, 26, 33, 37]) {
          await t.sleep(3000);
          secs += 3 + pct * 9;
          const done = Math.round((total * pct) / 100) + 88 * 1024 * 1024;
          t.log(`INFO: ${String(pct).padStart(3)}% (${renderBytes(done)} of ${renderBytes(total)}) in ${secs}s, read: ${renderBytes(Math.round(done / secs))}/s, write: ${renderBytes(Math.round(done / secs / 1.1))}/s`);
        }
        await t.hang();
      } catch (e) {
        t.log('ERROR: interrupted by signal');
        t.log('INFO: aborting backup job');
        t.log(`ERROR: Backup of VM ${guest.vmid} failed - interrupted by signal`);
        t.log(`INFO: Failed at ${logTimestamp(t.now())}`);
        if (guest.config.lock === 'backup') guest.config.setLock(undefined);
        throw e;
      }
    },
  });
}
