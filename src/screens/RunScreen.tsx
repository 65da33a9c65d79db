// A terraform run as it happens: one row per resource with its state and elapsed time (ticking
// while it applies), diagnostics with file:line and the source line, the change summary, and
// the log (readable lines, or with r the raw stream) following its end unless scrolled.
import { Box, Text } from 'ink';
import { useConsole, useTheme } from '../app/ConsoleContext.js';
import { LogStream } from '../components/LogStream.js';
import type { RunView } from '../store/types.js';
import { safeText } from '../util/terminalText.js';
import type { ResourceState } from '../workspace/runners/runState.js';
import { changesText } from '../workspace/runners/terraformEvents.js';
import { logTop, rowElapsed, rowsToShow, runLayout, shownLines } from './runScreenModel.js';
import type { Theme } from '../app/theme.js';

const STATE_MARK: Record<ResourceState, { icon: string; ascii: string }> = {
  refreshing: { icon: '⟳', ascii: '~' },
  unchanged: { icon: '·', ascii: '.' },
  planned: { icon: '○', ascii: 'o' },
  applying: { icon: '◐', ascii: '*' },
  done: { icon: '✓', ascii: '+' },
  failed: { icon: '✗', ascii: 'x' },
};

function stateColor(state: ResourceState, theme: Theme): string | undefined {
  return state === 'done' ? theme.ok : state === 'failed' ? theme.error : state === 'applying' ? theme.accent : state === 'planned' ? theme.warn : theme.dim;
}

const PHASE_TEXT: Record<RunView['phase'], string> = {
  planning: 'planning',
  confirm: 'waiting for your answer',
  applying: 'applying',
  stopping: 'stopping (terraform is finishing cleanly)',
  done: 'done',
  failed: 'failed',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
};

