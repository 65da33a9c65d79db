// The logging facade every module may import: no dependencies, nothing written until the entry
// point installs a sink (logger.ts, which loads pino). Until then, and in unit tests, each call
// is a no-op, so that logging never costs a command that does not log, and never fails one.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Numeric values as pino writes them (trace 10 … fatal 60). */
export const LEVEL_VALUES: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface LogSink {
  write(level: LogLevel, msg: string, fields: LogFields): void;
  isEnabled(level: LogLevel): boolean;
  setLevel(level: LogLevel): void;
  level(): LogLevel;
}

let sink: LogSink | undefined;
let commandOp: string | undefined;

export function setLogSink(next: LogSink | undefined): void {
  sink = next;
  notifySettings();
}

/** A short correlation id: 8 hex digits (enough to tell the operations of a few days apart). */
export function newOpId(): string {
  return randomBytes(4).toString('hex');
}

/** The id of the command run (set once by the entry point; operations get their own). */
export function setCommandOp(op: string | undefined): void {
  commandOp = op;
  notifySettings();
}

export function currentCommandOp(): string | undefined {
  return commandOp;
}

/** What a thread that logs through this one needs: the level (undefined: no log) and the
 * command run's id. */
export interface LogSettings {
  level: LogLevel | undefined;
  op: string | undefined;
}

const settingsListeners = new Set<(settings: LogSettings) => void>();

function notifySettings(): void {
  const settings: LogSettings = { level: sink?.level(), op: commandOp };
  for (const listener of settingsListeners) {
    try {
      listener(settings);
    } catch {
      // a listener's failure is its own
    }
  }
}

/** Calls `listener` whenever the log is installed (the console opens it after its first
 * frame), its level changes (`/debug on`) or the command's id is set: the sync worker follows
 * the main thread's log this way. Returns the unsubscribe function. */
export function onLogSettings(listener: (settings: LogSettings) => void): () => void {
  settingsListeners.add(listener);
  return () => settingsListeners.delete(listener);
}

function write(level: LogLevel, msg: string, fields: LogFields = {}): void {
  if (sink === undefined || !sink.isEnabled(level)) return;
  try {
    sink.write(level, msg, commandOp !== undefined && fields.op === undefined ? { op: commandOp, ...fields } : fields);
  } catch {
    // A full disk or a removed log directory never fails the command that logs.
  }
}

export const log = {
  trace: (msg: string, fields?: LogFields) => write('trace', msg, fields),
  debug: (msg: string, fields?: LogFields) => write('debug', msg, fields),
  info: (msg: string, fields?: LogFields) => write('info', msg, fields),
  warn: (msg: string, fields?: LogFields) => write('warn', msg, fields),
  error: (msg: string, fields?: LogFields) => write('error', msg, fields),
  enabled: (level: LogLevel): boolean => sink?.isEnabled(level) === true,
  /** The current level (undefined without a sink). */
  level: (): LogLevel | undefined => sink?.level(),
  setLevel: (level: LogLevel): void => {
    if (sink === undefined) return;
    sink.setLevel(level);
    notifySettings();
  },
};

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/**
 * Runs `fn` as one operation with its own correlation id: a start line, then an end line with
 * the outcome and the time it took (`ms`). `summary` picks the fields of a result worth logging
 * (never parameters that may hold secrets). The parent command's id goes along as `parent`.
 */
export async function loggedOperation<T>(name: string, fields: LogFields, fn: (op: string) => Promise<T>, summary?: (result: T) => LogFields): Promise<T> {
  const op = newOpId();
  const base: LogFields = { op, ...(commandOp !== undefined ? { parent: commandOp } : {}), ...fields };
  write('info', `${name} started`, base);
  const start = performance.now();
  try {
    const result = await fn(op);
    const extra = summary ? summary(result) : {};
    const failed = extra.outcome === 'failed';
    write(failed ? 'warn' : 'info', `${name} ended`, { ...base, ...extra, ms: elapsed(start) });
    return result;
  } catch (error) {
    write('error', `${name} failed`, { ...base, outcome: 'error', error: error instanceof Error ? error.message : String(error), ms: elapsed(start) });
    throw error;
  }
}
