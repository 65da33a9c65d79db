// The JSON shapes of GET /nodes/{node}/tasks, .../{upid}/status and .../{upid}/log, with
// the filters and paging of pve-manager PVE/API2/Tasks.pm.

import type { TaskRecord } from './tasks.js';

type Json = Record<string, unknown>;

function decoded(task: TaskRecord): Json {
  const out: Json = {
    upid: task.upid,
    node: task.node,
    pid: task.pid,
    pstart: task.pstart,
    starttime: task.starttime,
    type: task.type,
    id: task.id,
    user: task.user,
  };
  if (task.tokenid !== undefined) out.tokenid = task.tokenid;
  return out;
}

export function taskStatusView(task: TaskRecord): Json {
  const out = decoded(task);
  if (task.exitstatus === undefined) {
    out.status = 'running';
  } else {
    out.status = 'stopped';
    out.exitstatus = task.exitstatus;
  }
  return out;
}

export interface LogPage {
  lines: { n: number; t: string }[];
  total: number;
}

/** `limit` 0 reads to the end; an empty log reads as one `no content` line. */
export function taskLogPage(task: TaskRecord, start = 0, limit = 50): LogPage {
  const all = task.lines;
  if (all.length === 0) return { lines: [{ n: 1, t: 'no content' }], total: 1 };
  const end = limit === 0 ? all.length : Math.min(all.length, start + limit);
  const lines: { n: number; t: string }[] = [];
  for (let i = start; i < end; i++) lines.push({ n: i + 1, t: all[i]! });
  return { lines, total: all.length };
}

export type TaskStatusType = 'ok' | 'warning' | 'error' | 'unknown';

/** pve-common upid_normalize_status_type. */
export function statusType(status: string | undefined): TaskStatusType {
  if (!status) return 'unknown';
  if (status === 'OK') return 'ok';
  if (/^WARNINGS: \d+$/.test(status)) return 'warning';
  if (status === 'RUNNING') return 'unknown';
  return 'error';
}

export interface TaskListQuery {
  start: number;
  limit: number;
  source: 'archive' | 'active' | 'all';
  errors: boolean;
  typefilter?: string;
  userfilter?: string;
  vmid?: number;
  since?: number;
  until?: number;
  statusfilter?: Set<TaskStatusType>;
  /** False when the caller lacks Sys.Audit on the node: only its own tasks then. */
  auditor: boolean;
  caller: string;
}

export function taskListEntry(task: TaskRecord, nowSec: number): Json {
  const out = decoded(task);
  if (task.exitstatus === undefined) {
    out.status = 'RUNNING';
    out.endtime = nowSec;
  } else {
    out.status = task.exitstatus;
    out.endtime = task.endtime;
  }
  return out;
}

/** Walks the node's tasks newest first: active ones first (source active/all), then the
 * archive (source archive/all). Returns the page and the number of matches (`total`). */
export function listTasks(tasks: Iterable<TaskRecord>, query: TaskListQuery, nowSec: number): { data: Json[]; total: number } {
  const all = [...tasks];
  const active = all.filter((t) => t.exitstatus === undefined);
  const archive = all.filter((t) => t.exitstatus !== undefined);
  const ordered = [...(query.source !== 'archive' ? active : []), ...(query.source !== 'active' ? archive : [])];
  let count = 0;
  let limit = query.limit;
  const data: Json[] = [];
  for (const task of ordered) {
    const status = task.exitstatus ?? 'RUNNING';
    if (query.userfilter && !task.user.toLowerCase().includes(query.userfilter.toLowerCase())) continue;
    if (!query.auditor && owner(task) !== query.caller && task.user !== query.caller) continue;
    if (query.typefilter && task.type !== query.typefilter) continue;
    if (query.errors && status === 'OK') continue;
    if (query.vmid !== undefined && task.id !== String(query.vmid)) continue;
    if (query.since !== undefined && task.starttime < query.since) continue;
    if (query.until !== undefined && task.starttime > query.until) continue;
    if (query.statusfilter && !query.statusfilter.has(statusType(status))) continue;
    if (count++ < query.start) continue;
    if (limit <= 0) continue;
    data.push(taskListEntry(task, nowSec));
    limit--;
  }
  return { data, total: count };
}

export function owner(task: TaskRecord): string {
  return task.tokenid !== undefined ? `${task.user}!${task.tokenid}` : task.user;
}
