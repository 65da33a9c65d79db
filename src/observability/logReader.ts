// Reading the log back: every file (rotated ones first, oldest line first), filtered by time,
// level and correlation id, as human lines or the JSON lines themselves; and following the
// current file as it grows (across a rotation). Bytes read in pieces go through a StringDecoder,
// so that a character split between two reads is not turned into two U+FFFD.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
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
  const collector = new Collector(filter, limit);
  for (const file of logFiles(path)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // rotated away between listing and reading
    }
    for (const line of text.split('\n')) collector.add(line);
  }
  return collector.records();
}

/** Keeps the records of one read that match, only the newest `limit` when given. */
class Collector {
  readonly out: LogRecord[] = [];
  constructor(
    private readonly filter: LogFilter,
    private readonly limit: number | undefined,
  ) {}

  add(line: string): void {
    const record = parseLogLine(line);
    if (record === undefined || !matches(record, this.filter)) return;
    this.out.push(record);
    // Trimmed now and then, not on every line: memory stays within twice the limit.
    if (this.limit !== undefined && this.out.length > 2 * this.limit + 1000) this.out.splice(0, this.out.length - this.limit);
  }

  records(): LogRecord[] {
    return this.limit !== undefined && this.out.length > this.limit ? this.out.slice(this.out.length - this.limit) : this.out;
  }
}

export const READ_CHUNK_BYTES = 64 * 1024;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * readLogs for a thread that must stay responsive (the console): each file is read in chunks of
 * `chunkBytes`, and the loop is given back between chunks, so keys and redraws are handled while
 * a large log is read. Same records as readLogs.
 */
export async function readLogsAsync(path: string, filter: LogFilter = {}, limit?: number, options: { chunkBytes?: number } = {}): Promise<LogRecord[]> {
  const chunkBytes = options.chunkBytes ?? READ_CHUNK_BYTES;
  const collector = new Collector(filter, limit);
  const buf = Buffer.alloc(chunkBytes);
  for (const file of logFiles(path)) {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, 'r');
    } catch {
      continue; // rotated away between listing and reading
    }
    try {
      const decoder = new StringDecoder('utf8');
      let partial = '';
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, chunkBytes, null);
        const text = bytesRead > 0 ? decoder.write(buf.subarray(0, bytesRead)) : decoder.end();
        const lines = (partial + text).split('\n');
        partial = bytesRead > 0 ? (lines.pop() ?? '') : '';
        for (const line of lines) collector.add(line);
        if (bytesRead === 0) break;
        await yieldToLoop();
      }
    } catch {
      // unreadable mid-way: what was read counts
    } finally {
      await handle.close();
    }
  }
  return collector.records();
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
  let decoder = new StringDecoder('utf8');
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
      // The writer may be in the middle of a character: its first bytes wait in the decoder.
      return { text: decoder.write(buf.subarray(0, read)), end: from + read };
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
        decoder = new StringDecoder('utf8');
      }
      if (current === undefined) return out;
      if (current.size < pos) {
        pos = 0; // truncated
        partial = '';
        decoder = new StringDecoder('utf8');
      }
      ino = current.ino;
      const { text, end } = readFrom(path, pos);
      pos = end;
      out.push(...lines(text));
      return out;
    },
  };
}
