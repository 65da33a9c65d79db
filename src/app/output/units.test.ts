import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatAge,
  formatBytes,
  formatClock,
  formatDateTime,
  formatDuration,
  formatPercent,
  formatRatio,
  formatUsage,
  formatWhen,
  isoTime,
  parseDuration,
} from './units.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});

const GiB = 1024 ** 3;

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [32 * GiB, '32 GiB'],
    [3.5 * GiB, '3.5 GiB'],
    [16.04 * GiB, '16 GiB'],
    [7450 * GiB, '7.3 TiB'],
    [1023.9 * 1024 ** 2, '1 GiB'],
    [undefined, '-'],
    [Number.NaN, '-'],
  ])('%s -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatUsage', () => {
  it('shows used/total in the unit of the total', () => {
    expect(formatUsage(2.1 * GiB, 4 * GiB)).toBe('2.1/4 GiB');
    expect(formatUsage(300 * 1024 ** 2, 512 * 1024 ** 2)).toBe('300/512 MiB');
    expect(formatUsage(2310 * GiB, 7450 * GiB)).toBe('2.3/7.3 TiB');
  });
  it('shows only the total when nothing is used, and - when nothing is known', () => {
    expect(formatUsage(0, 4 * GiB)).toBe('4 GiB');
    expect(formatUsage(undefined, 4 * GiB)).toBe('4 GiB');
    expect(formatUsage(undefined, undefined)).toBe('-');
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.123, '12%'],
    [0.032, '3.2%'],
    [0.05, '5%'],
    [0.0000001, '<0.1%'],
    [1, '100%'],
    [undefined, '-'],
  ])('%s -> %s', (f, text) => {
    expect(formatPercent(f)).toBe(text);
  });
  it('formatRatio needs a total', () => {
    expect(formatRatio(1, 4)).toBe('25%');
    expect(formatRatio(1, 0)).toBe('-');
    expect(formatRatio(undefined, 4)).toBe('-');
  });
});

describe('formatDuration', () => {
  it.each([
    [45, '45s'],
    [303, '5m 3s'],
    [4 * 3600 + 5 * 60, '4h 5m'],
    [3 * 86400 + 4 * 3600 + 59, '3d 4h'],
    [400 * 86400, '400d 0h'],
    [undefined, '-'],
    [-1, '-'],
  ])('%s s -> %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0 s'],
    [-5000, '0 s'],
    [12_000, '12 s'],
    [3 * 60_000 + 5000, '3 min'],
    [2 * 3600_000, '2 h'],
    [5 * 86400_000, '5 days'],
  ])('%s ms -> %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('times', () => {
  const t = Date.UTC(2025, 0, 5, 10, 2, 11);
  it('formats clock and date-time in local time', () => {
    expect(formatClock(t)).toBe('10:02:11');
    expect(formatDateTime(t)).toBe('2025-01-05 10:02:11');
  });
  it('formatWhen is compact: time today, month and day this half year, the date before', () => {
    expect(formatWhen(t, t + 3600_000)).toBe('10:02:11');
    expect(formatWhen(t, t + 3 * 86400_000)).toBe('Jan 05 10:02');
    expect(formatWhen(t, t + 400 * 86400_000)).toBe('2025-01-05');
    expect(formatWhen(undefined, t)).toBe('-');
  });
  it('isoTime is UTC to the second', () => {
    expect(isoTime(t + 999)).toBe('2025-01-05T10:02:11Z');
    expect(isoTime(undefined)).toBeNull();
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
  ])('%s -> %s ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', '5', 'abc', '5 minutes', '-5m', '5x'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
