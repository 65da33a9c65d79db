import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// Colours on, so that the selected row's style shows in the frame (set before Ink loads chalk).
const restore = vi.hoisted(() => {
  const before = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '1';
  return before;
});

import { cleanup, render } from 'ink-testing-library';
import { THEMES } from '../app/theme.js';
import { DataTable, type TableLine } from './DataTable.js';

// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
const frameLines = (frame: string | undefined): string[] => (frame ?? '').split('\n');

afterEach(() => {
  cleanup();
});
afterAll(() => {
  if (restore === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = restore;
});

const line = (key: string, text: string, extra: Partial<TableLine> = {}): TableLine => ({ key, text, selected: false, marked: false, ...extra });

describe('DataTable', () => {
  it('draws the title, the header and one line per row', () => {
    const { lastFrame } = render(
      <DataTable title="Guests (3)" header="VMID NAME" lines={[line('a', '100 web-01'), line('b', '101 web-02'), line('c', '102 db-01')]} height={3} width={40} theme={THEMES.mono} />,
    );
    const lines = frameLines(lastFrame()).map(plain);
    expect(lines[0]).toBe('Guests (3)');
    expect(lines[1]).toBe(' VMID NAME');
    expect(lines.slice(2).map((l) => l.trimEnd())).toEqual([' 100 web-01', ' 101 web-02', ' 102 db-01']);
  });

  it('draws the selected row inverse (mono) across the whole width', () => {
    const { lastFrame } = render(<DataTable title="T" header="H" lines={[line('a', 'first'), line('b', 'second', { selected: true })]} height={2} width={20} theme={THEMES.mono} />);
    const lines = frameLines(lastFrame());
    expect(lines[2]).not.toContain('\u001b[7m');
    expect(lines[3]).toContain('\u001b[7m');
    expect(plain(lines[3]!)).toBe(` ${'second'.padEnd(19)}`);
  });

  it('draws the selected row in the theme’s selection colours', () => {
    const { lastFrame } = render(<DataTable title="T" header="H" lines={[line('a', 'first', { selected: true }), line('b', 'second')]} height={2} width={20} theme={THEMES.dark} />);
    const lines = frameLines(lastFrame());
    // blue background, white text
    expect(lines[2]).toContain('\u001b[44m');
    expect(lines[2]).toContain('\u001b[37m');
    expect(lines[3]).not.toContain('\u001b[44m');
  });

  it('marks rows with * and the marked colour; dims and colours rows', () => {
    const { lastFrame } = render(
      <DataTable
        title="T"
        header="H"
        lines={[line('a', 'marked', { marked: true }), line('b', 'stopped', { dim: true }), line('c', 'failed', { dim: true, color: 'red' })]}
        height={3}
        width={30}
        theme={THEMES.dark}
      />,
    );
    const lines = frameLines(lastFrame());
    expect(plain(lines[2]!).startsWith('*marked')).toBe(true);
    expect(lines[2]).toContain('\u001b[35m'); // magenta
    expect(plain(lines[3]!).startsWith(' stopped')).toBe(true);
    expect(lines[3]).toContain('\u001b[90m'); // gray
    expect(lines[4]).toContain('\u001b[31m'); // red wins over dim
  });

  it('shows the empty text only when there are no rows', () => {
    const empty = render(<DataTable title="T" header="H" lines={[]} height={3} width={40} theme={THEMES.mono} empty="Nothing here." />);
    expect(plain(empty.lastFrame() ?? '')).toContain(' Nothing here.');
    const some = render(<DataTable title="T" header="H" lines={[line('a', 'row')]} height={3} width={40} theme={THEMES.mono} empty="Nothing here." />);
    expect(plain(some.lastFrame() ?? '')).not.toContain('Nothing here.');
  });

  it('fills the rest of its height with empty lines (the layout does not jump)', () => {
    for (const count of [0, 1, 4, 5]) {
      const lines = Array.from({ length: count }, (_, i) => line(String(i), `row ${i}`));
      const { lastFrame } = render(<DataTable title="T" header="H" lines={lines} height={5} width={20} theme={THEMES.mono} empty="none" />);
      expect(frameLines(lastFrame())).toHaveLength(2 + 5);
    }
  });

  it('truncates rows to the width', () => {
    const { lastFrame } = render(<DataTable title={'a title that is far too long'} header="H" lines={[line('a', 'x'.repeat(50))]} height={1} width={12} theme={THEMES.mono} />);
    for (const l of frameLines(lastFrame())) expect(Array.from(plain(l)).length).toBeLessThanOrEqual(12);
  });
});
