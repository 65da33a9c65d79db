import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { THEMES } from '../app/theme.js';
import type { OperationRun } from '../store/types.js';
import { elapsedText, panelLines, TasksPanel, type TasksPanelProps } from './TasksPanel.js';

afterEach(() => {
  cleanup();
});

const NOW = 1_000_000;
const run = (id: number, over: Partial<OperationRun> = {}): OperationRun => ({ id, label: `start VM ${100 + id} vm-${id}`, state: 'running', startedAt: NOW - 7_000, ...over });

const frame = (props: Partial<TasksPanelProps>): string[] =>
  (render(<TasksPanel runs={[]} now={NOW} width={80} height={6} theme={THEMES.mono} icons {...props} />).lastFrame() ?? '').split('\n');

describe('TasksPanel', () => {
  it('nothing to show (the panel asked for with T) says so', () => {
    const lines = frame({ runs: [] });
    expect(lines[0]).toBe('Tasks');
    expect(lines[1]).toBe('   no operations started from this console yet');
  });

  it('a running operation: spinner, label, elapsed time, and the newest log line', () => {
    const lines = frame({ runs: [run(1, { logTail: ['starting', 'waiting for the \u001b[31mguest\u001b[0m'] })] });
    expect(lines[0]).toBe('Tasks  1 running');
    expect(lines[1]).toMatch(/^ [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] start VM 101 vm-1 {2}7s {2}running$/);
    expect(lines[2]).toBe('     waiting for the guest');
    expect(lines.slice(3).every((l) => l.trim() === '')).toBe(true);
  });

  it('the spinner turns with the clock; ASCII without icons', () => {
    const a = frame({ runs: [run(1)], now: NOW })[1];
    const b = frame({ runs: [run(1)], now: NOW + 250 })[1];
    expect(a).not.toBe(b);
    expect(frame({ runs: [run(1)], icons: false })[1]).toMatch(/^ [-\\|/] start VM 101/);
  });

  it("the end: OK with the time it took, or PVE's error text with the last log lines", () => {
    const lines = frame({
      runs: [
        run(2, { state: 'failed', message: 'start failed: QEMU exited with code 1', endedAt: NOW - 1_000, logTail: ['a', 'b', 'kvm: no disk', 'TASK ERROR: start failed'] }),
        run(1, { state: 'done', exitStatus: 'OK', message: 'OK', startedAt: NOW - 65_000, endedAt: NOW - 60_000 }),
      ],
    });
    expect(lines[0]).toBe('Tasks  1 done, 1 failed');
    expect(lines[1]).toBe(' ✗ start VM 102 vm-2  6s  start failed: QEMU exited with code 1');
    expect(lines.slice(2, 5)).toEqual(['     b', '     kvm: no disk', '     TASK ERROR: start failed']);
    expect(lines[5]).toBe(' ✓ start VM 101 vm-1  5s  OK');
  });

  it('more runs than rows: the newest, then how many more', () => {
    const runs = [1, 2, 3, 4, 5, 6, 7].map((i) => run(i, { logTail: ['x'] }));
    const lines = frame({ runs });
    expect(lines).toHaveLength(6);
    expect(lines[4]).toMatch(/start VM 104/);
    expect(lines[5]).toBe('   +3 more');
  });

  it('untrusted text is cleaned (a guest name with escape sequences)', () => {
    const lines = frame({ runs: [run(1, { label: 'start VM 101 \u001b]0;pwned\u0007evil' })] });
    expect(lines.join('\n')).not.toMatch(/[\u001b\u0007]/);
    expect(lines[1]).toMatch(/start VM 101 evil/);
  });
});

describe('panel lines', () => {
  it('log lines go to running and failed runs while there is room, heads first', () => {
    const lines = panelLines([run(1, { logTail: ['r'] }), run(2, { state: 'failed', message: 'x', logTail: ['f1', 'f2', 'f3', 'f4'] }), run(3, { state: 'done', logTail: ['d'] })], 5);
    expect(lines.map((l) => (l.kind === 'head' ? `head ${l.run.id}` : l.kind === 'log' ? `log ${l.text}` : 'more'))).toEqual(['head 1', 'log r', 'head 2', 'log f4', 'head 3']);
  });

  it('elapsed time reads short', () => {
    expect(elapsedText(0)).toBe('0s');
    expect(elapsedText(59_999)).toBe('59s');
    expect(elapsedText(65_000)).toBe('1m05s');
    expect(elapsedText(3_720_000)).toBe('1h02m');
  });
});
