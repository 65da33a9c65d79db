import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { THEMES } from '../app/theme.js';
import { TextView } from './TextView.js';

afterEach(() => {
  cleanup();
});

const text = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `line ${i}` }));

describe('TextView', () => {
  it('shows the window from top, clamped to the end', () => {
    const frame = (top: number) => render(<TextView lines={text(10)} top={top} height={3} width={20} theme={THEMES.mono} />).lastFrame()!.split('\n');
    expect(frame(0)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(frame(4)).toEqual(['line 4', 'line 5', 'line 6']);
    expect(frame(99)).toEqual(['line 7', 'line 8', 'line 9']);
  });

  it('is always as tall as its height, whatever the number of lines', () => {
    for (const count of [0, 1, 3, 4, 5, 8]) {
      const out = render(<TextView lines={text(count)} top={0} height={5} width={20} theme={THEMES.mono} />).lastFrame()!;
      expect(out.split('\n')).toHaveLength(5);
    }
  });
});
