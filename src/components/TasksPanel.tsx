// The operations started from the console, above the status bar: a spinner and the time
// running with the newest line of the task's log; at the end OK, or PVE's error text with the
// last lines of the log. Props only; the caller passes the clock.
import { Box, Text } from 'ink';
import type { Theme } from '../app/theme.js';
import type { OperationRun } from '../store/types.js';
import { safeText } from '../util/terminalText.js';

export interface TasksPanelProps {
  /** Newest first. */
  runs: readonly OperationRun[];
  /** Epoch ms: running times count from it (and the spinner turns with it). */
  now: number;
  width: number;
  /** Rows, the title line included. */
  height: number;
  theme: Theme;
  /** false: ASCII marks instead of symbols. */
  icons: boolean;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ASCII_SPINNER = ['-', '\\', '|', '/'];
/** How fast the spinner turns (the caller's clock may tick slower: it then turns slower). */
export const SPINNER_MS = 250;
/** Log lines a failed run shows under it (when the panel has room). */
const FAILED_LOG_LINES = 3;

/** `7s`, `1m05s`, `1h02m`. */
export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

type Line = { key: string; kind: 'head'; run: OperationRun } | { key: string; kind: 'log'; text: string; failed: boolean } | { key: string; kind: 'more'; count: number };

/** Which lines fit in `rows`: a head line per run (newest first), then log lines for running
 * (the newest line) and failed runs (the last few), in that order, while there is room. */
export function panelLines(runs: readonly OperationRun[], rows: number): Line[] {
  if (rows <= 0 || runs.length === 0) return [];
  const fit = runs.length > rows ? rows - 1 : runs.length;
  const shown = runs.slice(0, fit);
  let spare = rows - fit - (runs.length > fit ? 1 : 0);
  const logs = new Map<number, string[]>();
  for (const run of shown) {
    if (spare <= 0) break;
    const tail = run.logTail ?? [];
    const want = run.state === 'running' ? tail.slice(-1) : run.state === 'failed' ? tail.slice(-FAILED_LOG_LINES) : [];
    const take = want.slice(Math.max(0, want.length - spare));
    if (take.length) logs.set(run.id, take);
    spare -= take.length;
  }
  const lines: Line[] = [];
  for (const run of shown) {
    lines.push({ key: `h${run.id}`, kind: 'head', run });
    (logs.get(run.id) ?? []).forEach((text, i) => lines.push({ key: `l${run.id}.${i}`, kind: 'log', text, failed: run.state === 'failed' }));
  }
  if (runs.length > fit) lines.push({ key: 'more', kind: 'more', count: runs.length - fit });
  return lines;
}

function Head({ run, now, theme, icons }: { run: OperationRun; now: number; theme: Theme; icons: boolean }) {
  const frames = icons ? SPINNER : ASCII_SPINNER;
  const mark = run.state === 'running' ? frames[Math.floor(now / SPINNER_MS) % frames.length]! : run.state === 'done' ? (icons ? '✓' : '+') : icons ? '✗' : 'x';
  const color = run.state === 'running' ? theme.accent : run.state === 'done' ? theme.ok : theme.error;
  const took = elapsedText((run.endedAt ?? now) - run.startedAt);
  const outcome = run.state === 'running' ? 'running' : run.state === 'done' ? safeText(run.exitStatus ?? run.message ?? 'done') : safeText(run.message ?? run.exitStatus ?? 'failed');
  return (
    <Text wrap="truncate">
      {' '}
      <Text color={color}>{mark}</Text> {safeText(run.label)}
      <Text color={theme.dim}>{`  ${took}  `}</Text>
      <Text color={color} bold={run.state !== 'running'}>
        {outcome}
      </Text>
    </Text>
  );
}

export function TasksPanel({ runs, now, width, height, theme, icons }: TasksPanelProps) {
  if (height <= 0) return null;
  if (runs.length === 0) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text wrap="truncate" color={theme.heading} bold>
          Tasks
        </Text>
        <Text wrap="truncate" color={theme.dim}>
          {'   no operations started from this console yet'}
        </Text>
      </Box>
    );
  }
  const running = runs.filter((r) => r.state === 'running').length;
  const failed = runs.filter((r) => r.state === 'failed').length;
  const done = runs.length - running - failed;
  const counts = [running ? `${running} running` : '', done ? `${done} done` : '', failed ? `${failed} failed` : ''].filter(Boolean).join(', ');
  const lines = panelLines(runs, height - 1);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" color={theme.heading} bold>
        {`Tasks  `}
        <Text color={theme.dim} bold={false}>
          {counts}
        </Text>
      </Text>
      {lines.map((line) =>
        line.kind === 'head' ? (
          <Head key={line.key} run={line.run} now={now} theme={theme} icons={icons} />
        ) : line.kind === 'log' ? (
          <Text key={line.key} wrap="truncate" color={line.failed ? theme.error : theme.dim}>
            {`     ${safeText(line.text)}`}
          </Text>
        ) : (
          <Text key={line.key} wrap="truncate" color={theme.dim}>
            {`   +${line.count} more`}
          </Text>
        ),
      )}
    </Box>
  );
}
