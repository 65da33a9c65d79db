// The drift screen (`:drift`): the cluster against the workspace's code in three sections
// (guests not in code, code with no guest, changed guests with each attribute's live and code
// value), a cursor on the rows, a filter; the lines and keys are driftModel.ts's.
import { Box, Text } from 'ink';
import { useConsole, useTheme } from '../app/ConsoleContext.js';
import type { Theme } from '../app/theme.js';
import { safeText } from '../util/terminalText.js';
import { clampCursor, driftFooter, driftLines, driftListRows, driftTitle, placeTop, type DriftTone } from './driftModel.js';

function toneColor(tone: DriftTone | undefined, theme: Theme): string | undefined {
  switch (tone) {
    case 'heading':
      return theme.heading;
    case 'columns':
    case 'dim':
      return theme.dim;
    case 'ok':
      return theme.ok;
    case 'warn':
      return theme.warn;
    case 'error':
      return theme.error;
    default:
      return undefined;
  }
}

export function DriftScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const view = useConsole((s) => s.drift);
  const all = driftLines(view);
  const page = driftListRows(height);
  const cursor = clampCursor(view?.cursor ?? 0, all.rows.length);
  const top = placeTop(all, cursor, view?.top ?? 0, page);
  const selected = all.rows[cursor];
  const shown = all.lines.slice(top, top + page);
  const report = view?.report;
  const titleColor = view?.running ? theme.accent : report === undefined ? theme.error : report.drift ? theme.warn : theme.ok;
  const body =
    report === undefined ? (
      <Text wrap="truncate" color={view?.error !== undefined && !view.running ? theme.error : theme.dim}>
        {view?.running !== false ? 'checking the cluster against the code...' : `the drift check could not run${view.error !== undefined ? `: ${safeText(view.error)}` : ''} (r tries again)`}
      </Text>
    ) : (
      shown.map((line, i) => {
        const at = top + i;
        const text = line.text === '' ? ' ' : line.text;
        if (at === selected) {
          return theme.selectedBg ? (
            <Text key={at} wrap="truncate" backgroundColor={theme.selectedBg} color={theme.selectedFg}>
              {text.padEnd(width)}
            </Text>
          ) : (
            <Text key={at} wrap="truncate" inverse>
              {text.padEnd(width)}
            </Text>
          );
        }
        return (
          <Text key={at} wrap="truncate" bold={line.tone === 'heading'} color={toneColor(line.tone, theme)}>
            {text}
          </Text>
        );
      })
    );
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold color={titleColor}>
        {driftTitle(view)}
      </Text>
      <Box flexDirection="column" height={page}>
        {body}
      </Box>
      <Text wrap="truncate" color={view?.error !== undefined ? theme.error : theme.dim}>
        {driftFooter(view) || ' '}
      </Text>
    </Box>
  );
}
