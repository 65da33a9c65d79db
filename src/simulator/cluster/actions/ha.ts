// HA-managed guests: the API only records the request (hastart/hastop task); the HA stack
// then runs the real qm/vz task on the guest's node as root@pam, like the LRM does.

import type { Cluster } from '../cluster.js';
import { guestType } from '../errors.js';
import type { Guest } from '../model.js';
import type { TaskOwner, TaskScript } from '../tasks.js';
import { ms, ROOT_OWNER, startTask } from './context.js';

type HaTaskType = 'hastart' | 'hastop';

/** `ha-manager set/crm-command`: a short task that records the request; the cluster resource
 * manager then acts on it a moment later. */
export function haRequest(cluster: Cluster, owner: TaskOwner, guest: Guest, type: HaTaskType, act: () => void): string {
  const what = type === 'hastart' ? 'start' : 'stop';
  return startTask(cluster, owner, guest.node, type, guest.vmid, async (t) => {
    t.log(`Requesting HA ${what} for ${guestType(guest.kind)} ${guest.vmid}`);
    await t.sleep(ms(cluster, 300, 700));
    if (guest.ha) guest.ha.state = type === 'hastart' ? 'started' : 'stopped';
    const needed = type === 'hastart' ? guest.status !== 'running' : guest.status === 'running';
    if (needed) cluster.scheduler.after(ms(cluster, 1000, 2500), act);
  });
}

/** The task the HA LRM runs on the guest's node. */
export function followUp(cluster: Cluster, guest: Guest, type: string, script: TaskScript): void {
  if (!cluster.guests.has(guest.vmid) || cluster.isNodeOffline(guest.node)) return;
  startTask(cluster, ROOT_OWNER, guest.node, type, guest.vmid, script);
}

