// Reading the log back: every file (rotated ones first, oldest line first), filtered by time,
// level and correlation id, as human lines or the JSON lines themselves; and following the
// current file as it grows (across a rotation).
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { safeText } from '../util/terminalText.js';
import { LEVEL_VALUES, type LogLevel } from './log.js';
import { logFiles } from './rotatingFile.js';

export interface LogRecord {
  time: string;
  level: LogLevel;
  msg: string;
  op?: string;
  /** The raw line (for -o json). */
  raw: string;
  fields: Record<string, unknown>;
}

export interface LogFilter {
  /** Epoch ms: lines at or after it. */
  since?: number;
  /** Lines at this level or above. */
  level?: LogLevel;
  /** Lines of this operation: its own id, or a command whose operations name it as `parent`. */
  op?: string;
}

const LABELS = new Map<number, LogLevel>(Object.entries(LEVEL_VALUES).map(([k, v]) => [v, k as LogLevel]));

/** A JSON log line as a record; undefined for anything else (a torn or foreign line). */
export function parseLogLine(line: string): LogRecord | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const level = typeof obj.level === 'number' ? LABELS.get(obj.level) : typeof obj.level === 'string' && obj.level in LEVEL_VALUES ? (obj.level as LogLevel) : undefined;
  const time = typeof obj.time === 'string' ? obj.time : typeof obj.time === 'number' ? new Date(obj.time).toISOString() : undefined;
  if (level === undefined || time === undefined || Number.isNaN(Date.parse(time))) return undefined;
  const { level: _l, time: _t, msg, op, pid: _p, ...fields } = obj;
  const record: LogRecord = { time, level, msg: typeof msg === 'string' ? msg : '', raw: trimmed, fields };
  if (typeof op === 'string') record.op = op;
  return record;
}

export function matches(record: LogRecord, filter: LogFilter): boolean {
  if (filter.level !== undefined && LEVEL_VALUES[record.level] < LEVEL_VALUES[filter.level]) return false;
  if (filter.since !== undefined && Date.parse(record.time) < filter.since) return false;
  if (filter.op !== undefined && record.op !== filter.op && record.fields.parent !== filter.op) return false;
  return true;
}

/** The matching records of every log file, oldest first; the last `limit` when given. */
export function readLogs(path: string, filter: LogFilter = {}, limit?: number): LogRecord[] {
  const out: LogRecord[] = [];
  for (const file of logFiles(path)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // rotated away between listing and reading
    }
    for (const line of text.split('\n')) {
      const record = parseLogLine(line);
      if (record !== undefined && matches(record, filter)) out.push(record);
    }
  }
  return limit !== undefined && out.length > limit ? out.slice(out.length - limit) : out;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2026-12-08 01:58:22.012` in local time. */
function localTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const clean = safeText(text ?? '').replace(/\s+/g, ' ');
  return /[\s"=]/.test(clean) || clean === '' ? JSON.stringify(clean) : clean;
}

/** One human line: time, level, op, message, then the other fields as key=value. */
export function formatRecord(record: LogRecord): string {
  const parts = [localTime(record.time), record.level.toUpperCase().padEnd(5), safeText(record.op ?? '-').padEnd(8), safeText(record.msg).replace(/\s+/g, ' ')];
  const fields = Object.entries(record.fields)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${safeText(k)}=${fieldText(v)}`);
  return [...parts, ...fields].join('  ');
}

export interface Follower {
  /** Reads what was appended since the last call (the start position is the end at creation). */
  poll(): LogRecord[];
}

/** Follows the current log file from its end: each poll() returns the new complete lines,
 * including the rest of a file that was rotated away in between. */
export function followLog(path: string, filter: LogFilter = {}): Follower {
  let ino: number | undefined;
  let pos = 0;
  let partial = '';
  try {
    const st = statSync(path);
    ino = st.ino;
    pos = st.size;
  } catch {
    ino = undefined;
  }

  const readFrom = (file: string, from: number): { text: string; end: number } => {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return { text: '', end: from };
    }
    try {
      const size = statSync(file).size;
      if (size <= from) return { text: '', end: from };
      const buf = Buffer.alloc(size - from);
      const read = readSync(fd, buf, 0, buf.length, from);
      return { text: buf.subarray(0, read).toString('utf8'), end: from + read };
    } finally {
      closeSync(fd);
    }
  };

  const lines = (text: string): LogRecord[] => {
    const all = (partial + text).split('\n');
    partial = all.pop() ?? '';
    return all.map(parseLogLine).filter((r): r is LogRecord => r !== undefined && matches(r, filter));
  };

  return {
    poll() {
      let current: { ino: number; size: number } | undefined;
      try {
        current = statSync(path);
      } catch {
        current = undefined;
      }
      const out: LogRecord[] = [];
      if (current !== undefined && ino !== undefined && current.ino !== ino) {
        // Rotated: the rest of the old file is now <path>.1.
        try {
          if (statSync(`${path}.1`).ino === ino) out.push(...lines(readFrom(`${path}.1`, pos).text));
        } catch {
          // already rotated further: those lines are in an older file
        }
        partial = '';
        pos = 0;
      }
      if (current === undefined) return out;
      if (current.size < pos) pos = 0; // truncated
      ino = current.ino;
      const { text, end } = readFrom(path, pos);
      pos = end;
      out.push(...lines(text));
      return out;
    },
  };
}
