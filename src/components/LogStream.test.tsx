import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// Colours on, so that the highlight shows in the frame (set before Ink loads chalk).
const restore = vi.hoisted(() => {
  const before = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '1';
  return before;
});

import { cleanup, render } from 'ink-testing-library';
import { THEMES } from '../app/theme.js';
import { RingBuffer } from '../workspace/runners/ringBuffer.js';
import { highlightParts, LogStream, windowTop, type LineSource } from './LogStream.js';

afterEach(() => {
  cleanup();
});
afterAll(() => {
  if (restore === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = restore;
});
// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

function source(n: number): LineSource & { reads: number } {
  const s = {
    reads: 0,
    length: n,
    at(i: number) {
      s.reads++;
      return i >= 0 && i < n ? `line ${i}` : undefined;
    },
  };
  return s;
}

describe('LogStream', () => {
  it('reads only the lines on screen, however long the log', () => {
    const lines = source(50_000);
    const out = render(<LogStream lines={lines} top={49_990} height={5} width={30} theme={THEMES.mono} />).lastFrame()!;
    expect(plain(out).split('\n').map((l) => l.trim())).toEqual(['line 49990', 'line 49991', 'line 49992', 'line 49993', 'line 49994']);
    expect(lines.reads).toBe(5);
    // Past the end: the last full window.
    const end = render(<LogStream lines={lines} top={60_000} height={3} width={30} theme={THEMES.mono} />).lastFrame()!;
    expect(plain(end).split('\n').map((l) => l.trim())).toEqual(['line 49997', 'line 49998', 'line 49999']);
  });

  it('is as tall as its height, with a note when empty', () => {
    const out = plain(render(<LogStream lines={source(0)} top={0} height={4} width={30} theme={THEMES.mono} empty="waiting for terraform..." />).lastFrame()!);
    expect(out.split('\n')).toHaveLength(4);
    expect(out).toContain('waiting for terraform...');
    expect(render(<LogStream lines={source(2)} top={0} height={4} width={30} theme={THEMES.mono} />).lastFrame()!.split('\n')).toHaveLength(4);
  });

  it('shows a ring buffer (the newest lines, after the dropped ones)', () => {
    const ring = new RingBuffer<string>(3);
    for (let i = 0; i < 10; i++) ring.push(`l${i}`);
    const out = render(<LogStream lines={ring} top={0} height={3} width={10} theme={THEMES.mono} />).lastFrame()!;
    expect(plain(out).split('\n').map((l) => l.trim())).toEqual(['l7', 'l8', 'l9']);
  });

  it('marks the current match and highlights the term', () => {
    const lines = { length: 3, at: (i: number) => ['apply_start a', 'tick 1', 'TICK 2'][i] };
    const out = render(<LogStream lines={lines} top={0} height={3} width={30} theme={THEMES.dark} search="tick" matchLine={2} />).lastFrame()!;
    const rows = out.split('\n');
    expect(plain(rows[2]!).startsWith('>')).toBe(true);
    expect(plain(rows[1]!).startsWith(' ')).toBe(true);
    expect(rows[0]).not.toMatch(/\u001b\[7m/);
    // The term is drawn inverse (SGR 7) where it occurs, in any case.
    expect(rows[1]).toMatch(/\u001b\[7m.*tick/);
    expect(rows[2]).toMatch(/\u001b\[7m.*TICK/);
  });

  it('highlightParts and windowTop', () => {
    expect(highlightParts('a Tick b tick', 'tick')).toEqual([
      { text: 'a ', hit: false },
      { text: 'Tick', hit: true },
      { text: ' b ', hit: false },
      { text: 'tick', hit: true },
    ]);
    expect(windowTop(100, 98, 10)).toBe(90);
    expect(windowTop(5, 3, 10)).toBe(0);
  });
});
