// The sync worker's log: the worker thread has no log file of its own (pino and the rotating file
// live in the main thread, and one writer per file keeps rotation right), so its log facade
// (observability/log.ts, a separate module instance in the worker) gets a sink that posts each
// line to the main thread, which writes it with its own logger (writeWorkerLog).
//
// Lines are redacted before they leave the worker: the tickets and CSRF tokens the worker's
// client obtains are registered only in the worker's redactor. Every line written while a poll
// runs carries that poll's correlation id (`op`, with the command's id as `parent`), so the API
// requests and retries of one sync read as one operation in `proxmox-mpc logs --op`.
import { LEVEL_VALUES, log, type LogFields, type LogLevel, type LogSink } from '../observability/log.js';
import { redact } from '../util/redact.js';
import type { WorkerMessage } from './protocol.js';

export interface WorkerLogSink extends LogSink {
  /** The poll now running (its op id), or undefined between polls. */
  setSyncOp(op: string | undefined): void;
}

function redactFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = typeof value === 'string' ? redact(value) : value;
  return out;
}

/** The worker side: a sink for setLogSink that posts `log` messages. `parent` is the op id the
 * worker's facade puts on lines that name none (setCommandOp). */
export function createPostingSink(post: (message: Extract<WorkerMessage, { type: 'log' }>) => void, initial: LogLevel, parent: string | undefined): WorkerLogSink {
  let level = initial;
  let syncOp: string | undefined;
  return {
    write(lineLevel, msg, fields) {
      // A line that names no operation of its own belongs to the poll that is running.
      const own = fields.op !== undefined && fields.op !== parent;
      const scoped: LogFields = !own && syncOp !== undefined ? { ...fields, op: syncOp, ...(parent !== undefined ? { parent } : {}) } : fields;
      post({ type: 'log', level: lineLevel, msg: redact(msg), fields: { ...redactFields(scoped), thread: 'sync' } });
    },
    isEnabled: (lineLevel) => LEVEL_VALUES[lineLevel] >= LEVEL_VALUES[level],
    setLevel(next) {
      level = next;
    },
    level: () => level,
    setSyncOp(op) {
      syncOp = op;
    },
  };
}

/** The main thread side: a line the worker posted, written with this process's logger (its
 * bindings, redaction and rotation), at the worker's level. */
export function writeWorkerLog(message: Extract<WorkerMessage, { type: 'log' }>): void {
  const write = message.level === 'fatal' ? log.error : log[message.level];
  write(message.msg, message.fields);
}
