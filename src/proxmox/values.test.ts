import { describe, expect, it } from 'vitest';
import { bool01, formatTags, normalizeTags, parseTags, toBool, toInt, toNum, toStr } from './values.js';

describe('toBool', () => {
  it.each([
    [1, true],
    ['1', true],
    [true, true],
    [0, false],
    ['0', false],
    [false, false],
  ])('%j -> %j', (input, expected) => {
    expect(toBool(input)).toBe(expected);
  });

  it.each([undefined, null, '', 'true', 'false', 'yes', 2, -1, '01', ' 1', {}, []])('%j is not a PVE boolean', (input) => {
    expect(toBool(input)).toBeUndefined();
  });
});

describe('toNum', () => {
  it.each([
    [100, 100],
    ['100', 100], // /cluster/nextid
    ['4', 4], // cpulimit in a config
    ['0.15', 0.15], // loadavg
    ['2400.000', 2400], // cpuinfo.mhz
    ['-1', -1],
    ['+5', 5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['5.', 5],
    [' 24 ', 24],
    [0, 0],
  ])('%j -> %j', (input, expected) => {
    expect(toNum(input)).toBe(expected);
  });

  it.each([undefined, null, '', ' ', 'abc', '12abc', '0x10', '0b1', '0o7', 'Infinity', '1e999', NaN, Infinity, true, [], {}])(
    '%j is not a number',
    (input) => {
      expect(toNum(input)).toBeUndefined();
    },
  );
});

describe('toInt', () => {
  it.each([
    ['100', 100],
    [100, 100],
    ['2.7', 2],
    [-2.7, -2],
    ['0', 0],
  ])('%j -> %j', (input, expected) => {
    expect(toInt(input)).toBe(expected);
  });

  it('rejects what toNum rejects', () => {
    expect(toInt('x')).toBeUndefined();
    expect(toInt(undefined)).toBeUndefined();
  });
});

describe('toStr', () => {
  it('keeps strings and stringifies numbers (LXC list vmid before PVE 8.2 was a string)', () => {
    expect(toStr('106')).toBe('106');
    expect(toStr(106)).toBe('106');
    expect(toStr('')).toBe('');
  });

  it.each([undefined, null, true, {}, []])('%j -> undefined', (input) => {
    expect(toStr(input)).toBeUndefined();
  });
});

describe('bool01', () => {
  it('writes booleans the way PVE reads them', () => {
    expect(bool01(true)).toBe(1);
    expect(bool01(false)).toBe(0);
  });
});

describe('tags', () => {
  it.each([
    ['tag1;tag2', ['tag1', 'tag2']],
    ['one, two, three', ['one', 'two', 'three']], // the PVE 6.2 sample
    ['a,b', ['a', 'b']],
    ['a b\tc\nd', ['a', 'b', 'c', 'd']],
    [';a;;b;', ['a', 'b']],
    ['go-proxmox+cloud-init', ['go-proxmox+cloud-init']],
    ['', []],
  ])('parseTags(%j)', (input, expected) => {
    expect(parseTags(input)).toEqual(expected);
  });

  it('parseTags accepts a number and nothing else that is not a string', () => {
    expect(parseTags(123)).toEqual(['123']);
    expect(parseTags(undefined)).toEqual([]);
    expect(parseTags(null)).toEqual([]);
    expect(parseTags(['a'])).toEqual([]);
  });

  it('normalizeTags lower-cases, de-duplicates and sorts', () => {
    expect(normalizeTags(['Web', 'db', 'web', 'APP', 'db'])).toEqual(['app', 'db', 'web']);
    expect(normalizeTags([])).toEqual([]);
  });

  it('formatTags gives the stored form', () => {
    expect(formatTags(['Web', 'db', 'web'])).toBe('db;web');
    expect(formatTags(parseTags('one, two, three'))).toBe('one;three;two');
    expect(formatTags([])).toBe('');
  });

  it('stored tags read back unchanged', () => {
    for (const stored of ['a;b;c', 'prod', 'go-proxmox+cloud-init;x']) {
      expect(formatTags(parseTags(stored))).toBe(stored);
    }
  });
});
