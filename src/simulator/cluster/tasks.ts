// Tasks the way pvedaemon runs them: every async action forks a worker identified by a UPID,
// whose log grows while it runs and ends with `TASK OK`, `TASK WARNINGS: n` or
// `TASK ERROR: <message>`. A task's body is an async script that logs, sleeps for realistic
// (scaled) durations and changes the cluster's state when it is done.

import { formatUpid, type Upid } from '../../proxmox/upid.js';
import type { Rng } from './rng.js';
import type { Clock, Scheduler } from './time.js';
import type { NodeState } from './model.js';

/** A failure inside a task; its message becomes `TASK ERROR: <message>`. */
export class TaskFailure extends Error {
  override name = 'TaskFailure';
}

export const INTERRUPTED = 'interrupted by signal';

export interface TaskContext {
  readonly upid: string;
  readonly node: string;
  log(line: string): void;
  /** Logs `WARN: <line>`; the task then ends with `TASK WARNINGS: <n>`. */
  warn(line: string): void;
  /** Waits `ms` realistic milliseconds (scaled); throws `interrupted by signal` if stopped. */
  sleep(ms: number): Promise<void>;
  /** Never resolves; throws `interrupted by signal` when the task is stopped (a hung job). */
  hang(): Promise<never>;
  /** Epoch seconds now. */
  now(): number;
}

export type TaskScript = (ctx: TaskContext) => Promise<void>;

export interface TaskRecord extends Upid {
  upid: string;
  lines: string[];
  endtime?: number;
  /** `OK`, `WARNINGS: n` or the error message; undefined while running. */
  exitstatus?: string;
  warnings: number;
  /** Resolves when the task has ended. */
  done: Promise<void>;
  abort?: AbortController;
}

export interface TaskOwner {
  userid: string;
  tokenid?: string;
}

export interface StartTaskSpec {
  node: NodeState;
  type: string;
  id: string | number;
  owner: TaskOwner;
  script: TaskScript;
}

export interface HistoricalTaskSpec {
  node: NodeState;
  type: string;
  id: string | number;
  owner: TaskOwner;
  starttime: number;
  endtime: number;
  lines: string[];
  /** OK, WARNINGS: n or an error message; running when undefined. */
  exitstatus?: string;
}

/** Finished tasks kept per node; older ones are forgotten, as PVE rotates its task archive. */
export const TASKS_KEPT_PER_NODE = 2000;

