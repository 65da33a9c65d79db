// LXC power actions (pve-container API2/LXC/Status.pm): these refuse a wrong state before
// forking (`CT 200 not running`), and `suspend` checkpoints the container to disk.

import { dieError, type SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { TaskFailure, type TaskScript } from '../tasks.js';
import { checkLockInTask, flag, loadInTask, ms, ownerOf, pathNode, pathVmid, startTask } from './context.js';
import { followUp, haRequest } from './ha.js';
import { isRunning, requireRootFor, shutdownLimits, type PowerAction, type ShutdownLimits } from './powerCommon.js';

export function lxcPower(cluster: Cluster, action: PowerAction, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  const owner = ownerOf(req);
  const guest = cluster.guestOn('lxc', node, vmid);
  const running = guest?.status === 'running';
  const skiplock = flag(req, 'skiplock');
  requireRootFor(req, 'skiplock');

  switch (action) {
    case 'start':
      if (running) throw dieError(`CT ${vmid} already running`);
      if (guest?.ha) return haRequest(cluster, owner, guest, 'hastart', () => followUp(cluster, guest, 'vzstart', lxcStartScript(cluster, node, vmid, false)));
      return startTask(cluster, owner, node, 'vzstart', vmid, lxcStartScript(cluster, node, vmid, skiplock));
    case 'stop':
      if (!running) throw dieError(`CT ${vmid} not running`);
      if (guest?.ha) return haRequest(cluster, owner, guest, 'hastop', () => followUp(cluster, guest, 'vzstop', lxcStopScript(cluster, node, vmid, false, false)));
      return startTask(cluster, owner, node, 'vzstop', vmid, lxcStopScript(cluster, node, vmid, skiplock, false));
    case 'shutdown':
      if (!running) throw dieError(`CT ${vmid} not running`);
      if (guest?.ha) return haRequest(cluster, owner, guest, 'hastop', () => followUp(cluster, guest, 'vzshutdown', lxcStopScript(cluster, node, vmid, false, true)));
      return startTask(cluster, owner, node, 'vzshutdown', vmid, lxcStopScript(cluster, node, vmid, false, true, shutdownLimits(req)));
    case 'reboot':
      // pve-container really says "VM" here.
      if (!running) throw dieError(`VM ${vmid} not running`);
      return startTask(cluster, owner, node, 'vzreboot', vmid, async (t) => {
        const g = loadInTask(cluster, 'lxc', node, vmid);
        await t.sleep(ms(cluster, 2500, 6000));
        if (g.status === 'running') cluster.markStarted(g);
      });
    case 'suspend':
      if (!running) throw dieError(`CT ${vmid} not running`);
      return startTask(cluster, owner, node, 'vzsuspend', vmid, async (t) => {
        const g = loadInTask(cluster, 'lxc', node, vmid);
        checkLockInTask(g);
        await t.sleep(ms(cluster, 1500, 4000));
        cluster.markStopped(g);
        g.checkpointed = true;
      });
    case 'resume':
      if (running) throw dieError(`CT ${vmid} already running`);
      return startTask(cluster, owner, node, 'vzresume', vmid, async (t) => {
        await t.sleep(ms(cluster, 800, 2000));
        const g = cluster.guestOn('lxc', node, vmid);
        if (!g?.checkpointed) throw new TaskFailure(`command 'lxc-checkpoint -n ${vmid} -r --foreground -D /var/lib/vz/dump' failed: exit code 1`);
        g.checkpointed = false;
        cluster.markStarted(g);
      });
  }
  throw new Error(`unknown power action ${String(action)}`);
}

export function lxcStartScript(cluster: Cluster, node: string, vmid: number, skiplock: boolean): TaskScript {
  return async (t) => {
    const guest = loadInTask(cluster, 'lxc', node, vmid);
    if (guest.config.summary.template) throw new TaskFailure("you can't start a CT if it's a template");
    if (!skiplock) checkLockInTask(guest, ['mounted']);
    await t.sleep(ms(cluster, 700, 1600));
    if (isRunning(guest)) throw new TaskFailure(`CT ${vmid} already running`);
    guest.checkpointed = false;
    cluster.markStarted(guest);
  };
}

export function lxcStopScript(cluster: Cluster, node: string, vmid: number, skiplock: boolean, shutdown: boolean, limits: ShutdownLimits = {}): TaskScript {
  return async (t) => {
    const guest = loadInTask(cluster, 'lxc', node, vmid);
    if (shutdown || !skiplock) checkLockInTask(guest, shutdown ? [] : ['mounted']);
    const needed = shutdown ? ms(cluster, 1500, 5000) : ms(cluster, 300, 900);
    // lxc-stop --timeout: without forceStop (--nokill) it gives up and fails; with it, it kills.
    if (shutdown && limits.timeoutSeconds !== undefined && needed > limits.timeoutSeconds * 1000) {
      await t.sleep(limits.timeoutSeconds * 1000);
      if (!limits.forceStop) throw new TaskFailure(`command 'lxc-stop -n ${vmid} --nokill --timeout ${limits.timeoutSeconds}' failed: exit code 1`);
    } else {
      await t.sleep(needed);
    }
    cluster.markStopped(guest);
  };
}

