import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { THEMES } from '../app/theme.js';
import { StatusBar, type StatusBarProps } from './StatusBar.js';

afterEach(() => {
  cleanup();
});

const base: StatusBarProps = {
  mode: 'normal',
  input: '',
  hints: [
    { key: 'enter', label: 'open' },
    { key: '/', label: 'filter' },
    { key: '?', label: 'help' },
  ],
  width: 100,
  theme: THEMES.mono,
};

const lines = (props: Partial<StatusBarProps> = {}): string[] => (render(<StatusBar {...base} {...props} />).lastFrame() ?? '').split('\n');

describe('StatusBar', () => {
  it('normal mode: the mode, then the key hints', () => {
    const [first, second, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(first).toBe(' NORMAL');
    expect(second).toBe('<enter> open  </> filter  <?> help');
  });

  it('palette and filter modes show the prompt and what is typed', () => {
    expect(lines({ mode: 'palette', input: 'vm web' })[0]).toBe(' CMD  :vm web');
    expect(lines({ mode: 'filter', input: 'node:pve1' })[0]).toBe(' FILTER  /node:pve1');
  });

  it('shows a pending count, a message and running tasks', () => {
    const [first] = lines({ pending: '5', message: { text: 'sorted by name', level: 'info' }, tasks: '2 tasks running' });
    expect(first).toBe(' NORMAL  5  sorted by name  2 tasks running');
  });

  it('truncates to its width', () => {
    const out = lines({ width: 20, message: { text: 'x'.repeat(100), level: 'error' } });
    for (const l of out) expect(Array.from(l).length).toBeLessThanOrEqual(20);
  });
});