export class TaskManager {
  readonly #byUpid = new Map<string, TaskRecord>();
  /** Per node, in start order (oldest first). */
  readonly #byNode = new Map<string, TaskRecord[]>();
  /** Per node, the highest pstart handed out: it counts clock ticks since boot, so it only grows. */
  readonly #lastPstart = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
  ) {}

  start(spec: StartTaskSpec): TaskRecord {
    const starttime = Math.floor(this.clock.now() / 1000);
    const record = this.#newRecord(spec.node, spec.type, String(spec.id), spec.owner, starttime, true);
    const abort = new AbortController();
    record.abort = abort;
    const ctx: TaskContext = {
      upid: record.upid,
      node: record.node,
      log: (line) => {
        if (record.exitstatus === undefined) record.lines.push(...line.split('\n'));
      },
      warn: (line) => {
        if (record.exitstatus !== undefined) return;
        record.warnings++;
        record.lines.push(`WARN: ${line}`);
      },
      sleep: (ms) => this.scheduler.sleep(ms, abort.signal),
      hang: () =>
        new Promise<never>((_resolve, reject) => {
          abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true });
        }),
      now: () => Math.floor(this.clock.now() / 1000),
    };
    let body: Promise<void>;
    try {
      body = spec.script(ctx);
    } catch (e) {
      body = Promise.reject(e);
    }
    record.done = body.then(
      () => this.#finish(record, record.warnings > 0 ? `WARNINGS: ${record.warnings}` : 'OK'),
      (e: unknown) => this.#finish(record, e instanceof Error ? e.message : String(e)),
    );
    return record;
  }

  /** A task that ran before the simulator started (scenario history). */
  addHistorical(spec: HistoricalTaskSpec): TaskRecord {
    const record = this.#newRecord(spec.node, spec.type, String(spec.id), spec.owner, spec.starttime);
    record.lines.push(...spec.lines);
    if (spec.exitstatus !== undefined) {
      record.exitstatus = spec.exitstatus;
      record.endtime = spec.endtime;
      record.lines.push(endLine(spec.exitstatus));
    }
    return record;
  }

  get(upid: string): TaskRecord | undefined {
    return this.#byUpid.get(upid);
  }

  /** Tasks of a node, newest first. */
  *newestFirst(node: string): IterableIterator<TaskRecord> {
    const list = this.#byNode.get(node);
    if (!list) return;
    for (let i = list.length - 1; i >= 0; i--) yield list[i]!;
  }

  /** Ends every running task with `interrupted by signal`, so nothing awaits a stopped simulator. */
  dispose(): void {
    for (const record of this.#byUpid.values()) {
      if (record.exitstatus !== undefined) continue;
      record.abort?.abort(new TaskFailure(INTERRUPTED));
      this.#finish(record, INTERRUPTED);
    }
  }

  /** DELETE /tasks/{upid}: a running task is killed and ends with `interrupted by signal`. */
  stop(upid: string): boolean {
    const record = this.#byUpid.get(upid);
    if (!record || record.exitstatus !== undefined || !record.abort) return false;
    record.abort.abort(new TaskFailure(INTERRUPTED));
    return true;
  }

  #newRecord(node: NodeState, type: string, id: string, owner: TaskOwner, starttime: number, live = false): TaskRecord {
    node.nextPid += this.rng.int(3, 900);
    if (node.nextPid > 4_194_000) node.nextPid = 1000 + this.rng.int(0, 5000);
    const pid = node.nextPid;
    let pstart = Math.max(1, Math.floor((starttime - node.bootTime) * 100) + this.rng.int(0, 99));
    const last = this.#lastPstart.get(node.name) ?? 0;
    if (live && pstart <= last) pstart = last + 1 + this.rng.int(0, 9);
    this.#lastPstart.set(node.name, Math.max(last, pstart));
    const upid = formatUpid({ node: node.name, pid, pstart, starttime, type, id, user: owner.userid, ...(owner.tokenid !== undefined ? { tokenid: owner.tokenid } : {}) });
    const record: TaskRecord = {
      upid,
      node: node.name,
      pid,
      pstart,
      starttime,
      type,
      id,
      user: owner.userid,
      lines: [],
      warnings: 0,
      done: Promise.resolve(),
    };
    if (owner.tokenid !== undefined) record.tokenid = owner.tokenid;
    this.#byUpid.set(upid, record);
    const list = this.#byNode.get(node.name) ?? [];
    // Keep start order even when history is added out of order.
    let i = list.length;
    while (i > 0 && list[i - 1]!.starttime > starttime) i--;
    list.splice(i, 0, record);
    this.#byNode.set(node.name, list);
    this.#forgetOldest(list);
    return record;
  }

  #forgetOldest(list: TaskRecord[]): void {
    let excess = list.length - TASKS_KEPT_PER_NODE;
    for (let i = 0; excess > 0 && i < list.length; ) {
      const record = list[i]!;
      if (record.exitstatus === undefined) {
        i++;
        continue;
      }
      list.splice(i, 1);
      this.#byUpid.delete(record.upid);
      excess--;
    }
  }

  #finish(record: TaskRecord, exitstatus: string): void {
    if (record.exitstatus !== undefined) return;
    record.exitstatus = exitstatus;
    record.endtime = Math.floor(this.clock.now() / 1000);
    record.lines.push(endLine(exitstatus));
    delete record.abort;
  }
}

function endLine(exitstatus: string): string {
  if (exitstatus === 'OK') return 'TASK OK';
  if (/^WARNINGS: \d+$/.test(exitstatus)) return `TASK ${exitstatus}`;
  return `TASK ERROR: ${exitstatus}`;
}
