import { describe, expect, it } from 'vitest';
import { UserError } from '../userError.js';
import { limitRows, listOption, oneOf, parseSort, sortRows, textMatcher } from './query.js';

describe('textMatcher', () => {
  it('matches a case-insensitive substring of any value', () => {
    const m = textMatcher('WEB');
    expect(m(['web-01', 100, 'pve1'])).toBe(true);
    expect(m(['db-01', 102, 'pve1', 'website'])).toBe(true);
    expect(m(['db-01', 102, undefined])).toBe(false);
  });
  it('matches numbers as text', () => {
    expect(textMatcher('10')(['x', 100])).toBe(true);
  });
  it('takes /regex/ as a case-insensitive regular expression', () => {
    const m = textMatcher('/^web-\\d+$/');
    expect(m(['web-01'])).toBe(true);
    expect(m(['WEB-02'])).toBe(true);
    expect(m(['my-web-01'])).toBe(false);
    expect(textMatcher('/^1\\d\\d$/')(['x', 105])).toBe(true);
  });
  it('refuses an invalid regular expression with a usage error', () => {
    try {
      textMatcher('/[/');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as UserError).message).toMatch(/not a valid regular expression/);
    }
  });
  it('treats a lone slash or // as text', () => {
    expect(textMatcher('/')(['a/b'])).toBe(true);
    expect(textMatcher('//')(['a//b'])).toBe(true);
  });
});

describe('list options', () => {
  it('splits on commas, lower-cases, drops empties', () => {
    expect(listOption('Running, paused,,')).toEqual(new Set(['running', 'paused']));
    expect(listOption(undefined)).toBeUndefined();
  });
  it('oneOf is true without a filter', () => {
    expect(oneOf(undefined, 'x')).toBe(true);
    expect(oneOf(new Set(['pve1']), 'PVE1')).toBe(true);
    expect(oneOf(new Set(['pve1']), undefined)).toBe(false);
  });
});

describe('sorting', () => {
  interface R {
    name: string;
    mem?: number;
    id: number;
  }
  const rows: R[] = [
    { name: 'web-10', mem: 5, id: 1 },
    { name: 'web-2', mem: undefined, id: 2 },
    { name: 'Alpha', mem: 9, id: 3 },
    { name: 'beta', mem: 5, id: 4 },
  ];
  const byName = { id: 'name', value: (r: R) => r.name };
  const byMem = { id: 'mem', value: (r: R) => r.mem };
  const byId = { id: 'id', value: (r: R) => r.id };

  it('parses a column and a - prefix', () => {
    expect(parseSort('-MEM', ['name', 'mem'])).toEqual({ id: 'mem', descending: true });
    expect(parseSort('name', ['name', 'mem'])).toEqual({ id: 'name', descending: false });
    expect(() => parseSort('bogus', ['name', 'mem'])).toThrow(/choose one of name, mem/);
  });
  it('sorts text naturally and case-insensitively', () => {
    expect(sortRows(rows, byName, false).map((r) => r.name)).toEqual(['Alpha', 'beta', 'web-2', 'web-10']);
  });
  it('sorts numbers as numbers, unknown values last in both directions, ties by the tie-breakers', () => {
    expect(sortRows(rows, byMem, false, [byId]).map((r) => r.id)).toEqual([1, 4, 3, 2]);
    expect(sortRows(rows, byMem, true, [byId]).map((r) => r.id)).toEqual([3, 1, 4, 2]);
  });
  it('does not change its input', () => {
    const copy = [...rows];
    sortRows(rows, byName, true);
    expect(rows).toEqual(copy);
  });
  it('limits after sorting', () => {
    expect(limitRows([1, 2, 3], 2)).toEqual([1, 2]);
    expect(limitRows([1, 2, 3], undefined)).toEqual([1, 2, 3]);
  });
});
