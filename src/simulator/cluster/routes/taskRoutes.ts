// /nodes/{node}/tasks, .../{upid}/status, .../{upid}/log, DELETE .../{upid}.

import { isUpid } from '../../../proxmox/upid.js';
import { paramError, withTotal, type SimRequest, type SimRouteTable } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { flag, int, pathNode, str } from '../actions/context.js';
import { listTasks, owner, taskLogPage, taskStatusView, type TaskStatusType } from '../taskViews.js';
import type { TaskRecord } from '../tasks.js';
import { requirePriv, type CanSee } from './access.js';

const STATUS_TYPES = new Set<TaskStatusType>(['ok', 'warning', 'error', 'unknown']);

export function taskRoutes(cluster: Cluster, canSee: CanSee): SimRouteTable {
  const findTask = (req: SimRequest): TaskRecord => {
    const upid = String(req.params.upid);
    if (!isUpid(upid)) throw paramError({ upid: 'unable to parse worker upid' });
    const task = cluster.tasks.get(upid);
    if (!task || task.node !== pathNode(req)) throw paramError({ upid: 'no such task' });
    return task;
  };
  const ownTask = (req: SimRequest, task: TaskRecord): boolean => owner(task) === req.authid;

  return {
    'GET /nodes/{node}/tasks': (req) => {
      const node = pathNode(req);
      const source = str(req, 'source');
      const statusfilter = str(req, 'statusfilter');
      const vmid = int(req, 'vmid');
      const since = int(req, 'since');
      const until = int(req, 'until');
      const typefilter = str(req, 'typefilter');
      const userfilter = str(req, 'userfilter');
      const { data, total } = listTasks(
        cluster.tasks.newestFirst(node),
        {
          start: int(req, 'start') ?? 0,
          limit: int(req, 'limit') ?? 50,
          source: source === 'active' || source === 'all' ? source : 'archive',
          errors: flag(req, 'errors'),
          ...(typefilter !== undefined ? { typefilter } : {}),
          ...(userfilter !== undefined ? { userfilter } : {}),
          ...(vmid !== undefined ? { vmid } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
          ...(statusfilter !== undefined
            ? { statusfilter: new Set(statusfilter.split(/[,;\s]+/).filter((s): s is TaskStatusType => STATUS_TYPES.has(s as TaskStatusType))) }
            : {}),
          auditor: canSee(req, `/nodes/${node}`, 'Sys.Audit'),
          caller: req.authid,
        },
        cluster.nowSec(),
      );
      return withTotal(data, total);
    },

    'GET /nodes/{node}/tasks/{upid}/status': (req) => {
      const task = findTask(req);
      if (!ownTask(req, task)) requirePriv(canSee, req, `/nodes/${task.node}`, 'Sys.Audit');
      return taskStatusView(task);
    },

    'GET /nodes/{node}/tasks/{upid}/log': (req) => {
      const task = findTask(req);
      if (!ownTask(req, task)) requirePriv(canSee, req, `/nodes/${task.node}`, 'Sys.Audit');
      const page = taskLogPage(task, int(req, 'start') ?? 0, int(req, 'limit') ?? 50);
      return withTotal(page.lines, page.total);
    },

    'DELETE /nodes/{node}/tasks/{upid}': (req) => {
      const task = findTask(req);
      if (!ownTask(req, task)) requirePriv(canSee, req, `/nodes/${task.node}`, 'Sys.Modify');
      cluster.tasks.stop(task.upid);
      return null;
    },
  };
}
