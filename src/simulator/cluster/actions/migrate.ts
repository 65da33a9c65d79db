// POST .../migrate: QemuMigrate / PVE::LXC::Migrate. Early refusals are answered right away
// (target is the local node, no such node, running without --online); the scan of volumes
// and the transfer happen in the qmigrate/vzmigrate task, with the timestamped log lines
// and the `migration aborted` ending the real ones have. HA guests get an hamigrate task and
// the CRM then migrates them.

import { dieError, paramError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { guestType, lockedMessage, noSuchNode, onlyRoot } from '../errors.js';
import { splitVolid } from '../formats.js';
import type { Guest, GuestKind } from '../model.js';
import { GiB, renderBytes } from '../sizes.js';
import { TaskFailure, type TaskContext, type TaskOwner } from '../tasks.js';
import { formatDuration, logTimestamp } from '../time.js';
import { configVolumes } from '../volumes.js';
import { flag, isRoot, loadInTask, ms, ownerOf, pathNode, pathVmid, ROOT_OWNER, startTask } from './context.js';

export interface MigrateOptions {
  target: string;
  online: boolean;
  restart: boolean;
  withLocalDisks: boolean;
}

export function migrateGuest(cluster: Cluster, kind: GuestKind, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const target = String(req.params.target);
  if (target === node) throw paramError({ target: 'target is local node.' });
  if (!cluster.nodes.has(target)) throw noSuchNode(target);
  if (flag(req, 'force') && !isRoot(req)) throw onlyRoot('force');
  for (const p of ['migration_type', 'migration_network']) if (req.params[p] !== undefined && !isRoot(req)) throw onlyRoot(p);
  const guest = cluster.requireGuest(kind, node, vmid);
  if (kind === 'qemu' && guest.config.lock !== undefined) throw dieError(lockedMessage(kind, guest.config.lock));
  const opts: MigrateOptions = { target, online: flag(req, 'online'), restart: flag(req, 'restart'), withLocalDisks: flag(req, 'with-local-disks') };
  if (guest.status === 'running') {
    if (kind === 'qemu' && !opts.online) throw dieError("can't migrate running VM without --online");
    if (kind === 'lxc' && !opts.online && !opts.restart) throw dieError("can't migrate running container without --online or --restart");
  } else {
    opts.online = kind === 'qemu' ? false : opts.online;
  }
  if (guest.ha) return haMigrate(cluster, ownerOf(req), guest, opts);
  return startTask(cluster, ownerOf(req), node, kind === 'qemu' ? 'qmigrate' : 'vzmigrate', vmid, migrateScript(cluster, kind, node, vmid, opts));
}

function haMigrate(cluster: Cluster, owner: TaskOwner, guest: Guest, opts: MigrateOptions): string {
  const type = guestType(guest.kind);
  return startTask(cluster, owner, guest.node, 'hamigrate', guest.vmid, async (t) => {
    t.log(`Requesting HA migration for ${type} ${guest.vmid} to node ${opts.target}`);
    await t.sleep(ms(cluster, 300, 700));
    const before = guest.ha?.state ?? 'started';
    if (guest.ha) guest.ha.state = 'migrate';
    const node = guest.node;
    cluster.scheduler.after(ms(cluster, 1000, 2500), () => {
      if (!cluster.guestOn(guest.kind, node, guest.vmid) || cluster.isNodeOffline(node)) return;
      const running = guest.status === 'running';
      const lrmOpts: MigrateOptions = { ...opts, online: guest.kind === 'qemu' ? running : false, restart: guest.kind === 'lxc' && running, withLocalDisks: true };
      const record = cluster.tasks.start({
        node: cluster.node(node)!,
        type: guest.kind === 'qemu' ? 'qmigrate' : 'vzmigrate',
        id: guest.vmid,
        owner: ROOT_OWNER,
        script: migrateScript(cluster, guest.kind, node, guest.vmid, lrmOpts),
      });
      void record.done.then(() => {
        if (guest.ha?.state === 'migrate') guest.ha.state = before;
      });
    });
  });
}

interface ScannedVolume {
  volid: string;
  ref: 'attached' | 'unused' | 'in snapshot';
  size: number;
  shared: boolean;
  cdrom: boolean;
}

function scanVolumes(cluster: Cluster, guest: Guest): ScannedVolume[] {
  const seen = new Map<string, ScannedVolume>();
  const add = (volid: string, key: string, cdrom: boolean, inSnapshot: boolean): void => {
    const parts = splitVolid(volid);
    if (!parts || seen.has(volid)) return;
    const def = cluster.storage.defs.get(parts[0]);
    const vol = cluster.storage.get(guest.node, volid);
    seen.set(volid, {
      volid,
      ref: inSnapshot ? 'in snapshot' : key.startsWith('unused') ? 'unused' : 'attached',
      size: vol?.size ?? 0,
      shared: def?.shared ?? false,
      cdrom: cdrom && !/cloudinit/.test(volid),
    });
  };
  for (const v of configVolumes(guest.kind, guest.config.current)) add(v.volid, v.key, v.isCdrom, false);
  for (const snap of guest.config.snapshots.values()) for (const v of configVolumes(guest.kind, snap.conf)) add(v.volid, v.key, v.isCdrom, true);
  return [...seen.values()];
}

function migrateScript(cluster: Cluster, kind: GuestKind, node: string, vmid: number, opts: MigrateOptions) {
  return async (t: TaskContext): Promise<void> => {
    const start = t.now();
    const log = (line: string): void => t.log(`${logTimestamp(t.now())} ${line}`);
    const type = guestType(kind);
    const abort = (reason: string, phase1 = true): never => {
      log(`ERROR: ${reason}`);
      if (phase1) log('aborting phase 1 - cleanup resources');
      log(`ERROR: migration aborted (duration ${formatDuration(t.now() - start)}): ${reason}`);
      throw new TaskFailure('migration aborted');
    };
    const guest = loadInTask(cluster, kind, node, vmid);
    const target = cluster.node(opts.target)!;
    const running = guest.status === 'running';
    if (guest.config.lock !== undefined) abort(lockedMessage(kind, guest.config.lock), false);
    if (kind === 'lxc' && running && opts.online && !opts.restart) abort('lxc live migration is currently not implemented', false);

    log(`starting migration of ${type} ${vmid} to node '${target.name}' (${target.ip})`);
    if (cluster.isNodeOffline(target.name)) {
      await t.sleep(3000);
      abort("Can't connect to destination address using public key");
    }
    const volumes = scanVolumes(cluster, guest).filter((v) => !v.shared);
    const hasSnapshots = guest.config.hasSnapshots();
    for (const v of volumes) log(kind === 'qemu' ? `found local disk '${v.volid}' (${v.ref})` : `found local volume '${v.volid}' (${v.ref === 'attached' ? 'in current VM config' : v.ref})`);
    const problem = (msg: string): never => abort(`Problem found while scanning volumes - ${msg}`);
    for (const v of volumes) {
      if (v.cdrom) problem(`can't migrate local disk '${v.volid}': local cdrom image`);
      if (hasSnapshots && cluster.storage.defs.get(v.volid.slice(0, v.volid.indexOf(':')))?.type === 'lvmthin') {
        problem(`can't migrate local ${kind === 'qemu' ? 'disk' : 'volume'} '${v.volid}': non-migratable snapshot exists`);
      }
    }
    const disks = volumes.filter((v) => !v.cdrom);
    if (kind === 'qemu' && running && disks.some((v) => v.ref === 'attached') && !opts.withLocalDisks) {
      problem("can't live migrate attached local disks without with-local-disks option");
    }

    guest.config.setLock('migrate');
    try {
      if (kind === 'lxc' && running) {
        log(`shutdown CT ${vmid}`);
        await t.sleep(ms(cluster, 2000, 5000));
        cluster.markStopped(guest);
      }
      if (kind === 'qemu' && running) await liveMigrate(cluster, t, log, guest, target.name, disks);
      else await copyVolumes(cluster, t, log, disks);
      for (const v of volumes) cluster.storage.move(v.volid, node, target.name);
      for (const v of disks) if (cluster.storage.defs.get(v.volid.slice(0, v.volid.indexOf(':')))?.type === 'lvmthin') log(`  Logical volume "${v.volid.slice(v.volid.indexOf(':') + 1)}" successfully removed.`);
      cluster.moveGuest(guest, target.name);
      if (running) guest.startedAt = t.now();
      if (kind === 'lxc' && running) {
        log('start container on target node');
        await t.sleep(ms(cluster, 1000, 2000));
        cluster.markStarted(guest);
      }
      log('start final cleanup');
      guest.config.setLock(undefined);
      log(`migration finished successfully (duration ${formatDuration(t.now() - start)})`);
    } catch (e) {
      if (guest.config.lock === 'migrate') guest.config.setLock(undefined);
      throw e;
    }
  };
}

/** Offline transfer of local volumes (pvesm export | pvesm import, dd-style output). */
async function copyVolumes(cluster: Cluster, t: TaskContext, log: (line: string) => void, disks: ScannedVolume[]): Promise<void> {
  if (disks.length === 0) {
    await t.sleep(ms(cluster, 3000, 6000));
    return;
  }
  log('copying local disk images');
  for (const v of disks) {
    const name = v.volid.slice(v.volid.indexOf(':') + 1);
    if (cluster.storage.defs.get(v.volid.slice(0, v.volid.indexOf(':')))?.type === 'lvmthin') log(`  Logical volume "${name}" created.`);
    const seconds = Math.min(25, Math.max(6, v.size / GiB / 2));
    await t.sleep(seconds * 1000);
    const blocks = Math.round(v.size / 4096);
    log(`${blocks}+0 records in`);
    log(`${blocks}+0 records out`);
    log(`${v.size} bytes (${(v.size / 1e9).toFixed(1)} GB, ${renderBytes(v.size).replace('.0 ', ' ')}) copied, ${seconds.toFixed(1)} s, ${Math.round(v.size / seconds / 1e6)} MB/s`);
    log(`successfully imported '${v.volid}'`);
    log(`volume '${v.volid}' is '${v.volid}' on the target`);
  }
}

async function liveMigrate(cluster: Cluster, t: TaskContext, log: (line: string) => void, guest: Guest, target: string, disks: ScannedVolume[]): Promise<void> {
  const vmid = guest.vmid;
  log(`starting VM ${vmid} on remote node '${target}'`);
  await t.sleep(ms(cluster, 1500, 3000));
  for (const v of disks) log(`volume '${v.volid}' is '${v.volid}' on the target`);
  log('start remote tunnel');
  log('ssh tunnel ver 1');
  if (disks.length > 0) {
    log('starting storage migration');
    for (const v of disks) {
      const drive = `drive-${driveKeyOf(guest, v.volid)}`;
      log(`${drive.slice(6)}: start migration to nbd:unix:/run/qemu-server/${vmid}_nbd.migrate:exportname=${drive}`);
      log(`drive mirror is starting for ${drive}`);
      const seconds = Math.min(20, Math.max(5, v.size / GiB / 3));
      for (let i = 0; i <= 4; i++) {
        const done = Math.round((v.size * i) / 4);
        log(`${drive}: transferred ${renderBytes(done)} of ${renderBytes(v.size)} (${((done / Math.max(1, v.size)) * 100).toFixed(2)}%) in ${Math.round((seconds * i) / 4)}s${i === 4 ? ', ready' : ''}`);
        if (i < 4) await t.sleep((seconds * 1000) / 4);
      }
    }
    log("all 'mirror' jobs are ready");
  }
  const mem = guest.config.summary.maxmem;
  log(`starting online/live migration on unix:/run/qemu-server/${vmid}.migrate`);
  log('set migration capabilities');
  log('migration downtime limit: 100 ms');
  log(`migration cachesize: ${renderBytes(Math.round(mem / 8))}`);
  log('set migration parameters');
  log(`start migrate command to unix:/run/qemu-server/${vmid}.migrate`);
  for (const frac of [0.15, 0.45, 0.8]) {
    await t.sleep(ms(cluster, 2500, 4000));
    log(`migration active, transferred ${renderBytes(Math.round(mem * frac * 0.6))} of ${renderBytes(mem)} VM-state, ${renderBytes(Math.round(mem / 9))}/s`);
  }
  log(`average migration speed: ${renderBytes(Math.round(mem / 5))}/s - downtime ${cluster.rng.int(25, 90)} ms`);
  log('migration status: completed');
  for (const v of disks) {
    const drive = `drive-${driveKeyOf(guest, v.volid)}`;
    log(`${drive}: Completing block job...`);
    log(`${drive}: Completed successfully.`);
    log(`${drive}: mirror-job finished`);
  }
  if (disks.length > 0) log('stopping NBD storage migration server on target.');
}

function driveKeyOf(guest: Guest, volid: string): string {
  return configVolumes(guest.kind, guest.config.current).find((v) => v.volid === volid)?.key ?? 'scsi0';
}
