// QEMU power actions (qemu-server API2/Qemu.pm vm_start ... vm_resume): what is checked
// before the worker is forked, and what the worker does.

import { dieError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import type { Guest } from '../model.js';
import { GiB, renderBytes } from '../sizes.js';
import { TaskFailure, type TaskScript } from '../tasks.js';
import { allocateVolume } from '../volumes.js';
import { checkLockInTask, flag, loadInTask, ms, ownerOf, pathNode, pathVmid, startTask } from './context.js';
import { followUp, haRequest } from './ha.js';
import { isRunning, notOnNode, requireRootFor, shutdownLimits, type PowerAction, type ShutdownLimits } from './powerCommon.js';

export function qemuPower(cluster: Cluster, action: PowerAction, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const owner = ownerOf(req);
  const guest = cluster.guestOn('qemu', node, vmid);
  const running = guest?.status === 'running';
  const skiplock = flag(req, 'skiplock');
  requireRootFor(req, 'skiplock');

  switch (action) {
    case 'start':
      requireRootFor(req, 'migratedfrom', 'stateuri');
      if (guest?.ha) return haRequest(cluster, owner, guest, 'hastart', () => followUp(cluster, guest, 'qmstart', qemuStartScript(cluster, node, vmid, false)));
      return startTask(cluster, owner, node, 'qmstart', vmid, qemuStartScript(cluster, node, vmid, skiplock));
    case 'stop':
      requireRootFor(req, 'keepActive', 'migratedfrom');
      if (guest?.ha) return haRequest(cluster, owner, guest, 'hastop', () => followUp(cluster, guest, 'qmstop', qemuStopScript(cluster, node, vmid, false, false)));
      return startTask(cluster, owner, node, 'qmstop', vmid, qemuStopScript(cluster, node, vmid, skiplock, false, flag(req, 'overrule-shutdown')));
    case 'shutdown': {
      requireRootFor(req, 'keepActive');
      if (guest?.paused && running && !flag(req, 'forceStop')) throw dieError('VM is paused - cannot shutdown');
      if (guest?.ha) return haRequest(cluster, owner, guest, 'hastop', () => followUp(cluster, guest, 'qmshutdown', qemuStopScript(cluster, node, vmid, false, true)));
      return startTask(cluster, owner, node, 'qmshutdown', vmid, qemuStopScript(cluster, node, vmid, skiplock, !guest?.paused, false, shutdownLimits(req)));
    }
    case 'reboot':
      if (guest?.paused && running) throw dieError('VM is paused - cannot shutdown');
      requireQemuRunning(node, vmid, guest);
      return startTask(cluster, owner, node, 'qmreboot', vmid, async (t) => {
        const g = loadInTask(cluster, 'qemu', node, vmid);
        checkLockInTask(g);
        await t.sleep(ms(cluster, 3000, 7000));
        if (g.status === 'running') cluster.markStarted(g);
      });
    case 'reset':
      requireQemuRunning(node, vmid, guest);
      return startTask(cluster, owner, node, 'qmreset', vmid, async (t) => {
        const g = loadInTask(cluster, 'qemu', node, vmid);
        if (!skiplock) checkLockInTask(g);
        await t.sleep(ms(cluster, 200, 600));
      });
    case 'suspend': {
      requireQemuRunning(node, vmid, guest);
      const todisk = flag(req, 'todisk');
      if (todisk && guest?.ha) throw dieError('Cannot suspend HA managed VM to disk');
      const statestorage = req.params.statestorage === undefined ? undefined : String(req.params.statestorage);
      if (statestorage !== undefined) cluster.storage.requireOn(statestorage, node);
      return startTask(cluster, owner, node, todisk ? 'qmsuspend' : 'qmpause', vmid, todisk ? suspendToDiskScript(cluster, node, vmid, skiplock, statestorage) : pauseScript(cluster, node, vmid, skiplock));
    }
    case 'resume': {
      const suspended = guest?.config.lock === 'suspended';
      if (!suspended) requireQemuRunning(node, vmid, guest);
      if (suspended) return startTask(cluster, owner, node, 'qmresume', vmid, qemuStartScript(cluster, node, vmid, skiplock));
      return startTask(cluster, owner, node, 'qmresume', vmid, async (t) => {
        const g = loadInTask(cluster, 'qemu', node, vmid);
        if (!skiplock) checkLockInTask(g);
        await t.sleep(ms(cluster, 100, 400));
        g.paused = false;
      });
    }
  }
  throw new Error(`unknown power action ${String(action)}`);
}

function requireQemuRunning(node: string, vmid: number, guest: Guest | undefined): void {
  if (!guest) throw dieError(notOnNode('qemu', node, vmid));
  if (guest.status !== 'running') throw dieError(`VM ${vmid} not running`);
}

/** vm_start: also resumes a VM suspended to disk (lock `suspended`). */
export function qemuStartScript(cluster: Cluster, node: string, vmid: number, skiplock: boolean): TaskScript {
  return async (t) => {
    const guest = loadInTask(cluster, 'qemu', node, vmid);
    if (guest.config.summary.template) throw new TaskFailure("you can't start a vm if it's a template");
    const suspended = guest.config.lock === 'suspended';
    if (!skiplock && !suspended) checkLockInTask(guest);
    if (guest.status === 'running') throw new TaskFailure(`VM ${vmid} already running`);
    if (Object.values(guest.config.current).some((v) => typeof v === 'string' && /cloudinit/.test(v))) t.log('generating cloud-init ISO');
    if (suspended) t.log('resuming VM from saved state');
    await t.sleep(ms(cluster, 900, 1900));
    if (isRunning(guest)) throw new TaskFailure(`VM ${vmid} already running`);
    if (suspended) {
      const vmstate = guest.config.get('vmstate');
      if (typeof vmstate === 'string') cluster.storage.remove(guest.node, vmstate);
      guest.config.mutate((c) => {
        delete c.vmstate;
        delete c.lock;
        delete c.runningmachine;
        delete c.runningcpu;
      });
    }
    cluster.markStarted(guest);
  };
}

/** vm_stop (hard) or its shutdown variant; a VM that isn't running is a no-op, as in _do_vm_stop. */
export function qemuStopScript(cluster: Cluster, node: string, vmid: number, skiplock: boolean, shutdown: boolean, overrule = false, limits: ShutdownLimits = {}): TaskScript {
  return async (t) => {
    const guest = cluster.guestOn('qemu', node, vmid);
    if (!guest) throw new TaskFailure(notOnNode('qemu', node, vmid));
    if (overrule) {
      const aborted: string[] = [];
      for (const task of cluster.tasks.newestFirst(node)) {
        if (task.type === 'qmshutdown' && task.id === String(vmid) && task.exitstatus === undefined && cluster.tasks.stop(task.upid)) aborted.push(task.upid);
      }
      if (aborted.length) t.log(`overruled qmshutdown tasks: ${aborted.join(', ')}`);
    }
    if (guest.status !== 'running') return;
    if (!skiplock) checkLockInTask(guest);
    const needed = shutdown ? ms(cluster, 2500, 8000) : ms(cluster, 400, 1200);
    // _do_vm_stop: the guest OS gets `timeout` seconds; then forceStop kills it, else it fails.
    if (shutdown && limits.timeoutSeconds !== undefined && needed > limits.timeoutSeconds * 1000) {
      await t.sleep(limits.timeoutSeconds * 1000);
      if (!limits.forceStop) throw new TaskFailure('VM quit/powerdown failed - got timeout');
      t.log('VM still running - terminating now with SIGTERM');
    } else {
      await t.sleep(needed);
    }
    cluster.markStopped(guest);
  };
}

function pauseScript(cluster: Cluster, node: string, vmid: number, skiplock: boolean): TaskScript {
  return async (t) => {
    const guest = loadInTask(cluster, 'qemu', node, vmid);
    if (!skiplock) checkLockInTask(guest);
    await t.sleep(ms(cluster, 100, 400));
    if (guest.status === 'running') guest.paused = true;
  };
}

function suspendToDiskScript(cluster: Cluster, node: string, vmid: number, skiplock: boolean, statestorage: string | undefined): TaskScript {
  return async (t) => {
    const guest = loadInTask(cluster, 'qemu', node, vmid);
    if (!skiplock) checkLockInTask(guest);
    const storage = statestorage ?? 'local-lvm';
    guest.config.setLock('suspending');
    try {
      const stamp = new Date(t.now() * 1000).toISOString().slice(0, 10);
      const size = guest.config.summary.maxmem * 2 + GiB / 2;
      t.log(`saving VM state and RAM using storage '${storage}'`);
      await t.sleep(ms(cluster, 1500, 3000));
      const vol = allocateVolume(cluster, { node, storage, vmid, kind: 'qemu', size, ctime: t.now(), name: `vm-${vmid}-state-suspend-${stamp}` });
      t.log(`  Logical volume "${vol.name}" created.`);
      await t.sleep(ms(cluster, 1500, 4000));
      t.log(`completed saving the VM state in 4s, saved ${renderBytes(Math.round(guest.config.summary.maxmem * 0.6))}`);
      cluster.markStopped(guest);
      guest.config.mutate((c) => {
        c.vmstate = vol.volid;
        c.lock = 'suspended';
        c.runningmachine = 'pc-i440fx-10.1+pve0';
      });
    } catch (e) {
      if (guest.config.lock === 'suspending') guest.config.setLock(undefined);
      throw e;
    }
  };
}

