import { describe, expect, it } from 'vitest';
import { configChanges, diffSection, sameConfig } from './diff.js';

describe('config comparison', () => {
  it('lists added, changed and removed keys, never digest', () => {
    expect(configChanges({ a: 1, b: 'x', digest: 'd1', gone: 'y' }, { a: 2, b: 'x', digest: 'd2', added: 'z' })).toEqual([
      { key: 'a', old: '1', new: '2' },
      { key: 'added', new: 'z' },
      { key: 'gone', old: 'y' },
    ]);
  });

  it('ignores key order', () => {
    expect(sameConfig({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    // PVE versions differ in sending numbers as strings: the same setting either way.
    expect(sameConfig({ a: 1 }, { a: '1' })).toBe(true);
    expect(configChanges({ cores: 2, cpulimit: '4' }, { cores: '2', cpulimit: 4 })).toEqual([]);
    expect(sameConfig({ a: 1 }, { a: '2' })).toBe(false);
    expect(sameConfig({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});

describe('diffSection', () => {
  it('classifies added, changed and removed rows and keeps the first of duplicates', () => {
    const stored = new Map([
      ['a', { k: 'a', v: 1 }],
      ['b', { k: 'b', v: 2 }],
    ]);
    const diff = diffSection(stored, [{ k: 'b', v: 3 }, { k: 'c', v: 4 }, { k: 'c', v: 5 }], (r) => r.k);
    expect(diff).toEqual({
      upserts: [{ k: 'b', v: 3 }, { k: 'c', v: 4 }],
      added: ['c'],
      changed: ['b'],
      removed: ['a'],
      removedRows: [{ k: 'a', v: 1 }],
    });
  });
});

