// Test support: a cluster with its route table and helpers to call handlers the way the
// HTTP layer does (params already validated and coerced) and to follow tasks.

import { isEnvelope, type HttpMethod, type SimPrincipal, type SimRequest } from '../types.js';
import type { Cluster } from './cluster.js';
import { createCluster, type CreateClusterOptions } from './createCluster.js';
import { createClusterRoutes, type CanSee } from './routes/index.js';
import type { TaskRecord } from './tasks.js';

export const ROOT: SimPrincipal = { userid: 'root@pam' };

export interface Harness {
  cluster: Cluster;
  /** The handler's `data` (an envelope is unwrapped; see callEnvelope for `total`). */
  call(method: HttpMethod, template: string, params?: Record<string, string | number>, principal?: SimPrincipal): Promise<unknown>;
  callEnvelope(method: HttpMethod, template: string, params?: Record<string, string | number>, principal?: SimPrincipal): Promise<{ data: unknown; total?: number }>;
  task(upid: unknown): TaskRecord;
  /** Waits until the task has ended and returns it. */
  finished(upid: unknown): Promise<TaskRecord>;
  dispose(): void;
}

export function authidOf(principal: SimPrincipal): string {
  return principal.tokenid !== undefined ? `${principal.userid}!${principal.tokenid}` : principal.userid;
}

export function makeHarness(options: Partial<CreateClusterOptions> = {}, canSee?: CanSee): Harness {
  const cluster = createCluster({ scenario: 'homelab', seed: 7, timeScale: 0.0005, ...options });
  const routes = createClusterRoutes(cluster, canSee ? { canSee } : {});
  const invoke = async (method: HttpMethod, template: string, params: Record<string, string | number> = {}, principal: SimPrincipal = ROOT): Promise<unknown> => {
    const handler = routes[`${method} ${template}`];
    if (!handler) throw new Error(`no handler for ${method} ${template}`);
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name]));
    const req: SimRequest = { method, path, template, params, principal, authid: authidOf(principal) };
    return handler(req);
  };
  const task = (upid: unknown): TaskRecord => {
    const record = cluster.tasks.get(String(upid));
    if (!record) throw new Error(`no task ${String(upid)}`);
    return record;
  };
  return {
    cluster,
    call: async (...args) => {
      const result = await invoke(...args);
      return isEnvelope(result) ? result.data : result;
    },
    callEnvelope: async (...args) => {
      const result = await invoke(...args);
      if (isEnvelope(result)) return result.total !== undefined ? { data: result.data, total: result.total } : { data: result.data };
      return { data: result };
    },
    task,
    finished: async (upid) => {
      const record = task(upid);
      await record.done;
      return record;
    },
    dispose: () => cluster.dispose(),
  };
}

export type Json = Record<string, unknown>;

export function asList(value: unknown): Json[] {
  if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`);
  return value as Json[];
}

export function asObject(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value as Json;
}
