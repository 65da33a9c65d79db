import { describe, expect, it } from 'vitest';
import { columnWidths, fit, joinCells, usageBar } from './fit.js';

/** Terminal cells of a string, counting CJK and full-width forms as two. */
function cells(text: string): number {
  let n = 0;
  for (const ch of Array.from(text)) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return n;
}

describe('fit', () => {
  it('pads to the width, left or right aligned', () => {
    expect(fit('abc', 6)).toBe('abc   ');
    expect(fit('abc', 6, 'right')).toBe('   abc');
    expect(fit('abc', 3)).toBe('abc');
  });

  it('truncates with an ellipsis', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abcdef', 4, 'right')).toBe('abc…');
    expect(fit('abcdef', 1)).toBe('…');
    expect(fit('abcdef', 0)).toBe('');
    expect(fit('abcdef', -3)).toBe('');
  });

  it('counts cells, not UTF-16 units (the console’s symbols are one cell, an emoji two)', () => {
    expect(fit('●●●', 2)).toBe('●…');
    expect(fit('● on', 5)).toBe('● on ');
    expect(fit('😀😀😀', 3)).toBe('😀…');
    expect(fit('😀😀😀', 2)).toBe('… ');
  });

  it('fits wide (CJK) text into the cells it has', () => {
    // Snapshot descriptions and volume notes are free text: a wide character takes two cells,
    // so a column counted in code points overflows and shifts the columns after it.
    const out = fit('日本語のテキスト', 6);
    expect(cells(out)).toBeLessThanOrEqual(6);
    expect(cells(fit('日本', 6))).toBe(6);
  });
});

describe('columnWidths', () => {
  const cols = [{ width: 6 }, { width: 10, flex: true }, { width: 4 }, { width: 8, flex: true }];

  it('keeps fixed widths and shares the spare cells among flex columns', () => {
    // 6+10+4+8 + 3 spaces = 31
    expect(columnWidths(cols, 31)).toEqual([6, 10, 4, 8]);
    expect(columnWidths(cols, 41)).toEqual([6, 15, 4, 13]);
    // An odd spare cell goes to the first flex column.
    expect(columnWidths(cols, 42)).toEqual([6, 16, 4, 13]);
  });

  it('drops columns from the right when the minimums do not fit', () => {
    // 30 < 31: the last column goes, the flex NAME-like column takes the rest.
    expect(columnWidths(cols, 30)).toEqual([6, 18, 4, 0]);
    expect(columnWidths(cols, 22)).toEqual([6, 10, 4, 0]);
    expect(columnWidths(cols, 21)).toEqual([6, 14, 0, 0]);
    expect(columnWidths(cols, 16)).toEqual([6, 0, 0, 0]);
  });

  it('always keeps the first column', () => {
    expect(columnWidths(cols, 3)).toEqual([6, 0, 0, 0]);
  });

  it('without flex columns the line is just shorter', () => {
    expect(columnWidths([{ width: 3 }, { width: 3 }], 20)).toEqual([3, 3]);
  });

  it('the widths and the spaces between them never exceed the width (once the first column fits)', () => {
    for (let width = 6; width < 60; width++) {
      const w = columnWidths(cols, width);
      const shown = w.filter((x) => x > 0);
      expect(shown.reduce((a, b) => a + b, 0) + shown.length - 1).toBeLessThanOrEqual(width);
    }
  });
});

describe('joinCells', () => {
  it('joins fitted cells with one space, skipping dropped columns', () => {
    expect(joinCells(['100', 'web-01', 'vm'], [5, 8, 2], ['right', undefined, 'left'])).toBe('  100 web-01   vm');
    expect(joinCells(['100', 'web-01', 'vm'], [5, 0, 2], ['right', undefined, 'left'])).toBe('  100 vm');
    expect(joinCells(['100'], [3, 4], [])).toBe('100     ');
  });

  it('truncates long cells', () => {
    expect(joinCells(['a-very-long-name', 'x'], [6, 1], [])).toBe('a-ver… x');
  });
});

describe('usageBar', () => {
  it('draws the used fraction', () => {
    expect(usageBar(0.5, 10, true)).toBe('█████░░░░░');
    expect(usageBar(0, 4, true)).toBe('░░░░');
    expect(usageBar(1, 4, true)).toBe('████');
    expect(usageBar(0.5, 4, false)).toBe('##--');
  });

  it('clamps fractions outside [0, 1]', () => {
    expect(usageBar(1.7, 4, true)).toBe('████');
    expect(usageBar(-1, 4, false)).toBe('----');
  });

  it('is dots for an unknown fraction and empty for no width', () => {
    expect(usageBar(undefined, 5, true)).toBe('·····');
    expect(usageBar(Number.NaN, 3, false)).toBe('...');
    expect(usageBar(Number.POSITIVE_INFINITY, 3, true)).toBe('···');
    expect(usageBar(0.5, 0, true)).toBe('');
  });
});