function phaseColor(run: RunView, theme: Theme): string | undefined {
  switch (run.phase) {
    case 'done':
      return theme.ok;
    case 'failed':
    case 'interrupted':
      return theme.error;
    case 'confirm':
    case 'stopping':
    case 'cancelled':
      return theme.warn;
    default:
      return theme.accent;
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text.padEnd(width);
}

export function RunScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const run = useConsole((s) => s.run);
  const icons = useConsole((s) => s.settings.icons);
  if (run === undefined) {
    return (
      <Box width={width} height={height}>
        <Text color={theme.dim}>No terraform run yet: :plan, :apply or :destroy in a workspace.</Text>
      </Box>
    );
  }
  // The router pages by the same layout (bodyRows of the frame is this height).
  const layout = runLayout(run, height);
  const lines = shownLines(run);
  const top = logTop(run, layout.log);
  const elapsed = Math.max(0, Math.round(((run.endedAt ?? run.now) - run.startedAt) / 1000));
  const rows = rowsToShow(run.state.rows, Math.max(0, layout.resources - 1));
  const addrWidth = Math.min(Math.max(12, ...run.state.rows.map((r) => r.addr.length)), Math.max(12, width - 40));
  const summary = run.state.summary ?? run.planSummary ?? run.state.planSummary;
  const counts = run.state.rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.state]: (acc[r.state] ?? 0) + 1 }), {});

  const diagLines: { text: string; color?: string | undefined; bold?: boolean }[] = [];
  for (const d of run.state.diagnostics) {
    const mark = d.severity === 'error' ? (icons ? '✗' : 'x') : '!';
    const color = d.severity === 'error' ? theme.error : theme.warn;
    diagLines.push({ text: `${mark} ${d.severity === 'error' ? 'Error' : 'Warning'}: ${safeText(d.summary)}${d.location ? `  ${safeText(d.location)}` : d.address ? `  ${safeText(d.address)}` : ''}`, color, bold: true });
    if (d.snippet) diagLines.push({ text: `  ${String(d.snippet.line).padStart(4)} | ${safeText(d.snippet.code)}`, color: theme.dim });
    const detail = d.detail.split('\n').find((l) => l.trim() !== '');
    if (detail) diagLines.push({ text: `    ${safeText(detail)}` });
  }
  const diagShown = layout.diagnostics > 0 ? diagLines.slice(0, layout.diagnostics - 1) : [];

  const searchText = run.search.typing ? `/${run.search.input}_` : run.search.term ? `search: ${run.search.term}${run.search.match !== undefined ? ` (line ${run.search.match + 1})` : ''}` : '';
  const dropped = lines.dropped ?? 0;
  const logInfo = `${run.showRaw ? 'raw log' : 'log'} ${lines.length} lines${dropped > 0 ? ` (${dropped} earlier dropped; all in the log file)` : ''}${run.follow ? '  following' : '  (f follows)'}`;

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold>
        <Text color={theme.heading}>{`${run.kind === 'validate' ? run.kind : run.kind === 'ansible' ? `ansible-playbook ${safeText(run.playbook ?? '')}` : `terraform ${run.kind}`} in ${safeText(run.name)}`}</Text>
        {'  '}
        <Text color={phaseColor(run, theme)}>{(run.kind === 'validate' || run.kind === 'ansible') && run.phase === 'planning' ? (run.kind === 'ansible' ? 'running' : 'checking') : PHASE_TEXT[run.phase]}</Text>
        <Text color={theme.dim}>{`  ${elapsed}s${summary ? `  Plan: ${changesText(summary)}` : ''}`}</Text>
      </Text>
      {layout.question > 0 && run.question ? (
        <Box flexDirection="column">
          {run.question.lines.map((l, i) => (
            <Text key={i} wrap="truncate" bold color={i === 0 ? (run.question!.risk === 'critical' ? theme.error : theme.warn) : undefined}>
              {safeText(l)}
            </Text>
          ))}
          <Text wrap="truncate" color={theme.accent}>
            {run.question.risk === 'critical' ? `> ${safeText(run.question.typed)}_  (Enter confirms, Esc cancels)` : 'y applies, n or Esc cancels'}
          </Text>
        </Box>
      ) : null}
      {layout.resources > 0 ? (
        <Box flexDirection="column">
          <Text wrap="truncate" bold color={theme.heading}>
            {`Resources (${run.state.rows.length})  ${Object.entries(counts)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}`}
          </Text>
          {rows.map((r) => (
            <Text key={r.addr} wrap="truncate">
              <Text color={stateColor(r.state, theme)}>{` ${icons ? STATE_MARK[r.state].icon : STATE_MARK[r.state].ascii} ${pad(r.state, 10)}`}</Text>
              {` ${pad(safeText(r.addr), addrWidth)}  ${pad(r.action ?? '', 8)} ${pad(rowElapsed(r, run.now), 7)}`}
              <Text color={theme.dim}>{r.lastOutput ? ` ${safeText(r.lastOutput)}` : r.id ? ` id=${safeText(r.id)}` : ''}</Text>
            </Text>
          ))}
        </Box>
      ) : null}
      {diagShown.length > 0 ? (
        <Box flexDirection="column">
          <Text wrap="truncate" bold color={theme.error}>{`Diagnostics (${run.state.errors} error${run.state.errors === 1 ? '' : 's'}, ${run.state.warnings} warning${run.state.warnings === 1 ? '' : 's'})`}</Text>
          {diagShown.map((l, i) => (
            <Text key={i} wrap="truncate" color={l.color} bold={l.bold === true}>
              {l.text}
            </Text>
          ))}
        </Box>
      ) : null}
      <Text wrap="truncate" color={run.phase === 'failed' || run.phase === 'interrupted' ? theme.error : theme.dim}>
        {searchText ? `${searchText}  ` : ''}
        {logInfo}
        {run.message ? `  ${safeText(run.message)}` : ''}
      </Text>
      <LogStream lines={lines} top={top} height={layout.log} width={width} theme={theme} search={run.search.term} {...(run.search.match !== undefined ? { matchLine: run.search.match } : {})} empty="waiting for terraform..." />
    </Box>
  );
}
