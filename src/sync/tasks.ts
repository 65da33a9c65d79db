// Tasks since the last poll, and the guests whose config they may have changed.
//
// /cluster/resources carries no config digest, so an edit that leaves every listed field as it
// was (a NIC, a disk option, a description) is invisible there. Every asynchronous config
// change in PVE runs as a task (qmconfig, clone, migrate, snapshot, restore...), and the
// cluster-wide task list names the guest in the task's id: a new or newly finished task of
// one of these types re-fetches that guest's config. (A synchronous PUT .../config leaves no
// task; it is caught when it changes a listed field, or by the slow sweep.)
import type { GuestKey, GuestType, TaskRow } from '../db/model.js';
import type { TaskSummary } from '../proxmox/types.js';

/** Task types that change a guest's config file (or its snapshot sections). */
export const CONFIG_TASK_TYPES: ReadonlySet<string> = new Set([
  // qemu-server
  'qmconfig',
  'qmcreate',
  'qmclone',
  'qmigrate',
  'qmrestore',
  'qmsnapshot',
  'qmdelsnapshot',
  'qmrollback',
  'qmtemplate',
  'qmmove',
  'qmresize',
  'qmsuspend',
  'qmremotemigrate',
  'qmimport',
  // pve-container
  'vzcreate',
  'vzclone',
  'vzmigrate',
  'vzrestore',
  'vzsnapshot',
  'vzdelsnapshot',
  'vzrollback',
  'vztemplate',
  'vzmove',
  'vzresize',
  'vzremotemigrate',
  // either
  'move_volume',
  'resize',
  'hamigrate',
  'harelocate',
]);

/** upid -> exit status (undefined while running), as seen at the last poll. */
export type KnownTasks = ReadonlyMap<string, string | undefined>;

export function taskRowOf(task: TaskSummary): TaskRow {
  const row: TaskRow = {
    upid: task.upid,
    node: task.node ?? '',
    type: task.type ?? '',
    id: task.id ?? '',
    user: task.user ?? '',
    starttime: task.starttime ?? 0,
  };
  if (task.endtime !== undefined && task.status !== undefined && task.status !== 'RUNNING') row.endtime = task.endtime;
  if (task.status !== undefined && task.status !== 'RUNNING') row.status = task.status;
  return row;
}

export interface TaskDelta {
  /** Tasks that are new, or whose status changed (a running task that finished). */
  changed: TaskRow[];
  /** What the next poll compares against: every task of this answer. */
  known: Map<string, string | undefined>;
  /** The newest start time seen (epoch seconds), for `since` filters and diagnostics. */
  lastStart?: number;
}

export function taskDelta(tasks: readonly TaskSummary[], known: KnownTasks | undefined): TaskDelta {
  const next = new Map<string, string | undefined>();
  const changed: TaskRow[] = [];
  let lastStart: number | undefined;
  for (const task of tasks) {
    const row = taskRowOf(task);
    next.set(row.upid, row.status);
    if (lastStart === undefined || row.starttime > lastStart) lastStart = row.starttime;
    if (!known || !known.has(row.upid) || known.get(row.upid) !== row.status) changed.push(row);
  }
  const delta: TaskDelta = { changed, known: next };
  if (lastStart !== undefined) delta.lastStart = lastStart;
  return delta;
}

function guestTypesOf(taskType: string): GuestType[] {
  if (taskType.startsWith('qm')) return ['qemu'];
  if (taskType.startsWith('vz')) return ['lxc'];
  return ['qemu', 'lxc'];
}

/** The guests named by config-changing tasks among `tasks` (only keys in `exists`). */
export function guestsNamedByTasks(tasks: readonly TaskRow[], exists: (key: GuestKey) => boolean): Set<GuestKey> {
  const out = new Set<GuestKey>();
  for (const task of tasks) {
    if (!CONFIG_TASK_TYPES.has(task.type) || !/^\d+$/.test(task.id)) continue;
    const vmid = Number(task.id);
    for (const type of guestTypesOf(task.type)) {
      const key: GuestKey = `${type}/${vmid}`;
      if (exists(key)) out.add(key);
    }
  }
  return out;
}
