// Carrying a plan out: its API calls exactly as planned, then the task each one started,
// followed to its end (or not, without --wait). Failures are results, not exceptions, so a
// batch reports every guest; only a lost connection ends the whole run.
import type { CallOptions } from '../proxmox/caller.js';
import { ProxmoxError } from '../proxmox/errors.js';
import type { TaskLogLine } from '../proxmox/types.js';
import type { WaitForTaskOptions, TaskResult } from '../proxmox/tasks.js';
import { isUpid } from '../proxmox/upid.js';
import { safeText } from '../util/terminalText.js';
import type { ApiCall, OperationPlan, OperationResult } from './types.js';

/** What executing needs from the API client. */
export interface OperationClient {
  call(method: ApiCall['method'], path: string, params?: ApiCall['params'], options?: CallOptions): Promise<{ data: unknown }>;
  waitForTask(upid: string, options?: WaitForTaskOptions): Promise<TaskResult>;
}

export interface ExecuteOptions {
  /** Follow each task to its end (default true). */
  wait?: boolean;
  /** Give up following after this long (the task keeps running on the server). */
  timeoutMs?: number;
  /** New task log lines as they come. */
  onLog?(lines: TaskLogLine[]): void;
  pollIntervalMs?: number;
}

/** Lines of the task log a result keeps. */
export const LOG_TAIL = 8;

/** Errors that say the cluster cannot be reached at all: the run stops there. */
const CONNECTION_KINDS = new Set(['auth', 'network', 'tls', 'timeout']);

export function isConnectionFailure(error: unknown): boolean {
  return error instanceof ProxmoxError && CONNECTION_KINDS.has(error.kind);
}

export async function executePlan(client: OperationClient, plan: OperationPlan, options: ExecuteOptions = {}): Promise<OperationResult> {
  const started = Date.now();
  const base = { action: plan.action, target: plan.target };
  const last = plan.calls.length - 1;
  let upid: string | undefined;
  let completed = 0;
  /** A failure's message, with (for a plan of several calls) what completed before it. */
  const failed = (message: string): string => {
    if (plan.calls.length < 2) return message;
    const name = (i: number): string => plan.steps?.[i] ?? `call ${i + 1}`;
    if (completed === 0) return `${name(0)} failed: ${message}${plan.ifFailedAtFirst ? `; ${plan.ifFailedAtFirst}` : ''}`;
    const done = Array.from({ length: completed }, (_, i) => name(i)).join(', ');
    return `${done} done, but the ${name(completed)} failed: ${message}${plan.ifFailedAfterFirst ? `; ${plan.ifFailedAfterFirst}` : ''}`;
  };
  const partial = (): { completedCalls?: number } => (plan.calls.length > 1 ? { completedCalls: completed } : {});
  try {
    for (const [i, call] of plan.calls.entries()) {
      const { data } = await client.call(call.method, call.path, call.params);
      upid = typeof data === 'string' && isUpid(data) ? data : undefined;
      // Without --wait only the last task is left to itself: a later call needs the earlier
      // ones' tasks ended (a clone's lock gone before its config is changed).
      if (upid === undefined || (options.wait === false && i === last)) {
        completed++;
        continue;
      }
      const signal = options.timeoutMs !== undefined ? AbortSignal.timeout(options.timeoutMs) : undefined;
      const task = await client.waitForTask(upid, {
        ...(signal ? { signal } : {}),
        ...(options.onLog ? { onLog: options.onLog } : {}),
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      });
      const logTail = task.log.slice(-LOG_TAIL).map((l) => safeText(l.t));
      if (!task.ok) {
        return { ...base, outcome: 'failed', message: failed(safeText(task.exitstatus)), upid, exitStatus: safeText(task.exitstatus), logTail, durationMs: Date.now() - started, ...partial() };
      }
      completed++;
      if (i === last) {
        return { ...base, outcome: 'done', message: safeText(task.exitstatus), upid, exitStatus: safeText(task.exitstatus), logTail, durationMs: Date.now() - started };
      }
    }
    const message = upid !== undefined ? `started (task ${upid}); not followed` : 'applied';
    return { ...base, outcome: 'done', message, ...(upid ? { upid } : {}), durationMs: Date.now() - started };
  } catch (error) {
    if (isConnectionFailure(error)) throw error;
    const cancelled = error instanceof ProxmoxError && error.kind === 'cancelled';
    const message = cancelled
      ? `still running after ${Math.round((options.timeoutMs ?? 0) / 1000)} s (task ${upid}); it goes on on the server`
      : safeText((error as Error).message);
    const paramErrors = error instanceof ProxmoxError && error.kind === 'parameter' ? error.details.errors : undefined;
    return { ...base, outcome: 'failed', message: failed(message), ...(upid ? { upid } : {}), durationMs: Date.now() - started, ...partial(), ...(paramErrors ? { paramErrors } : {}) };
  }
}

/** Runs `fn` over `items` with at most `limit` at once; results in the items' order. */
export async function runBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Parameters whose value is a secret: --dry-run shows them as `***`. */
const SECRET_PARAMS = new Set(['password', 'cipassword']);

/** The request lines --dry-run prints (secrets masked). */
export function describeCall(call: ApiCall): string {
  const params = call.params ? Object.entries(call.params).map(([k, v]) => `${k}=${SECRET_PARAMS.has(k) ? '***' : v}`).join('&') : '';
  return `${call.method} /api2/json${call.path}${params ? ` ${params}` : ''}`;
}
