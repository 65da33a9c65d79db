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
import type { WorkerLogSettings, WorkerMessage } from './protocol.js';

export interface WorkerLogSink extends LogSink {
  /** The poll now running (its op id), or undefined between polls. */
  setSyncOp(op: string | undefined): void;
  /** Logging on (the first call posts what was held back) or changed: the level, and the
   * command's op id (the worker's facade must be told the same with setCommandOp). */
  configure(settings: WorkerLogSettings): void;
}

function redactFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = typeof value === 'string' ? redact(value) : value;
  return out;
}

/** Lines kept while the main thread has no log yet (the console opens it after its first
 * frame, when the worker is already polling); the oldest go first. */
export const HELD_LINES = 200;

type LogMessage = Extract<WorkerMessage, { type: 'log' }>;

/** The worker side: a sink for setLogSink that posts `log` messages. Until it is configured it
 * holds info lines and above back (a log may never come: then they are never sent). */
export function createPostingSink(post: (message: LogMessage) => void): WorkerLogSink {
  let settings: WorkerLogSettings | undefined;
  let syncOp: string | undefined;
  let held: LogMessage[] = [];
  const threshold = (): number => LEVEL_VALUES[settings?.level ?? 'info'];
  return {
    write(lineLevel, msg, fields) {
      const parent = settings?.parent;
      // A line that names no operation of its own belongs to the poll that is running.
      const own = fields.op !== undefined && fields.op !== parent;
      const scoped: LogFields = !own && syncOp !== undefined ? { ...fields, op: syncOp, ...(parent !== undefined ? { parent } : {}) } : fields;
      const message: LogMessage = { type: 'log', level: lineLevel, msg: redact(msg), fields: { ...redactFields(scoped), thread: 'sync' } };
      if (settings) post(message);
      else {
        held.push(message);
        if (held.length > HELD_LINES) held.shift();
      }
    },
    isEnabled: (lineLevel) => LEVEL_VALUES[lineLevel] >= threshold(),
    setLevel(next) {
      if (settings) settings = { ...settings, level: next };
    },
    level: () => settings?.level ?? 'info',
    setSyncOp(op) {
      syncOp = op;
    },
    configure(next) {
      const first = settings === undefined;
      settings = next;
      if (!first) return;
      const parent = next.parent;
      for (const message of held) {
        if (LEVEL_VALUES[message.level] < LEVEL_VALUES[next.level]) continue;
        // Held before the command had an id: theirs now.
        const f = message.fields;
        const fields: LogFields = f.op === undefined ? { op: parent, ...f } : f.parent === undefined && f.op !== parent && parent !== undefined ? { ...f, parent } : f;
        post({ ...message, fields });
      }
      held = [];
    },
  };
}

/** The main thread side: a line the worker posted, written with this process's logger (its
 * bindings, redaction and rotation), at the worker's level. */
export function writeWorkerLog(message: Extract<WorkerMessage, { type: 'log' }>): void {
  const write = message.level === 'fatal' ? log.error : log[message.level];
  write(message.msg, message.fields);
}
