import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLog, formatRecord, matches, parseLogLine, readLogs, readLogsAsync } from './logReader.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-logread-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const line = (fields: Record<string, unknown>): string => `${JSON.stringify({ level: 'info', time: '2026-12-08T01:00:00.000Z', pid: 7, msg: 'm', ...fields })}\n`;

describe('parseLogLine', () => {
  it('reads label and numeric levels, ISO and epoch times; keeps the other fields', () => {
    expect(parseLogLine('{"level":40,"time":1765155600000,"msg":"x","op":"ab12cd34","ms":3}')).toMatchObject({
      level: 'warn',
      time: '2025-12-08T01:00:00.000Z',
      op: 'ab12cd34',
      fields: { ms: 3 },
    });
    expect(parseLogLine(line({ level: 'error', command: 'sync' }))).toMatchObject({ level: 'error', msg: 'm', fields: { command: 'sync' } });
  });

  it('refuses what is not a log line (torn, foreign, no level or time)', () => {
    for (const bad of ['', 'plain text', '{"level":"info","time":"2026', '[1,2]', '{"time":"2026-12-08T01:00:00Z"}', '{"level":"loud","time":"2026-12-08T01:00:00Z"}', '{"level":"info","time":"not a time"}']) {
      expect(parseLogLine(bad)).toBeUndefined();
    }
  });
});

describe('matches', () => {
  const rec = parseLogLine(line({ level: 'warn', op: 'child001', parent: 'cmd00001' }))!;
  it('filters by level (that level and above), time and op (its own or its parent command)', () => {
    expect(matches(rec, { level: 'info' })).toBe(true);
    expect(matches(rec, { level: 'warn' })).toBe(true);
    expect(matches(rec, { level: 'error' })).toBe(false);
    expect(matches(rec, { since: Date.parse('2026-12-08T00:59:59Z') })).toBe(true);
    expect(matches(rec, { since: Date.parse('2026-12-08T01:00:01Z') })).toBe(false);
    expect(matches(rec, { op: 'child001' })).toBe(true);
    expect(matches(rec, { op: 'cmd00001' })).toBe(true);
    expect(matches(rec, { op: 'other' })).toBe(false);
  });
});

describe('formatRecord', () => {
  it('one line; values with spaces quoted; escape sequences from the API removed', () => {
    const rec = parseLogLine(line({ op: 'ab12cd34', msg: 'operation ended', name: 'web\u001b[31m 01', ms: 12.5, ok: true, none: null }))!;
    const text = formatRecord(rec);
    expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000  INFO   ab12cd34  operation ended  name="web 01"  ms=12\.5  ok=true$/);
    expect(text).not.toContain('\u001b');
  });
});

describe('readLogs', () => {
  it('reads rotated files oldest first, skips torn lines, and keeps the last n', () => {
    const file = join(dir, 'p.log');
    writeFileSync(`${file}.2`, line({ msg: 'one' }) + '{"torn');
    writeFileSync(`${file}.1`, line({ msg: 'two' }));
    writeFileSync(file, line({ msg: 'three' }) + line({ msg: 'four', level: 'debug' }));
    expect(readLogs(file).map((r) => r.msg)).toEqual(['one', 'two', 'three', 'four']);
    expect(readLogs(file, { level: 'info' }, 2).map((r) => r.msg)).toEqual(['two', 'three']);
    expect(readLogs(join(dir, 'none.log'))).toEqual([]);
  });
});

describe('followLog', () => {
  it('returns only what was appended since, whole lines only, and the rest of a rotated file', () => {
    const file = join(dir, 'f.log');
    writeFileSync(file, line({ msg: 'old' }));
    const f = followLog(file);
    expect(f.poll()).toEqual([]);
    appendFileSync(file, line({ msg: 'a' }) + '{"level":"info","time":"2026-12-08T01:00:00.000Z","msg":"b');
    expect(f.poll().map((r) => r.msg)).toEqual(['a']);
    appendFileSync(file, '"}\n' + line({ msg: 'c' }));
    renameSync(file, `${file}.1`);
    writeFileSync(file, line({ msg: 'd' }));
    expect(f.poll().map((r) => r.msg)).toEqual(['b', 'c', 'd']);
    expect(f.poll()).toEqual([]);
  });

  it('starts on a file that does not exist yet', () => {
    const file = join(dir, 'later.log');
    const f = followLog(file, { level: 'warn' });
    expect(f.poll()).toEqual([]);
    writeFileSync(file, line({ msg: 'quiet' }) + line({ msg: 'loud', level: 'error' }));
    expect(f.poll().map((r) => r.msg)).toEqual(['loud']);
  });
});

describe('characters split between two reads', () => {
  it('followLog keeps a 3- and a 4-byte character whole when the writer is in the middle of it', () => {
    const file = join(dir, 'utf.log');
    writeFileSync(file, '');
    const f = followLog(file);
    const bytes = Buffer.from(line({ msg: 'node €uro 😀 up' }), 'utf8');
    const euro = bytes.indexOf(Buffer.from('€'));
    const face = bytes.indexOf(Buffer.from('😀'));
    appendFileSync(file, bytes.subarray(0, euro + 1));
    expect(f.poll()).toEqual([]);
    appendFileSync(file, bytes.subarray(euro + 1, face + 2));
    expect(f.poll()).toEqual([]);
    appendFileSync(file, bytes.subarray(face + 2));
    expect(f.poll().map((r) => r.msg)).toEqual(['node €uro 😀 up']);
  });

  it('readLogsAsync reads in chunks that cut characters and lines, with the same records as readLogs', async () => {
    const file = join(dir, 'chunks.log');
    writeFileSync(`${file}.1`, line({ msg: 'älter ✓' }));
    writeFileSync(file, [line({ msg: '€ 1' }), line({ msg: 'x 😀😀 y', level: 'warn' }), line({ msg: '中文 3' })].join('') + '{"torn');
    for (const chunkBytes of [1, 2, 3, 5, 7, 64]) {
      const records = await readLogsAsync(file, {}, undefined, { chunkBytes });
      expect(records.map((r) => r.msg)).toEqual(['älter ✓', '€ 1', 'x 😀😀 y', '中文 3']);
      expect(records).toEqual(readLogs(file));
    }
    expect((await readLogsAsync(file, { level: 'warn' }, 1, { chunkBytes: 5 })).map((r) => r.msg)).toEqual(['x 😀😀 y']);
    expect((await readLogsAsync(file, {}, 2, { chunkBytes: 5 })).map((r) => r.msg)).toEqual(['x 😀😀 y', '中文 3']);
    expect(await readLogsAsync(join(dir, 'none.log'))).toEqual([]);
  });

  it('readLogsAsync gives the loop back between chunks: timers run while a large log is read', async () => {
    const file = join(dir, 'big.log');
    writeFileSync(file, line({ msg: 'a line of the log that is long enough to matter' }).repeat(20_000));
    let ticks = 0;
    let reading = true;
    const tick = (): void => {
      ticks++;
      if (reading) setImmediate(tick);
    };
    setImmediate(tick);
    const records = await readLogsAsync(file, {}, 1000, { chunkBytes: 16 * 1024 });
    reading = false;
    expect(records).toHaveLength(1000);
    // ~2.4 MB in 16 KiB chunks: about 150 chunks, the loop turns at least once between each two.
    expect(ticks).toBeGreaterThan(100);
  });
});
