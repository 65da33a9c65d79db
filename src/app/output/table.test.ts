import { describe, expect, it } from 'vitest';
import { displayWidth, fitWidths, renderTable, terminalWidth, truncate, type TableColumn } from './table.js';

const columns: TableColumn[] = [
  { header: 'VMID', align: 'right' },
  { header: 'NAME', flex: true },
  { header: 'STATUS' },
  { header: 'TAGS', flex: true },
];
const rows = [
  ['100', 'web-01', 'running', 'prod,web'],
  ['101', 'a-rather-long-guest-name-that-goes-on', 'stopped', 'lab,test,experiment,k8s,very-long-tag'],
  ['9000', 'tpl', 'template', '-'],
];

const widths = (text: string): number[] => text.trimEnd().split('\n').map(displayWidth);

describe('renderTable', () => {
  it('aligns columns two spaces apart, numbers to the right, no trailing spaces', () => {
    const out = renderTable(columns, rows, { width: 200 });
    expect(out).toBe(
      [
        'VMID  NAME                                   STATUS    TAGS',
        ' 100  web-01                                 running   prod,web',
        ' 101  a-rather-long-guest-name-that-goes-on  stopped   lab,test,experiment,k8s,very-long-tag',
        '9000  tpl                                    template  -',
        '',
      ].join('\n'),
    );
  });

  it.each([90, 80, 60, 50, 40])('fits %i columns by truncating the widest flexible columns with …', (width) => {
    const out = renderTable(columns, rows, { width });
    for (const w of widths(out)) expect(w).toBeLessThanOrEqual(width);
    // Fixed columns are never cut.
    expect(out).toContain('template');
    expect(out).toContain('9000');
    expect(out).toContain('…');
    // Every row is still one line.
    expect(out.trimEnd().split('\n')).toHaveLength(rows.length + 1);
  });

  it('shares the cut between equally wide flexible columns', () => {
    const w = fitWidths([{ header: 'A', flex: true }, { header: 'B', flex: true }], [30, 30], 42);
    expect(w).toEqual([20, 20]);
  });

  it('shrinks the widest flexible column first', () => {
    const w = fitWidths([{ header: 'A', flex: true }, { header: 'B', flex: true }, { header: 'C' }], [40, 10, 5], 50);
    expect(w).toEqual([31, 10, 5]);
  });

  it('keeps a flexible column at its minimum and cuts the line when the fixed columns alone overflow', () => {
    const out = renderTable([{ header: 'FIXED' }, { header: 'NAME', flex: true, minWidth: 6 }], [['x'.repeat(30), 'abcdefghijkl']], { width: 20 });
    for (const w of widths(out)) expect(w).toBeLessThanOrEqual(20);
    expect(out.split('\n')[1]).toMatch(/…$/);
  });

  it('does not truncate what fits', () => {
    const out = renderTable(columns, rows.slice(0, 1), { width: 80 });
    expect(out).not.toContain('…');
  });

  it('sanitises cells: escape sequences and control characters never reach the terminal', () => {
    const out = renderTable([{ header: 'NAME' }], [['evil\u001b[31mred\u001b]0;title\u0007\u009b2J\tx']], { width: 80 });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('evilred');
  });

  it('can leave out the header row', () => {
    expect(renderTable(columns, rows.slice(0, 1), { width: 80, headers: false })).toBe('100  web-01  running  prod,web\n');
  });

  it('counts wide characters as two columns', () => {
    expect(displayWidth('名前')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    const out = renderTable([{ header: 'N', flex: true }, { header: 'S' }], [['日本語のとても長い名前です', 'ok']], { width: 14 });
    for (const w of widths(out)) expect(w).toBeLessThanOrEqual(14);
  });
});

describe('truncate', () => {
  it('cuts to the width, ending in …', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('日本語', 4)).toBe('日…');
  });
});

describe('terminalWidth', () => {
  it('uses the TTY width, else $COLUMNS, else 120', () => {
    expect(terminalWidth({ isTTY: true, columns: 93 }, {})).toBe(93);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '70' })).toBe(70);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: 'x' })).toBe(120);
    expect(terminalWidth({}, {})).toBe(120);
  });
});
