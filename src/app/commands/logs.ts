// `proxmox-mpc logs`: the structured log read back, filtered, as human lines or JSON lines;
// --follow keeps printing new lines until Ctrl-C.
import { type LogLevel } from '../../observability/log.js';
import { type LogFilter, type LogRecord, followLog, formatRecord, readLogs } from '../../observability/logReader.js';
import { logPath } from '../../observability/logger.js';
import { parseDuration } from '../output/units.js';
import type { GlobalOptions } from '../cli.js';
import { ExitCode, UserError } from '../userError.js';

export interface LogsOptions extends GlobalOptions {
  since?: string;
  level?: LogLevel;
  op?: string;
  follow?: boolean;
  lines?: number;
}

export const DEFAULT_LINES = 100;
const FOLLOW_POLL_MS = 200;

/** `1h`, `30m`, `2d` ago, or an ISO 8601 time (`2026-12-08T01:00:00Z`, `2026-12-08`). */
export function parseSince(value: string, now: number = Date.now()): number {
  const ago = parseDuration(value);
  if (ago !== undefined) return now - ago;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return at;
  }
  throw new UserError(`--since '${value}' is neither a duration (30m, 1h, 2d) nor a time (2026-12-08T01:00:00Z)`, ExitCode.usage);
}

export async function runLogs(opts: LogsOptions): Promise<void> {
  const json = opts.output === 'json';
  if (!json && opts.output !== 'text') throw new UserError(`-o ${opts.output} is not available for logs: use json (JSON lines) or leave it out`, ExitCode.usage);
  const filter: LogFilter = {};
  if (opts.since !== undefined) filter.since = parseSince(opts.since);
  if (opts.level !== undefined) filter.level = opts.level;
  if (opts.op !== undefined) filter.op = opts.op;
  const path = logPath();
  const print = (records: LogRecord[]): void => {
    if (records.length > 0) process.stdout.write(`${records.map((r) => (json ? r.raw : formatRecord(r))).join('\n')}\n`);
  };
  // The follower starts from the end as it is now, before the history is read: no line is lost
  // in between (one written meanwhile may show twice, never not at all).
  const follower = opts.follow ? followLog(path, filter) : undefined;
  const limit = opts.lines ?? DEFAULT_LINES;
  const records = readLogs(path, filter, limit === 0 ? undefined : limit);
  print(records);
  if (!follower) {
    if (records.length === 0 && !json) process.stderr.write(`proxmox-mpc: no log lines${Object.keys(filter).length > 0 ? ' match' : ''} (log: ${path})\n`);
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => print(follower.poll()), FOLLOW_POLL_MS);
    const stop = (): void => {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      print(follower.poll());
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
