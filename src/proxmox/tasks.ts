// Following a PVE task (UPID) to its end: poll its status, stream its log incrementally
// (each line delivered once, in order), and report how it ended. A task that fails resolves
// with ok=false (the log is still wanted); `assertTaskOk` turns that into a 'task' error.
import { ProxmoxError, isProxmoxError } from './errors.js';
import { oneLine } from './redact.js';
import { isTaskExitOk, type TaskLogLine, type TaskStatus } from './types.js';
import { isUpid, parseUpid, type Upid } from './upid.js';

export interface TaskLogPage {
  lines: TaskLogLine[];
  /** Lines in the whole log, as PVE counts them. */
  total?: number;
}

/** What waitForTask needs from the client. */
export interface TaskReader {
  taskStatus(upid: string, options?: { signal?: AbortSignal }): Promise<TaskStatus>;
  taskLog(upid: string, options?: { start?: number; limit?: number; signal?: AbortSignal }): Promise<TaskLogPage>;
}

export interface WaitForTaskOptions {
  /** New log lines, each line exactly once, in order. */
  onLog?(lines: TaskLogLine[]): void;
  /** Stops following (rejects with kind 'cancelled'); the task itself keeps running. */
  signal?: AbortSignal;
  /** Between status polls (default 1000). */
  pollIntervalMs?: number;
  /** Lines asked for per log request (default 500). */
  logPageSize?: number;
  /** Transient failures (network, timeout, 5xx, malformed answers, a status other than
   * running/stopped) tolerated in a row (default 3). */
  maxConsecutiveErrors?: number;
}

export interface TaskResult {
  upid: string;
  node: string;
  /** The final status as PVE reported it. */
  status: TaskStatus;
  /** `OK`, `WARNINGS: n`, or PVE's error text. */
  exitstatus: string;
  /** True for OK and WARNINGS. */
  ok: boolean;
  /** The whole log, in order. */
  log: TaskLogLine[];
}

export const DEFAULT_POLL_INTERVAL_MS = 1000;

/** Parses a UPID or throws a ProxmoxError that says what is wrong with it. */
export function upidOrThrow(upid: string): Upid {
  if (!isUpid(upid)) {
    throw new ProxmoxError('parameter', `'${oneLine(String(upid), 120)}' is not a task id (UPID:node:pid:pstart:starttime:type:id:user:); pass the UPID an action returned`, {
      upid,
    });
  }
  return parseUpid(upid);
}

function describeTask(upid: Upid): string {
  return `${upid.type}${upid.id ? ` ${upid.id}` : ''} on ${upid.node}`;
}

function cancelled(upid: string, parsed: Upid): ProxmoxError {
  return new ProxmoxError(
    'cancelled',
    `stopped following task ${describeTask(parsed)}; the task keeps running on the node (stop it with stopTask if needed)`,
    { upid, node: parsed.node },
  );
}

function unexpectedStatus(upid: string, parsed: Upid, status: string): ProxmoxError {
  return new ProxmoxError(
    'protocol',
    `task ${describeTask(parsed)} has status '${oneLine(status, 60)}', expected running or stopped; is the server a PVE node?`,
    { upid, node: parsed.node },
  );
}

function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(onAbort());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}

const TRANSIENT = new Set(['network', 'timeout', 'server', 'protocol']);

/** PVE's placeholder for an empty log file; not a line of the task's output. */
function isEmptyLogPlaceholder(page: TaskLogPage, seen: number): boolean {
  return seen === 0 && page.lines.length === 1 && page.lines[0]!.n === 1 && page.lines[0]!.t === 'no content' && (page.total ?? 1) <= 1;
}

export async function waitForTask(reader: TaskReader, upid: string, options: WaitForTaskOptions = {}): Promise<TaskResult> {
  const parsed = upidOrThrow(upid);
  const { signal, onLog } = options;
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const pageSize = Math.max(1, options.logPageSize ?? 500);
  const maxErrors = options.maxConsecutiveErrors ?? 3;
  const log: TaskLogLine[] = [];
  let seen = 0;
  let failures = 0;
  const req = signal ? { signal } : {};

  const drainLog = async (): Promise<void> => {
    for (;;) {
      const page = await reader.taskLog(upid, { start: seen, limit: pageSize, ...req });
      if (isEmptyLogPlaceholder(page, seen)) return;
      const fresh = page.lines.filter((line) => line.n > seen).sort((a, b) => a.n - b.n);
      if (fresh.length > 0) {
        seen = fresh[fresh.length - 1]!.n;
        log.push(...fresh);
        onLog?.(fresh);
      }
      if (page.lines.length < pageSize || fresh.length === 0) return;
    }
  };

  try {
    for (;;) {
      if (signal?.aborted) throw cancelled(upid, parsed);
      try {
        const status = await reader.taskStatus(upid, req);
        await drainLog();
        // Only `stopped` ends the wait: anything but it and `running` is a malformed answer,
        // retried like any transient failure rather than taken for the end of the task.
        if (status.status !== 'stopped' && status.status !== 'running') throw unexpectedStatus(upid, parsed, status.status);
        failures = 0;
        if (status.status === 'stopped') {
          const exitstatus = status.exitstatus ?? 'unexpected status';
          return { upid, node: parsed.node, status, exitstatus, ok: isTaskExitOk(exitstatus), log };
        }
      } catch (e) {
        if (!isProxmoxError(e) || !TRANSIENT.has(e.kind) || ++failures > maxErrors) throw e;
      }
      await sleep(pollMs, signal, () => cancelled(upid, parsed));
    }
  } catch (e) {
    if (isProxmoxError(e, 'cancelled') && e.details.upid === undefined) throw cancelled(upid, parsed);
    throw e;
  }
}

/** The 'task' error for a task that ended badly, with PVE's exit text. */
export function taskFailure(result: TaskResult): ProxmoxError {
  const parsed = isUpid(result.upid) ? parseUpid(result.upid) : undefined;
  const what = parsed ? describeTask(parsed) : result.upid;
  return new ProxmoxError('task', `task ${oneLine(what)} failed: ${oneLine(result.exitstatus)}; see the task log for details`, {
    upid: result.upid,
    node: result.node,
    exitstatus: result.exitstatus,
  });
}

/** Returns the result when the task succeeded (OK or WARNINGS), else throws kind 'task'. */
export function assertTaskOk(result: TaskResult): TaskResult {
  if (!result.ok) throw taskFailure(result);
  return result;
}
