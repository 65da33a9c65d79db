// A task's log, read while it runs: follows the end unless the user scrolls up.
import { Box, Text } from 'ink';
import { useConsole, useKeymap, useTheme } from '../app/ConsoleContext.js';
import { textRows } from '../app/layout.js';
import { TextView } from '../components/TextView.js';
import { isUpid, parseUpid } from '../proxmox/upid.js';
import { currentRoute, tasksPanelShown } from '../store/selectors.js';
import { safeText } from '../util/terminalText.js';
import { NO_LINES, textLinesFor } from './textContent.js';

export function TaskLogScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const keymap = useKeymap();
  const route = useConsole(currentRoute);
  const size = useConsole((s) => s.size);
  const tasksPanel = useConsole(tasksPanelShown);
  const log = useConsole((s) => s.data.taskLog);
  const lines = useConsole((s) => textLinesFor(s, keymap) ?? NO_LINES);
  const scroll = useConsole((s) => s.textScroll);
  if (route.screen !== 'taskLog') return null;
  const upid = isUpid(route.upid) ? parseUpid(route.upid) : undefined;
  const bodyHeight = textRows('taskLog', size, tasksPanel);
  const top = log?.follow ? Math.max(0, lines.length - bodyHeight) : scroll;
  const state = log === undefined ? 'loading' : log.running ? 'running' : (log.exitStatus ?? 'finished');
  const color = state === 'running' ? theme.accent : state === 'OK' ? theme.ok : /^WARN/.test(state) ? theme.warn : theme.error;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold>
        <Text color={theme.heading}>{`Task ${safeText(upid?.type ?? '')} ${safeText(upid?.id ?? '')} on ${safeText(route.node)}`}</Text>
        {'  '}
        <Text color={color}>{safeText(state)}</Text>
        <Text color={theme.dim}>{`  ${lines.length} lines${log?.follow ? '  following (f stops)' : '  (f follows, G end)'}`}</Text>
      </Text>
      <TextView lines={lines} top={top} height={bodyHeight} width={width} theme={theme} />
    </Box>
  );
}
